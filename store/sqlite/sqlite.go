package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	sqlite "modernc.org/sqlite"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/supplies"
)

var (
	_ order.Store         = (*Store)(nil)
	_ review.Seen         = (*Store)(nil)
	_ printer.JobStore    = (*Store)(nil)
	_ printer.LedgerStore = (*Store)(nil)
	_ supplies.Store      = (*Store)(nil)
)

// Store is a dadan store in one SQLite database file. It is safe for concurrent
// use. Open it with [Open]; Close it when done.
type Store struct {
	path  string
	opts  Options
	log   *slog.Logger
	rdb   *sql.DB  // the reading pool
	w     *wconn   // the writing connection, owned by the writer goroutine
	rstmt sync.Map // query → *sql.Stmt on rdb
	// recent keeps the order rows read and written last, for prepared updates.
	recent recentRows

	mu     sync.RWMutex // guards closed and sending on ops and claims
	closed bool
	ops    chan *op
	claims chan *op      // claims of print jobs: a printer waits for each (see claimWrite)
	done   chan struct{} // closed when the writer has stopped

	commits, batched atomic.Int64
	ck               *checkpointer // nil until the writer starts
	sinceCk          int           // commits since the last checkpoint asked; the writer's

	schema fs.FS // the migrations; the embedded ones but in tests
}

// Stats counts the work of group commit since [Open].
type Stats struct {
	Commits int64 // write transactions committed
	Ops     int64 // write operations those transactions held
}

// Stats returns the store's counters.
func (s *Store) Stats() Stats {
	return Stats{Commits: s.commits.Load(), Ops: s.batched.Load()}
}

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// Open opens the database at path, creating it if it does not exist, and brings
// its schema up to date. A nil opts means the defaults.
func Open(ctx context.Context, path string, opts *Options) (*Store, error) {
	return open(ctx, path, opts, migrations)
}

func open(ctx context.Context, path string, opts *Options, schema fs.FS) (*Store, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	o := opts.withDefaults()
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("%w: path %q: want the path of a database file", ErrOptions, path)
	}
	if err := checkFile(path); err != nil {
		return nil, err
	}
	s := &Store{path: path, opts: o, log: o.Logger, ops: make(chan *op, o.MaxBatch), claims: make(chan *op, o.MaxBatch), done: make(chan struct{}), schema: schema}
	if err := s.open(ctx); err != nil {
		s.closeDBs()
		return nil, err
	}
	if err := s.startCheckpointer(); err != nil {
		s.closeDBs()
		return nil, s.openErr(err)
	}
	go s.writer()
	if err := s.checkSeal(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// checkFile gives clear errors for files SQLite would refuse with vaguer ones.
func checkFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	switch {
	case errors.Is(err, os.ErrNotExist):
		dir := filepath.Dir(path)
		if _, err := os.Stat(dir); err != nil {
			return fmt.Errorf("sqlite: open %s: %w", path, err)
		}
		// SQLite creates the file and its -wal and -shm files beside it.
		probe, err := os.CreateTemp(dir, ".dadan-probe-*")
		if err != nil {
			return fmt.Errorf("%w: %s: directory %s: %w", ErrReadOnly, path, dir, err)
		}
		probe.Close()
		os.Remove(probe.Name())
		return nil
	case errors.Is(err, os.ErrPermission) || isEROFS(err):
		return fmt.Errorf("%w: %s: %w", ErrReadOnly, path, err)
	case err != nil:
		return fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return fmt.Errorf("sqlite: open %s: is a directory", path)
	}
	var head [16]byte
	n, err := io.ReadFull(f, head[:])
	if n == 0 && (err == io.EOF) {
		return nil // empty: SQLite makes it a database
	}
	if string(head[:n]) != "SQLite format 3\x00" {
		return fmt.Errorf("%w: %s", ErrNotDatabase, path)
	}
	return nil
}

// Page cache sizes: the writer touches the indexes of every table it inserts
// into, so it gets enough to keep their upper levels at a million orders;
// each reader gets less. The writer's is no bigger than that: SQLite scans
// the whole cache at every commit, and a million-order print measured the
// same CPU with 16 MiB as with 64 MiB, in less than half the memory.
const (
	writeCacheKiB = 16 << 10
	readCacheKiB  = 8 << 10
)

