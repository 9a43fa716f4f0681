package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/order"
)

// amendLine is the output of `dadan amend --json`.
type amendLine struct {
	Order         string `json:"order"`
	Action        string `json:"action"`
	Status        string `json:"status"`
	OldTrackingNo string `json:"old_tracking_no,omitempty"`
	NewTrackingNo string `json:"new_tracking_no,omitempty"`
	Warning       string `json:"warning,omitempty"`
}

// runAmend changes an order's recipient at the customer's request, acting by
// the order's state.
func runAmend(ctx context.Context, args []string, e *env) int {
	fs := newFlags("amend", e)
	db := dbFlag(fs)
	id := fs.String("order", "", "order `ID`")
	file := fs.String("recipient", "", "`FILE` holding the new recipient object of the order JSON")
	reason := fs.String("reason", "", "why (journaled)")
	asJSON := fs.Bool("json", false, "print the outcome as one JSON line")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: dadan amend --db PATH --order ID --recipient FILE --reason TEXT [--json]\n\n"+
			"Before printing the order is changed and reviewed again. After printing and before\n"+
			"handover its waybill number is voided, a new one taken (test numbers, as dadan print\n"+
			"gives), and the next 'dadan print --db' prints the documents again, marked; the old label\n"+
			"is blocked at 'dadan verify'. After handover the carrier must intercept the parcel.")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *id == "" || *file == "" || *reason == "" {
		e.errorf("amend: --order, --recipient and --reason are required")
		return exitUsage
	}
	b, err := os.ReadFile(*file)
	if err != nil {
		e.errorf("amend: %v", err)
		return exitUsage
	}
	to, err := parseRecipient(b)
	if err != nil {
		e.errorf("amend: %s: %s", *file, readableText(ctx, err.Error()))
		return exitRefused
	}
	store, closer, ok := openDB(ctx, e, "amend", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	st, err := dadan.New(&dadan.Options{Store: store, Carrier: dadan.TestCarrierOn(store), Authorizer: authorizer(ctx)})
	if err != nil {
		e.errorf("amend: %v", err)
		return exitRefused
	}
	res, err := st.Amend(withActor(ctx), *id, to, *reason, nil)
	if code, ok := refusal(e, err); ok {
		return code
	}
	// Errors and warnings may quote the new recipient.
	newTo := &order.Order{Recipient: to}
	if err != nil {
		e.errorf("amend: %s", readableTextOf(ctx, newTo, err.Error()))
		return exitRefused
	}
	res.Warning = readableTextOf(ctx, newTo, res.Warning)
	if res.Warning != "" {
		e.errorf("amend: %s", res.Warning)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.Encode(amendLine{Order: res.OrderID, Action: string(res.Action), Status: string(res.Status),
			OldTrackingNo: res.OldTrackingNo, NewTrackingNo: res.NewTrackingNo, Warning: res.Warning})
		return exitOK
	}
	switch res.Action {
	case dadan.AmendRelabelled:
		fmt.Fprintf(e.stdout, "%s: waybill %s voided, %s allocated; run 'dadan print --db' to print the new documents\n",
			res.OrderID, res.OldTrackingNo, res.NewTrackingNo)
	case dadan.AmendIntercepted:
		fmt.Fprintf(e.stdout, "%s: intercept of %s requested\n", res.OrderID, res.OldTrackingNo)
	default:
		fmt.Fprintf(e.stdout, "%s: recipient changed, reviewed again: %s\n", res.OrderID, res.Status)
	}
	return exitOK
}

// parseRecipient reads a recipient object of the order JSON with the order
// codec, so its rules (and unknown fields) are the same as in an order.
func parseRecipient(b []byte) (order.Party, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' {
		return order.Party{}, errors.New("want a JSON object such as {\"name\":…,\"phone\":…,\"province\":…,\"address\":…}")
	}
	doc := append(append([]byte(`{"id":"amend","recipient":`), b...), '}')
	var o order.Order
	if err := order.Unmarshal(doc, &o); err != nil {
		return order.Party{}, err
	}
	return o.Recipient, nil
}
