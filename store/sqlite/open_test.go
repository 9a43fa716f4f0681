package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, to tamper with files

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/sqlite"
)

var ctx = context.Background()

func TestOptionsValidate(t *testing.T) {
	for _, o := range []sqlite.Options{
		{Synchronous: "OFF"},
		{Synchronous: "normal"},
		{Lease: -time.Second},
		{BusyTimeout: -1},
		{MaxBatch: -1},
		{CommitWindow: -1},
		{MaxSize: -1},
		{ReadConns: -1},
	} {
		err := o.Validate()
		assert.ErrorIs(t, err, sqlite.ErrOptions, "%+v", o)
		_, err = sqlite.Open(ctx, filepath.Join(t.TempDir(), "x.db"), &o)
		assert.ErrorIs(t, err, sqlite.ErrOptions, "Open checks %+v", o)
	}
	var nilOpts *sqlite.Options
	assert.NoError(t, nilOpts.Validate())
	assert.NoError(t, (&sqlite.Options{}).Validate())
	assert.NoError(t, (&sqlite.Options{Synchronous: sqlite.SyncFull, CommitWindow: time.Millisecond}).Validate())
	for _, p := range []string{"", ":memory:", "file:x.db?mode=memory"} {
		_, err := sqlite.Open(ctx, p, nil)
		assert.ErrorIs(t, err, sqlite.ErrOptions, "path %q", p)
	}
}

func TestOpenNotADatabase(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string][]byte{
		"text":         []byte("id,status\nTB1,received\n"),
		"json":         []byte(`{"id": "TB1"}`),
		"short":        []byte("SQLite"),
		"wrong header": append([]byte("SQLite format 2\x00"), make([]byte, 4096)...),
	} {
		p := filepath.Join(dir, name+".db")
		require.NoError(t, os.WriteFile(p, content, 0o644))
		_, err := sqlite.Open(ctx, p, nil)
		assert.ErrorIs(t, err, sqlite.ErrNotDatabase, name)
		got, _ := os.ReadFile(p)
		assert.Equal(t, content, got, "%s: the file is left alone", name)
	}
	// A real header on garbage: SQLite itself refuses it.
	p := filepath.Join(dir, "garbage.db")
	junk := make([]byte, 8192)
	for i := range junk {
		junk[i] = byte(i*7 + 3)
	}
	require.NoError(t, os.WriteFile(p, append([]byte("SQLite format 3\x00"), junk...), 0o644))
	_, err := sqlite.Open(ctx, p, nil)
	assert.True(t, errors.Is(err, sqlite.ErrNotDatabase) || errors.Is(err, sqlite.ErrCorrupt), "got %v", err)

	_, err = sqlite.Open(ctx, dir, nil)
	assert.Error(t, err, "a directory")
	_, err = sqlite.Open(ctx, filepath.Join(dir, "missing", "x.db"), nil)
	assert.ErrorIs(t, err, os.ErrNotExist, "a missing directory")
}

func TestOpenEmptyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "empty.db")
	require.NoError(t, os.WriteFile(p, nil, 0o644))
	s, err := sqlite.Open(ctx, p, nil)
	require.NoError(t, err, "an empty file becomes a database")
	require.NoError(t, s.Close())
}

func TestOpenNewerSchema(t *testing.T) {
	p := filepath.Join(t.TempDir(), "dadan.db")
	s, err := sqlite.Open(ctx, p, nil)
	require.NoError(t, err)
	require.NoError(t, s.CreateOrder(ctx, &order.Order{ID: "TB1", Status: order.Received}))
	require.NoError(t, s.Close())
	db, err := sql.Open("sqlite", p)
	require.NoError(t, err)
	_, err = db.Exec(fmt.Sprintf("PRAGMA user_version = %d", sqlite.SchemaVersion()+3))
	require.NoError(t, err)
	require.NoError(t, db.Close())

	_, err = sqlite.Open(ctx, p, nil)
	require.ErrorIs(t, err, sqlite.ErrNewerSchema)
	var se *sqlite.SchemaError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, sqlite.SchemaVersion()+3, se.Have)
	assert.Equal(t, sqlite.SchemaVersion(), se.Want)
	assert.Equal(t, p, se.Path)
	assert.Contains(t, err.Error(), "newer dadan")
}

