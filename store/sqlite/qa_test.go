package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/store/sqlite"
	"github.com/dadanhq/dadan/store/storetest"
)

// TestRosterMatchesPrinted checks the fast path against Printed, with order IDs
// and names holding the roster row's own punctuation and printer commands.
func TestRosterMatchesPrinted(t *testing.T) {
	ctx := context.Background()
	s := open(t, nil)
	day := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	ids := []string{"1,2:3", "7:abc", "^XA^FDx^FS^XZ", "中文订单", "a\x1fb", "12:", ":", ","}
	for i := range 300 {
		id := fmt.Sprintf("R%d", i)
		if i < len(ids) {
			id = ids[i]
		}
		op := []string{"3:x", "bob,", "张三"}[i%3]
		docs := []storetest.PrintedDoc{{Kind: printer.Waybill, Template: "w", Version: "1", Printer: fmt.Sprintf("p:%d,", i%4)}}
		if i%2 == 0 {
			docs = append(docs, storetest.PrintedDoc{Kind: printer.PackingList, Template: "pl", Version: "2", Printer: "epson"})
		}
		require.NoError(t, storetest.PrintOrder(ctx, s, id, op, day.Add(time.Duration(i)*time.Minute), docs...))
	}
	// reprinted later by someone else: the later print counts in both
	require.NoError(t, s.UpdateOrder(ctx, "R100", func(o *order.Order) ([]order.Event, error) {
		return []order.Event{{Time: day.Add(500 * time.Minute), Actor: "dave", OrderID: "R100", Action: order.ActPrinted,
			From: order.Printed, To: order.Printed, Detail: "waybill w@1 sha256:00; packing_list pl@2 sha256:00"}}, nil
	}))
	for _, period := range [][2]time.Time{{}, {day.Add(50 * time.Minute), day.Add(150 * time.Minute)}, {day.Add(90 * time.Minute), day.Add(600 * time.Minute)}} {
		want := map[string]qa.Printed{}
		for p, err := range s.Printed(ctx, period[0], period[1]) {
			require.NoError(t, err)
			p.Docs = lite(p.Docs)
			want[p.Order] = p
		}
		got := map[string]qa.Printed{}
		for p, err := range s.Roster(ctx, period[0], period[1]) {
			require.NoError(t, err)
			_, dup := got[p.Order]
			require.False(t, dup, p.Order)
			got[p.Order] = p
		}
		require.NotEmpty(t, want)
		assert.Equal(t, want, got)
		n, err := s.CountPrinted(ctx, period[0], period[1])
		require.NoError(t, err)
		assert.Equal(t, len(want), n)
	}
}

func lite(ds []qa.Doc) []qa.Doc {
	out := make([]qa.Doc, len(ds))
	for i, d := range ds {
		out[i] = qa.Doc{Kind: d.Kind, Printer: d.Printer}
	}
	return out
}

// TestQAReopen: the qa tables and their rows survive reopening (migration 4 runs
// once).
func TestQAReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gap.db")
	for range 3 {
		s, err := sqlite.Open(ctx, path, nil)
		require.NoError(t, err)
		_, err = s.AddLot(ctx, qa.Lot{Time: time.Now()})
		require.NoError(t, err)
		require.NoError(t, s.Close())
	}
	s, err := sqlite.Open(ctx, path, nil)
	require.NoError(t, err)
	defer s.Close()
	n := 0
	for _, err := range s.Lots(ctx) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 3, n, "reopening keeps the qa tables and their rows")
	assert.Equal(t, len(mustGlob(t, "migrations/*.sql")), sqlite.SchemaVersion())
}

func mustGlob(t *testing.T, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(pattern)
	require.NoError(t, err)
	return m
}
