package sqlite

import (
	"errors"
	"fmt"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors of the store; test with errors.Is.
var (
	ErrClosed      = errors.New("sqlite: store closed")
	ErrNotDatabase = errors.New("sqlite: file is not an SQLite database")
	ErrNewerSchema = errors.New("sqlite: database written by a newer schema")
	ErrReadOnly    = errors.New("sqlite: database cannot be written")
	ErrFull        = errors.New("sqlite: database or disk is full")
	ErrBusy        = errors.New("sqlite: database locked by another connection")
	ErrCorrupt     = errors.New("sqlite: database file is corrupt")
)

// SchemaError reports a database whose schema version this code does not know.
// It wraps [ErrNewerSchema].
type SchemaError struct {
	Path string
	Have int // the database's schema version
	Want int // the newest version this code knows
}

// Error implements error.
func (e *SchemaError) Error() string {
	return fmt.Sprintf("sqlite: %s has schema version %d, this dadan knows up to %d: open it with a newer dadan", e.Path, e.Have, e.Want)
}

// Unwrap returns [ErrNewerSchema].
func (e *SchemaError) Unwrap() error { return ErrNewerSchema }

// code returns the primary SQLite result code of err, or 0.
func code(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// mapErr wraps SQLite errors a caller may act on with the package's sentinels.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var s error
	switch code(err) {
	case sqlite3.SQLITE_FULL:
		s = ErrFull
	case sqlite3.SQLITE_NOTADB:
		s = ErrNotDatabase
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
		s = ErrReadOnly
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		s = ErrBusy
	case sqlite3.SQLITE_CORRUPT:
		s = ErrCorrupt
	default:
		return err
	}
	if errors.Is(err, s) {
		return err
	}
	return fmt.Errorf("%w: %w", s, err)
}

// isConstraint reports a UNIQUE or PRIMARY KEY violation.
func isConstraint(err error) bool { return code(err) == sqlite3.SQLITE_CONSTRAINT }
