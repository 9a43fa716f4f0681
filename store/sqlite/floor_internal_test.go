package sqlite

import (
	"context"
	"database/sql/driver"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"modernc.org/sqlite"
)

// BenchmarkStatementFloor is the least a shift can cost this store: the rows a
// shift must write, per order, written by the bare driver on the store's own
// schema and connection settings, with none of the store's Go code around
// them. Per order, in transactions of 64 orders:
//
//   - ingest: the order (a 1,047-byte body, the generated orders' mean) and its
//     state row, its received and reviewed journal events, the journal head
//     once a transaction;
//   - queue: two job rows, the waybill on the state row, the waybill's journal
//     note;
//   - claim: one statement for each printer's 64 jobs;
//   - finish: each job's outcome;
//   - confirm: the order's status and its printed event.
//
// Checkpoints run beside the writer, as the store's do. It reports per order
// the writing thread's CPU time in each step and in all (SQLite has one
// writer, so no second core shares it) and the process's, checkpoints
// included; it fails unless every job ended printed. With the station's own
// work measured apart (BenchmarkShift's memory store), it says what a shift
// costs at the least on a machine.
//
//	DADAN_BENCH_ORDERS=100000 go test -run '^$' -bench StatementFloor -benchtime 1x ./store/sqlite
func BenchmarkStatementFloor(b *testing.B) {
	n := 20000
	if s := os.Getenv("DADAN_BENCH_ORDERS"); s != "" {
		var err error
		n, err = strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
	}
	n -= n % 64
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "floor.db")
		s, err := Open(context.Background(), path, nil)
		if err != nil {
			b.Fatal(err)
		}
		dsn := s.dsn(false)
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
		c, err := (&sqlite.Driver{}).Open(dsn)
		if err != nil {
			b.Fatal(err)
		}
		f := &floor{b: b, c: c, st: map[string]driver.Stmt{}}
		f.exec("PRAGMA journal_mode=WAL")
		f.exec("PRAGMA wal_autocheckpoint=" + strconv.FormatInt(ckMaxFrames, 10))
		// Checkpoints run beside the writer, as the store's do (walck.go).
		ck, err := (&sqlite.Driver{}).Open(dsn)
		if err != nil {
			b.Fatal(err)
		}
		ask, ckDone := make(chan struct{}, 1), make(chan struct{})
		go func() {
			defer close(ckDone)
			for range ask {
				if _, err := ck.(driver.ExecerContext).ExecContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)", nil); err != nil {
					b.Error(err)
				}
			}
		}()
		commits := 0
		b.StartTimer()
		var steps [5]time.Duration
		step := func(k int, fn func(lo int)) {
			c0 := threadCPU()
			for lo := 0; lo < n; lo += 64 {
				f.exec("BEGIN IMMEDIATE")
				fn(lo)
				f.exec("COMMIT")
				if commits++; commits%ckEvery == 0 {
					select {
					case ask <- struct{}{}:
					default:
					}
				}
			}
			steps[k] += threadCPU() - c0
		}
		all0 := cpuTime()
		// The writer keeps to its thread, so that its CPU time is the thread's.
		runtime.LockOSThread()
		hash := strings.Repeat("9c3361d56d6d9bd5", 4)
		body := make([]byte, 1047)
		for i := range body {
			body[i] = byte('a' + i%26)
		}
		const t0 = int64(1794326421700000000)
		seq := int64(0)
		event := func(i int, action, from, to, detail string) {
			seq++
			f.exec(insertEvent,
				seq, t0+seq, "root", orderID(i), action, from, to, detail, hash, hash)
		}
		step(0, func(lo int) {
			for i := lo; i < lo+64; i++ {
				f.exec(insertOrder, orderID(i), t0+int64(i), body)
				f.exec(insertState, orderID(i), "approved", t0+int64(i))
				event(i, "received", "", "received", "")
				event(i, "reviewed", "received", "approved", "")
			}
			f.exec(`UPDATE journal_head SET seq = ?, hash = ? WHERE id = 1`, seq, hash)
		})
		docs := [2][3]string{{"waybill", "waybill-76x130", "tcp://127.0.0.1:9100"}, {"packing_list", "packing-80mm", "tcp://127.0.0.1:9101"}}
		step(1, func(lo int) {
			for i := lo; i < lo+64; i++ {
				for d, doc := range docs {
					js := int64(2*i + d + 1)
					f.exec(insertJobQ+` ON CONFLICT DO NOTHING`,
						"J"+strconv.FormatInt(js, 10), orderID(i), doc[0], doc[1], "1", int64(1), doc[2], nil,
						130.0, "queued", js, "", int64(0), int64(0), int64(0), "", int64(0), "sha256:"+hash, int64(2),
						t0+js, t0+js, int64(0), int64(0), "")
				}
				f.exec(setWaybill, body[:125], int64(i+1), int64(0))
				event(i, "note", "approved", "approved", "waybill 7800000000"+strconv.Itoa(i)+" allocated")
			}
			f.exec(`UPDATE journal_head SET seq = ?, hash = ? WHERE id = 1`, seq, hash)
		})
		step(2, func(lo int) {
			for _, doc := range docs {
				f.exec(`UPDATE jobs SET state = 'sending', owner = ?, attempts = attempts + 1, updated_at = ? WHERE printer = ? AND state = 'queued' AND seq <= ?`,
					"station", t0, doc[2], int64(2*(lo+64)))
			}
		})
		step(3, func(lo int) {
			for i := lo; i < lo+64; i++ {
				for d, doc := range docs {
					js := int64(2*i + d + 1)
					f.exec(keepPlace, 130.0, "printed", "station", int64(1), int64(1), int64(0), "", int64(0), "sha256:"+hash, int64(2),
						t0+js, t0+js, t0+js, "", nil, "J"+strconv.FormatInt(js, 10), "sending", doc[2], js)
				}
			}
		})
		step(4, func(lo int) {
			for i := lo; i < lo+64; i++ {
				f.exec(setStatusWaybill, "printed", body[:125], int64(i+1), int64(1))
				event(i, "printed", "approved", "printed", "waybill waybill-76x130@1 sha256:16dad07aa2e3; packing_list packing-80mm@2 sha256:23d61c0ebaf6")
			}
			f.exec(`UPDATE journal_head SET seq = ?, hash = ? WHERE id = 1`, seq, hash)
		})
		runtime.UnlockOSThread()
		close(ask)
		<-ckDone
		all := cpuTime() - all0
		ck.Close()
		b.StopTimer()
		var printed int64
		f.query(`SELECT count(*) FROM jobs WHERE state = 'printed'`, &printed)
		if printed != int64(2*n) {
			b.Fatalf("%d jobs printed, want %d", printed, 2*n)
		}
		for _, st := range f.st {
			st.Close()
		}
		c.Close()
		var writer time.Duration
		for k, name := range []string{"ingest", "queue", "claim", "finish", "confirm"} {
			b.ReportMetric(float64(steps[k].Microseconds())/float64(n), name+"-cpu-µs/order")
			writer += steps[k]
		}
		b.ReportMetric(float64(writer.Microseconds())/float64(n), "writer-cpu-µs/order")
		b.ReportMetric(float64(all.Microseconds())/float64(n), "cpu-µs/order")
		b.StartTimer()
	}
}

