package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
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
		assert.Equal(t, i+1, m.Version, m.Name)
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

// TestMigrateUpgrade opens a schema at this program's version, then migrates
// it with one more migration: data stays, the new column is there, and the version
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

	// The program's own migrations, then one that works and one that fails.
	v := SchemaVersion()
	broken := fstest.MapFS{}
	ms, err := fs.Glob(migrations, "migrations/*.sql")
	require.NoError(t, err)
	for _, name := range ms {
		b, err := fs.ReadFile(migrations, name)
		require.NoError(t, err)
		broken[name] = &fstest.MapFile{Data: b}
	}
	good := maps.Clone(broken)
	okName, badName := fmt.Sprintf("migrations/%04d_ok.sql", v+1), fmt.Sprintf("migrations/%04d_bad.sql", v+2)
	broken[okName] = &fstest.MapFile{Data: []byte(`ALTER TABLE supply_items ADD COLUMN vendor text NOT NULL DEFAULT '';`)}
	broken[badName] = &fstest.MapFile{Data: []byte(`ALTER TABLE no_such_table ADD COLUMN x int;`)}
	good[okName] = broken[okName]
	require.Error(t, s.migrateFS(ctx, broken))
	var n int
	require.NoError(t, s.pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns
		WHERE table_schema = $1 AND table_name = 'supply_items' AND column_name = 'vendor'`, schema).Scan(&n))
	assert.Zero(t, n, "a failed migration run applies none of its steps")

	require.NoError(t, s.migrateFS(ctx, good))
	var vendor string
	require.NoError(t, s.pool.QueryRow(ctx, `SELECT vendor FROM supply_items`).Scan(&vendor))
	assert.Empty(t, vendor)
	var have int
	require.NoError(t, s.pool.QueryRow(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&have))
	assert.Equal(t, v+1, have)
	it, err := s.Supply(ctx, supplyItem().Spec)
	require.NoError(t, err)
	assert.Equal(t, supplyItem(), it, "data survives the migration")

	// This program now refuses the schema.
	_, err = Open(ctx, dsn, &Options{Schema: schema})
	var se *SchemaError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, SchemaError{Schema: schema, Have: v + 1, Want: v}, *se)
}
