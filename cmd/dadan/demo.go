package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/file"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/shipment"
	"golang.org/x/text/language"
)

// demoDocs are the documents the demo prints: waybills and product labels in ZPL
// for a label printer, packing lists in ESC/POS for a receipt printer.
var demoDocs = []struct {
	kind     printer.DocKind
	template string
	format   string
	dir, ext string
	model    string
}{
	{printer.Waybill, "waybill-76x130", "zpl", "waybills", "zpl", "ZD421"},
	{printer.PackingList, "packing-80mm", "escpos", "packing-lists", "bin", "TM-T82"},
	{printer.ProductLabel, "product-40x30", "zpl", "product-labels", "zpl", "ZD421"},
}

func runDemo(ctx context.Context, args []string, e *env) int {
	fs := newFlags("demo", e)
	out := fs.String("out", "", "`DIR` where the file printers spool the printed documents (default: a new temporary directory)")
	db := fs.String("db", "", "database (a SQLite `PATH` or a postgres:// URL; default: demo.db in a new temporary directory)")
	keysFlag(fs)
	lang := fs.String("lang", "zh", "language of messages: zh or en")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	tag, err := langTag(*lang)
	if err != nil {
		e.errorf("demo: %v", err)
		return exitUsage
	}
	if *out == "" {
		if *out, err = os.MkdirTemp("", "dadan-demo-"); err != nil {
			e.errorf("demo: %v", err)
			return exitRefused
		}
	}
	if *db == "" {
		dir, err := os.MkdirTemp("", "dadan-demo-db-")
		if err != nil {
			e.errorf("demo: %v", err)
			return exitRefused
		}
		*db = filepath.Join(dir, "demo.db")
	}
	store, closer, ok := openDB(ctx, e, "demo", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	ledger := printer.NewLedger(store, nil)
	opts, err := demoOptions(ctx, *out, ledger, store)
	if err != nil {
		e.errorf("demo: %v", err)
		return exitRefused
	}
	opts.Store = store // orders, print jobs and the ledger in one store
	pii := mayReadPII(ctx)
	if !pii {
		opts.Layout.Mask = true
	}
	st, err := dadan.New(opts)
	if err != nil {
		e.errorf("demo: %v", err)
		return exitRefused
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	user := ctx
	ctx = access.NewContext(ctx, access.Principal{ID: "demo"})
	var samples []string // the demo's own orders: the only ones it may mask
	sum, err := st.Ingest(ctx, bytes.NewReader(sample.Orders), &dadan.IngestOptions{OnResult: func(r dadan.Result) error {
		if r.OrderID != "" {
			samples = append(samples, r.OrderID)
		}
		printResult(w, readableResult(user, r), tag)
		return nil
	}})
	if err != nil {
		e.errorf("demo: %v", err)
		return exitRefused
	}
	printSummary(w, sum, tag)
	if !pii {
		// What the demo prints, the user sees: the stored sample orders are masked
		// before they are printed.
		if err := maskStored(ctx, store, samples, access.Actor(withActor(user))); err != nil {
			e.errorf("demo: %v", err)
			return exitRefused
		}
	}
	ps, err := st.PrintAll(ctx)
	for _, f := range ps.Failed {
		fmt.Fprintln(w, readableText(user, fmt.Sprint(f)))
	}
	if err != nil {
		e.errorf("demo: %v", err)
		return exitRefused
	}
	if tag == language.SimplifiedChinese {
		fmt.Fprintf(w, "已打印 %d 单，%d 份单据，输出在 %s\n", ps.Orders, ps.Jobs, *out)
	} else {
		fmt.Fprintf(w, "printed %d orders, %d documents, in %s\n", ps.Orders, ps.Jobs, *out)
	}
	// The device ledger kept the counters while the spooler printed.
	devs, err := ledger.Devices(ctx)
	if err != nil {
		e.errorf("demo: %v", err)
		return exitRefused
	}
	for _, d := range devs {
		if tag == language.SimplifiedChinese {
			fmt.Fprintf(w, "设备 %-15s %-10s 打印 %3d 份，用纸 %.1f 米\n", d.ID, d.Model, d.Usage.Documents, d.Usage.MediaMM/1000)
		} else {
			fmt.Fprintf(w, "device %-15s %-10s %3d documents, %.1f m of media\n", d.ID, d.Model, d.Usage.Documents, d.Usage.MediaMM/1000)
		}
	}
	return exitOK
}

// demoOptions wires the demo station: sample stock and prices, the test carrier,
// and one file printer per document kind under out, each registered in the ledger.
func demoOptions(ctx context.Context, out string, ledger *printer.Ledger, seq shipment.Sequence) (*dadan.Options, error) {
	var stock review.StockMap
	if err := json.Unmarshal(sample.Stock, &stock); err != nil {
		return nil, fmt.Errorf("sample stock: %w", err)
	}
	prices, err := parsePrices(sample.Prices, "sample prices")
	if err != nil {
		return nil, err
	}
	opts := &dadan.Options{
		Review:   review.Config{Inventory: stock, Prices: prices},
		Carrier:  dadan.TestCarrierOn(seq),
		Printers: map[string]printer.Printer{},
		Routes:   map[printer.DocKind]string{},
		Spool:    printer.Options{Usage: ledger},
	}
	for _, d := range demoDocs {
		dir := filepath.Join(out, d.dir)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		p, err := file.Open(dir, &file.Options{Ext: d.ext})
		if err != nil {
			return nil, err
		}
		t, err := label.Standard(d.template)
		if err != nil {
			return nil, err
		}
		r, err := dadan.NewRenderer(d.format, nil)
		if err != nil {
			return nil, err
		}
		if _, err := ledger.Register(ctx, printer.Device{ID: d.dir, Name: d.dir, Model: d.model,
			Department: "仓储部", Location: "打单台 1", URL: "file://" + dir}); err != nil && !errors.Is(err, printer.ErrDeviceExists) {
			return nil, err
		}
		opts.Printers[d.dir] = p
		opts.Routes[d.kind] = d.dir
		opts.Documents = append(opts.Documents, dadan.Document{Kind: d.kind, Template: t, Renderer: r})
	}
	return opts, nil
}

// maskStored masks the personal data of the demo's approved sample orders ids
// in store (access.MaskOrder), journaled as a note naming user. Other orders of a
// database given with --db are left alone.
func maskStored(ctx context.Context, store order.Store, ids []string, user string) error {
	for _, id := range ids {
		if err := store.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
			if o.Status != order.Approved {
				return nil, nil
			}
			m := access.MaskOrder(o)
			o.Recipient, o.Buyer, o.Remark, o.Extra = m.Recipient, m.Buyer, m.Remark, m.Extra
			return []order.Event{order.Note(o, time.Now(), access.Actor(ctx), order.ActNote,
				"personal data masked for "+user+", who may not read it")}, nil
		}); err != nil {
			return err
		}
	}
	return nil
}
