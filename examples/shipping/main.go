// Shipping follows the built-in sample orders past the printer: it prints their
// waybills to files, checks each parcel by scans before packing (one packer
// forgets an item), changes one buyer's address after printing (the waybill is
// voided and printed again), hands the ZTO parcels over with a manifest (CSV,
// and a PDF when a Chinese font is installed), takes in a kuaidi100 tracking
// push through the HTTP handler, reports a lost parcel, claims for it, and
// prints the per-carrier analysis. Everything runs in memory and in a temporary
// directory.
//
// Its eight orders ship beside this file (orders.jsonl) and are compiled in, so a
// copy of this directory runs in any module.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/pdf"
	"github.com/dadanhq/dadan/label/zpl"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/file"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/shipment/manifest"
	"github.com/dadanhq/dadan/store/memstore"
)

//go:embed orders.jsonl
var exampleOrders []byte

func main() {
	if err := run(); err != nil {
		log.Fatal(err)
	}
}

func run() error {
	ctx := access.NewContext(context.Background(), access.Principal{ID: "packer-3"})
	dir, err := os.MkdirTemp("", "dadan-shipping-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	// A station printing ZPL waybills to files, with offline test numbers.
	store := memstore.New()
	if err := os.Mkdir(filepath.Join(dir, "labels"), 0o755); err != nil {
		return err
	}
	labels, err := file.Open(filepath.Join(dir, "labels"), nil)
	if err != nil {
		return err
	}
	waybill, err := label.Standard("waybill-76x130")
	if err != nil {
		return err
	}
	zr, err := zpl.New(nil)
	if err != nil {
		return err
	}
	st, err := dadan.New(&dadan.Options{Store: store, Carrier: dadan.TestCarrier(),
		Printers:  map[string]printer.Printer{"zebra": labels},
		Routes:    map[printer.DocKind]string{printer.Waybill: "zebra"},
		Documents: []dadan.Document{{Kind: printer.Waybill, Template: waybill, Renderer: zr}}})
	if err != nil {
		return err
	}
	if _, err := st.Ingest(ctx, bytes.NewReader(exampleOrders), nil); err != nil {
		return err
	}
	if _, err := st.PrintAll(ctx); err != nil {
		return err
	}
	if _, err := shipment.Sync(ctx, store, store, time.Now()); err != nil {
		return err
	}
	var printed []*order.Order
	for o, err := range store.ListOrders(ctx, order.Printed) {
		if err != nil {
			return err
		}
		printed = append(printed, o)
	}
	fmt.Println("printed:", len(printed), "orders")

	// A buyer changes the address after printing: the number is voided and
	// the waybill printed again with a new one.
	moved := printed[len(printed)-1]
	to := moved.Recipient
	to.Address = "文二路391号"
	res, err := st.Amend(ctx, moved.ID, to, "buyer moved (platform change request)", nil)
	if err != nil {
		return err
	}
	if _, err := st.PrintAll(ctx); err != nil {
		return err
	}
	fmt.Printf("amend %s: %s, waybill %s → %s\n", moved.ID, res.Action, res.OldTrackingNo, res.NewTrackingNo)

	// Scan verification: every parcel's label and items; one packer forgets an
	// item, and the old label of the changed order turns up.
	v, err := shipment.NewVerifier(shipment.VerifyOptions{Orders: store, Shipments: store,
		Labels: dadan.JobLabels(store), Actor: access.Actor(ctx)})
	if err != nil {
		return err
	}
	var scans []string
	for i, o := range printed {
		if o.ID == moved.ID {
			scans = append(scans, res.NewTrackingNo)
		} else {
			scans = append(scans, o.Waybill.TrackingNo)
		}
		for j, it := range o.Items {
			for k := range it.Qty {
				if i == 0 && j == 0 && k == 0 {
					continue // forgotten
				}
				scans = append(scans, it.SKU)
			}
		}
	}
	scans = append(scans, res.OldTrackingNo, ".")
	for _, line := range scans {
		r, err := v.Scan(ctx, line)
		if err != nil {
			return err
		}
		if r != nil && r.Outcome != shipment.OK {
			fmt.Printf("verify %s: %s %v %s\n", r.TrackingNo, r.Outcome, r.Missing, r.Reason)
		}
	}

	// Hand each carrier's verified parcels over with a manifest.
	hopts := &shipment.HandoverOptions{Orders: store, Shipments: store, Sequence: store, Actor: "dock-1"}
	var carriers []string
	for _, o := range printed {
		if !slices.Contains(carriers, o.Carrier) {
			carriers = append(carriers, o.Carrier)
		}
	}
	slices.Sort(carriers)
	var done []string
	for _, c := range carriers {
		nos, err := handOver(ctx, hopts, c, dir)
		if err != nil {
			return err
		}
		done = append(done, nos...)
	}
	if len(done) == 0 {
		return errors.New("nothing handed over")
	}

	// A kuaidi100 push through the handler a host would mount at /track.
	h := shipment.NewHandler(store, nil)
	push := `{"lastResult":{"nu":"` + done[0] + `","state":"0","data":[{"context":"【杭州】已发往上海","time":"` +
		time.Now().Add(-time.Hour).Format("2006-01-02 15:04:05") + `"}]}}`
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/track", strings.NewReader(push))
	req.Header.Set("Content-Type", "application/json")
	h.ServeHTTP(rec, req)
	sh, err := store.GetShipment(ctx, done[0])
	if err != nil {
		return err
	}
	fmt.Printf("track %s: HTTP %d, now %s\n", done[0], rec.Code, sh.State)

	// The parcel is lost: a problem, a claim, and the courier pays.
	p, err := shipment.ReportProblem(ctx, store, done[0], shipment.Lost, "网点找不到", "cs-2", time.Now())
	if err != nil {
		return err
	}
	if _, err := shipment.StartClaim(ctx, store, p.ID, decimal.Zero, time.Now()); err != nil {
		return err
	}
	if err := store.UpdateProblem(ctx, p.ID, func(p *shipment.Problem) error {
		if err := shipment.SubmitClaim(p, "ZTO-CLAIM-1", time.Now()); err != nil {
			return err
		}
		return shipment.SettleClaim(p, true, p.Claim.Amount, "paid in full", time.Now())
	}); err != nil {
		return err
	}
	stats, err := shipment.Analyze(ctx, store, time.Time{}, time.Time{})
	if err != nil {
		return err
	}
	for _, s := range stats {
		fmt.Printf("carrier %s: %d parcels, lost %.0f‰, claimed %s, paid %s\n", s.Carrier, s.Parcels,
			s.PerThousand[shipment.Lost], s.Claimed.StringFixed(2), s.Paid.StringFixed(2))
	}
	return nil
}

// handOver writes the manifest of carrier's verified parcels to dir, as CSV and
// (when a Chinese font is installed) PDF, and records the handover.
func handOver(ctx context.Context, opts *shipment.HandoverOptions, carrier, dir string) ([]string, error) {
	m, err := shipment.PrepareManifest(ctx, opts, carrier)
	if err != nil || len(m.Parcels) == 0 {
		return nil, err
	}
	var csv bytes.Buffer
	if err := manifest.WriteCSV(&csv, m); err != nil {
		return nil, err
	}
	files := []string{m.Name() + ".csv"}
	if err := os.WriteFile(filepath.Join(dir, files[0]), csv.Bytes(), 0o644); err != nil {
		return nil, err
	}
	if r, err := pdf.New(nil); err == nil {
		var b bytes.Buffer
		if err := r.Render(ctx, &b, manifest.Document(m, time.Now())); err != nil {
			return nil, err
		}
		files = append(files, m.Name()+".pdf")
		if err := os.WriteFile(filepath.Join(dir, files[1]), b.Bytes(), 0o644); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, pdf.ErrNoFont) {
		return nil, err
	}
	done, err := shipment.HandOver(ctx, opts, m)
	if err != nil {
		return nil, err
	}
	fmt.Printf("handover %s: %d parcels, %s\n", m.Name(), len(done), strings.Join(files, ", "))
	return done, nil
}
