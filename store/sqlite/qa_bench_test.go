package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dadanhq/dadan/qa"
)

// fillPrinted writes n printed orders straight into the tables, one
// transaction: an order row, its printed event and its waybill job; 20
// operators and 10 printers over 30 days. Every inspectEvery-th order has an
// inspection, every 10th of those a failed one.
func fillPrinted(tb testing.TB, s *Store, n, inspectEvery int) {
	ctx := context.Background()
	day := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	err := s.write(ctx, func(w *wconn) error {
		for i := range n {
			id := "B" + strconv.Itoa(i)
			at := day.Add(time.Duration(i) * (30 * 24 * time.Hour / time.Duration(n))).UnixNano()
			op := "op" + strconv.Itoa(i%20)
			prn := "zebra-" + strconv.Itoa(i%10)
			hash := fmt.Sprintf("sha256:%064x", i)
			if _, err := w.exec(`INSERT INTO orders (id, paid_at, body) VALUES (?, ?, ?)`, id, at, []byte(`{}`)); err != nil {
				return err
			}
			if _, err := w.exec(`INSERT INTO order_state (oid, id, status, paid_at) VALUES (last_insert_rowid(), ?, 'printed', ?)`, id, at); err != nil {
				return err
			}
			if _, err := w.exec(`INSERT INTO journal (time, actor, order_id, action, from_st, to_st, detail) VALUES (?, ?, ?, 'printed', 'approved', 'printed', ?)`,
				at, op, id, "waybill waybill-76x130@3 "+hash[:19]); err != nil {
				return err
			}
			if _, err := w.exec(`INSERT INTO jobs (id, order_id, doc, template, version, copy, printer, data, media_length, state, seq, owner,
				attempts, print_count, reprint, reprint_reason, rerender, hash, revision, created_at, updated_at, sent_at, printed_at, last_error)
				VALUES (?, ?, 'waybill', 'waybill-76x130', '3', 1, ?, NULL, 130, 'printed', ?, '', 1, 1, 0, '', 0, ?, 1, ?, ?, ?, ?, '')`,
				"J"+strconv.Itoa(i), id, prn, i+1, hash, at, at, at, at); err != nil {
				return err
			}
			if inspectEvery > 0 && i%inspectEvery == 0 {
				in := qa.Inspection{ID: "I" + strconv.Itoa(i), Seq: int64(i + 1), Order: id, Time: time.Unix(0, at+int64(time.Hour)).UTC(),
					PrintedAt: time.Unix(0, at).UTC(), Round: 1, Result: qa.Pass, Operator: op, Inspector: "qc",
					Docs: []qa.Doc{{Kind: "waybill", Template: "waybill-76x130", Version: "3", Hash: hash, Printer: prn}}}
				if i%(10*inspectEvery) == 0 {
					in.Result = qa.Fail
					in.Defects = []qa.Defect{{Type: []string{"address", "blurred", "cut_off"}[i%3], Severity: qa.Major, Cause: qa.CausePrinter}}
				}
				body, _ := json.Marshal(in)
				if _, err := w.exec(`INSERT INTO qa_inspections (seq, id, order_id, time, body) VALUES (?, ?, ?, ?, ?)`,
					in.Seq, in.ID, id, in.Time.UnixNano(), body); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// peakRSS returns the peak resident set since the last resetPeak, in MiB
// (Linux; 0 elsewhere).
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

// cpuTime is the process's user and system CPU time, which a shared machine's
// load does not inflate as it does wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func resetPeak() {
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// BenchmarkQAMillion samples 5 % of 1,000,000 printed orders (50,000 of them
// inspected already) and computes the statistics, in the SQLite store. Run
// with -benchtime=1x; the orders are written once, outside the timing.
func BenchmarkQAMillion(b *testing.B) {
	n := 1_000_000
	if v, err := strconv.Atoi(os.Getenv("DADAN_QA_BENCH_N")); err == nil && v > 0 {
		n = v
	}
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "qa.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	t0 := time.Now()
	fillPrinted(b, s, n, 20)
	b.Logf("wrote %d printed orders in %v", n, time.Since(t0).Round(time.Millisecond))
	// Measure as a fresh process would: the writer's page cache is let go.
	path := s.Path()
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	if s, err = Open(ctx, path, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		resetPeak()
		b.Logf("resident before: %.0f MiB", peakRSS())
		cpu0 := cpuTime()
		start := time.Now()
		r, err := qa.Sample(ctx, s, s, qa.SampleOptions{Percent: 5, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		sampled := time.Since(start)
		st, err := qa.Collect(ctx, s, qa.StatsOptions{CountPrinted: true})
		if err != nil {
			b.Fatal(err)
		}
		total := time.Since(start)
		if r.Population != n || len(r.Orders) < n/20 || st.Printed != n || st.Inspected != n/20 {
			b.Fatalf("population %d, drawn %d, printed %d, inspected %d", r.Population, len(r.Orders), st.Printed, st.Inspected)
		}
		b.ReportMetric(sampled.Seconds(), "s-sample")
		b.ReportMetric((total - sampled).Seconds(), "s-stats")
		b.ReportMetric(peakRSS(), "MiB-peak-rss")
		b.ReportMetric((cpuTime() - cpu0).Seconds(), "s-cpu")
	}
}
