package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/retention"
)

// retentionLine is one order of `dadan retention --json`.
type retentionLine struct {
	Order       string   `json:"order"`
	Erased      []string `json:"erased,omitempty"`
	Held        string   `json:"held,omitempty"`
	DeliveredAt string   `json:"delivered_at,omitempty"`
	CancelledAt string   `json:"cancelled_at,omitempty"`
}

// retentionSummary is the last line of `dadan retention --json`.
type retentionSummary struct {
	DryRun  bool `json:"dry_run"`
	Days    int  `json:"days"`
	Checked int  `json:"checked"`
	Erased  int  `json:"erased"`
	Already int  `json:"already"`
	Held    int  `json:"held"`
}

// runRetention erases the personal data of orders delivered or cancelled more
// than --days days ago (package retention), or with --dry-run lists them.
func runRetention(ctx context.Context, args []string, e *env) int {
	fs := newFlags("retention", e)
	db := dbFlag(fs)
	days := fs.Int("days", 0, "keep personal data `N` days after delivery or cancellation (required, at least 1)")
	dry := fs.Bool("dry-run", false, "list what would be erased and change nothing")
	asJSON := fs.Bool("json", false, "one JSON line per order, then a summary line")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: dadan retention --db PATH --days N [--dry-run] [--json]\n\n"+
			"Erases the recipient's name, phone and address, the buyer's nick and remark, and their\n"+
			"copies in print jobs, shipments, tracking texts, courier problems and inspections, of every order\n"+
			"delivered or cancelled more than N days ago. The order keeps its id, items, money,\n"+
			"carrier, tracking number and status; the journal records each erasure, naming the\n"+
			"fields. An order with a parcel still on its way or an open courier problem is held\n"+
			"for a later run. Running it again erases nothing more.")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *days < 1 {
		e.errorf("retention: --days N is required, at least 1")
		return exitUsage
	}
	store, closer, ok := openDB(ctx, e, "retention", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	st, err := dadan.New(&dadan.Options{Store: store})
	if err != nil {
		e.errorf("retention: %v", err)
		return exitRefused
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	report := func(x retention.Erasure) error {
		at := x.At.UTC().Format(time.RFC3339)
		if *asJSON {
			l := retentionLine{Order: x.OrderID, Erased: x.Fields, Held: x.Held}
			if x.Reason == retention.Cancelled {
				l.CancelledAt = at
			} else {
				l.DeliveredAt = at
			}
			if l.Erased == nil && l.Held == "" {
				l.Erased = []string{}
			}
			return enc.Encode(l)
		}
		if x.Held != "" {
			_, err := fmt.Fprintf(e.stdout, "%s\theld\t%s %s\t%s\n", x.OrderID, x.Reason, at, x.Held)
			return err
		}
		verb := "erased"
		if *dry {
			verb = "would erase"
		}
		_, err := fmt.Fprintf(e.stdout, "%s\t%s\t%s %s\t%s\n", x.OrderID, verb, x.Reason, at, strings.Join(x.Fields, " "))
		return err
	}
	sum, err := st.Retain(withActor(ctx), *days, &retention.RunOptions{DryRun: *dry, OnErase: report})
	if err != nil {
		e.errorf("retention: %v", err)
		return exitRefused
	}
	if *asJSON {
		enc.Encode(retentionSummary{DryRun: *dry, Days: *days, Checked: sum.Checked, Erased: sum.Erased, Already: sum.Already, Held: sum.Held})
		return exitOK
	}
	verb := "erased"
	if *dry {
		verb = "would erase"
	}
	fmt.Fprintf(e.stdout, "%d orders past %d days: %s %d, erased before %d, held %d\n", sum.Checked, *days, verb, sum.Erased, sum.Already, sum.Held)
	return exitOK
}
