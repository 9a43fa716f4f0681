package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/shipment"
)

func runRender(ctx context.Context, args []string, e *env) int {
	fs := newFlags("render", e)
	ordersPath := fs.String("orders", "", "orders `FILE`: JSON Lines or a JSON array; - for stdin (required)")
	tmplName := fs.String("template", "", "template `NAME`: "+strings.Join(label.StandardNames(), ", ")+", or a template JSON file (required)")
	format := fs.String("format", "", "output `FORMAT`: zpl, escpos, tspl, pdf or png (required)")
	outDir := fs.String("out", "", "output `DIR`, one file per order: DIR/<id>.<zpl|bin|tspl|pdf|png> (required)")
	dpi := fs.Int("dpi", 203, "resolution for zpl and png: 203, 300 or 600; for tspl 203 or 300")
	mask := fs.Bool("mask", false, "mask recipient name, phone and detail address (张*, 138****8000, ****); always on without order.read_pii")
	sortItems := fs.String("sort", "", "sort items on packing lists by sku, location or name")
	scale := fs.Bool("scale", false, "escpos: print a template wider than the paper (packing-a4, a 100 mm waybill) as an image scaled down to it, instead of refusing it")
	strict := fs.Bool("strict", false, "refuse orders whose carrier code is not one that dadan carriers lists (by default they get OTHER test numbers, with a warning)")
	testNumbers := fs.Bool("test-numbers", true, "give waybills of orders without a number one from built-in test ranges (not real waybills); false refuses those orders")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *ordersPath == "" || *tmplName == "" || *format == "" || *outDir == "" {
		e.errorf("render: --orders, --template, --format and --out are required")
		fs.Usage()
		return exitUsage
	}
	if *dpi != 203 && *dpi != 300 && *dpi != 600 {
		e.errorf("render: --dpi must be 203, 300 or 600")
		return exitUsage
	}
	tmpl, err := loadTemplate(*tmplName)
	if err != nil {
		e.errorf("render: %v", err)
		return exitUsage
	}
	switch *sortItems {
	case "", "sku", "location", "name":
	default:
		e.errorf("render: --sort %q: want sku, location or name", *sortItems)
		return exitUsage
	}
	lopts := &label.LayoutOptions{Mask: *mask || !mayReadPII(ctx), SortItems: *sortItems}
	if err := lopts.Validate(); err != nil {
		e.errorf("render: %v", err)
		return exitUsage
	}
	ext, ok := dadan.Formats[*format]
	if !ok {
		e.errorf("render: unknown format %q (want zpl, escpos, tspl, pdf or png)", *format)
		return exitUsage
	}
	r, err := dadan.NewRenderer(*format, &dadan.RenderOptions{DPI: *dpi, Scale: *scale})
	if err != nil {
		e.errorf("render: %v", err)
		return exitUsage
	}
	lopts = new(lopts.ForRenderer(r)) // text measured in the renderer's fonts
	in, err := openInput(*ordersPath, e)
	if err != nil {
		e.errorf("render: %v", err)
		return exitUsage
	}
	defer in.Close()
	if err := os.MkdirAll(*outDir, 0o755); err != nil {
		e.errorf("render: %v", err)
		return exitUsage
	}

	kind := dadan.TemplateKind(tmpl)
	carrier := dadan.TestCarrier()
	names := map[string]bool{}
	now := time.Now()
	refused, written, invented := 0, 0, 0
	var buf bytes.Buffer
	dec := order.NewDecoder(in)
	for {
		o := new(order.Order)
		err := dec.Decode(o)
		if err == io.EOF {
			break
		}
		if err != nil {
			if de := decodeErr(err); de != nil {
				refused++
				e.errorf("refused: %s", readableText(ctx, err.Error()))
				if errors.Is(err, order.ErrEmpty) {
					break
				}
				continue
			}
			e.errorf("render: %v", err)
			return exitRefused
		}
		line := dec.Line()
		if kind == printer.Waybill && (o.Waybill == nil || o.Waybill.TrackingNo == "") {
			if !*testNumbers {
				refused++
				e.errorf("refused: line %d: order %s: no waybill number", line, o.ID)
				continue
			}
			invented++
			if err := allocate(ctx, carrier, o, *strict); errors.Is(err, shipment.ErrUnknownCarrier) {
				refused++
				e.errorf("refused: line %d: order %s: unknown carrier %q (see dadan carriers)", line, o.ID, o.Carrier)
				continue
			} else if errors.Is(err, errOtherCarrier) {
				e.errorf("line %d: order %s: unknown carrier %q, given an OTHER test number (see dadan carriers; --strict refuses it)", line, o.ID, o.Carrier)
			} else if err != nil {
				refused++
				e.errorf("refused: line %d: order %s: %v", line, o.ID, err)
				continue
			}
		}
		// A masked preview masks the data itself, so no part of the template
		// (an address line, a QR code) shows what the user may not read.
		shown, say := o, func(s string) string { return s }
		if lopts.Mask {
			orig := o
			shown, say = access.MaskOrder(o), func(s string) string { return access.MaskTextOf(orig, s) }
		}
		doc, err := dadan.LayoutOrder(tmpl, kind, shown, lopts, now, "")
		if err == nil {
			buf.Reset()
			err = r.Render(ctx, &buf, doc)
		}
		if err != nil {
			refused++
			e.errorf("refused: line %d: order %s: %s", line, o.ID, say(err.Error()))
			continue
		}
		for _, w := range doc.Warnings {
			e.errorf("warning: line %d: order %s: %s", line, o.ID, say(fmt.Sprint(w)))
		}
		name := fileName(o.ID, line, ext, names)
		if err := os.WriteFile(filepath.Join(*outDir, name), buf.Bytes(), 0o644); err != nil {
			e.errorf("render: %v", err)
			return exitRefused
		}
		written++
	}
	w := bufio.NewWriter(e.stdout)
	fmt.Fprintf(w, "%d files written to %s, %d orders refused\n", written, *outDir, refused)
	if invented > 0 {
		e.errorf("render: %d orders had no waybill number and got test numbers: those labels are not real waybills", invented)
	}
	w.Flush()
	if refused > 0 {
		return exitRefused
	}
	return exitOK
}

