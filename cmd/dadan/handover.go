package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/label/pdf"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/shipment/manifest"
)

// handoverLine is the output of `dadan handover --json`.
type handoverLine struct {
	Carrier string   `json:"carrier"`
	Batch   string   `json:"batch"`
	Parcels int      `json:"parcels"`
	Missing []string `json:"missing"`
	Unknown []string `json:"unknown"`
	CSV     string   `json:"csv"`
	PDF     string   `json:"pdf"`
}

// runHandover writes the manifest of a carrier's verified parcels and records
// them as handed over.
func runHandover(ctx context.Context, args []string, e *env) int {
	fs := newFlags("handover", e)
	db := dbFlag(fs)
	carrier := fs.String("carrier", "", "courier `CODE` (ZTO, YTO, SF, ...)")
	outDir := fs.String("out", "", "`DIR` for CARRIER-DATE-BATCH.csv and .pdf")
	scans := fs.String("scans", "", "`FILE` of the courier's pickup scans, one number a line: only scanned parcels are handed over")
	asJSON := fs.Bool("json", false, "print the outcome as one JSON line")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *carrier == "" || *outDir == "" {
		e.errorf("handover: --carrier and --out are required")
		return exitUsage
	}
	var picked []string
	if *scans != "" {
		f, err := os.Open(*scans)
		if err != nil {
			e.errorf("handover: %v", err)
			return exitUsage
		}
		err = eachLine(f, shipment.MaxScan+1, func(l string) error {
			if l = strings.TrimSpace(l); l != "" && len(l) <= shipment.MaxScan {
				picked = append(picked, l)
			}
			return nil
		})
		f.Close()
		if err != nil {
			e.errorf("handover: %s: %v", *scans, err)
			return exitRefused
		}
	}
	store, closer, ok := openDB(ctx, e, "handover", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	ctx = withActor(ctx)
	now := time.Now()
	if _, err := shipment.Sync(ctx, store, store, now); err != nil {
		e.errorf("handover: %v", err)
		return exitRefused
	}
	opts := &shipment.HandoverOptions{Orders: store, Shipments: store, Sequence: store, Actor: access.Actor(ctx),
		Authorizer: authorizer(ctx)}
	m, err := shipment.PrepareManifest(ctx, opts, *carrier)
	if code, ok := refusal(e, err); ok {
		return code
	}
	if err != nil {
		e.errorf("handover: %v", err)
		return exitRefused
	}
	if *scans != "" {
		m.Reconcile(picked)
	}
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		e.errorf("handover: %v", err)
		return exitRefused
	}
	// Both files are made before anything is handed over.
	var csvb, pdfb bytes.Buffer
	if err := manifest.WriteCSV(&csvb, m); err != nil {
		e.errorf("handover: %v", err)
		return exitRefused
	}
	r, err := pdf.New(nil)
	if err == nil {
		err = r.Render(ctx, &pdfb, manifest.Document(m, now))
	}
	if err != nil {
		e.errorf("handover: PDF: %v", err)
		return exitRefused
	}
	base := filepath.Join(*outDir, m.Name())
	for _, f := range []struct {
		path string
		b    []byte
	}{{base + ".csv", csvb.Bytes()}, {base + ".pdf", pdfb.Bytes()}} {
		if err := os.WriteFile(f.path, f.b, 0o644); err != nil {
			e.errorf("handover: %v", err)
			return exitRefused
		}
	}
	done, err := shipment.HandOver(ctx, opts, m)
	if code, ok := refusal(e, err); ok {
		return code
	}
	if err != nil {
		e.errorf("handover: %v", err)
		return exitRefused
	}
	if m.Missing == nil {
		m.Missing, m.Unknown = []string{}, []string{}
	}
	for _, no := range m.Missing {
		e.errorf("handover: %s is on the list but the courier did not scan it: not handed over", no)
	}
	for _, no := range m.Unknown {
		e.errorf("handover: %s was scanned by the courier but is not on the list: take it back", no)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.Encode(handoverLine{Carrier: m.Carrier, Batch: m.Batch, Parcels: len(done), Missing: m.Missing,
			Unknown: m.Unknown, CSV: base + ".csv", PDF: base + ".pdf"})
	} else {
		fmt.Fprintf(e.stdout, "%s: %d parcels handed over to %s; %s.csv, %s.pdf\n", m.Name(), len(done), m.Carrier, base, base)
	}
	if len(m.Missing) > 0 || len(m.Unknown) > 0 {
		return exitRefused
	}
	return exitOK
}
