package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dadanhq/dadan/internal/fontpath"
	"github.com/dadanhq/dadan/internal/ptytest"
	"github.com/dadanhq/dadan/printer/printertest"
)

// matrixOrders writes n orders, each with one distinct item, and ingests them.
func matrixOrders(t *testing.T, n int) (db string, ids []string) {
	t.Helper()
	dir := t.TempDir()
	db = filepath.Join(dir, "m.db")
	var in strings.Builder
	for i := range n {
		id := fmt.Sprintf("FM%04d", i)
		ids = append(ids, id)
		fmt.Fprintf(&in, `{"id":%q,"carrier":"ZTO","paid_at":"2026-11-11T00:%02d:00+08:00","recipient":{"name":"王喆","phone":"1380013%04d","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路%d号"},"items":[{"sku":"SKU-%04d","barcode":"69012345%05d","name":"保温杯","qty":1,"unit_price":"1.00"}],"total":"1.00"}`+"\n",
			id, i%60, i, i, i, i)
	}
	f := filepath.Join(dir, "orders.jsonl")
	require.NoError(t, os.WriteFile(f, []byte(in.String()), 0o644))
	code, _, errOut := runCLI(t, "", "ingest", "--db", db, "--orders", f)
	require.Equal(t, 0, code, errOut)
	return db, ids
}

// matrixLang is one printer language of the matrix: the document kind it
// prints, the emulator language and how a copy names its order.
type matrixLang struct {
	name, kind string
	emu        printertest.Language
	mark       string // 补打 as the language's bytes
}

func matrixLangs(t *testing.T) []matrixLang {
	gb, err := simplifiedchinese.GB18030.NewEncoder().String("补打")
	require.NoError(t, err)
	return []matrixLang{
		{"zpl", "waybill", printertest.ZPL, "补打"},
		{"escpos", "packing", printertest.ESCPOS, gb},
		{"tspl", "label", printertest.TSPL, gb},
	}
}

// copiesOf counts, for each order, the printed jobs that name it (the order id
// on waybills and packing lists, the item's SKU on product labels), and checks
// that every copy after the first carries the reprint mark.
func copiesOf(t *testing.T, printed []printertest.Job, ids []string, l matrixLang) map[string]int {
	t.Helper()
	n := map[string]int{}
	for _, id := range ids {
		for _, j := range printed {
			if !names(j.Data, id, l) {
				continue
			}
			n[id]++
			if n[id] > 1 {
				assert.Contains(t, string(j.Data), l.mark, "%s %s: copy %d carries the mark", l.name, id, n[id])
			}
		}
	}
	return n
}

// names reports whether printed data names the order id: its id on waybills and
// packing lists, its item's SKU on product labels. TSPL sends the SKU barcode as
// BARCODE "128M" data, where SKU-0018 reads SKU-!0990018 (code set C for the
// digits).
func names(data []byte, id string, l matrixLang) bool {
	if l.kind != "label" {
		return bytes.Contains(data, []byte(id))
	}
	return bytes.Contains(data, []byte("SKU-"+id[2:])) || bytes.Contains(data, []byte("SKU-!099"+id[2:]))
}

// jobStates reads `dadan jobs --json` into order → job line.
func jobStates(t *testing.T, db string) map[string]jobLine {
	t.Helper()
	code, out, errOut := runCLI(t, "", "jobs", "--db", db, "--json")
	require.Equal(t, 0, code, errOut)
	m := map[string]jobLine{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var j jobLine
		require.NoError(t, json.Unmarshal([]byte(l), &j))
		m[j.Order] = j
	}
	return m
}