func orderID(i int) string { return fmt.Sprintf("TB2026111100%07d", i) }

// floor runs statements on a bare driver connection, each prepared once.
type floor struct {
	b  *testing.B
	c  driver.Conn
	st map[string]driver.Stmt
	nv []driver.NamedValue
}

func (f *floor) stmt(q string, args []any) (driver.Stmt, []driver.NamedValue) {
	st := f.st[q]
	if st == nil {
		var err error
		if st, err = f.c.(driver.ConnPrepareContext).PrepareContext(context.Background(), q); err != nil {
			f.b.Fatal(err)
		}
		f.st[q] = st
	}
	f.nv = f.nv[:0]
	for i, a := range args {
		f.nv = append(f.nv, driver.NamedValue{Ordinal: i + 1, Value: a})
	}
	return st, f.nv
}

func (f *floor) exec(q string, args ...any) {
	st, nv := f.stmt(q, args)
	if _, err := st.(driver.StmtExecContext).ExecContext(context.Background(), nv); err != nil {
		f.b.Fatalf("%s: %v", q, err)
	}
}

func (f *floor) query(q string, dest *int64) {
	st, nv := f.stmt(q, nil)
	rows, err := st.(driver.StmtQueryContext).QueryContext(context.Background(), nv)
	if err != nil {
		f.b.Fatal(err)
	}
	defer rows.Close()
	v := make([]driver.Value, 1)
	if err := rows.Next(v); err != nil {
		f.b.Fatal(err)
	}
	*dest = v[0].(int64)
}

// threadCPU is the calling thread's user and system CPU time so far
// (cpuTime's, for one thread).
func threadCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
