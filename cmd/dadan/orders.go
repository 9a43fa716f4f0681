package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dadanhq/dadan/order"
)

// orderLine is one line of `dadan orders --json`.
type orderLine struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Platform   string `json:"platform"`
	TrackingNo string `json:"tracking_no"`
}

// runOrders lists the stored orders in paid-at order, or prints one whole.
func runOrders(ctx context.Context, args []string, e *env) int {
	fs := newFlags("orders", e)
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "one JSON line per order")
	status := fs.String("status", "", "only orders in `STATUS`: received, approved, on_hold, rejected, printed, verified, shipped, cancelled")
	one := fs.String("order", "", "print order `ID` whole, as order JSON")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	var statuses []order.Status
	if *status != "" {
		st := order.Status(*status)
		if !st.Valid() {
			e.errorf("orders: unknown status %q", *status)
			return exitUsage
		}
		statuses = append(statuses, st)
	}
	store, closer, ok := openDB(ctx, e, "orders", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	if *one != "" {
		o, err := store.GetOrder(ctx, *one)
		if err != nil {
			e.errorf("orders: %v", err)
			if errors.Is(err, order.ErrNotFound) {
				return exitRefused
			}
			return exitRefused
		}
		out.Write(order.AppendJSON(nil, readable(ctx, o)))
		out.WriteByte('\n')
		return exitOK
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for o, err := range store.ListOrders(ctx, statuses...) {
		if err != nil {
			out.Flush()
			e.errorf("orders: %v", err)
			return exitRefused
		}
		l := orderLine{ID: o.ID, Status: string(o.Status), Platform: string(o.Platform)}
		if o.Waybill != nil {
			l.TrackingNo = o.Waybill.TrackingNo
		}
		if *asJSON {
			if err := enc.Encode(l); err != nil {
				return exitRefused
			}
			continue
		}
		fmt.Fprintf(out, "%-22s %-10s %-9s %s\n", l.ID, l.Status, l.Platform, l.TrackingNo)
	}
	return exitOK
}