// TestFaultMatrix prints 20 documents with `dadan print --db` to printers that
// misbehave as real ones do, in ZPL, ESC/POS and TSPL: each run ends within
// --timeout, every job prints exactly once unless the printer made that
// impossible to know (then once plus flagged reprints that carry the mark),
// and the exit status and the per-job lines tell the truth.
func TestFaultMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("the fault matrix takes about a minute; not with -short")
	}
	if fontpath.First(fontpath.CJK) == "" {
		t.Skip("no CJK font for the raster text of ESC/POS and TSPL (CI installs fonts-arphic-gbsn00lp)")
	}
	const n = 20
	type outcome int
	const (
		allOnce  outcome = iota // exit 0, each once
		allSent                 // exit 0, each once, reported as sent to a printer without status
		noneSent                // exit 1, nothing printed, a line per job
		truthful                // what the printer made impossible to know is said: a job not printed is not reported done
	)
	cases := []struct {
		name   string
		setup  func(e *printertest.Printer)
		query  string // URL options
		want   outcome
		budget time.Duration
	}{
		{"never answers status", func(e *printertest.Printer) { e.NoStatus() }, "", allSent, 20 * time.Second},
		{"accepts then closes", func(e *printertest.Printer) { e.CloseOnAccept() }, "", noneSent, 20 * time.Second},
		{"paper out for 5s after the first job", func(e *printertest.Printer) { e.PaperOutOnNextJob(5 * time.Second) }, "", allOnce, 30 * time.Second},
		{"1 KB/s", func(e *printertest.Printer) { e.LimitSpeed(1024) }, "", allOnce, 90 * time.Second},
		{"drops the connection after 100 bytes", func(e *printertest.Printer) { e.DropAfter(100) }, "", truthful, 20 * time.Second},
		{"answers garbage", func(e *printertest.Printer) { e.AnswerGarbage([]byte("HELLO\r\n")) }, "", noneSent, 20 * time.Second},
		{"status queries off", func(e *printertest.Printer) {}, "&status=none", allSent, 20 * time.Second},
	}
	for _, l := range matrixLangs(t) {
		for _, c := range cases {
			t.Run(l.name+"/"+c.name, func(t *testing.T) {
				db, ids := matrixOrders(t, n)
				emu, err := printertest.New(&printertest.Options{Language: l.emu})
				require.NoError(t, err)
				defer emu.Close()
				c.setup(emu)
				url := "tcp://" + emu.Addr() + "?lang=" + l.name + "&timeout=1s" + c.query
				start := time.Now()
				code, out, errOut := runCLI(t, "", "print", "--db", db, "--printer", l.kind+"="+url,
					"--timeout", c.budget.String(), "--retries", "3", "--station", "matrix")
				took := time.Since(start)
				assert.Less(t, took, c.budget+5*time.Second, "ends within --timeout")
				states := jobStates(t, db)
				copies := copiesOf(t, emu.Printed(), ids, l)
				switch c.want {
				case allOnce, allSent:
					require.Equal(t, 0, code, "%s\n%s", out, errOut)
					for _, id := range ids {
						assert.Equal(t, 1, copies[id], "%s printed once", id)
						assert.False(t, states[id].Reprint, "%s not flagged", id)
					}
					if c.want == allSent {
						assert.Contains(t, out, fmt.Sprintf("%d sent to printers that report no status", n))
					} else {
						assert.Contains(t, out, fmt.Sprintf("jobs: %d printed", n))
					}
				case noneSent:
					assert.Equal(t, 1, code, "%s\n%s", out, errOut)
					assert.Empty(t, emu.Printed(), "nothing printed")
					lines := 0
					for _, id := range ids {
						if strings.Contains(errOut, " "+id+" ") {
							lines++
						}
					}
					assert.Equal(t, n, lines, "a line per job on stderr:\n%s", errOut)
					assert.NotContains(t, errOut, "sent again", "no message claims a send that did not happen")
				case truthful:
					open := 0
					for _, id := range ids {
						j := states[id]
						done := j.State == "printed" || j.State == "sent"
						if copies[id] == 0 {
							assert.False(t, done, "%s never came out, so it is not reported done", id)
						}
						if !done {
							open++
							assert.Contains(t, errOut, " "+id+" ", "%s has its line", id)
						}
						if copies[id] > 1 {
							assert.True(t, j.Reprint, "%s printed %d times: flagged", id, copies[id])
						}
						assert.LessOrEqual(t, copies[id], max(j.Prints, 1), "%s: no copy uncounted", id)
					}
					if open > 0 {
						assert.Equal(t, 1, code, "a job not done: exit 1")
					} else {
						assert.Equal(t, 0, code)
					}
				}
				t.Logf("%s %s: exit %d in %v", l.name, c.name, code, took.Round(10*time.Millisecond))
			})
		}
	}
}

// TestFaultMatrixOneWaySerial prints 20 documents in each language to a serial
// printer whose transmit line is not wired (a socat pty pair).
func TestFaultMatrixOneWaySerial(t *testing.T) {
	if testing.Short() {
		t.Skip("not with -short")
	}
	if fontpath.First(fontpath.CJK) == "" {
		t.Skip("no CJK font (CI installs fonts-arphic-gbsn00lp)")
	}
	for _, l := range matrixLangs(t) {
		t.Run(l.name, func(t *testing.T) {
			db, ids := matrixOrders(t, 20)
			line := ptytest.New(t)
			host := line.Host
			url := "serial://" + host + "?baud=115200&timeout=300ms&lang=" + l.name
			start := time.Now()
			code, out, errOut := runCLI(t, "", "print", "--db", db, "--printer", l.kind+"="+url, "--timeout", "60s", "--station", "serial")
			require.Equal(t, 0, code, "%s\n%s", out, errOut)
			assert.Less(t, time.Since(start), 60*time.Second)
			assert.Contains(t, out, "20 sent to printers that report no status")
			assert.Equal(t, 1, strings.Count(errOut, "one-way"), "said once: %s", errOut)
			require.Eventually(t, func() bool {
				got := line.Bytes()
				for _, id := range ids {
					if !names(got, id, l) {
						return false
					}
				}
				return true
			}, 10*time.Second, 20*time.Millisecond, "every document reached the printer")
		})
	}
}

// TestFaultMatrixSocketSink prints to a plain socket that takes every byte and
// never answers: each document arrives once, the run ends soon, exit 0, and the
// output says the printer reports no status.
func TestFaultMatrixSocketSink(t *testing.T) {
	if testing.Short() {
		t.Skip("not with -short")
	}
	db, ids := matrixOrders(t, 20)
	sink, err := printertest.NewSink(0)
	require.NoError(t, err)
	defer sink.Close()
	start := time.Now()
	code, out, errOut := runCLI(t, "", "print", "--db", db, "--printer", "waybill=tcp://"+sink.Addr()+"?timeout=1s", "--timeout", "30s")
	require.Equal(t, 0, code, "%s\n%s", out, errOut)
	assert.Less(t, time.Since(start), 20*time.Second)
	assert.Contains(t, out, "20 sent to printers that report no status")
	require.Eventually(t, func() bool {
		got := sink.Bytes()
		for _, id := range ids {
			if bytes.Count(got, []byte(id)) == 0 {
				return false
			}
		}
		return true
	}, 5*time.Second, 10*time.Millisecond)
	got := sink.Bytes()
	assert.Equal(t, len(ids), bytes.Count(got, []byte("^XZ")), "each document once")
}
