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
	var prevTo, prevFrom string // the last order's addresses, kept when the same
	if f == nil {
		f = make(map[string]string, 24)
	} else {
		prevTo, prevFrom = f["recipient.address"], f["sender.address"]
		clear(f)
	}
	f["order.id"] = o.ID
	f["order.platform"] = string(o.Platform)
	f["order.shop"] = o.Shop
	f["order.total"] = string(order.AppendMoney(nil, o.Total))
	f["order.remark"] = remarkLine(&o.Remark)
	f["recipient.name"] = o.Recipient.Name
	f["recipient.phone"] = o.Recipient.Phone
	f["recipient.address"] = fullAddress(&o.Recipient, prevTo)
	f["sender.name"] = o.Sender.Name
	f["sender.phone"] = o.Sender.Phone
	f["sender.address"] = fullAddress(&o.Sender, prevFrom)
	if w := o.Waybill; w != nil {
		f["waybill.tracking_no"] = w.TrackingNo
		f["waybill.sort_code"] = w.SortCode
		f["waybill.mark"] = w.Mark
		f["waybill.bag_addr"] = w.BagAddr
		f["waybill.service"] = w.Service
		f["waybill.payment"] = w.Payment
		if w.Pieces > 1 {
			f["waybill.piece"] = strconv.Itoa(w.Piece) + "/" + strconv.Itoa(w.Pieces)
			f["waybill.parent_no"] = w.ParentNo
		}
	}
	if !printedAt.IsZero() {
		f["print.time"] = printedAt.Format(time.RFC3339)
	}
	f["print.mark"] = mark
	t := d.Tables
	if t == nil {
		t = make(map[string][]label.Row, 1)
	}
	rows := t["items"]
	clear(t)
	if rows == nil {
		rows = make([]label.Row, 0, len(o.Items))
	}
	rows = rows[:min(len(o.Items), cap(rows))]
	for i := range o.Items {
		it := &o.Items[i]
		var r label.Row
		if i < len(rows) && rows[i] != nil {
			r = rows[i]
			clear(r)
		} else {
			r = make(label.Row, 7)
		}
		r["sku"], r["barcode"], r["name"], r["spec"] = it.SKU, it.Barcode, it.Name, it.Spec
		r["qty"], r["location"] = strconv.Itoa(it.Qty), it.Location
		r["unit_price"] = string(order.AppendMoney(nil, it.UnitPrice))
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
