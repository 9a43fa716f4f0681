package backup_test

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/seal"
	"github.com/dadanhq/dadan/store/sqlite"
)

// TestRestoreIntoSealedStore: a backup (plaintext) restored into a SQLite store
// with keys is sealed there like data the store wrote itself: every record reads
// back the same, and the file holds no recipient's phone or address in the clear.
func TestRestoreIntoSealedStore(t *testing.T) {
	src := memstore.New()
	files := backups(t, src, 5)
	ring, err := seal.New("k1", map[string][]byte{"k1": seal.NewKey()})
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "sealed.db")
	dst, err := sqlite.Open(ctx, path, &sqlite.Options{Keys: ring})
	require.NoError(t, err)
	roundTrip(t, src, dst, files)
	restored := dumpAll(t, dst)
	require.NoError(t, dst.Close())
	var raw []byte
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(path + suffix)
		if err == nil {
			raw = append(raw, b...)
		}
	}
	require.NotEmpty(t, raw)
	for _, plain := range []string{"13800138000", "文一西路"} {
		assert.False(t, bytes.Contains(raw, []byte(plain)), "%s in the sealed file", plain)
	}
	// Every value of a sealed column is sealed, whichever way it was restored.
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	for _, col := range []string{"orders.body", "jobs.data", "shipments.body", "tracking_events.text", "problems.body", "qa_inspections.body"} {
		table, column, _ := strings.Cut(col, ".")
		rows, err := db.Query(`SELECT ` + column + ` FROM ` + table)
		require.NoError(t, err)
		n, plain := 0, 0
		for rows.Next() {
			var v []byte
			require.NoError(t, rows.Scan(&v))
			if len(v) == 0 {
				continue
			}
			n++
			if !seal.Sealed(v) {
				plain++
			}
		}
		require.NoError(t, rows.Err())
		rows.Close()
		assert.Positive(t, n, "%s has values", col)
		assert.Zero(t, plain, "%s: %d of %d values in the clear", col, plain, n)
	}
	require.NoError(t, db.Close())
	// Reopened with its key, the store still reads what was restored.
	again, err := sqlite.Open(ctx, path, &sqlite.Options{Keys: ring})
	require.NoError(t, err)
	defer again.Close()
	requireSame(t, restored, dumpAll(t, again))
}
