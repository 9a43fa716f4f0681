package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/shipment"
)

// verifyLine is one line of `dadan verify --json`.
type verifyLine struct {
	TrackingNo string          `json:"tracking_no"`
	Order      string          `json:"order"`
	Result     string          `json:"result"`
	Missing    []shipment.Line `json:"missing"`
	Extra      []shipment.Line `json:"extra"`
	Reason     string          `json:"reason,omitempty"`
}

// runVerify checks parcels before packing: scans on standard input, one per line.
func runVerify(ctx context.Context, args []string, e *env) int {
	fs := newFlags("verify", e)
	db := dbFlag(fs)
	asJSON := fs.Bool("json", false, "one JSON line per parcel")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: dadan verify --db PATH [--json] < scans\n\n"+
			"Scans, one per line as a scanner types them: a waybill number opens a parcel, item\n"+
			"barcodes or SKUs count its items, the next waybill number or a line \".\" closes it;\n"+
			"\"w:1234\" is the scale's reading in grams. Exit 0 only when every parcel is ok.")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	store, closer, ok := openDB(ctx, e, "verify", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	ctx = withActor(ctx)
	if _, err := shipment.Sync(ctx, store, store, time.Now()); err != nil {
		e.errorf("verify: %v", err)
		return exitRefused
	}
	v, err := shipment.NewVerifier(shipment.VerifyOptions{Orders: store, Shipments: store,
		Labels: dadan.JobLabels(store), Actor: access.Actor(ctx), Authorizer: authorizer(ctx)})
	if err != nil {
		e.errorf("verify: %v", err)
		return exitRefused
	}
	// Closing with no parcel open only asks whether the user may verify.
	if _, err := v.Close(ctx); err != nil {
		if code, ok := refusal(e, err); ok {
			return code
		}
		e.errorf("verify: %v", err)
		return exitRefused
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	code := exitOK
	report := func(r *shipment.Result) error {
		if r == nil {
			return nil
		}
		if r.Outcome != shipment.OK {
			code = exitRefused
		}
		if *asJSON {
			return enc.Encode(verifyLine{TrackingNo: r.TrackingNo, Order: r.OrderID, Result: string(r.Outcome),
				Missing: r.Missing, Extra: r.Extra, Reason: readableText(ctx, r.Reason)})
		}
		fmt.Fprintf(out, "%-8s %-20s %-20s", r.Outcome, r.TrackingNo, r.OrderID)
		for _, l := range r.Missing {
			fmt.Fprintf(out, " -%s×%d", l.SKU, l.Qty)
		}
		for _, l := range r.Extra {
			fmt.Fprintf(out, " +%s×%d", l.SKU, l.Qty)
		}
		if r.Reason != "" {
			fmt.Fprintf(out, " (%s)", readableText(ctx, r.Reason))
		}
		_, err := fmt.Fprintln(out)
		return err
	}
	err = eachLine(e.stdin, shipment.MaxScan+1, func(line string) error {
		r, err := v.Scan(ctx, line)
		if rerr := report(r); err == nil {
			err = rerr
		}
		out.Flush() // a packer watches each parcel's verdict
		return err
	})
	if err == nil {
		var r *shipment.Result
		r, err = v.Close(ctx)
		if rerr := report(r); err == nil {
			err = rerr
		}
	}
	if err != nil {
		out.Flush()
		if code, ok := refusal(e, err); ok {
			return code
		}
		e.errorf("verify: %s", readableText(ctx, err.Error()))
		return exitRefused
	}
	return code
}

// eachLine calls fn with each line of r, without its line ending. A line longer
// than max bytes is cut to max+1 bytes (so the callee can tell it was too
// long) and the rest of it is skipped without being held in memory.
func eachLine(r io.Reader, max int, fn func(string) error) error {
	br := bufio.NewReaderSize(r, max+1)
	for {
		b, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			line := string(b)
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if ferr := fn(line); ferr != nil {
				return ferr
			}
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			continue
		}
		if len(b) > 0 {
			if ferr := fn(strings.TrimRight(string(b), "\r\n")); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
