package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/shipment"
)

// shipmentLine is one line of `dadan shipments --json`.
type shipmentLine struct {
	TrackingNo string `json:"tracking_no"`
	Order      string `json:"order"`
	Carrier    string `json:"carrier"`
	State      string `json:"state"`
	UpdatedAt  string `json:"updated_at"`
}

// runShipments lists the shipments in tracking-number order.
func runShipments(ctx context.Context, args []string, e *env) int {
	fs := newFlags("shipments", e)
	db := dbFlag(fs)
	state := fs.String("state", "", "only shipments in `STATE`: created, waybill_allocated, label_printed, packed, handed_over, in_transit, out_for_delivery, delivered, voided, exception, returned")
	carrier := fs.String("carrier", "", "only shipments of courier `CODE`")
	asJSON := fs.Bool("json", false, "one JSON line per shipment")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	f := shipment.Filter{Carrier: *carrier, Limit: 500}
	if *state != "" {
		st := shipment.State(*state)
		if !st.Valid() {
			e.errorf("shipments: unknown state %q", *state)
			return exitUsage
		}
		f.States = []shipment.State{st}
	}
	store, closer, ok := openDB(ctx, e, "shipments", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	if _, err := shipment.Sync(ctx, store, store, time.Now()); err != nil {
		e.errorf("shipments: %v", err)
		return exitRefused
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		shs, err := store.ListShipments(ctx, f)
		if err != nil {
			out.Flush()
			e.errorf("shipments: %v", err)
			return exitRefused
		}
		for _, sh := range shs {
			l := shipmentLine{TrackingNo: sh.TrackingNo, Order: sh.OrderID, Carrier: sh.Carrier, State: string(sh.State),
				UpdatedAt: sh.UpdatedAt.Format(time.RFC3339)}
			if *asJSON {
				enc.Encode(l)
				continue
			}
			fmt.Fprintf(out, "%-20s %-22s %-6s %-17s %s\n", l.TrackingNo, l.Order, l.Carrier, l.State, l.UpdatedAt)
		}
		if len(shs) < f.Limit {
			return exitOK
		}
		f.After = shs[len(shs)-1].TrackingNo
	}
}
