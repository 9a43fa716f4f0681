package dadan

import (
	"context"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/shipment"
)

// JobLabels adapts a print queue to [shipment.Labels], so scan verification
// blocks a parcel whose waybill label was made from an older revision of its
// order or is queued for a reprint: an order's label is its newest waybill job.
func JobLabels(jobs printer.JobStore) shipment.Labels { return jobLabels{jobs} }

type jobLabels struct{ jobs printer.JobStore }

func (l jobLabels) Label(ctx context.Context, orderID string) (shipment.LabelInfo, bool, error) {
	js, err := l.jobs.Jobs(ctx, printer.JobFilter{Order: orderID})
	if err != nil {
		return shipment.LabelInfo{}, false, err
	}
	var newest *printer.Job
	for i := range js {
		j := &js[i]
		if j.Key.Doc == printer.Waybill && j.Key.Copy <= 1 && (newest == nil || j.Seq > newest.Seq) {
			newest = j
		}
	}
	if newest == nil {
		return shipment.LabelInfo{}, false, nil
	}
	return shipment.LabelInfo{Printed: newest.State.Done() || newest.State == printer.Unconfirmed, Revision: newest.Revision}, true, nil
}
