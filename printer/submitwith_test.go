package printer_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// SubmitAllWith checks and routes the jobs as SubmitAll does, stores them with
// the caller's write, and announces them only when that write succeeds.
func TestSubmitAllWith(t *testing.T) {
	ctx := context.Background()
	store := memstore.New()
	var mu sync.Mutex
	var queued []string
	s, err := printer.New(store, map[string]printer.Printer{"A": printer.PrinterFunc(func(context.Context, []byte) error { return nil })},
		&printer.Options{Routes: map[printer.DocKind]string{printer.Waybill: "A"}, OnEvent: func(e printer.Event) {
			if e.Kind == printer.EventQueued {
				mu.Lock()
				queued = append(queued, e.Job.ID)
				mu.Unlock()
			}
		}})
	require.NoError(t, err)
	spec := func(order string) printer.JobSpec {
		return printer.JobSpec{Key: printer.JobKey{Order: order, Doc: printer.Waybill, Template: "w", Version: "1", Copy: 1}, Data: []byte("^XA^XZ")}
	}

	calls := 0
	boom := errors.New("order update failed")
	_, err = s.SubmitAllWith(ctx, []printer.JobSpec{spec("O1")}, func(ctx context.Context, jobs []printer.Job) ([]printer.Job, error) {
		calls++
		require.Len(t, jobs, 1)
		assert.Equal(t, "A", jobs[0].Printer, "routed before the write")
		assert.Equal(t, printer.Queued, jobs[0].State)
		return nil, boom
	})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, 1, calls)
	js, err := store.Jobs(ctx, printer.JobFilter{})
	require.NoError(t, err)
	assert.Empty(t, js)
	assert.Empty(t, queued, "nothing announced")

	// A job refused by the spooler's checks never reaches the write.
	_, err = s.SubmitAllWith(ctx, []printer.JobSpec{{Key: printer.JobKey{Doc: printer.Waybill}, Data: []byte("x")}},
		func(context.Context, []printer.Job) ([]printer.Job, error) {
			calls++
			return nil, nil
		})
	require.ErrorIs(t, err, printer.ErrInvalidJob)
	assert.Equal(t, 1, calls)

	got, err := s.SubmitAllWith(ctx, []printer.JobSpec{spec("O1"), spec("O2")}, store.AddJobs)
	require.NoError(t, err)
	require.Len(t, got, 2)
	mu.Lock()
	assert.Equal(t, []string{got[0].ID, got[1].ID}, queued)
	mu.Unlock()
}
