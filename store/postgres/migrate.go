package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	mig "github.com/dadanhq/dadan/internal/migration"

	"github.com/jackc/pgx/v5"
)

// migrations holds the schema, one numbered file per version
// (0001_init.sql, 0002_....sql); a file is never changed once released.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migration is one schema step.
type migration = mig.Step

// loadMigrations returns the embedded migrations in version order; versions
// run from 1 without gaps.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	return mig.Load(fsys, "migrations", "postgres")
}

// SchemaVersion is the newest schema version this program knows.
func SchemaVersion() int {
	ms, err := loadMigrations(migrations)
	if err != nil {
		panic(err) // the embedded files are checked by the tests
	}
	return len(ms)
}

// migrationLock is the first key of the advisory lock migrations take; the
// second is the hash of the schema name, so stores on different schemas
// migrate independently.
const migrationLock = 0x64616461 // "dada"

// migrate brings the schema to the newest version in one transaction, under a
// transaction-level advisory lock: stations opening at once take turns, and
// the later ones find the work done. DDL in PostgreSQL is transactional, so a
// failed migration leaves the schema as it was.
func (s *Store) migrate(ctx context.Context) error {
	return s.migrateFS(ctx, migrations)
}

func (s *Store) migrateFS(ctx context.Context, fsys fs.FS) error {
	ms, err := loadMigrations(fsys)
	if err != nil {
		return err
	}
	want := len(ms)
	return s.tx(ctx, "migrate", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, migrationLock, s.schema); err != nil {
			return err
		}
		id := pgx.Identifier{s.schema}.Sanitize()
		if _, err := tx.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SET LOCAL search_path TO `+id); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
			return err
		}
		var have int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
			return err
		}
		if have > want {
			return &SchemaError{Schema: s.schema, Have: have, Want: want}
		}
		for _, m := range ms[have:] {
			// No arguments: the simple protocol runs every statement of the file.
			if _, err := tx.Exec(ctx, m.SQL, pgx.QueryExecModeSimpleProtocol); err != nil {
				return fmt.Errorf("postgres: migration %s: %w", m.Name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
				return err
			}
			s.log.Info("postgres: schema migrated", "schema", s.schema, "version", m.Version, "name", m.Name)
		}
		return nil
	})
}
