package printer_test

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/printer/tcp"
	"github.com/dadanhq/dadan/store/memstore"
)

// zplJob is a small label carrying its batch index in ^FD.
func zplJob(i int) []byte {
	return fmt.Appendf(nil, "^XA^FO20,20^A0N,30,30^FDJOB-%06d^FS^XZ", i)
}

// jobIndex reads the index back from a printed label.
func jobIndex(t testing.TB, data []byte) int {
	k := bytes.Index(data, []byte("^FDJOB-"))
	require.GreaterOrEqual(t, k, 0, "%q", data)
	n, err := strconv.Atoi(string(data[k+7 : k+13]))
	require.NoError(t, err)
	return n
}

func spec(i int, doc printer.DocKind) printer.JobSpec {
	return printer.JobSpec{
		Key:  printer.JobKey{Order: fmt.Sprintf("TB%06d", i), Doc: doc, Template: "t", Version: "1", Copy: 1},
		Data: zplJob(i), MediaLength: 30,
	}
}

// fastOptions keeps retries short for tests.
func fastOptions() *printer.Options {
	return &printer.Options{
		Routes:       map[printer.DocKind]string{printer.Waybill: "A", printer.PackingList: "B"},
		MinBackoff:   time.Millisecond,
		MaxBackoff:   10 * time.Millisecond,
		PollInterval: 10 * time.Millisecond,
	}
}

func dialEmu(t testing.TB, e *printertest.Printer) *tcp.Printer {
	t.Helper()
	p, err := tcp.Dial(context.Background(), e.Addr(), &tcp.Options{ReadTimeout: 250 * time.Millisecond, DialTimeout: 500 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(func() { p.Close() })
	return p
}

// events records spooler events, safe for concurrent use.
type events struct {
	mu  sync.Mutex
	all []printer.Event
}

func (e *events) add(ev printer.Event) {
	e.mu.Lock()
	e.all = append(e.all, ev)
	e.mu.Unlock()
}

func (e *events) count(k printer.EventKind, prn string) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, ev := range e.all {
		if ev.Kind == k && (prn == "" || ev.Printer == prn) {
			n++
		}
	}
	return n
}

// batchReport is what a batch check found.
type batchReport struct {
	jobs, flagged, extraCopies, unknownSends, unconfirmed int
}

// checkBatch asserts the spooler's promises for the n jobs submitted to prn with
// indices from, from+1, ...: every job is printed; the first copies came out in
// FIFO order; a job printed more than once is flagged as a reprint; no job came
// out more often than its PrintCount says it may have; with exact, the emulator's
// copies equal PrintCount (the spooler flagged exactly the duplicates).
func checkBatch(t *testing.T, store *memstore.Store, e *printertest.Printer, prn string, from, n int, exact bool) batchReport {
	t.Helper()
	jobs, err := store.Jobs(context.Background(), printer.JobFilter{Printer: prn})
	require.NoError(t, err)
	require.Len(t, jobs, n)
	copies := map[int]int{}
	var order []int
	for _, pj := range e.Printed() {
		i := jobIndex(t, pj.Data)
		if copies[i] == 0 {
			order = append(order, i)
		}
		copies[i]++
	}
	want := make([]int, n)
	for i := range want {
		want[i] = from + i
	}
	require.Equal(t, want, order, "first copies in FIFO order, none missing")
	var r batchReport
	r.jobs = n
	for _, j := range jobs {
		i := jobIndex(t, j.Data)
		c := copies[i]
		if j.State == printer.Unconfirmed {
			// The printer had it whole but never said it printed: the
			// emulator shows it did, once; a person would check it.
			r.unconfirmed++
			assert.Equal(t, 1, c, "unconfirmed job %d came out once", i)
			continue
		}
		assert.Equal(t, printer.Printed, j.State, "job %d", i)
		if j.Reprint {
			r.flagged++
			r.unknownSends += j.PrintCount - 1
			r.extraCopies += c - 1
			assert.NotEmpty(t, j.ReprintReason)
		} else {
			assert.Equal(t, 1, c, "job %d is not flagged, so printed once", i)
			assert.Equal(t, 1, j.PrintCount, "job %d", i)
		}
		assert.LessOrEqual(t, c, j.PrintCount, "job %d came out more often than counted", i)
		if exact {
			assert.Equal(t, j.PrintCount, c, "job %d: flagged sends match the copies", i)
		}
	}
	return r
}
