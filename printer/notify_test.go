package printer_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/store/memstore"
)

// notifyingStore is a memory store that is also a [printer.Notifier]: the
// test sends printer names on names, as a shared database would when another
// station queues a job.
type notifyingStore struct {
	*memstore.Store
	names chan string
	err   error
}

func (s *notifyingStore) Notify(ctx context.Context) (<-chan string, error) {
	if s.err != nil {
		return nil, s.err
	}
	out := make(chan string)
	go func() {
		defer close(out)
		for {
			select {
			case n := <-s.names:
				select {
				case out <- n:
				case <-ctx.Done():
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// A job another station queues (straight into the shared store, past this
// spooler's Submit) prints at once when the store notifies, not at the next
// poll; a store whose Notify fails leaves the spooler polling.
func TestNotifierWakesIdlePrinter(t *testing.T) {
	for _, failing := range []bool{false, true} {
		t.Run(map[bool]string{false: "notifies", true: "notify fails"}[failing], func(t *testing.T) {
			e, err := printertest.New(nil)
			require.NoError(t, err)
			t.Cleanup(func() { e.Close() })
			st := &notifyingStore{Store: memstore.New(), names: make(chan string, 2)}
			poll := 10 * time.Second
			if failing {
				st.err, poll = errors.New("no listener"), 100*time.Millisecond
			}
			opts := fastOptions()
			opts.PollInterval = poll
			sp, err := printer.New(st, map[string]printer.Printer{"A": dialEmu(t, e)}, opts)
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- sp.Run(ctx) }()
			t.Cleanup(func() { cancel(); <-done })
			wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
			defer wcancel()
			require.NoError(t, sp.Wait(wctx))
			time.Sleep(50 * time.Millisecond) // the worker sleeps on its poll timer

			_, err = st.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "X", Doc: printer.Waybill, Copy: 1}, Printer: "A", Data: zplJob(1)})
			require.NoError(t, err)
			if !failing {
				st.names <- "B" // a printer this spooler does not drive: ignored
				st.names <- "A"
			}
			start := time.Now()
			for len(e.Printed()) == 0 {
				require.Less(t, time.Since(start), time.Second, "the idle printer did not wake")
				time.Sleep(5 * time.Millisecond)
			}
			assert.Equal(t, 1, jobIndex(t, e.Printed()[0].Data))
		})
	}
}
