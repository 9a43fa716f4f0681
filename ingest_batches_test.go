package dadan_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/language"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/sqlite"
)

// Ingest reviews a batch while it writes the one before. Review depends on the
// batches (stock goes in paid-at order within one, "earlier in this batch"
// against "received before"), so the reference is the same batches ingested
// one call each, where nothing overlaps: every order must get the same outcome,
// status and findings, and the stores must end the same. The input repeats an
// order, changed, right after its original, so with small batches the copy is
// reviewed while its original is still being written: it must be the
// duplicate all the same.
func TestIngestOverlapMatchesOneBatchAtATime(t *testing.T) {
	lines := strings.Split(strings.TrimSpace(string(sample.Orders)), "\n")
	first := lines[0]
	changed := strings.Replace(first, `"id"`, `"seller_memo":"changed copy","id"`, 1)
	require.NotEqual(t, first, changed)
	lines = append([]string{first, changed}, lines[1:]...)

	type outcome struct {
		id       string
		outcome  review.Outcome
		status   order.Status
		findings string
	}
	ctx := access.NewContext(context.Background(), access.Principal{ID: "clerk-7"})
	ingest := func(t *testing.T, st *dadan.Station, in []string, got *[]outcome) dadan.Summary {
		sum, err := st.Ingest(ctx, strings.NewReader(strings.Join(in, "\n")+"\n"), &dadan.IngestOptions{OnResult: func(r dadan.Result) error {
			var codes []string
			for _, f := range r.Findings {
				codes = append(codes, string(f.Code)+":"+f.Message(language.English))
			}
			*got = append(*got, outcome{r.OrderID, r.Outcome, r.Status, strings.Join(codes, ",")})
			return nil
		}})
		require.NoError(t, err)
		require.Zero(t, sum.Refused, "every line is an order, so batches are runs of lines")
		return sum
	}
	state := func(t *testing.T, store order.Store) (map[string]order.Status, map[order.Action]int) {
		statuses := map[string]order.Status{}
		for o, err := range store.ListOrders(ctx) {
			require.NoError(t, err)
			statuses[o.ID] = o.Status
		}
		actions := map[order.Action]int{}
		for ev, err := range store.Journal(ctx, 0) {
			require.NoError(t, err)
			actions[ev.Action]++
		}
		return statuses, actions
	}
	stores := map[string]func(t *testing.T) order.Store{
		"memstore": func(*testing.T) order.Store { return memstore.New() },
		"sqlite": func(t *testing.T) order.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "i.db"), nil)
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			return s
		},
	}
	for _, batch := range []int{1, 2, 3, 7, 10_000} {
		for name, open := range stores {
			station := func(store order.Store) *dadan.Station {
				st, err := dadan.New(&dadan.Options{Store: store, Review: sampleConfig(t), Clock: fakeClock(), BatchSize: batch})
				require.NoError(t, err)
				return st
			}
			refStore := open(t)
			ref := station(refStore)
			var want []outcome
			var wantSum dadan.Summary
			for i := 0; i < len(lines); i += batch {
				s := ingest(t, ref, lines[i:min(i+batch, len(lines))], &want)
				wantSum.Orders += s.Orders
				wantSum.Approved += s.Approved
				wantSum.Held += s.Held
				wantSum.Rejected += s.Rejected
				wantSum.Stored += s.Stored
			}
			wantStatuses, wantActions := state(t, refStore)
			require.Len(t, want, len(lines))
			assert.Equal(t, review.Reject, want[1].outcome, "the changed copy is refused")
			assert.Contains(t, want[1].findings, string(review.CodeDuplicate))
			assert.Empty(t, want[1].status, "and not stored")
			assert.Equal(t, 1, wantActions[order.ActNote], "the original gets a note")

			store := open(t)
			var got []outcome
			sum := ingest(t, station(store), lines, &got)
			statuses, actions := state(t, store)
			assert.Equal(t, want, got, "batch %d, %s: results", batch, name)
			assert.Equal(t, wantSum, sum, "batch %d, %s: summary", batch, name)
			assert.Equal(t, wantStatuses, statuses, "batch %d, %s: stored statuses", batch, name)
			assert.Equal(t, wantActions, actions, "batch %d, %s: journal", batch, name)
		}
	}
}
