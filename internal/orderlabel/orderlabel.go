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
	f := make(map[string]string, 24)
	f["order.id"] = o.ID
	f["order.platform"] = string(o.Platform)
	f["order.shop"] = o.Shop
	f["order.total"] = string(order.AppendMoney(nil, o.Total))
	f["order.remark"] = remarkLine(&o.Remark)
	f["recipient.name"] = o.Recipient.Name
	f["recipient.phone"] = o.Recipient.Phone
	f["recipient.address"] = o.Recipient.FullAddress()
	f["sender.name"] = o.Sender.Name
	f["sender.phone"] = o.Sender.Phone
	f["sender.address"] = o.Sender.FullAddress()
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
	rows := make([]label.Row, len(o.Items))
	for i := range o.Items {
		it := &o.Items[i]
		rows[i] = label.Row{
			"sku": it.SKU, "barcode": it.Barcode, "name": it.Name, "spec": it.Spec,
			"qty": strconv.Itoa(it.Qty), "location": it.Location,
			"unit_price": string(order.AppendMoney(nil, it.UnitPrice)),
		}
	}
	return &label.Data{Fields: f, Tables: map[string][]label.Row{"items": rows}}
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
