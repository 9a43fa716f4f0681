package dadan

import (
	"context"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/retention"
	"github.com/dadanhq/dadan/shipment"
)

// Retain erases the personal data of the orders delivered or cancelled more than
// days days ago ([retention.Rule]): the recipient, the buyer's nick and remark,
// and their copies in print jobs, shipments, tracking texts, courier problems
// and quality inspections the station's store keeps. Each erased order is journaled ([order.ActErased]) with the
// actor from ctx. With opts.DryRun it only reports what it would erase. It
// needs [access.DataErase]; a refused run reads nothing.
func (s *Station) Retain(ctx context.Context, days int, opts *retention.RunOptions) (retention.Summary, error) {
	if err := s.authorize(ctx, access.DataErase, ""); err != nil {
		return retention.Summary{}, err
	}
	r := &retention.Rule{Orders: s.store, Days: days, Clock: s.now, Logger: s.log}
	if ships, ok := s.store.(shipment.Store); ok {
		r.Shipments, r.Problems = ships, ships
	}
	if ins, ok := s.store.(retention.Inspections); ok {
		r.Inspections = ins
	}
	if s.p.jobs != nil {
		r.Jobs = s.p.jobs
	} else if js, ok := s.store.(printer.JobStore); ok {
		r.Jobs = js
	}
	return r.Run(ctx, opts)
}
