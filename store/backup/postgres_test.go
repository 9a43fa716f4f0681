package backup_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/dadanhq/dadan/store/backup"
	"github.com/dadanhq/dadan/store/postgres"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newPostgres opens a store on a fresh schema of the PostgreSQL at $DADAN_PG_DSN,
// dropped when the test ends; it skips the test without one.
func newPostgres(t *testing.T) *postgres.Store {
	t.Helper()
	dsn := os.Getenv("DADAN_PG_DSN")
	if dsn == "" {
		t.Skip("DADAN_PG_DSN is not set: no PostgreSQL to test against (.ci/run starts one)")
	}
	schema := fmt.Sprintf("backup_%d", time.Now().UnixNano())
	s, err := postgres.Open(ctx, dsn, &postgres.Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() {
		s.Close()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Logf("dropping schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`); err != nil {
			t.Logf("dropping schema %s: %v", schema, err)
		}
	})
	return s
}

// PostgreSQL to PostgreSQL and to SQLite, and SQLite to PostgreSQL and back:
// every record survives the stores' different time precisions and IDs.
func TestRoundTripPostgres(t *testing.T) {
	src := newPostgres(t)
	files := backups(t, src, 3) // PostgreSQL writes take their round trips
	t.Run("postgres", func(t *testing.T) { roundTrip(t, src, newPostgres(t), files) })
	t.Run("sqlite", func(t *testing.T) { roundTrip(t, src, newSQLite(t), files) })

	t.Run("sqlite-postgres-sqlite", func(t *testing.T) {
		lite := newSQLite(t)
		files := backups(t, lite, 2)
		pg := newPostgres(t)
		roundTrip(t, lite, pg, files)
		// back up the restored PostgreSQL store, which storetest.Restored
		// added to, and restore that into SQLite
		var full []byte
		{
			var b bytes.Buffer
			_, err := backup.Write(ctx, &b, pg, nil, t0.AddDate(0, 0, 30))
			require.NoError(t, err)
			full = b.Bytes()
		}
		back := newSQLite(t)
		_, err := restore(back, full)
		require.NoError(t, err)
		requireSame(t, dumpAll(t, pg), dumpAll(t, back)) // pg as storetest.Restored left it
	})

	_, err := restore(src, files[0])
	assert.ErrorIs(t, err, backup.ErrNotNew)
	damaged := append([]byte(nil), files[2]...)
	damaged[len(damaged)/2] ^= 0x20
	_, err = restore(newPostgres(t), files[0], files[1], damaged)
	assert.ErrorIs(t, err, backup.ErrDamaged)
	_, err = restore(newPostgres(t), files[0], files[2])
	assert.ErrorIs(t, err, backup.ErrGap)
}
