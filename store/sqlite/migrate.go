package sqlite

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"strconv"

	mig "github.com/dadanhq/dadan/internal/migration"
)

// migrations holds the schema, one numbered file per version: 0001_init.sql
// makes version 1, 0002_….sql version 2. A new table is a new file; files are
// never changed once released.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migration is one schema step.
type migration = mig.Step

// loadMigrations returns the embedded migrations in version order; versions
// run from 1 without gaps.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	return mig.Load(fsys, "migrations", "sqlite")
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
			return fmt.Errorf("sqlite: %s: migration %s: %w", s.path, m.Name, mapErr(err))
		}
		s.log.Info("sqlite: schema migrated", "path", s.path, "version", m.Version, "migration", m.Name)
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
	if have >= m.Version {
		return w.execRaw("COMMIT")
	}
	if err := w.execRaw(m.SQL); err != nil {
		return err
	}
	if err := w.execRaw("PRAGMA user_version=" + strconv.Itoa(m.Version)); err != nil {
		return err
	}
	return w.execRaw("COMMIT")
}
