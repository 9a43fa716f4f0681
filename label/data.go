package label

import (
	"fmt"
	"math/bits"
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
//
// The fields named above (and waybill.piece, waybill.parent_no, carrier.code and
// carrier.name) may be held in Std instead of Fields: a host that fills the same
// fields order after order sets them there by number, and a template binds them
// without looking up names. A field in Fields is taken before one in Std.
type Data struct {
	Fields map[string]string
	Tables map[string][]Row
	// Std holds fields of the standard set by number (see [FieldID]).
	Std FieldSet
}

// Field returns the field name of d, from Fields or else from Std, and whether
// it is present. It does not see the fields layout provides (page.no ...).
func (d *Data) Field(name string) (string, bool) {
	if d == nil {
		return "", false
	}
	if v, ok := d.Fields[name]; ok {
		return v, true
	}
	if id, ok := FieldByName(name); ok {
		return d.Std.Get(id)
	}
	return "", false
}

// FieldID numbers a field of the standard set, so that [Data.Std] holds it by
// number: [FieldByName] gives the number of a name, [FieldID.Name] the name.
type FieldID uint8

// The standard fields, by the names [Data] documents.
const (
	FieldRecipientName FieldID = iota + 1
	FieldRecipientPhone
	FieldRecipientAddress
	FieldSenderName
	FieldSenderPhone
	FieldSenderAddress
	FieldTrackingNo
	FieldSortCode
	FieldWaybillMark
	FieldBagAddr
	FieldService
	FieldPayment
	FieldPiece
	FieldParentNo
	FieldOrderID
	FieldPlatform
	FieldShop
	FieldRemark
	FieldTotal
	FieldPrintTime
	FieldPrintMark
	FieldCarrierCode
	FieldCarrierName
	numFields // one past the last
)

var fieldNames = [numFields]string{"",
	"recipient.name", "recipient.phone", "recipient.address",
	"sender.name", "sender.phone", "sender.address",
	"waybill.tracking_no", "waybill.sort_code", "waybill.mark", "waybill.bag_addr",
	"waybill.service", "waybill.payment", "waybill.piece", "waybill.parent_no",
	"order.id", "order.platform", "order.shop", "order.remark", "order.total",
	"print.time", "print.mark", "carrier.code", "carrier.name",
}

var fieldIDs = func() map[string]FieldID {
	m := make(map[string]FieldID, numFields)
	for id := FieldID(1); id < numFields; id++ {
		m[fieldNames[id]] = id
	}
	return m
}()

// FieldByName returns the number of a standard field name, and whether it is one.
func FieldByName(name string) (FieldID, bool) {
	id, ok := fieldIDs[name]
	return id, ok
}

// Name returns the field's name ("recipient.name"), or "" for a number that
// names no standard field.
func (id FieldID) Name() string {
	if id >= numFields {
		return ""
	}
	return fieldNames[id]
}

// FieldSet holds fields of the standard set by [FieldID]; a field not set is
// absent, as a name missing from [Data.Fields] is. The zero value is empty.
type FieldSet struct {
	vals [numFields]string
	set  uint32 // bit id: vals[id] is present
}

// Set sets field id to v; an id that names no standard field is ignored.
func (s *FieldSet) Set(id FieldID, v string) {
	if id == 0 || id >= numFields {
		return
	}
	s.vals[id] = v
	s.set |= 1 << id
}

// Delete makes field id absent.
func (s *FieldSet) Delete(id FieldID) {
	if id >= numFields {
		return
	}
	s.vals[id] = ""
	s.set &^= 1 << id
}

// Get returns field id and whether it is present.
func (s *FieldSet) Get(id FieldID) (string, bool) {
	if id == 0 || id >= numFields || s.set&(1<<id) == 0 {
		return "", false
	}
	return s.vals[id], true
}

// Prev returns field id as it is, present or not: the last value set for it
// and not deleted, so a host can keep a string equal to the new one.
func (s *FieldSet) Prev(id FieldID) string {
	if id >= numFields {
		return ""
	}
	return s.vals[id]
}

// Len returns the number of fields present.
func (s *FieldSet) Len() int { return bits.OnesCount32(s.set) }

// All returns the fields present as a new map, name to value.
func (s *FieldSet) All() map[string]string {
	m := make(map[string]string, s.Len())
	for id := FieldID(1); id < numFields; id++ {
		if v, ok := s.Get(id); ok {
			m[fieldNames[id]] = v
		}
	}
	return m
}

// Reset makes every field absent.
func (s *FieldSet) Reset() { *s = FieldSet{} }

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
