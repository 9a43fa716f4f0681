package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"

	"github.com/dadanhq/dadan/printer"
)

// jobLine is one line of `dadan jobs --json`.
type jobLine struct {
	ID       string `json:"id"`
	Order    string `json:"order"`
	Kind     string `json:"kind"`
	Printer  string `json:"printer"`
	State    string `json:"state"`
	Attempts int    `json:"attempts"`
	Reprint  bool   `json:"reprint"`
	Reason   string `json:"reason"`
	Prints   int    `json:"prints"`
	Error    string `json:"error,omitempty"`
}

// kindName is the command line's name of a document kind.
func kindName(k printer.DocKind) string {
	for name, d := range docKinds {
		if d == k {
			return name
		}
	}
	return string(k)
}

// runJobs lists the print jobs in the database, in queue order.
func runJobs(ctx context.Context, args []string, e *env) int {
	fs := newFlags("jobs", e)
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "one JSON line per job")
	state := fs.String("state", "", "only jobs in `STATE`: queued, sending, printed, sent, unconfirmed, failed, cancelled")
	orderID := fs.String("order", "", "only the jobs of order `ID`")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	f := printer.JobFilter{Order: *orderID, Limit: 1000}
	if *state != "" {
		f.States = []printer.JobState{printer.JobState(*state)}
	}
	store, closer, ok := openDB(ctx, e, "jobs", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		js, err := store.Jobs(ctx, f)
		if err != nil {
			out.Flush()
			e.errorf("jobs: %v", err)
			return exitRefused
		}
		for _, j := range js {
			f.AfterSeq = j.Seq
			l := jobLine{ID: j.ID, Order: j.Key.Order, Kind: kindName(j.Key.Doc), Printer: j.Printer, State: string(j.State),
				Attempts: j.Attempts, Reprint: j.Reprint, Reason: readableText(ctx, j.ReprintReason), Prints: j.PrintCount}
			if !j.State.Done() {
				l.Error = j.LastError
			}
			if *asJSON {
				if err := enc.Encode(l); err != nil {
					return exitRefused
				}
				continue
			}
			mark := ""
			if l.Reprint {
				mark = "reprint: " + l.Reason
			}
			fmt.Fprintf(out, "%-8s %-20s %-8s %-12s %d  %s  %s\n", l.ID, l.Order, l.Kind, l.State, l.Attempts, l.Printer, mark)
		}
		if len(js) < f.Limit {
			return exitOK
		}
	}
}
