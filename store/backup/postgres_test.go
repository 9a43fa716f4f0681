package backup_test

import (
	"fmt"
	"os"
	"testing"
	"time"

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

// PostgreSQL to SQLite and back: the journal's hashes survive the stores' different
// time precisions.
func TestRoundTripPostgres(t *testing.T) {
	src := newPostgres(t)
	files := backups(t, src)
	dst := newPostgres(t)
	m, err := restore(dst, files...)
	require.NoError(t, err)
	wantO, wantE := dump(t, src)
	gotO, gotE := dump(t, dst)
	assert.Equal(t, wantO, gotO)
	assert.Equal(t, wantE, gotE)
	assert.Equal(t, wantE[len(wantE)-1].Hash, m.Head.Hash)

	lite := newSQLite(t)
	_, err = restore(lite, files...)
	require.NoError(t, err)
	gotO, gotE = dump(t, lite)
	assert.Equal(t, wantO, gotO)
	assert.Equal(t, wantE, gotE)

	_, err = restore(dst, files[0])
	assert.Error(t, err, "a non-empty store")
}
