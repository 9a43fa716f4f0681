package sqlite

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
)

// migrations holds the schema, one numbered file per version: 0001_init.sql
// makes version 1, 0002_….sql version 2. A new table is a new file; files are
// never changed once released.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migration is one schema step.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations in version order; versions
// must run 1, 2, 3… without gaps.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("sqlite: migration %s: name is not NNNN_name.sql", base)
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlite: migration %s: want version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this code writes: the number of embedded
// migrations.
func SchemaVersion() int {
	ms, err := loadMigrations(migrations)
	if err != nil {
		panic(err) // the embedded files are checked by the tests
	}
	return len(ms)
}

// migrate brings the database to the newest schema, one transaction per
// migration, the version (PRAGMA user_version) set in the same transaction.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations(s.schema)
	if err != nil {
		return err
	}
	return s.migrateTo(ctx, ms)
}

func (s *Store) migrateTo(ctx context.Context, ms []migration) error {
	var have int
	if err := s.w.queryRow("PRAGMA user_version", nil, &have); err != nil {
		return s.openErr(err)
	}
	if have > len(ms) {
		return &SchemaError{Path: s.path, Have: have, Want: len(ms)}
	}
	for _, m := range ms[have:] {
		if err := s.apply(ctx, m); err != nil {
			return fmt.Errorf("sqlite: %s: migration %s: %w", s.path, m.name, mapErr(err))
		}
		s.log.Info("sqlite: schema migrated", "path", s.path, "version", m.version, "migration", m.name)
	}
	return nil
}

func (s *Store) apply(ctx context.Context, m migration) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	w := s.w
	if err := w.execRaw("BEGIN IMMEDIATE"); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = w.execRaw("ROLLBACK")
		}
	}()
	// Another process may have migrated while this one waited for the lock.
	var have int
	if err := w.queryRow("PRAGMA user_version", nil, &have); err != nil {
		return err
	}
	if have >= m.version {
		return w.execRaw("COMMIT")
	}
	if err := w.execRaw(m.sql); err != nil {
		return err
	}
	if err := w.execRaw("PRAGMA user_version=" + strconv.Itoa(m.version)); err != nil {
		return err
	}
	return w.execRaw("COMMIT")
}
