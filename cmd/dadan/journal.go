package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// eventLine is one line of `dadan journal --json`.
type eventLine struct {
	Seq    uint64 `json:"seq"`
	Time   string `json:"time"`
	Actor  string `json:"actor"`
	Order  string `json:"order"`
	Action string `json:"action"`
	From   string `json:"from"`
	To     string `json:"to"`
	Detail string `json:"detail"`
}

// runJournal prints the journal in sequence order.
func runJournal(ctx context.Context, args []string, e *env) int {
	fs := newFlags("journal", e)
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "one JSON line per event")
	orderID := fs.String("order", "", "only the events of order `ID`")
	after := fs.Uint64("after", 0, "only events after sequence number `N`")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	store, closer, ok := openDB(ctx, e, "journal", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for ev, err := range store.Journal(ctx, *after) {
		if err != nil {
			out.Flush()
			e.errorf("journal: %v", err)
			return exitRefused
		}
		if *orderID != "" && ev.OrderID != *orderID {
			continue
		}
		l := eventLine{Seq: ev.Seq, Time: ev.Time.Format(time.RFC3339Nano), Actor: ev.Actor, Order: ev.OrderID,
			Action: string(ev.Action), From: string(ev.From), To: string(ev.To), Detail: readableText(ctx, ev.Detail)}
		if *asJSON {
			if err := enc.Encode(l); err != nil {
				return exitRefused
			}
			continue
		}
		fmt.Fprintf(out, "%6d %s %-10s %-20s %-9s %s→%s %s\n", l.Seq, ev.Time.Format("2006-01-02 15:04:05"), l.Actor, l.Order, l.Action, l.From, l.To, l.Detail)
	}
	return exitOK
}