func (s *Store) dsn(readOnly bool) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(s.path)
	q := []string{
		"_pragma=busy_timeout(" + strconv.FormatInt(s.opts.BusyTimeout.Milliseconds(), 10) + ")",
		"_pragma=synchronous(" + string(s.opts.Synchronous) + ")",
		"_pragma=foreign_keys(0)",
		// Freed space is zeroed, so personal data erased (package retention)
		// or sealed (Options.Keys) leaves no old copy in the file.
		"_pragma=secure_delete(1)",
	}
	cache := writeCacheKiB
	if readOnly {
		q = append(q, "_pragma=query_only(1)")
		cache = readCacheKiB
	}
	q = append(q, "_pragma=cache_size(-"+strconv.Itoa(cache)+")", "_pragma=temp_store(memory)")
	return "file:" + esc + "?" + strings.Join(q, "&")
}

func (s *Store) open(ctx context.Context) error {
	dc, err := (&sqlite.Driver{}).Open(s.dsn(false))
	if err != nil {
		return s.openErr(err)
	}
	s.w = newWconn(dc)
	var mode string
	if err := s.w.queryRow("PRAGMA journal_mode=WAL", nil, &mode); err != nil {
		return s.openErr(err)
	}
	if mode != "wal" {
		return fmt.Errorf("%w: %s: journal mode is %q, not wal (a read-only file or directory?)", ErrReadOnly, s.path, mode)
	}
	if s.opts.MaxSize > 0 {
		var page int64
		if err := s.w.queryRow("PRAGMA page_size", nil, &page); err != nil {
			return s.openErr(err)
		}
		if err := s.w.execRaw("PRAGMA max_page_count=" + strconv.FormatInt(max(1, s.opts.MaxSize/page), 10)); err != nil {
			return s.openErr(err)
		}
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	rc, err := sqlite.NewConnector(s.dsn(true))
	if err != nil {
		return err
	}
	s.rdb = sql.OpenDB(rc)
	s.rdb.SetMaxOpenConns(s.opts.ReadConns)
	s.rdb.SetMaxIdleConns(s.opts.ReadConns)
	if err := s.rdb.PingContext(ctx); err != nil {
		return s.openErr(err)
	}
	return nil
}

func (s *Store) openErr(err error) error {
	return fmt.Errorf("sqlite: open %s: %w", s.path, mapErr(err))
}

func (s *Store) closeDBs() error {
	var errs []error
	s.rstmt.Range(func(_, v any) bool { errs = append(errs, v.(*sql.Stmt).Close()); return true })
	if s.w != nil {
		errs = append(errs, s.w.close())
	}
	if s.rdb != nil {
		errs = append(errs, s.rdb.Close())
	}
	return errors.Join(errs...)
}

// Close waits for the writes under way, then closes the database. Later calls
// return [ErrClosed]. It checkpoints the WAL into the database file.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.closed = true
	close(s.ops)
	close(s.claims)
	s.mu.Unlock()
	<-s.done
	return s.closeDBs()
}

// op is one write operation waiting for the writer.
type op struct {
	ctx  context.Context
	fn   func(w *wconn) error
	done chan error
}

var opPool = sync.Pool{New: func() any { return &op{done: make(chan error, 1)} }}

// panicError carries a panic of an operation's fn back to its caller.
type panicError struct{ v any }

// Error implements error.
func (p panicError) Error() string { return fmt.Sprint("sqlite: panic in a write: ", p.v) }

// write runs fn in the writer's transaction and returns once that transaction
// committed (nil) or fn's change was undone (the error).
func (s *Store) write(ctx context.Context, fn func(w *wconn) error) error {
	return s.enqueue(ctx, fn, false)
}

// claimWrite is write for a claim of print jobs: a printer sends nothing until
// its claim is stored, so the writer runs claims before the operations
// waiting with them (orders to queue, outcomes to confirm), in a transaction
// of their own.
func (s *Store) claimWrite(ctx context.Context, fn func(w *wconn) error) error {
	return s.enqueue(ctx, fn, true)
}

