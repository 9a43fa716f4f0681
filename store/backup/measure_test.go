package backup_test

import (
	"bytes"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/dadanhq/dadan/store/backup"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/stretchr/testify/require"
)

// TestMeasure reports the time and size of a full backup, an increment and a
// restore of $DADAN_BACKUP_MEASURE orders (each with its jobs, shipment,
// tracking and the rest of the workload) on SQLite, and on PostgreSQL with
// $DADAN_PG_DSN. It is skipped without the variable; BENCHMARKS.md has the
// numbers.
func TestMeasure(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("DADAN_BACKUP_MEASURE"))
	if n <= 0 {
		t.Skip("DADAN_BACKUP_MEASURE is not set")
	}
	mem := memstore.New()
	setup(t, mem)
	start := time.Now()
	work(t, mem, 0, n)
	t.Logf("workload of %d orders in memory: %v", n, time.Since(start))
	var full bytes.Buffer
	_, err := backup.Write(ctx, &full, mem, nil, t0)
	require.NoError(t, err)

	stores := map[string]backup.Store{"sqlite": newSQLite(t)}
	if os.Getenv("DADAN_PG_DSN") != "" {
		stores["postgres"] = newPostgres(t)
	}
	for name, s := range stores {
		start = time.Now()
		m, err := restore(s, full.Bytes())
		require.NoError(t, err)
		t.Logf("%s: restore of the full backup (%d orders, %d events, %v): %v", name, m.Orders, m.Events, m.Records, time.Since(start))

		start = time.Now()
		var b bytes.Buffer
		m, err = backup.Write(ctx, &b, s, nil, t0)
		require.NoError(t, err)
		t.Logf("%s: full backup: %v, %d bytes", name, time.Since(start), b.Len())

		work(t, s, n, n/100)
		start = time.Now()
		var inc bytes.Buffer
		mi, err := backup.Write(ctx, &inc, s, &m, t0.Add(24*time.Hour))
		require.NoError(t, err)
		t.Logf("%s: increment after %d more orders: %v, %d bytes (%d orders, %d events, %v)", name, n/100, time.Since(start), inc.Len(), mi.Orders, mi.Events, mi.Records)

		start = time.Now()
		_, err = backup.ReadManifest(bytes.NewReader(b.Bytes()))
		require.NoError(t, err)
		t.Logf("%s: reading and checking the full backup: %v", name, time.Since(start))
	}
}
