package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/puddle/v2"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/store/seal"
	"github.com/dadanhq/dadan/supplies"
)

var (
	_ order.Store         = (*Store)(nil)
	_ review.Seen         = (*Store)(nil)
	_ printer.JobStore    = (*Store)(nil)
	_ printer.Notifier    = (*Store)(nil)
	_ printer.LedgerStore = (*Store)(nil)
	_ supplies.Store      = (*Store)(nil)
)

// DefaultSchema is the schema a store uses unless [Options.Schema] names another.
const DefaultSchema = "dadan"

// Errors of the package.
var (
	// ErrUnavailable is wrapped by errors of operations that could not reach the
	// database: it is down, restarting, or the connection was cut.
	ErrUnavailable = errors.New("postgres: database unavailable")
	// ErrNewerSchema is wrapped by the [*SchemaError] of a database whose schema
	// was migrated by a newer dadan than this one.
	ErrNewerSchema = errors.New("postgres: database schema is newer than this program")
	// ErrClosed is returned by operations on a closed [Store].
	ErrClosed = errors.New("postgres: store closed")
	// ErrInvalidText is wrapped by errors of writes that carry a NUL byte or
	// invalid UTF-8 in a text field PostgreSQL keeps as text (an ID, a key, a
	// name). Order contents and job data are stored as bytes and take anything;
	// a job's LastError and ReprintReason are cleaned instead (see [Store.UpdateJob]).
	ErrInvalidText = errors.New("postgres: text with a NUL byte or invalid UTF-8")
	// ErrInvalidOptions is wrapped by errors of [Options.Validate].
	ErrInvalidOptions = errors.New("postgres: invalid options")
)

// SchemaError reports a database whose schema version this program does not
// know. It wraps [ErrNewerSchema].
type SchemaError struct {
	Schema string
	Have   int // the version in the database
	Want   int // the newest version this program has
}

// Error implements error.
func (e *SchemaError) Error() string {
	return fmt.Sprintf("postgres: schema %q is at version %d, this program knows up to %d", e.Schema, e.Have, e.Want)
}

// Unwrap returns [ErrNewerSchema].
func (e *SchemaError) Unwrap() error { return ErrNewerSchema }

// UnavailableError is an operation that failed because the database could not
// be reached or the connection broke. It wraps [ErrUnavailable] and the cause.
// A write that fails this way was not applied, except when Unknown is set: the
// connection broke while the commit was under way, so the change may or may
// not be stored (it is stored whole or not at all).
type UnavailableError struct {
	Op      string
	Err     error
	Unknown bool
}

// Error implements error.
func (e *UnavailableError) Error() string {
	s := "postgres: " + e.Op + ": database unavailable"
	if e.Unknown {
		s += " during commit (outcome unknown)"
	}
	return s + ": " + e.Err.Error()
}

// Unwrap returns [ErrUnavailable] and the cause.
func (e *UnavailableError) Unwrap() []error { return []error{ErrUnavailable, e.Err} }

// Options configure a [Store]. The zero value means defaults.
type Options struct {
	// Schema is the PostgreSQL schema that holds the store's tables, created if
	// missing; default [DefaultSchema]. Stores on different schemas of one
	// database share nothing. Lower-case letters, digits and '_', at most 48
	// bytes, not starting with a digit.
	Schema string
	// Lease is how long a Sending job may go without its lease renewed before
	// another station claims it again; default [printer.DefaultLease]. Every
	// station sharing a schema should use the same lease.
	Lease time.Duration
	// MaxConns is the size of the connection pool; 0 means pgxpool's default
	// (the larger of 4 and the number of CPUs). The Notify listener uses one
	// more connection of its own.
	MaxConns int32
	// Retries is how many times an operation is tried again after an attempt
	// that certainly did not apply: the connection broke before the commit
	// (a stale pooled connection, a restarted server), or a deadlock; default
	// 3. Negative means none. UpdateOrder's and UpdateDevice's fn run again.
	Retries int
	// Logger receives reconnects and retries; nil discards.
	Logger *slog.Logger
	// Keys, when not nil, seals the personal data at rest (see the package
	// documentation, "Sealed at rest"): values are sealed with the ring's
	// active key and opened with any of its keys. Nil stores plaintext, and
	// refuses a schema that was sealed with [seal.ErrNoKeys]. Every station
	// sharing a schema needs the same ring.
	Keys *seal.Ring
}

// Validate reports options that cannot work.
func (o *Options) Validate() error {
	if o == nil {
		return nil
	}
	if o.Schema != "" {
		if err := validSchema(o.Schema); err != nil {
			return err
		}
	}
	switch {
	case o.Lease < 0:
		return fmt.Errorf("%w: negative lease", ErrInvalidOptions)
	case o.MaxConns < 0:
		return fmt.Errorf("%w: negative MaxConns", ErrInvalidOptions)
	}
	return nil
}