func (s *Store) enqueue(ctx context.Context, fn func(w *wconn) error, claim bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	o := opPool.Get().(*op)
	o.ctx, o.fn = ctx, fn
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		opPool.Put(o)
		return ErrClosed
	}
	if claim {
		s.claims <- o
	} else {
		s.ops <- o
	}
	s.mu.RUnlock()
	err := <-o.done
	o.ctx, o.fn = nil, nil
	opPool.Put(o)
	if p, ok := err.(panicError); ok {
		panic(p.v)
	}
	return err
}

// writer is the group-commit loop: it packs the operations waiting into one
// transaction, the claims waiting (claimWrite) into one of their own that
// goes first.
func (s *Store) writer() {
	defer close(s.done)
	batch := make([]*op, 0, s.opts.MaxBatch)
	claimed := make([]*op, 0, s.opts.MaxBatch)
	var timer *time.Timer
	ops, claims := s.ops, s.claims
	// runClaims runs the claims waiting, first if not nil, in one transaction.
	runClaims := func(first *op) {
		claimed = claimed[:0]
		if first != nil {
			claimed = append(claimed, first)
		}
		claimed = s.drain(&claims, claimed)
		if len(claimed) > 0 {
			s.run(claimed)
			s.afterCommit()
			clear(claimed)
		}
	}
	for ops != nil || claims != nil {
		var first *op
		select {
		case o, ok := <-claims:
			if !ok {
				claims = nil
				continue
			}
			runClaims(o)
			continue
		case o, ok := <-ops:
			if !ok {
				ops = nil
				continue
			}
			first = o
		}
		batch = append(batch[:0], first)
		if len(s.ops) < s.opts.MaxBatch/4 {
			// Let writers that were just answered queue their next operation:
			// a fuller batch costs less per operation.
			runtime.Gosched()
		}
		if s.opts.CommitWindow > 0 {
			if timer == nil {
				timer = time.NewTimer(s.opts.CommitWindow)
			} else {
				timer.Reset(s.opts.CommitWindow)
			}
		wait:
			for len(batch) < s.opts.MaxBatch {
				select {
				case o, ok := <-s.ops:
					if !ok {
						break wait
					}
					batch = append(batch, o)
				case <-timer.C:
					break wait
				}
			}
			timer.Stop()
		}
		batch = s.drain(&ops, batch)
		runClaims(nil) // the claims that came meanwhile go first
		s.run(batch)
		s.afterCommit()
		clear(batch)
	}
	if err := s.stopCheckpointer(); err != nil {
		s.log.Warn("sqlite: closing the checkpointer", "path", s.path, "err", err)
	}
	// Fold the WAL into the database, so the file stands alone once closed.
	if err := s.w.execRaw("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		s.log.Warn("sqlite: checkpoint on close", "path", s.path, "err", err)
	}
}

// drain appends to batch, up to MaxBatch, the operations waiting on *ch,
// without waiting for more; a closed channel becomes nil.
func (s *Store) drain(ch *chan *op, batch []*op) []*op {
	for len(batch) < s.opts.MaxBatch {
		select {
		case o, ok := <-*ch:
			if !ok {
				*ch = nil
				return batch
			}
			batch = append(batch, o)
		default:
			return batch
		}
	}
	return batch
}

