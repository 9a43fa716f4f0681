package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/order"
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
	verify := fs.Bool("verify", false, "check the journal's hash chain: exit 1 and print the first bad sequence number if an event was edited, removed or reordered")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	store, closer, ok := openDB(ctx, e, "journal", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	if *verify {
		return verifyJournal(ctx, e, store, *asJSON)
	}
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

// verifyJournal checks the hash chain of the whole journal ([order.VerifyStore]).
// It prints "ok SEQ HASH" (the head), or "tampered SEQ REASON" with the first bad
// sequence number and exits 1.
func verifyJournal(ctx context.Context, e *env, store order.Store, asJSON bool) int {
	head, err := order.VerifyStore(ctx, store)
	var te *order.TamperError
	if err != nil && !errors.As(err, &te) {
		e.errorf("journal: %v", err)
		return exitRefused
	}
	type result struct {
		OK     bool   `json:"ok"`
		Seq    uint64 `json:"seq"`
		Hash   string `json:"hash,omitempty"`
		Reason string `json:"reason,omitempty"`
	}
	r := result{OK: te == nil, Seq: head.Seq, Hash: head.Hash}
	if te != nil {
		r = result{Seq: te.Seq, Reason: te.Reason}
		e.errorf("journal: %v", err)
	}
	switch {
	case asJSON:
		b, _ := json.Marshal(r)
		fmt.Fprintf(e.stdout, "%s\n", b)
	case r.OK:
		fmt.Fprintf(e.stdout, "ok %d %s\n", r.Seq, r.Hash)
	default:
		fmt.Fprintf(e.stdout, "tampered %d %s\n", r.Seq, r.Reason)
	}
	if !r.OK {
		return exitRefused
	}
	return exitOK
}