// roMount mounts a small tmpfs at a new directory, runs fill in it, and
// remounts it read-only; it skips the test where mounting is not allowed.
func roMount(t *testing.T, fill func(dir string)) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "ro")
	require.NoError(t, os.Mkdir(dir, 0o755))
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs to make a read-only file system (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	fill(dir)
	out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return dir
}

func TestOpenReadOnly(t *testing.T) {
	dir := roMount(t, func(dir string) {
		s, err := sqlite.Open(ctx, filepath.Join(dir, "dadan.db"), nil)
		require.NoError(t, err)
		require.NoError(t, s.CreateOrder(ctx, &order.Order{ID: "TB1", Status: order.Received}))
		require.NoError(t, s.Close())
	})
	_, err := sqlite.Open(ctx, filepath.Join(dir, "dadan.db"), nil)
	assert.ErrorIs(t, err, sqlite.ErrReadOnly, "a database on a read-only file system")
	assert.Contains(t, err.Error(), "dadan.db")
	_, err = sqlite.Open(ctx, filepath.Join(dir, "new.db"), nil)
	assert.ErrorIs(t, err, sqlite.ErrReadOnly, "a new database in a read-only directory")
}

func TestOpenReadOnlyPermissions(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "dadan.db")
	s, err := sqlite.Open(ctx, p, nil)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	require.NoError(t, os.Chmod(p, 0o444))
	require.NoError(t, os.Chmod(dir, 0o555))
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	if f, err := os.OpenFile(p, os.O_RDWR, 0); err == nil {
		f.Close()
		t.Skip("permissions do not bind this user (root); TestOpenReadOnly covers a read-only mount")
	}
	_, err = sqlite.Open(ctx, p, nil)
	assert.ErrorIs(t, err, sqlite.ErrReadOnly)
}

// fillUntilFull creates orders from several goroutines until the store is full,
// and checks that each write either returned nil and is stored whole, or failed
// with ErrFull and left nothing.
func fillUntilFull(t *testing.T, s *sqlite.Store) {
	t.Helper()
	var mu sync.Mutex
	okIDs, fullIDs := map[string]bool{}, map[string]bool{}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := 0; i < 100000; i++ {
				id := fmt.Sprintf("F%d-%05d", w, i)
				o := &order.Order{ID: id, Status: order.Received, Remark: order.Remark{Buyer: fmt.Sprintf("%0500d", i)}}
				err := s.CreateOrder(ctx, o, order.Event{OrderID: id, Action: order.ActReceived, To: order.Received, Detail: fmt.Sprintf("%0300d", i)})
				mu.Lock()
				switch {
				case err == nil:
					okIDs[id] = true
				case errors.Is(err, sqlite.ErrFull):
					fullIDs[id] = true
				default:
					t.Errorf("%s: %v", id, err)
				}
				stop := len(fullIDs) >= 20
				mu.Unlock()
				if err != nil && !errors.Is(err, sqlite.ErrFull) || stop {
					return
				}
			}
		})
	}
	wg.Wait()
	require.NotEmpty(t, okIDs)
	require.NotEmpty(t, fullIDs, "the store filled up")
	evs := map[string]int{}
	for ev, err := range s.Journal(ctx, 0) {
		require.NoError(t, err)
		evs[ev.OrderID]++
	}
	for id := range okIDs {
		ok, err := s.HasOrder(ctx, id)
		require.NoError(t, err)
		assert.True(t, ok, "acknowledged %s is stored", id)
		assert.Equal(t, 1, evs[id], "with its event")
	}
	for id := range fullIDs {
		ok, err := s.HasOrder(ctx, id)
		require.NoError(t, err)
		assert.False(t, ok, "refused %s left no order", id)
		assert.Zero(t, evs[id], "and no event")
	}
	assert.Len(t, evs, len(okIDs))
}

func TestFullMaxSize(t *testing.T) {
	p := filepath.Join(t.TempDir(), "dadan.db")
	s, err := sqlite.Open(ctx, p, &sqlite.Options{MaxSize: 512 << 10})
	require.NoError(t, err)
	fillUntilFull(t, s)
	// Reads go on, and a write that needs no new page still works.
	_, err = s.GetOrder(ctx, "F0-00000")
	require.NoError(t, err)
	require.NoError(t, s.Close())
	// Without the cap the same file takes more.
	s, err = sqlite.Open(ctx, p, nil)
	require.NoError(t, err)
	require.NoError(t, s.CreateOrder(ctx, &order.Order{ID: "after", Status: order.Received}))
	require.NoError(t, s.Close())
}

func TestFullDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "small")
	require.NoError(t, os.Mkdir(dir, 0o755))
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a small tmpfs to fill (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	s, err := sqlite.Open(ctx, filepath.Join(dir, "dadan.db"), nil)
	require.NoError(t, err)
	fillUntilFull(t, s)
	_ = s.Close()
}

func TestGroupCommit(t *testing.T) {
	s := open(t, nil)
	require.NoError(t, s.CreateOrder(ctx, &order.Order{ID: "taken", Status: order.Received}))
	before := s.Stats()
	const n = 400
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			id := fmt.Sprintf("G%03d", i)
			if i%10 == 0 {
				id = "taken"
			}
			errs[i] = s.CreateOrder(ctx, &order.Order{ID: id, Status: order.Received},
				order.Event{OrderID: id, Action: order.ActReceived, To: order.Received})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if i%10 == 0 {
			assert.ErrorIs(t, err, order.ErrExists)
		} else {
			assert.NoError(t, err)
		}
	}
	st := s.Stats()
	ops, commits := st.Ops-before.Ops, st.Commits-before.Commits
	assert.Equal(t, int64(n-n/10), ops)
	assert.Less(t, commits, ops/4, "concurrent writes share commits")
	t.Logf("%d writes in %d commits", ops, commits)
	// A failing write in a batch undid only itself.
	evs := 0
	for ev, err := range s.Journal(ctx, 0) {
		require.NoError(t, err)
		assert.NotEqual(t, "taken", ev.OrderID)
		evs++
	}
	assert.Equal(t, n-n/10, evs)
}

func TestUpdateOrderRunsFnOnce(t *testing.T) {
	s := open(t, nil)
	require.NoError(t, s.CreateOrder(ctx, &order.Order{ID: "U1", Status: order.Received}))
	var calls sync.Map
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			assert.NoError(t, s.UpdateOrder(ctx, "U1", func(o *order.Order) ([]order.Event, error) {
				n, _ := calls.LoadOrStore(i, new(int))
				*n.(*int)++
				o.Revision++
				return nil, nil
			}))
		})
	}
	wg.Wait()
	for i := range 50 {
		n, ok := calls.Load(i)
		require.True(t, ok)
		assert.Equal(t, 1, *n.(*int), "fn of update %d", i)
	}
	o, err := s.GetOrder(ctx, "U1")
	require.NoError(t, err)
	assert.Equal(t, 50, o.Revision)
}

func TestPanicInFn(t *testing.T) {
	s := open(t, nil)
	require.NoError(t, s.CreateOrder(ctx, &order.Order{ID: "P1", Status: order.Received}))
	assert.PanicsWithValue(t, "boom", func() {
		_ = s.UpdateOrder(ctx, "P1", func(o *order.Order) ([]order.Event, error) {
			o.Status = order.Shipped
			panic("boom")
		})
	})
	o, err := s.GetOrder(ctx, "P1")
	require.NoError(t, err)
	assert.Equal(t, order.Received, o.Status, "the panicking update changed nothing")
	assert.NoError(t, s.CreateOrder(ctx, &order.Order{ID: "P2"}), "the writer goes on")
}

func TestClosed(t *testing.T) {
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "dadan.db"), nil)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	assert.ErrorIs(t, s.Close(), sqlite.ErrClosed)
	assert.ErrorIs(t, s.CreateOrder(ctx, &order.Order{ID: "X"}), sqlite.ErrClosed)
	_, err = s.GetOrder(ctx, "X")
	assert.ErrorIs(t, err, sqlite.ErrClosed)
	_, err = s.ClaimJob(ctx, "p", "o", time.Now())
	assert.ErrorIs(t, err, sqlite.ErrClosed)
	for _, err := range s.ListOrders(ctx) {
		assert.ErrorIs(t, err, sqlite.ErrClosed)
	}
}