func validSchema(s string) error {
	if len(s) > 48 {
		return fmt.Errorf("%w: schema name %q longer than 48 bytes", ErrInvalidOptions, s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' || 'a' <= c && c <= 'z' || i > 0 && '0' <= c && c <= '9' {
			continue
		}
		return fmt.Errorf("%w: schema name %q: only a-z, 0-9 and _, not starting with a digit", ErrInvalidOptions, s)
	}
	if len(s) >= 3 && s[:3] == "pg_" {
		return fmt.Errorf("%w: schema name %q: pg_ is reserved", ErrInvalidOptions, s)
	}
	return nil
}

// Store is a dadan store in a PostgreSQL database, for many stations sharing
// one database and one print queue. It implements [order.Store],
// [review.Seen], [printer.JobStore], [printer.Notifier],
// [printer.LedgerStore], [supplies.Store], [shipment.Store],
// [shipment.Sequence] and [qa.Store]. It is safe for concurrent use.
type Store struct {
	pool    *pgxpool.Pool
	schema  string
	channel string // LISTEN/NOTIFY channel of the job queue
	lease   time.Duration
	retries int
	log     *slog.Logger
	connCfg *pgx.ConnConfig // for the listener's own connection
	keys    *seal.Ring      // nil: plaintext

	lmu       sync.Mutex
	listening bool
	subs      map[chan string]struct{}
	stop      context.CancelFunc // stops the listener
	done      chan struct{}      // closed when the listener has stopped
	ready     chan struct{}      // closed after the listener's first attempt
	closed    bool

	creates creates // CreateOrder calls waiting to be stored together
}

// Open connects to the database at dsn (a postgres:// URL or key=value
// string, as pgx parses it), creates the schema or migrates it to this
// program's version, and returns the store. Several stations may open one
// database at once: migrations run one at a time under an advisory lock. A
// schema migrated by a newer program gives a [*SchemaError].
func Open(ctx context.Context, dsn string, opts *Options) (*Store, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Schema == "" {
		o.Schema = DefaultSchema
	}
	if o.Lease == 0 {
		o.Lease = printer.DefaultLease
	}
	switch {
	case o.Retries == 0:
		o.Retries = 3
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = o.MaxConns
	}
	rp := cfg.ConnConfig.RuntimeParams
	rp["search_path"] = o.Schema
	if rp["application_name"] == "" {
		rp["application_name"] = "dadan"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s := &Store{
		pool: pool, schema: o.Schema, channel: o.Schema + "_jobs", lease: o.Lease,
		retries: o.Retries, log: o.Logger, connCfg: cfg.ConnConfig.Copy(),
		subs: map[chan string]struct{}{}, keys: o.Keys,
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if err := s.checkSeal(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Close stops the Notify listener, closing every channel it returned, and
// closes the pool, waiting for operations under way to finish.
func (s *Store) Close() {
	s.lmu.Lock()
	s.closed = true
	stop, done := s.stop, s.done
	s.lmu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
	s.pool.Close()
}

// Schema returns the schema the store's tables are in.
func (s *Store) Schema() string { return s.schema }

// Lease returns the lease of Sending jobs (see [Options.Lease]).
func (s *Store) Lease() time.Duration { return s.lease }

// unavailable reports whether err means the database could not be reached or
// the connection broke.
func unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return fatalPg(pe)
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || pgconn.SafeToRetry(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, net.ErrClosed) || isConnClosed(err)
}

// fatalPg reports server errors that end the session: connection exceptions
// (class 08), and the backend shut down or terminated (57P01 to 57P03). The
// transaction the session was in did not commit.
func fatalPg(pe *pgconn.PgError) bool {
	switch pe.Code {
	case "57P01", "57P02", "57P03":
		return true
	}
	return len(pe.Code) == 5 && pe.Code[:2] == "08"
}

// isConnClosed matches the error pgx gives for a connection it closed after a
// fatal error ("conn closed"), which has no type of its own.
func isConnClosed(err error) bool {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if e.Error() == "conn closed" {
			return true
		}
	}
	return false
}

// retryable reports whether an attempt that failed with err before its
// commit may run again: the server ended the session (rolling the
// transaction back), nothing reached the server, the connection could not be
// made, or the transaction lost a serialization conflict or a deadlock.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return fatalPg(pe) || pe.Code == "40001" || pe.Code == "40P01"
	}
	var ce *pgconn.ConnectError
	return errors.As(err, &ce) || pgconn.SafeToRetry(err)
}

