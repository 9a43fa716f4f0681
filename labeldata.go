package dadan

import (
	"strings"
	"time"

	"github.com/dadanhq/dadan/internal/orderlabel"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
)

// LabelData turns an order into the plain data the label templates bind (see
// [label.Data] for the field names). printedAt fills print.time; mark fills
// print.mark, the reprint mark ("" for a first print).
//
// Besides those it sets carrier.code and carrier.name, the courier's name for a
// code of [CarrierCodes] (中通快递), which the standard waybills print.
func LabelData(o *order.Order, printedAt time.Time, mark string) *label.Data {
	d := orderlabel.Data(o, printedAt, mark)
	if name, ok := CarrierName(o.Carrier); ok {
		d.Fields["carrier.code"] = strings.ToUpper(strings.TrimSpace(o.Carrier))
		d.Fields["carrier.name"] = name
	}
	return d
}

// labelDataInto is [LabelData] filling d as orderlabel.DataInto does (the
// fields in d.Std), for a station that reuses d order after order.
func labelDataInto(d *label.Data, o *order.Order, printedAt time.Time, mark string) *label.Data {
	orderlabel.DataInto(d, o, printedAt, mark)
	if name, ok := CarrierName(o.Carrier); ok {
		d.Std.Set(label.FieldCarrierCode, strings.ToUpper(strings.TrimSpace(o.Carrier)))
		d.Std.Set(label.FieldCarrierName, name)
	}
	return d
}