func TestCloseWaitsForWrites(t *testing.T) {
	p := filepath.Join(t.TempDir(), "dadan.db")
	s, err := sqlite.Open(ctx, p, nil)
	require.NoError(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var acked []string
	for i := range 200 {
		wg.Go(func() {
			id := fmt.Sprint("C", i)
			if s.CreateOrder(ctx, &order.Order{ID: id}) == nil {
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		})
	}
	time.Sleep(time.Millisecond)
	require.NoError(t, s.Close())
	wg.Wait()
	s, err = sqlite.Open(ctx, p, nil)
	require.NoError(t, err)
	defer s.Close()
	for _, id := range acked {
		ok, err := s.HasOrder(ctx, id)
		require.NoError(t, err)
		assert.True(t, ok, id)
	}
	_, err = os.Stat(p + "-wal")
	assert.True(t, err == nil || os.IsNotExist(err))
}

func TestCancelledContext(t *testing.T) {
	s := open(t, nil)
	c, cancel := context.WithCancel(ctx)
	cancel()
	assert.ErrorIs(t, s.CreateOrder(c, &order.Order{ID: "X"}), context.Canceled)
	_, err := s.GetOrder(c, "X")
	assert.ErrorIs(t, err, context.Canceled)
	_, err = s.Jobs(c, printer.JobFilter{})
	assert.ErrorIs(t, err, context.Canceled)
	ok, err := s.HasOrder(ctx, "X")
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestBadValues(t *testing.T) {
	s := open(t, nil)
	far := time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err := s.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "A"}, Printer: "p", CreatedAt: far})
	assert.ErrorIs(t, err, sqlite.ErrTimeRange)
	js, err := s.Jobs(ctx, printer.JobFilter{})
	require.NoError(t, err)
	assert.Empty(t, js, "nothing stored")
	err = s.CreateOrder(ctx, &order.Order{ID: "O1"}, order.Event{OrderID: "O1", Time: far})
	assert.ErrorIs(t, err, sqlite.ErrTimeRange)
	ok, err := s.HasOrder(ctx, "O1")
	require.NoError(t, err)
	assert.False(t, ok, "an order whose event cannot be stored is not stored")
	assert.Error(t, s.CreateOrder(ctx, &order.Order{ID: "O2", Status: "lost"}), "an unknown status")
	// An order paid in the far future is stored (only its sort key saturates).
	o := &order.Order{ID: "O3", PaidAt: far, Status: order.Received}
	require.NoError(t, s.CreateOrder(ctx, o))
	got, err := s.GetOrder(ctx, "O3")
	require.NoError(t, err)
	assert.True(t, got.PaidAt.Equal(far))
	// Hostile text is data.
	id := "'; DROP TABLE orders; --\x00^XA"
	require.NoError(t, s.CreateOrder(ctx, &order.Order{ID: id, Status: order.Received}))
	got, err = s.GetOrder(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, id, got.ID)
}

func TestLeaseOption(t *testing.T) {
	s := open(t, &sqlite.Options{Lease: time.Second})
	t0 := time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC)
	a, err := s.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "A", Doc: printer.Waybill, Copy: 1}, Printer: "p", Data: []byte("x")})
	require.NoError(t, err)
	_, err = s.ClaimJob(ctx, "p", "dead", t0)
	require.NoError(t, err)
	_, err = s.ClaimJob(ctx, "p", "live", t0.Add(time.Second))
	assert.ErrorIs(t, err, printer.ErrNoJob)
	r, err := s.ClaimJob(ctx, "p", "live", t0.Add(1001*time.Millisecond))
	require.NoError(t, err, "the configured lease, not the default")
	assert.Equal(t, a.ID, r.ID)
	assert.Equal(t, "x", string(r.Data))
	assert.True(t, r.Rerender)
}

func TestSynchronousFull(t *testing.T) {
	s := open(t, &sqlite.Options{Synchronous: sqlite.SyncFull, CommitWindow: time.Millisecond, MaxBatch: 8})
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() { assert.NoError(t, s.CreateOrder(ctx, &order.Order{ID: fmt.Sprint("S", i)})) })
	}
	wg.Wait()
	n := 0
	for _, err := range s.ListOrders(ctx) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 40, n)
	assert.GreaterOrEqual(t, s.Stats().Commits, int64(40/8), "MaxBatch caps a batch")
}
