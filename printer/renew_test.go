package printer_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/memstore"
)

// slowPrinter takes d for each job and notes, for every job Sending in the store,
// its claim time when the job arrived and when it was through.
type slowPrinter struct {
	d     time.Duration
	store *memstore.Store
	mu    sync.Mutex
	seen  []map[string][2]time.Time // per job sent: id → claim times before and after
}

func (p *slowPrinter) sending() map[string]time.Time {
	js, _ := p.store.Jobs(context.Background(), printer.JobFilter{States: []printer.JobState{printer.Sending}})
	m := map[string]time.Time{}
	for _, j := range js {
		m[j.ID] = j.SentAt
	}
	return m
}

func (p *slowPrinter) Print(ctx context.Context, data []byte) error {
	before := p.sending()
	time.Sleep(p.d)
	after := p.sending()
	m := map[string][2]time.Time{}
	for id, t := range before {
		m[id] = [2]time.Time{t, after[id]}
	}
	p.mu.Lock()
	p.seen = append(p.seen, m)
	p.mu.Unlock()
	return nil
}

func (p *slowPrinter) Close() error { return nil }

// A send that takes longer than a quarter of the lease renews the claim of the
// job and of the jobs claimed with it, so no other station takes them over; once
// the send is through, nothing renews any more.
func TestLongSendRenewsClaims(t *testing.T) {
	store := memstore.New()
	slow := &slowPrinter{d: 25 * time.Millisecond, store: store}
	opts := fastOptions()
	opts.Routes = map[printer.DocKind]string{printer.Waybill: "A"}
	opts.Lease = 20 * time.Millisecond // renewed every 5 ms
	opts.MaxRun = 3
	s, err := printer.New(store, map[string]printer.Printer{"A": slow}, opts)
	require.NoError(t, err)
	var specs []printer.JobSpec
	const n = 8
	for i := range n {
		specs = append(specs, spec(i, printer.Waybill))
	}
	_, err = s.SubmitAll(t.Context(), specs)
	require.NoError(t, err)
	require.NoError(t, s.Drain(t.Context()))

	require.Len(t, slow.seen, n)
	renewed := 0
	for k, m := range slow.seen {
		require.NotEmpty(t, m, "send %d: its job is Sending", k)
		for id, ts := range m {
			if ts[1].IsZero() {
				continue // stored done meanwhile (a job of the run before)
			}
			assert.True(t, ts[1].After(ts[0]), "send %d: the claim of %s renewed during the send", k, id)
			renewed++
		}
	}
	assert.Greater(t, renewed, n, "the job sent and the jobs claimed with it")

	js, err := store.Jobs(t.Context(), printer.JobFilter{})
	require.NoError(t, err)
	was := map[string]time.Time{}
	for _, j := range js {
		assert.Equal(t, printer.Sent, j.State, "a printer that reports no status: %s", j.ID)
		was[j.ID] = j.UpdatedAt
	}
	time.Sleep(60 * time.Millisecond)
	js, err = store.Jobs(t.Context(), printer.JobFilter{})
	require.NoError(t, err)
	for _, j := range js {
		assert.Equal(t, was[j.ID], j.UpdatedAt, "nothing renews %s after its send", j.ID)
	}
}