// wrap turns a database error of op into the package's errors: a cut
// connection into an [*UnavailableError]; others get op as context. Errors
// the store made itself (sentinels of the dadan packages) pass unchanged.
func wrap(op string, err error, committing bool) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, puddle.ErrClosedPool) {
		return fmt.Errorf("%w: %s", ErrClosed, op)
	}
	if unavailable(err) {
		var ue *UnavailableError
		if errors.As(err, &ue) {
			return err
		}
		return &UnavailableError{Op: op, Err: err, Unknown: committing && !pgconn.SafeToRetry(err)}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		if pe.Code == "22021" || pe.Code == "22P05" { // character_not_in_repertoire, untranslatable_character
			return fmt.Errorf("postgres: %s: %w: %w", op, ErrInvalidText, err)
		}
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	return err
}

// cleanText returns s with NUL bytes and invalid UTF-8 replaced by U+FFFD,
// for diagnostic text that must be stored whatever it holds.
func cleanText(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// backoff sleeps before retry n (from 1), or returns ctx's error.
func backoff(ctx context.Context, n int) error {
	t := time.NewTimer(time.Duration(n*n) * 20 * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// tx runs fn in a read-committed transaction and commits it. An attempt that
// certainly did not apply runs again, fn included, up to the store's Retries:
// one that failed before its COMMIT was sent (the server rolls back a
// transaction whose session ends; a stale pooled connection fails at BEGIN),
// or whose commit lost a serialization conflict. A connection that breaks
// while the COMMIT is under way leaves the outcome unknown, even with a FATAL
// reply (the server may have committed before it ended the session): that
// attempt is not run again, and its error says so. Errors of fn that are not
// the database's come back as they are.
func (s *Store) tx(ctx context.Context, op string, fn func(pgx.Tx) error) error {
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		committing := false
		err := func() error {
			tx, err := s.pool.Begin(ctx)
			if err != nil {
				return err
			}
			defer tx.Rollback(context.WithoutCancel(ctx))
			if err := fn(tx); err != nil {
				return err
			}
			committing = true
			return tx.Commit(ctx)
		}()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		again := retryable(err)
		if committing {
			again = pgconn.SafeToRetry(err) || conflict(err)
		}
		if attempt < s.retries && again {
			s.log.Warn("postgres: retrying", "op", op, "attempt", attempt+1, "err", err)
			if berr := backoff(ctx, attempt+1); berr != nil {
				return berr
			}
			continue
		}
		return wrap(op, err, committing)
	}
}

// conflict reports a serialization failure or a deadlock: the transaction
// was rolled back.
func conflict(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// read runs fn, a read-only use of the pool, again when it failed on a broken
// connection (reads may always run again).
func (s *Store) read(ctx context.Context, op string, fn func() error) error {
	for attempt := 0; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := fn()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if attempt < s.retries && unavailable(err) {
			s.log.Warn("postgres: retrying", "op", op, "attempt", attempt+1, "err", err)
			if berr := backoff(ctx, attempt+1); berr != nil {
				return berr
			}
			continue
		}
		return wrap(op, err, false)
	}
}

// exec runs one statement in a transaction of its own and returns the rows
// it affected. A lone autocommit statement would save two round trips, but
// when its connection breaks nobody can tell whether it committed; in a
// transaction only a break during COMMIT leaves that open (see tx).
func (s *Store) exec(ctx context.Context, op, sql string, args ...any) (int64, error) {
	var n int64
	err := s.tx(ctx, op, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, sql, args...)
		n = tag.RowsAffected()
		return err
	})
	return n, err
}

// nextSeq takes n numbers from the counter name ("journal" or "job") and
// returns the first.
//
// A bigserial is not enough for these numbers: it hands them out at insert
// time, so a transaction holding seq 10 may commit after one holding 11, and a
// reader that saw 11 and asks for "after 11" never sees 10. The counter row
// is updated in the writing transaction and its row lock is held until that
// transaction ends, so the next writer gets its numbers only after this one
// committed (or rolled back, returning them): numbers become visible in
// increasing order, which is what Journal(after) and Jobs(AfterSeq) readers
// and the per-printer FIFO need. The price is that writers of one counter
// take turns between taking their numbers and committing; callers take them
// as the last step before commit to keep that short. An advisory
// transaction lock with a sequence would do the same but is database-wide,
// while the row belongs to the store's schema.
func nextSeq(ctx context.Context, tx pgx.Tx, name string, n int) (int64, error) {
	var last int64
	err := tx.QueryRow(ctx, `UPDATE counters SET value = value + $2 WHERE name = $1 RETURNING value`, name, n).Scan(&last)
	if err != nil {
		return 0, err
	}
	return last - int64(n) + 1, nil
}

// zt returns t, or the zero time when t is the zero instant read back from
// the database (columns hold 0001-01-01 UTC for zero times).
func zt(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t
}
