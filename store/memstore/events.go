package memstore

import (
	"context"

	"github.com/dadanhq/dadan/shipment"
)

// UpdateEvents calls fn with a copy of each stored tracking event of trackingNo,
// in [Store.Events] order, and keeps the Text and Location fn leaves; the other
// fields and the event's key stay, so a repeat of the original event is still
// stored once. It returns how many events changed. fn must not call the store.
func (s *shipments) UpdateEvents(ctx context.Context, trackingNo string, fn func(ev *shipment.Event)) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.shmu.Lock()
	defer s.shmu.Unlock()
	n := 0
	for i, ev := range s.events[trackingNo] {
		c := ev
		fn(&c)
		if c.Text != ev.Text || c.Location != ev.Location {
			s.events[trackingNo][i].Text, s.events[trackingNo][i].Location = c.Text, c.Location
			n++
		}
	}
	return n, nil
}
