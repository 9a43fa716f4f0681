package label

import (
	"fmt"
	"time"
)

// Data is what a template binds: plain fields and tables of rows. The host fills it
// from its order; label knows nothing about orders. Values are printed as given
// (after the filters a template asks for); invalid UTF-8 is replaced by U+FFFD.
//
// Field names used by the standard templates:
//
//	recipient.name, recipient.phone, recipient.address (full address line)
//	sender.name, sender.phone, sender.address
//	waybill.tracking_no  tracking (waybill) number, encoded as Code 128 and QR
//	waybill.sort_code    三段码, e.g. "200-E01-08"
//	waybill.mark         大头笔, e.g. "杭州余杭"
//	waybill.bag_addr     集包地, e.g. "杭州转运中心"
//	waybill.service      e.g. "标快"
//	waybill.payment      e.g. "寄付", "到付", "月结"
//	order.id, order.platform, order.shop
//	order.remark         buyer and seller remarks in one line
//	order.total          decimal string, e.g. "109.80"
//	print.time           RFC 3339; filled from [LayoutOptions.Now] when absent
//	print.mark           empty normally; a reprint mark such as "补打 #2"
//
// Layout provides these itself (data may not override them):
//
//	page.no, page.count  page n of m, from 1
//	items.summary        "name spec ×qty" of every row of table items, joined by "；"
//	items.qty            total quantity of table items
//	items.count          number of rows of table items
//
// Table items has one row per order line with the fields sku, barcode, name, spec, qty,
// location and unit_price (a decimal string).
//
// All fields the standard templates use are optional except waybill.tracking_no on
// waybills, items on packing lists and sku on product labels: an absent optional field
// prints as empty.
type Data struct {
	Fields map[string]string
	Tables map[string][]Row
}

// Row is one row of a data table: field name to value.
type Row map[string]string

// LayoutOptions adjust one layout. The zero value (and nil) means defaults.
type LayoutOptions struct {
	// Mask masks privacy fields (filters private_name and private_phone) even when
	// the template does not ask for it.
	Mask bool
	// SortItems orders table rows by "sku", "location" or "name" (stable); "" keeps
	// the data's order.
	SortItems string
	// Now is the print time used for print.time when the data has none.
	Now time.Time
	// QRByPrinter leaves the Modules of data-bound QR ops nil: for renderers whose
	// printer encodes the symbol from its data (see [QRByPrinter]). The symbol's
	// version is still found, so its size, module and placement, and the errors
	// for data that does not fit, are those of a full layout.
	QRByPrinter bool
	// Measure measures text for wrapping, fitting and alignment: the advances of
	// the fonts of the renderer that draws it (see [TextMeasurer]). Nil is the
	// cell measure of printer-resident fonts (see [NextCluster]).
	Measure *Measure
}

// QRByPrinter is implemented by renderers that print a [QR] op from its Data,
// Level and Module alone (the printer encodes the symbol), so that a layout for
// them may skip encoding it (see [LayoutOptions.QRByPrinter]).
type QRByPrinter interface {
	QRByPrinter() bool
}

// ForRenderer returns opts adjusted for r: QRByPrinter is set when r encodes QR
// codes on the printer, Measure when r draws text in its own fonts
// ([TextMeasurer]). Nil opts gives the defaults adjusted.
func (o *LayoutOptions) ForRenderer(r Renderer) LayoutOptions {
	var out LayoutOptions
	if o != nil {
		out = *o
	}
	if q, ok := r.(QRByPrinter); ok && q.QRByPrinter() {
		out.QRByPrinter = true
	}
	if tm, ok := r.(TextMeasurer); ok {
		if m := tm.TextMeasure(); m != nil {
			out.Measure = m
		}
	}
	return out
}

// Validate reports whether the options are usable.
func (o *LayoutOptions) Validate() error {
	if o == nil {
		return nil
	}
	switch o.SortItems {
	case "", "sku", "location", "name":
		return nil
	}
	return fmt.Errorf("%w: unknown SortItems %q", ErrTemplate, o.SortItems)
}
