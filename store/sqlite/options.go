package sqlite

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/seal"
)

// Synchronous is what a commit waits for before a write method returns; see the
// package documentation for what each level survives.
type Synchronous string

// Synchronous levels (SQLite's PRAGMA synchronous in WAL mode).
const (
	// SyncNormal survives a process crash; the last commits before a power loss
	// may be lost. The default.
	SyncNormal Synchronous = "NORMAL"
	// SyncFull fsyncs every commit: it survives power loss too.
	SyncFull Synchronous = "FULL"
)

// Defaults for a zero [Options].
const (
	DefaultBusyTimeout = 5 * time.Second
	DefaultMaxBatch    = 1024
	DefaultReadConns   = 4
)

// ErrOptions is wrapped by the errors of [Options.Validate].
var ErrOptions = errors.New("sqlite: invalid options")

// Options configure a [Store]. The zero value (and nil) means the defaults.
type Options struct {
	// Synchronous is SyncNormal (the default) or SyncFull.
	Synchronous Synchronous
	// Lease is how long a Sending job may stay claimed before ClaimJob takes it
	// back; 0 means printer.DefaultLease.
	Lease time.Duration
	// Logger receives migrations and failed commits; nil discards.
	Logger *slog.Logger
	// BusyTimeout is how long a statement waits for a lock another process holds
	// before failing with ErrBusy; 0 means DefaultBusyTimeout.
	BusyTimeout time.Duration
	// MaxBatch is the most operations group commit packs into one transaction;
	// 0 means DefaultMaxBatch.
	MaxBatch int
	// CommitWindow is how long the writer waits for more operations after the
	// first one of a batch. 0 (the default) waits for nothing: operations that
	// arrive while a batch commits form the next batch, which already packs
	// concurrent writers well; a window helps with SyncFull on slow disks.
	CommitWindow time.Duration
	// MaxSize caps the database file, in bytes (rounded down to whole pages);
	// writes beyond it fail with ErrFull. 0 means no cap but the disk's.
	MaxSize int64
	// ReadConns is the size of the reading connection pool; 0 means
	// DefaultReadConns.
	ReadConns int
	// Keys, when not nil, seals the personal data at rest (see the package
	// documentation, "Sealed at rest"): values are sealed with the ring's
	// active key and opened with any of its keys. Nil stores plaintext, and
	// refuses a database that was sealed with [seal.ErrNoKeys].
	Keys *seal.Ring
}

// Validate reports whether o is usable.
func (o *Options) Validate() error {
	if o == nil {
		return nil
	}
	switch {
	case o.Synchronous != "" && o.Synchronous != SyncNormal && o.Synchronous != SyncFull:
		return fmt.Errorf("%w: Synchronous %q is neither NORMAL nor FULL", ErrOptions, o.Synchronous)
	case o.Lease < 0:
		return fmt.Errorf("%w: negative Lease", ErrOptions)
	case o.BusyTimeout < 0:
		return fmt.Errorf("%w: negative BusyTimeout", ErrOptions)
	case o.MaxBatch < 0:
		return fmt.Errorf("%w: negative MaxBatch", ErrOptions)
	case o.CommitWindow < 0:
		return fmt.Errorf("%w: negative CommitWindow", ErrOptions)
	case o.MaxSize < 0:
		return fmt.Errorf("%w: negative MaxSize", ErrOptions)
	case o.ReadConns < 0:
		return fmt.Errorf("%w: negative ReadConns", ErrOptions)
	}
	return nil
}

// withDefaults returns a copy of o with zero fields set to their defaults.
func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.Synchronous == "" {
		c.Synchronous = SyncNormal
	}
	if c.Lease == 0 {
		c.Lease = printer.DefaultLease
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.BusyTimeout == 0 {
		c.BusyTimeout = DefaultBusyTimeout
	}
	if c.MaxBatch == 0 {
		c.MaxBatch = DefaultMaxBatch
	}
	if c.ReadConns == 0 {
		c.ReadConns = DefaultReadConns
	}
	return c
}
