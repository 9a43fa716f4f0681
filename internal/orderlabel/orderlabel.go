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
// [label.Data] for the field names). printedAt fills print.time; mark fills
// print.mark, the reprint mark ("" for a first print).
func Data(o *order.Order, printedAt time.Time, mark string) *label.Data {
	return DataInto(&label.Data{}, o, printedAt, mark)
}

// DataInto is [Data] filling d, whose maps and rows it reuses: the caller keeps d
// for the next order once it is done with the last one. It returns d.
func DataInto(d *label.Data, o *order.Order, printedAt time.Time, mark string) *label.Data {
	f := d.Fields
	if f == nil {
		f = make(map[string]string, 24)
	}
	// Strings equal to the last order's (the sender's address, the print time,
	// often the total) are kept rather than built again.
	if n := fillFields(f, o, printedAt, mark); len(f) != n {
		// f had fields Data does not set: start from an empty map.
		clear(f)
		fillFields(f, o, printedAt, mark)
	}
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
	d.Fields, d.Tables = f, t
	return d
}

// fillFields sets the fields of o in f, keeping f's strings that are already
// right, deletes the optional ones o lacks, and returns how many it set.
func fillFields(f map[string]string, o *order.Order, printedAt time.Time, mark string) int {
	var buf [64]byte
	f["order.id"] = o.ID
	f["order.platform"] = string(o.Platform)
	f["order.shop"] = o.Shop
	f["order.total"] = keep(f["order.total"], order.AppendMoney(buf[:0], o.Total))
	f["order.remark"] = remarkLine(&o.Remark)
	f["recipient.name"] = o.Recipient.Name
	f["recipient.phone"] = o.Recipient.Phone
	f["recipient.address"] = fullAddress(&o.Recipient, f["recipient.address"])
	f["sender.name"] = o.Sender.Name
	f["sender.phone"] = o.Sender.Phone
	f["sender.address"] = fullAddress(&o.Sender, f["sender.address"])
	f["print.mark"] = mark
	n := 12
	if w := o.Waybill; w != nil {
		f["waybill.tracking_no"] = w.TrackingNo
		f["waybill.sort_code"] = w.SortCode
		f["waybill.mark"] = w.Mark
		f["waybill.bag_addr"] = w.BagAddr
		f["waybill.service"] = w.Service
		f["waybill.payment"] = w.Payment
		n += 6
	} else {
		for _, k := range [...]string{"waybill.tracking_no", "waybill.sort_code", "waybill.mark", "waybill.bag_addr", "waybill.service", "waybill.payment"} {
			delete(f, k)
		}
	}
	if w := o.Waybill; w != nil && w.Pieces > 1 {
		f["waybill.piece"] = strconv.Itoa(w.Piece) + "/" + strconv.Itoa(w.Pieces)
		f["waybill.parent_no"] = w.ParentNo
		n += 2
	} else {
		delete(f, "waybill.piece")
		delete(f, "waybill.parent_no")
	}
	if !printedAt.IsZero() {
		f["print.time"] = keep(f["print.time"], printedAt.AppendFormat(buf[:0], time.RFC3339))
		n++
	} else {
		delete(f, "print.time")
	}
	return n
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
