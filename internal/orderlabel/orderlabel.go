// Package orderlabel turns orders into the plain data label templates bind. The
// root package exports it as dadan.LabelData; tests of the renderers use it too.
package orderlabel

import (
	"strconv"
	"strings"
	"time"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
)

// Data turns an order into the plain data the label templates bind (see
// [label.Data] for the field names), in Fields and Tables. printedAt fills
// print.time; mark fills print.mark, the reprint mark ("" for a first print).
func Data(o *order.Order, printedAt time.Time, mark string) *label.Data {
	d := DataInto(&label.Data{}, o, printedAt, mark)
	d.Fields = d.Std.All()
	d.Std.Reset()
	return d
}

// DataInto is [Data] filling d, whose set of fields and rows it reuses: the
// caller keeps d for the next order once it is done with the last one. The
// fields go into d.Std (d.Fields is emptied), the items into d.Tables. It
// returns d.
func DataInto(d *label.Data, o *order.Order, printedAt time.Time, mark string) *label.Data {
	clear(d.Fields)
	fillFields(&d.Std, o, printedAt, mark)
	t := d.Tables
	if t == nil {
		t = make(map[string][]label.Row, 1)
	}
	rows := t["items"]
	if len(t) != 1 || t["items"] == nil {
		clear(t)
	}
	if rows == nil {
		rows = make([]label.Row, 0, len(o.Items))
	}
	rows = rows[:min(len(o.Items), cap(rows))]
	for i := range o.Items {
		it := &o.Items[i]
		var r label.Row
		if i < len(rows) && rows[i] != nil {
			r = rows[i]
		} else {
			r = make(label.Row, 7)
		}
		if fillRow(r, it); len(r) != 7 {
			clear(r)
			fillRow(r, it)
		}
		if i < len(rows) {
			rows[i] = r
		} else {
			rows = append(rows, r)
		}
	}
	t["items"] = rows
	d.Tables = t
	return d
}

// fillFields sets the fields of o in f, keeping f's strings that are already
// right, and deletes the rest.
func fillFields(f *label.FieldSet, o *order.Order, printedAt time.Time, mark string) {
	var buf [64]byte
	f.Set(label.FieldOrderID, o.ID)
	f.Set(label.FieldPlatform, string(o.Platform))
	f.Set(label.FieldShop, o.Shop)
	f.Set(label.FieldTotal, keep(f.Prev(label.FieldTotal), order.AppendMoney(buf[:0], o.Total)))
	f.Set(label.FieldRemark, remarkLine(&o.Remark))
	f.Set(label.FieldRecipientName, o.Recipient.Name)
	f.Set(label.FieldRecipientPhone, o.Recipient.Phone)
	f.Set(label.FieldRecipientAddress, fullAddress(&o.Recipient, f.Prev(label.FieldRecipientAddress)))
	f.Set(label.FieldSenderName, o.Sender.Name)
	f.Set(label.FieldSenderPhone, o.Sender.Phone)
	f.Set(label.FieldSenderAddress, fullAddress(&o.Sender, f.Prev(label.FieldSenderAddress)))
	f.Set(label.FieldPrintMark, mark)
	if w := o.Waybill; w != nil {
		f.Set(label.FieldTrackingNo, w.TrackingNo)
		f.Set(label.FieldSortCode, w.SortCode)
		f.Set(label.FieldWaybillMark, w.Mark)
		f.Set(label.FieldBagAddr, w.BagAddr)
		f.Set(label.FieldService, w.Service)
		f.Set(label.FieldPayment, w.Payment)
	} else {
		for _, id := range [...]label.FieldID{label.FieldTrackingNo, label.FieldSortCode, label.FieldWaybillMark,
			label.FieldBagAddr, label.FieldService, label.FieldPayment} {
			f.Delete(id)
		}
	}
	if w := o.Waybill; w != nil && w.Pieces > 1 {
		f.Set(label.FieldPiece, strconv.Itoa(w.Piece)+"/"+strconv.Itoa(w.Pieces))
		f.Set(label.FieldParentNo, w.ParentNo)
	} else {
		f.Delete(label.FieldPiece)
		f.Delete(label.FieldParentNo)
	}
	if !printedAt.IsZero() {
		f.Set(label.FieldPrintTime, keep(f.Prev(label.FieldPrintTime), printedAt.AppendFormat(buf[:0], time.RFC3339)))
	} else {
		f.Delete(label.FieldPrintTime)
	}
	f.Delete(label.FieldCarrierCode)
	f.Delete(label.FieldCarrierName)
}

// fillRow sets the fields of an order line in r.
func fillRow(r label.Row, it *order.Item) {
	var buf [32]byte
	r["sku"], r["barcode"], r["name"], r["spec"] = it.SKU, it.Barcode, it.Name, it.Spec
	r["qty"], r["location"] = strconv.Itoa(it.Qty), it.Location
	r["unit_price"] = keep(r["unit_price"], order.AppendMoney(buf[:0], it.UnitPrice))
}

// keep returns prev when it holds the bytes b, else b as a new string.
func keep(prev string, b []byte) string {
	if string(b) == prev {
		return prev
	}
	return string(b)
}

// fullAddress is p.FullAddress(), or prev when that is the same text (a shop's
// sender address, order after order).
func fullAddress(p *order.Party, prev string) string {
	if prev != "" && p.IsFullAddress(prev) {
		return prev
	}
	return p.FullAddress()
}

func remarkLine(r *order.Remark) string {
	var parts []string
	if s := strings.TrimSpace(r.Buyer); s != "" {
		parts = append(parts, "买家："+s)
	}
	if s := strings.TrimSpace(r.Seller); s != "" {
		parts = append(parts, "卖家："+s)
	}
	return strings.Join(parts, " ")
}