// run executes batch in one transaction, each operation in a savepoint, and
// answers every operation. An operation alone in its transaction needs no
// savepoint: if it fails, the transaction is rolled back.
func (s *Store) run(batch []*op) {
	errs := make([]error, len(batch))
	w := s.w
	if _, err := w.exec("BEGIN IMMEDIATE"); err != nil {
		err = mapErr(err)
		s.log.Warn("sqlite: begin", "path", s.path, "err", err)
		for _, o := range batch {
			o.done <- err
		}
		return
	}
	w.head = txHead{}
	if len(batch) == 1 {
		s.runOne(batch[0])
		return
	}
	ok := 0 // operations whose change is in the transaction
	for i, o := range batch {
		if err := o.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		head := w.head
		if _, err := w.exec("SAVEPOINT op"); err != nil {
			s.abort(batch[:i], errs, mapErr(err))
			s.run(batch[i:])
			return
		}
		err := s.call(o, w)
		if err == nil {
			_, err = w.exec("RELEASE op")
			if err == nil {
				ok++
				continue
			}
		}
		errs[i] = mapErr(err)
		// Undo this operation alone. Some errors (a full disk, I/O) may have
		// rolled back the whole transaction: then the earlier operations are
		// lost too, and the later ones get a new transaction.
		if _, rerr := w.exec("ROLLBACK TO op"); rerr != nil {
			s.abort(batch[:i+1], errs, errs[i])
			s.run(batch[i+1:])
			return
		}
		if _, rerr := w.exec("RELEASE op"); rerr != nil {
			s.abort(batch[:i+1], errs, errs[i])
			s.run(batch[i+1:])
			return
		}
		w.head = head // as before the operation undone
	}
	if err := storeHead(w); err != nil {
		s.abort(batch, errs, mapErr(err))
		return
	}
	if _, err := w.exec("COMMIT"); err != nil {
		err = mapErr(err)
		s.abort(batch, errs, err)
		return
	}
	s.commits.Add(1)
	s.batched.Add(int64(ok))
	for i, o := range batch {
		o.done <- errs[i]
	}
}

// runOne runs o, alone in the transaction begun, and answers it.
func (s *Store) runOne(o *op) {
	w := s.w
	err := o.ctx.Err()
	if err == nil {
		err = s.call(o, w)
	}
	if err == nil {
		err = storeHead(w)
	}
	if err != nil {
		w.head = txHead{}
		if _, rerr := w.exec("ROLLBACK"); rerr != nil {
			s.log.Debug("sqlite: rollback", "path", s.path, "err", rerr) // SQLite may have rolled back already
		}
		o.done <- mapErr(err)
		return
	}
	if _, err := w.exec("COMMIT"); err != nil {
		err = mapErr(err)
		s.log.Warn("sqlite: write transaction rolled back", "path", s.path, "ops", 1, "err", err)
		_, _ = w.exec("ROLLBACK")
		o.done <- err
		return
	}
	s.commits.Add(1)
	s.batched.Add(1)
	o.done <- nil
}

// abort rolls back the transaction and answers batch: operations without an
// error of their own get err.
func (s *Store) abort(batch []*op, errs []error, err error) {
	s.log.Warn("sqlite: write transaction rolled back", "path", s.path, "ops", len(batch), "err", err)
	_, _ = s.w.exec("ROLLBACK") // fails harmlessly when SQLite rolled back already
	s.w.head = txHead{}
	for i, o := range batch {
		if errs[i] == nil {
			errs[i] = err
		}
		o.done <- errs[i]
	}
}

// call runs o.fn, turning a panic into a panicError for o's caller.
func (s *Store) call(o *op, w *wconn) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = panicError{v}
		}
	}()
	return o.fn(w)
}

// read returns the prepared statement of q on the reading pool.
func (s *Store) read(q string) (*sql.Stmt, error) {
	if st, ok := s.rstmt.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.rdb.Prepare(q)
	if err != nil {
		return nil, mapErr(err)
	}
	if old, loaded := s.rstmt.LoadOrStore(q, st); loaded {
		st.Close()
		return old.(*sql.Stmt), nil
	}
	return st, nil
}

// readRow scans the first row of q, read from the pool, into dest.
func (s *Store) readRow(ctx context.Context, q string, args []any, dest ...any) error {
	if err := s.readable(ctx); err != nil {
		return err
	}
	st, err := s.read(q)
	if err != nil {
		return err
	}
	return mapErr(st.QueryRowContext(ctx, args...).Scan(dest...))
}

// readRows runs q on the pool.
func (s *Store) readRows(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := s.readable(ctx); err != nil {
		return nil, err
	}
	st, err := s.read(q)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, args...)
	return rows, mapErr(err)
}

func (s *Store) readable(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	return nil
}
