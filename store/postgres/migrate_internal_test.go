package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io/fs"
	"os"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/supplies"
)

func supplyItem() supplies.Item {
	return supplies.Item{Spec: "76x130", Kind: supplies.LabelRoll, Name: "面单", WidthMM: 76, PerPack: 500}
}

func TestLoadMigrations(t *testing.T) {
	ms, err := loadMigrations(migrations)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	assert.Equal(t, len(ms), SchemaVersion())
	for i, m := range ms {
		assert.Equal(t, i+1, m.version, m.name)
	}
	for name, files := range map[string]fstest.MapFS{
		"gap":       {"migrations/0001_a.sql": {}, "migrations/0003_c.sql": {}},
		"no number": {"migrations/init.sql": {}},
		"zero":      {"migrations/0000_a.sql": {}},
		"twice":     {"migrations/0001_a.sql": {}, "migrations/01_b.sql": {}},
	} {
		_, err := loadMigrations(files)
		assert.Error(t, err, name)
	}
}

// TestMigrateUpgrade opens a schema at version 1, then migrates it with a
// second migration: data stays, the new column is there, and the version
// moves on; a failing migration changes nothing.
func TestMigrateUpgrade(t *testing.T) {
	dsn := os.Getenv("DADAN_PG_DSN")
	if dsn == "" {
		t.Skip("DADAN_PG_DSN is not set: no PostgreSQL to test against")
	}
	ctx := context.Background()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, dsn)
		if err == nil {
			c.Exec(ctx, `DROP SCHEMA IF EXISTS `+schema+` CASCADE`)
			c.Close(ctx)
		}
	})
	s, err := Open(ctx, dsn, &Options{Schema: schema})
	require.NoError(t, err)
	defer s.Close()
	require.NoError(t, s.PutSupply(ctx, supplyItem()))

	v1, err := fs.ReadFile(migrations, "migrations/0001_init.sql")
	require.NoError(t, err)
	broken := fstest.MapFS{
		"migrations/0001_init.sql": {Data: v1},
		"migrations/0002_ok.sql":   {Data: []byte(`ALTER TABLE supply_items ADD COLUMN vendor text NOT NULL DEFAULT '';`)},
		"migrations/0003_bad.sql":  {Data: []byte(`ALTER TABLE no_such_table ADD COLUMN x int;`)},
	}
	require.Error(t, s.migrateFS(ctx, broken))
	var n int
	require.NoError(t, s.pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns
		WHERE table_schema = $1 AND table_name = 'supply_items' AND column_name = 'vendor'`, schema).Scan(&n))
	assert.Zero(t, n, "a failed migration run applies none of its steps")

	good := fstest.MapFS{"migrations/0001_init.sql": broken["migrations/0001_init.sql"], "migrations/0002_ok.sql": broken["migrations/0002_ok.sql"]}
	require.NoError(t, s.migrateFS(ctx, good))
	var vendor string
	require.NoError(t, s.pool.QueryRow(ctx, `SELECT vendor FROM supply_items`).Scan(&vendor))
	assert.Empty(t, vendor)
	var have int
	require.NoError(t, s.pool.QueryRow(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&have))
	assert.Equal(t, 2, have)
	it, err := s.Supply(ctx, supplyItem().Spec)
	require.NoError(t, err)
	assert.Equal(t, supplyItem(), it, "data survives the migration")

	// This program (version 1) now refuses the schema.
	_, err = Open(ctx, dsn, &Options{Schema: schema})
	var se *SchemaError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, SchemaError{Schema: schema, Have: 2, Want: SchemaVersion()}, *se)
}