// errOtherCarrier says that an order of an unknown carrier got an OTHER number.
var errOtherCarrier = errors.New("unknown carrier, OTHER number")

// allocate gives o a test waybill number from its carrier's range. An unknown
// carrier code gets an OTHER number and errOtherCarrier, or with strict
// shipment.ErrUnknownCarrier.
func allocate(ctx context.Context, c shipment.Carrier, o *order.Order, strict bool) error {
	code := strings.ToUpper(o.Carrier)
	if code == "" {
		code = "OTHER"
	}
	var note error
	wb, err := c.Allocate(ctx, shipment.AllocateRequest{Carrier: code, OrderID: o.ID})
	if errors.Is(err, shipment.ErrUnknownCarrier) && !strict {
		note = errOtherCarrier
		wb, err = c.Allocate(ctx, shipment.AllocateRequest{Carrier: "OTHER", OrderID: o.ID})
	}
	if err != nil {
		return err
	}
	if o.Waybill == nil {
		o.Waybill = &order.Waybill{}
	}
	o.Waybill.TrackingNo, o.Waybill.SortCode, o.Waybill.Mark, o.Waybill.BagAddr = wb.TrackingNo, wb.SortCode, wb.Mark, wb.BagAddr
	return note
}

// loadTemplate returns a standard template by name, or reads a template JSON file.
func loadTemplate(name string) (*label.Template, error) {
	if t, err := label.Standard(name); err == nil {
		return t, nil
	}
	if !strings.HasSuffix(name, ".json") {
		return nil, fmt.Errorf("unknown template %q (want one of %s, or a .json file)", name, strings.Join(label.StandardNames(), ", "))
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return label.ReadTemplate(f)
}

// fileName makes a safe, unique file name for an order: characters other than
// letters, digits, '-', '_' and '.' become '_', leading dots are dropped, so an id
// like "../x" can never name a path outside the output directory.
func fileName(id string, line int, ext string, used map[string]bool) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	base := strings.TrimLeft(b.String(), ".")
	if len(base) > 100 {
		base = base[:100]
	}
	if base == "" {
		base = fmt.Sprintf("line-%d", line)
	}
	name := base + "." + ext
	for n := 2; used[name]; n++ {
		name = fmt.Sprintf("%s-%d.%s", base, n, ext)
	}
	used[name] = true
	return name
}
