package dadan

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/escpos"
	"github.com/dadanhq/dadan/label/pdf"
	"github.com/dadanhq/dadan/label/raster"
	"github.com/dadanhq/dadan/label/tspl"
	"github.com/dadanhq/dadan/label/zpl"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/shipment/pool"
)

// Formats are the output formats [NewRenderer] knows, with their file extensions.
var Formats = map[string]string{"zpl": "zpl", "escpos": "bin", "tspl": "tspl", "pdf": "pdf", "png": "png"}

// RenderOptions configure [NewRenderer]. The zero value means 203 dpi, fonts found
// on the host, no calibration.
type RenderOptions struct {
	DPI         int // 203, 300 or 600 for ZPL and PNG, 203 or 300 for TSPL; 0 means 203
	Calibration label.Calibration
	FontPath    string // TrueType font for PDF and PNG; "" finds a common CJK font
	// PaperWidth is the ESC/POS paper width in dots (escpos.Paper58 or Paper80);
	// 0 means 80 mm.
	PaperWidth int
	// Scale prints an ESC/POS page wider than the paper (packing-a4, a 100 mm
	// waybill) as an image scaled down to the paper; without it such a page is an
	// [escpos.PaperWidthError] naming both widths. Scaling needs a TrueType font.
	Scale bool
}

// ErrFormat is returned for an output format [NewRenderer] does not know.
var ErrFormat = errors.New("dadan: unknown output format")

// NewRenderer returns the renderer for format ("zpl", "escpos", "tspl", "pdf" or
// "png"). ZPL prints Chinese with the printer's resident font; ESC/POS prints rare
// characters (outside GB 2312) as graphics when a TrueType font is found on the host;
// TSPL prints with the printer's GB2312 font TSS24.BF2 and, when a TrueType font
// is found on the host, draws as graphics what that font cannot print as laid out
// (rare characters, sizes far from its 24-dot cell). TSPL refuses pages wider than
// a 4-inch label printer prints (packing-a4).
func NewRenderer(format string, opts *RenderOptions) (label.Renderer, error) {
	if opts == nil {
		opts = &RenderOptions{}
	}
	switch format {
	case "zpl":
		return zpl.New(&zpl.Options{DPI: opts.DPI, Calibration: opts.Calibration})
	case "escpos":
		eo := &escpos.Options{PaperWidth: opts.PaperWidth, Calibration: opts.Calibration, Scale: opts.Scale}
		if r, err := raster.New(&raster.Options{Font: opts.FontPath}); err == nil {
			eo.TextRasterizer, eo.PageRasterizer = r, r
		} else if !errors.Is(err, raster.ErrNoFont) {
			return nil, err
		}
		return escpos.New(eo)
	case "tspl":
		to := &tspl.Options{DPI: opts.DPI, Calibration: opts.Calibration}
		if r, err := raster.New(&raster.Options{Font: opts.FontPath}); err == nil {
			to.Rasterizer = r
		} else if !errors.Is(err, raster.ErrNoFont) {
			return nil, err
		}
		return tspl.New(to)
	case "pdf":
		return pdf.New(&pdf.Options{FontPath: opts.FontPath, Calibration: opts.Calibration})
	case "png":
		return raster.New(&raster.Options{Font: opts.FontPath, DPI: opts.DPI, Calibration: opts.Calibration})
	}
	return nil, fmt.Errorf("%w %q (want zpl, escpos, tspl, pdf or png)", ErrFormat, format)
}

// TemplateKind returns the document kind a template prints: the kind its JSON
// declares ("kind": "product_label"), or for a template without one (written
// before the field) the kind [KindOf] guesses from its name.
func TemplateKind(t *label.Template) printer.DocKind {
	if t.Kind != "" {
		return printer.DocKind(t.Kind)
	}
	return KindOf(t.Name)
}

// KindOf guesses the document kind from a template name, for templates that do
// not declare one in [label.Template.Kind]: names starting with "packing" are
// packing lists, "product" product labels, any other a waybill.
func KindOf(templateName string) printer.DocKind {
	switch {
	case strings.HasPrefix(templateName, "packing"):
		return printer.PackingList
	case strings.HasPrefix(templateName, "product"):
		return printer.ProductLabel
	}
	return printer.Waybill
}

