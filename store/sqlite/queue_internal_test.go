package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
)

// planner returns what EXPLAIN QUERY PLAN says of a query on a new database,
// one line per step.
func planner(t *testing.T) func(q string, args ...any) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "plan.db")
	s, err := Open(ctx, path, nil)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	db, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return func(q string, args ...any) string {
		rows, err := db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
		require.NoError(t, err)
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var id, parent, notused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &notused, &detail))
			b.WriteString(detail + "\n")
		}
		require.NoError(t, rows.Err())
		return b.String()
	}
}

// The queries of a claim, of an idle printer's poll and of a restarted
// spooler's look for its jobs find their rows through the partial indexes on
// the queued and the sending jobs, not by a scan of every job ever printed
// (the jobs table holds a shift's worth: two million rows at a million orders).
func TestQueueQueriesUseThePartialIndexes(t *testing.T) {
	plan := planner(t)
	args := func(n int) []any { return make([]any, n) }

	head := plan(claimHead, args(5)...)
	assert.Contains(t, head, "jobs_queued (printer=?)")
	assert.Contains(t, head, "jobs_sending (printer=?)")
	assert.Contains(t, plan(queuedHead, args(2)...), "jobs_queued (printer=?)")
	assert.Contains(t, plan(claimThrough, args(5)...), "jobs_queued (printer=? AND seq<?)")
	assert.Contains(t, plan(sendingOf, args(1)...), "jobs_sending (printer=?)")
	poll := plan(`SELECT (SELECT min(sent_at) FROM jobs WHERE printer = ? AND state = 'sending'),
		EXISTS (SELECT 1 FROM jobs WHERE printer = ? AND state = 'queued')`, args(2)...)
	assert.Contains(t, poll, "jobs_sending")
	assert.Contains(t, poll, "jobs_queued")

	q, a := jobsQuery(printer.JobFilter{Printer: "p1", States: []printer.JobState{printer.Sending}, Owner: "st1"})
	assert.Contains(t, plan(q, a...), "jobs_sending (printer=? AND seq>?)")
	q, a = jobsQuery(printer.JobFilter{Printer: "p1", States: []printer.JobState{printer.Queued}, Limit: 2})
	assert.Contains(t, plan(q, a...), "jobs_queued")
	q, a = jobsQuery(printer.JobFilter{Order: "A"})
	assert.Contains(t, plan(q, a...), "(order_id=?)")

	// A state no job has is bound, not written out.
	q, a = jobsQuery(printer.JobFilter{States: []printer.JobState{printer.Printed, "it's"}})
	assert.Contains(t, q, "state IN ('printed', ?)")
	assert.Contains(t, a, any("it's"))
}

// Listing orders walks order_state's index for a status and orders' for all,
// each joined to the other table by the order's number, never a scan.
func TestOrderListingUsesTheIndexes(t *testing.T) {
	plan := planner(t)
	first, next, _ := listQueries([]order.Status{order.Approved, order.OnHold})
	for _, q := range []string{first, next} {
		p := plan(q, make([]any, strings.Count(q, "?"))...)
		assert.Contains(t, p, "SEARCH s USING INDEX order_state_status (status=?", q)
		assert.Contains(t, p, "SEARCH o USING INTEGER PRIMARY KEY", q)
		assert.NotContains(t, p, "SCAN o", q)
		assert.NotContains(t, p, "SCAN s", q)
	}
	first, next, _ = listQueries(nil)
	assert.Contains(t, plan(first, 1), "SCAN o USING INDEX orders_paid")
	p := plan(next, 1, "", 1)
	assert.Contains(t, p, "SEARCH o USING INDEX orders_paid")
	assert.Contains(t, p, "SEARCH s USING INTEGER PRIMARY KEY")
}
