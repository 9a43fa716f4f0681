package dadan

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/dadanhq/dadan/printer"
)

// TestSpoolEventsOutOfOrder: a job's end can be reported before SubmitAll
// reports it queued (the spooler's Run sends it first, woken by another
// station's notice). The station must not wait for that job's end forever,
// which left an order with printed documents approved at a station that
// exited 0 (three stations on one PostgreSQL queue showed it).
func TestSpoolEventsOutOfOrder(t *testing.T) {
	s := &Station{}
	p := &s.p
	p.dirty, p.notify = map[string]bool{}, make(chan struct{}, 1)
	p.seen = map[string]map[printer.JobKey]printer.Job{}
	p.waiting, p.early = map[string]map[string]bool{}, map[string]map[string]bool{}
	on := s.onSpoolEvent(nil)
	job := func(id, doc string) printer.Job {
		return printer.Job{ID: id, Key: printer.JobKey{Order: "X", Doc: printer.DocKind(doc)}}
	}
	j1, j2 := job("J1", "waybill"), job("J2", "packing")

	// In order: queued, then printed.
	on(printer.Event{Kind: printer.EventQueued, Job: j1})
	assert.Len(t, p.waiting["X"], 1, "a queued job is waited for")
	on(printer.Event{Kind: printer.EventPrinted, Job: j1})
	assert.Empty(t, p.waiting, "its end ends the wait")
	assert.Empty(t, p.early)

	// Out of order: printed (and cancelled) before queued.
	on(printer.Event{Kind: printer.EventPrinted, Job: j1})
	on(printer.Event{Kind: printer.EventCancelled, Job: j2})
	assert.Len(t, p.early["X"], 2)
	on(printer.Event{Kind: printer.EventQueued, Job: j1})
	on(printer.Event{Kind: printer.EventQueued, Job: j2})
	assert.Empty(t, p.waiting, "a job that ended before its queued event is not waited for")
	assert.Empty(t, p.early)
	assert.True(t, p.dirty["X"], "the order is up for confirmation")

	// A reprint of a job that ended is waited for again.
	on(printer.Event{Kind: printer.EventReprint, Job: j1})
	assert.Len(t, p.waiting["X"], 1)
	on(printer.Event{Kind: printer.EventPrinted, Job: j1})
	assert.Empty(t, p.waiting)
}
