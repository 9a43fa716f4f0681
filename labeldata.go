package dadan

import (
	"time"

	"github.com/dadanhq/dadan/internal/orderlabel"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
)

// LabelData turns an order into the plain data the label templates bind (see
// [label.Data] for the field names). printedAt fills print.time; mark fills
// print.mark, the reprint mark ("" for a first print).
func LabelData(o *order.Order, printedAt time.Time, mark string) *label.Data {
	return orderlabel.Data(o, printedAt, mark)
}
