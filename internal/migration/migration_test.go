package migration_test

import (
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/migration"
)

func TestLoad(t *testing.T) {
	ms, err := migration.Load(fstest.MapFS{
		"m/0002_b.sql": {Data: []byte("B")}, "m/0001_a.sql": {Data: []byte("A")}, "m/notes.txt": {},
	}, "m", "test")
	require.NoError(t, err)
	require.Len(t, ms, 2)
	assert.Equal(t, migration.Step{Version: 1, Name: "0001_a.sql", SQL: "A"}, ms[0])
	for name, fsys := range map[string]fstest.MapFS{
		"gap":     {"m/0001_a.sql": {}, "m/0003_c.sql": {}},
		"no name": {"m/0001.sql": {}},
		"zero":    {"m/0000_a.sql": {}},
		"not num": {"m/first_a.sql": {}},
		"twice":   {"m/0001_a.sql": {}, "m/01_b.sql": {}},
	} {
		_, err := migration.Load(fsys, "m", "test")
		assert.ErrorContains(t, err, "test: migration", name)
	}
}

func ExampleLoad() {
	ms, _ := migration.Load(fstest.MapFS{"migrations/0001_init.sql": {Data: []byte("CREATE TABLE t (x)")}}, "migrations", "sqlite")
	fmt.Println(ms[0].Version, ms[0].Name)
	// Output: 1 0001_init.sql
}
