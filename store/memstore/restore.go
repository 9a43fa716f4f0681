package memstore

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/shipment"
	supply "github.com/dadanhq/dadan/supplies"

	"github.com/dadanhq/dadan/store/backup"
)

var _ backup.Store = (*Store)(nil)

// Sequences implements [backup.Exporter].
func (s *Store) Sequences(ctx context.Context) (map[string]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.smu.Lock()
	defer s.smu.Unlock()
	out := maps.Clone(s.sequences.seq)
	if out == nil {
		out = map[string]int64{}
	}
	return out, nil
}

// Stocktakes implements [backup.Exporter].
func (s *Store) Stocktakes(ctx context.Context) ([]supply.Stocktake, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.supplies.mu.Lock()
	defer s.supplies.mu.Unlock()
	out := make([]supply.Stocktake, 0, len(s.stocktakes))
	for _, st := range s.stocktakes {
		out = append(out, *st)
	}
	slices.SortFunc(out, func(a, b supply.Stocktake) int { return cmp.Compare(idNumber(a.ID), idNumber(b.ID)) })
	return out, nil
}

// PrintUses implements [backup.Exporter].
func (s *Store) PrintUses(ctx context.Context) ([]supply.PrintUse, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.supplies.mu.Lock()
	defer s.supplies.mu.Unlock()
	return slices.Clone(s.prints), nil
}

// idNumber returns the number at the end of an ID such as M12, or 0.
func idNumber(id string) int64 {
	i := len(id)
	for i > 0 && id[i-1] >= '0' && id[i-1] <= '9' {
		i--
	}
	n, _ := strconv.ParseInt(id[i:], 10, 64)
	return n
}

// Load implements [backup.Loader]. It holds every part's lock while it loads.
func (s *Store) Load(ctx context.Context, r *backup.Records) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.devices.mu.Lock()
	defer s.devices.mu.Unlock()
	s.supplies.mu.Lock()
	defer s.supplies.mu.Unlock()
	s.shmu.Lock()
	defer s.shmu.Unlock()
	s.jobs.mu.Lock()
	defer s.jobs.mu.Unlock()
	s.qmu.Lock()
	defer s.qmu.Unlock()
	s.smu.Lock()
	defer s.smu.Unlock()

	// Check what would fail before changing anything.
	devs := map[string]bool{}
	for id := range s.devices.byID {
		devs[id] = true
	}
	for _, d := range r.Devices {
		devs[d.ID] = true
	}
	for _, m := range r.Maintenance {
		if !devs[m.Device] {
			return fmt.Errorf("memstore: load: maintenance %s: %w: %q", m.ID, printer.ErrUnknownDevice, m.Device)
		}
	}
	for _, f := range r.Faults {
		if !devs[f.Device] {
			return fmt.Errorf("memstore: load: fault %s: %w: %q", f.ID, printer.ErrUnknownDevice, f.Device)
		}
	}
	items := map[string]bool{}
	for spec := range s.items {
		items[spec] = true
	}
	for _, it := range r.Supplies {
		items[it.Spec] = true
	}
	for _, m := range r.Movements {
		if !items[m.Spec] {
			return fmt.Errorf("memstore: load: movement %s: %w: %q", m.ID, supply.ErrUnknownItem, m.Spec)
		}
	}
	ships := map[string]bool{}
	for no := range s.ships {
		ships[no] = true
	}
	for _, sh := range r.Shipments {
		if err := sh.Validate(); err != nil {
			return err
		}
		ships[sh.TrackingNo] = true
	}
	for _, ev := range r.Events {
		if !ships[ev.TrackingNo] {
			return fmt.Errorf("memstore: load: tracking event: %w: %s", shipment.ErrNotFound, ev.TrackingNo)
		}
	}

	s.loadLedger(r)
	s.loadSupplies(r)
	s.loadShipments(r)
	s.loadJobs(r)
	s.loadQA(r)
	if len(r.Sequences) > 0 && s.sequences.seq == nil {
		s.sequences.seq = map[string]int64{}
	}
	for name, v := range r.Sequences {
		s.sequences.seq[name] = max(s.sequences.seq[name], v)
	}
	return nil
}

