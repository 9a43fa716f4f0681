package sqlite

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
)

func TestEmbeddedMigrations(t *testing.T) {
	ms, err := loadMigrations(migrations)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	assert.Equal(t, len(ms), SchemaVersion())
	assert.Equal(t, "0001_init.sql", ms[0].Name)
}

func TestMigrationNames(t *testing.T) {
	for name, files := range map[string]fstest.MapFS{
		"gap":      {"migrations/0001_a.sql": {}, "migrations/0003_c.sql": {}},
		"no name":  {"migrations/0001.sql": {}},
		"zero":     {"migrations/0000_a.sql": {}},
		"not num":  {"migrations/first_a.sql": {}},
		"twice v1": {"migrations/0001_a.sql": {}, "migrations/01_b.sql": {}},
	} {
		_, err := loadMigrations(files)
		assert.Error(t, err, name)
	}
}

// withExtra is the embedded schema plus one more migration, as a later release
// would ship it.
func withExtra(t *testing.T, extra string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(migrations, "migrations", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	require.NoError(t, err)
	m[fmt.Sprintf("migrations/%04d_next.sql", SchemaVersion()+1)] = &fstest.MapFile{Data: []byte(extra)}
	return m
}

func TestForwardMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dadan.db")
	s, err := Open(ctx, path, nil)
	require.NoError(t, err)
	require.NoError(t, s.CreateOrder(ctx, &order.Order{ID: "M1", Status: order.Received}))
	require.NoError(t, s.Close())

	next := withExtra(t, "CREATE TABLE next_things (id TEXT PRIMARY KEY, order_id TEXT NOT NULL);\nCREATE INDEX next_things_order ON next_things (order_id);")
	s, err = open(ctx, path, nil, next)
	require.NoError(t, err)
	var v int
	require.NoError(t, s.w.queryRow("PRAGMA user_version", nil, &v))
	assert.Equal(t, SchemaVersion()+1, v)
	err = s.w.execRaw("INSERT INTO next_things VALUES ('S1', 'M1')")
	assert.NoError(t, err, "the new table exists")
	ok, err := s.HasOrder(ctx, "M1")
	require.NoError(t, err)
	assert.True(t, ok, "data written before the migration is kept")
	require.NoError(t, s.Close())

	// The older code refuses the newer database.
	_, err = Open(ctx, path, nil)
	var se *SchemaError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, SchemaVersion()+1, se.Have)
	assert.Equal(t, SchemaVersion(), se.Want)
	assert.ErrorIs(t, err, ErrNewerSchema)
}

func TestFailedMigrationChangesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dadan.db")
	bad := withExtra(t, "CREATE TABLE half (x);\nTHIS IS NOT SQL;")
	_, err := open(ctx, path, nil, bad)
	require.Error(t, err)
	s, err := Open(ctx, path, nil)
	require.NoError(t, err, "the database stays at the last good version")
	defer s.Close()
	var v, n int
	require.NoError(t, s.w.queryRow("PRAGMA user_version", nil, &v))
	assert.Equal(t, SchemaVersion(), v)
	require.NoError(t, s.w.queryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'half'", nil, &n))
	assert.Zero(t, n, "the failed migration's first statement was rolled back")
}
