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
// A number may be missing while a migration written beside another one is not
// merged yet. The files after the gap must then be idempotent (CREATE … IF NOT
// EXISTS): they run at every open without raising the schema version, so the
// missing one still runs first once it arrives.
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
// must not repeat.
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
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("sqlite: migrations %s and %s: the same version", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// contiguous returns how many of ms run 1, 2, 3… without a gap.
func contiguous(ms []migration) int {
	for i, m := range ms {
		if m.version != i+1 {
			return i
		}
	}
	return len(ms)
}

// SchemaVersion is the schema version this code writes: the number of embedded
// migrations.
func SchemaVersion() int {
	ms, err := loadMigrations(migrations)
	if err != nil {
		panic(err) // the embedded files are checked by the tests
	}
	return contiguous(ms)
}

// migrate brings the database to the newest schema, one transaction per
// migration, the version (PRAGMA user_version) set in the same transaction.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations(migrations)
	if err != nil {
		return err
	}
	return s.migrateTo(ctx, ms)
}

func (s *Store) migrateTo(ctx context.Context, ms []migration) error {
	c := s.w.c
	var have int
	if err := c.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return s.openErr(err)
	}
	n := contiguous(ms)
	if have > n {
		return &SchemaError{Path: s.path, Have: have, Want: n}
	}
	for _, m := range ms[have:n] {
		if err := s.apply(ctx, m, true); err != nil {
			return fmt.Errorf("sqlite: %s: migration %s: %w", s.path, m.name, mapErr(err))
		}
		s.log.Info("sqlite: schema migrated", "path", s.path, "version", m.version, "migration", m.name)
	}
	for _, m := range ms[n:] { // past a gap: idempotent, the version stays
		if err := s.apply(ctx, m, false); err != nil {
			return fmt.Errorf("sqlite: %s: migration %s: %w", s.path, m.name, mapErr(err))
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, m migration, bump bool) (err error) {
	c := s.w.c
	if _, err := c.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_, _ = c.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	// Another process may have migrated while this one waited for the lock.
	var have int
	if err := c.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return err
	}
	if bump && have >= m.version {
		_, err = c.ExecContext(ctx, "COMMIT")
		return err
	}
	if _, err := c.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if !bump {
		_, err = c.ExecContext(ctx, "COMMIT")
		return err
	}
	if _, err := c.ExecContext(ctx, "PRAGMA user_version="+strconv.Itoa(m.version)); err != nil {
		return err
	}
	_, err = c.ExecContext(ctx, "COMMIT")
	return err
}