func (s *Store) loadLedger(r *backup.Records) {
	d := &s.devices
	if d.byID == nil && len(r.Devices) > 0 {
		d.byID = map[string]*printer.Device{}
	}
	for _, dev := range r.Devices {
		c := dev
		d.byID[dev.ID] = &c
	}
	at := make(map[string]int, len(d.maintenance))
	for i, m := range d.maintenance {
		at[m.ID] = i
	}
	for _, m := range r.Maintenance {
		if i, ok := at[m.ID]; ok {
			d.maintenance[i] = m
		} else {
			at[m.ID] = len(d.maintenance)
			d.maintenance = append(d.maintenance, m)
		}
		d.seq = max(d.seq, idNumber(m.ID))
	}
	if d.faultAt == nil {
		d.faultAt = map[string]int{}
	}
	for _, f := range r.Faults {
		if i, ok := d.faultAt[f.ID]; ok {
			d.faults[i] = f
		} else {
			d.faultAt[f.ID] = len(d.faults)
			d.faults = append(d.faults, f)
		}
		d.seq = max(d.seq, idNumber(f.ID))
	}
}

func (s *Store) loadSupplies(r *backup.Records) {
	p := &s.supplies
	p.init()
	for _, it := range r.Supplies {
		p.items[it.Spec] = it
	}
	have := make(map[string]bool, len(p.movements))
	for _, m := range p.movements {
		have[m.ID] = true
	}
	for _, m := range r.Movements {
		if have[m.ID] {
			continue // movements never change
		}
		have[m.ID] = true
		p.movements = append(p.movements, m)
		p.onHand[m.Spec] += m.Qty
		p.seq = max(p.seq, idNumber(m.ID))
	}
	p.prints = append(p.prints, r.PrintUses...)
	for _, st := range r.Stocktakes {
		c := st
		p.stocktakes[st.ID] = &c
		p.seq = max(p.seq, idNumber(st.ID))
	}
}

func (s *Store) loadShipments(r *backup.Records) {
	p := &s.shipments
	p.initLocked()
	for _, sh := range r.Shipments {
		p.ships[sh.TrackingNo] = sh.Clone()
	}
	for _, ev := range r.Events {
		key := ev.Key()
		if p.eventKey[key] {
			continue
		}
		p.eventKey[key] = true
		evs := append(p.events[ev.TrackingNo], ev)
		slices.SortStableFunc(evs, func(a, b shipment.Event) int { return a.Time.Compare(b.Time) })
		p.events[ev.TrackingNo] = evs
	}
	at := make(map[string]int, len(p.problems))
	for i, pr := range p.problems {
		at[pr.ID] = i
	}
	for _, pr := range r.Problems {
		if i, ok := at[pr.ID]; ok {
			p.problems[i] = pr.Clone()
		} else {
			at[pr.ID] = len(p.problems)
			p.problems = append(p.problems, pr.Clone())
		}
		p.problemSeq = max(p.problemSeq, idNumber(pr.ID))
	}
	slices.SortStableFunc(p.problems, func(a, b *shipment.Problem) int { return cmp.Compare(idNumber(a.ID), idNumber(b.ID)) })
}

func (s *Store) loadJobs(r *backup.Records) {
	p := &s.jobs
	p.init()
	for _, j := range r.Jobs {
		j.Data = bytes.Clone(j.Data)
		old := p.byID[j.ID]
		if old == nil {
			c := j
			old = &c
			p.byID[j.ID], p.byKey[j.Key] = old, old
			p.byOrder[j.Key.Order] = append(p.byOrder[j.Key.Order], old)
		} else {
			if old.State == printer.Sending {
				delete(p.queue(old.Printer).sending, old)
			}
			delete(p.byKey, old.Key)
			*old = j
			p.byKey[j.Key] = old
		}
		if j.State == printer.Sending {
			p.queue(j.Printer).sending[old] = true
		}
		if j.State == printer.Queued {
			p.queue(j.Printer).push(jobRef{seq: j.Seq, job: old})
		}
		p.seq = max(p.seq, j.Seq)
	}
}

func (s *Store) loadQA(r *backup.Records) {
	p := &s.qaRecords
	for _, in := range r.Inspections {
		if p.takeID("i/" + in.ID) {
			p.inspections = append(p.inspections, cloneInspection(in))
		}
	}
	slices.SortStableFunc(p.inspections, func(a, b qa.Inspection) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, l := range r.Lots {
		if p.takeID("l/" + l.ID) {
			p.lots = append(p.lots, l)
		}
	}
	slices.SortStableFunc(p.lots, func(a, b qa.Lot) int { return cmp.Compare(a.Seq, b.Seq) })
}