// LayoutOrder lays out the document of kind for o with template t. A product
// label document has one page per order line (the line's fields bound as item.*);
// the other kinds bind the whole order. printedAt and mark fill print.time and
// print.mark.
//
// A product label line without a barcode prints its SKU as the barcode, with a
// warning in the document's Warnings; a line with neither is refused, and every
// error of a line names it (line number and SKU).
func LayoutOrder(t *label.Template, kind printer.DocKind, o *order.Order, opts *label.LayoutOptions, printedAt time.Time, mark string) (*label.Document, error) {
	d := LabelData(o, printedAt, mark)
	if kind != printer.ProductLabel {
		return label.Layout(t, d, opts)
	}
	var doc *label.Document
	for i, row := range d.Tables["items"] {
		var fallback *label.Warning
		if row["barcode"] == "" && bindsBarcode(t) {
			if row["sku"] == "" {
				return nil, fmt.Errorf("dadan: order %s line %d: no barcode and no SKU to print as one", o.ID, i+1)
			}
			r := make(label.Row, len(row))
			maps.Copy(r, row)
			r["barcode"] = row["sku"]
			row = r
			fallback = &label.Warning{Element: "barcode", Field: "item.barcode", Text: row["sku"],
				Reason: fmt.Sprintf("line %d (SKU %s) has no barcode: the SKU is printed as the barcode", i+1, row["sku"])}
		}
		one, err := label.Layout(t, d.WithRow("item.", row), opts)
		if err != nil {
			return nil, fmt.Errorf("dadan: order %s line %d (SKU %s): %w", o.ID, i+1, row["sku"], err)
		}
		if fallback != nil {
			one.Warnings = append(one.Warnings, *fallback)
		}
		if doc == nil {
			doc = one
			continue
		}
		doc.Pages = append(doc.Pages, one.Pages...)
		doc.Warnings = append(doc.Warnings, one.Warnings...)
	}
	if doc == nil {
		return nil, fmt.Errorf("dadan: order %s has no items for product labels", o.ID)
	}
	return doc, nil
}

// bindsBarcode reports whether a barcode element of t prints {item.barcode}.
func bindsBarcode(t *label.Template) bool {
	for _, e := range t.Elements {
		switch e := e.(type) {
		case *label.Code128Element:
			if strings.Contains(e.Data, "{item.barcode") && !e.Optional {
				return true
			}
		case *label.QRElement:
			if strings.Contains(e.Data, "{item.barcode") && !e.Optional {
				return true
			}
		}
	}
	return false
}

// MediaLength is the length of media a document uses, in millimetres.
func MediaLength(doc *label.Document) float64 {
	var mm float64
	for _, p := range doc.Pages {
		mm += p.Height
	}
	return mm
}

// TestCarrier returns an offline carrier that hands out numbers from test ranges
// for the courier codes of [CarrierCodes] (EMS with S10 check digits). Its numbers
// are not real waybills: their routing data is [TestMark] (测试面单 TEST in the
// 大头笔 band), [TestSortCode] and [TestBagAddr]. Use it for demos and tests, and a
// courier's own ranges or API in production.
func TestCarrier() *pool.Pool { return testCarrier(nil) }

// TestCarrierOn is [TestCarrier] with its serials kept in seq (a store), so that
// a restarted station, or several stations sharing the store, never hand out a
// test number twice. From a [shipment.BlockSequence] it takes them 64 at a
// time: a restart skips what was left of its blocks.
func TestCarrierOn(seq shipment.Sequence) *pool.Pool { return testCarrier(seq) }

func testCarrier(seq shipment.Sequence) *pool.Pool {
	ranges := []pool.Range{
		{Carrier: "ZTO", Prefix: "7599", Start: 1, End: 99_999_999, Width: 8, SortCode: TestSortCode, Mark: TestMark, BagAddr: TestBagAddr},
		{Carrier: "YTO", Prefix: "YT99", Start: 1, End: 99_999_999, Width: 9, SortCode: TestSortCode, Mark: TestMark, BagAddr: TestBagAddr},
		{Carrier: "STO", Prefix: "7799", Start: 1, End: 99_999_999, Width: 8, SortCode: TestSortCode, Mark: TestMark, BagAddr: TestBagAddr},
		{Carrier: "YUNDA", Prefix: "4399", Start: 1, End: 99_999_999, Width: 9, SortCode: TestSortCode, Mark: TestMark, BagAddr: TestBagAddr},
		{Carrier: "SF", Prefix: "SF99", Start: 1, End: 99_999_999, Width: 9, SortCode: TestSortCode, Mark: TestMark, BagAddr: TestBagAddr},
		{Carrier: "JD", Prefix: "JDX99", Start: 1, End: 99_999_999, Width: 9, SortCode: TestSortCode, Mark: TestMark, BagAddr: TestBagAddr},
		{Carrier: "JT", Prefix: "JT99", Start: 1, End: 99_999_999, Width: 9, SortCode: TestSortCode, Mark: TestMark, BagAddr: TestBagAddr},
		{Carrier: "DBL", Prefix: "DPK99", Start: 1, End: 99_999_999, Width: 9, SortCode: TestSortCode, Mark: TestMark, BagAddr: TestBagAddr},
		{Carrier: "EMS", Prefix: "EE", Suffix: "CN", Start: 90_000_000, End: 99_999_999, Width: 8, S10: true, SortCode: TestSortCode, Mark: TestMark, BagAddr: TestBagAddr},
		{Carrier: "OTHER", Prefix: "9999", Start: 1, End: 99_999_999, Width: 8, SortCode: TestSortCode, Mark: TestMark, BagAddr: TestBagAddr},
	}
	// Serials in blocks of 64, so that a number is not a write of its own.
	p, err := pool.New(ranges, &pool.Options{Sequence: seq, Block: 64})
	if err != nil {
		panic("dadan: test carrier ranges: " + err.Error()) // the ranges above are constant
	}
	return p
}
