package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/dadanhq/dadan/order/ordertest"
	"github.com/dadanhq/dadan/printer/printertest"
)

// buildCLI builds the dadan command once per test binary.
var buildCLI = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "dadan-cli-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "dadan")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// proc is one run of the command as a subprocess.
type proc struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	done   chan struct{}
	code   int
}

func start(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Stderr = &p.stderr
	p.cmd.Env = append(os.Environ(), "DADAN_USER=crash-test")
	require.NoError(t, p.cmd.Start())
	go func() {
		err := p.cmd.Wait()
		p.code = p.cmd.ProcessState.ExitCode()
		if err != nil && p.code == 0 {
			p.code = -1
		}
		close(p.done)
	}()
	return p
}

func (p *proc) kill() {
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// TestCrashSafety runs ingest and print as subprocesses against emulated
// printers, kills them with SIGKILL at many points (during ingest, while
// rendering and sending, between a send and its confirmation) and runs the same
// command again each time. In the end no order or job is lost, every document
// that reached a printer more than once is a flagged reprint that carries the
// mark, and the journal has no gap and ends with every approved order printed.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test runs the command many times; not with -short")
	}
	bin, err := buildCLI()
	require.NoError(t, err)
	dir := t.TempDir()
	if d := os.Getenv("DADAN_CRASH_DIR"); d != "" {
		dir = d // keep the database for a look
	}
	db := filepath.Join(dir, "shift.db")
	orders := filepath.Join(dir, "orders.jsonl")
	var in bytes.Buffer
	require.NoError(t, ordertest.New(7).WriteJSONL(&in, 300))
	require.NoError(t, os.WriteFile(orders, in.Bytes(), 0o644))

	var kills atomic.Int32
	var victim atomic.Pointer[proc]
	killAt := map[int]bool{}
	for _, n := range []int{1, 3, 7, 15, 30, 55, 80, 120, 160, 200, 250, 310, 380, 450, 520} {
		killAt[n] = true // jobs received: kill right after the printer has them
	}
	onJob := func(j printertest.Job) {
		if killAt[j.Seq] {
			if p := victim.Load(); p != nil {
				kills.Add(1)
				go p.kill()
			}
		}
	}
	zebra, err := printertest.New(&printertest.Options{OnJob: onJob})
	require.NoError(t, err)
	defer zebra.Close()
	receipt, err := printertest.New(&printertest.Options{Language: printertest.ESCPOS, OnJob: onJob})
	require.NoError(t, err)
	defer receipt.Close()

	// Ingest, killed after a few moments, three times; then to the end.
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3 {
		p := start(t, bin, "ingest", "--db", db, "--orders", orders)
		time.Sleep(time.Duration(20+rng.IntN(60)*(i+1)) * time.Millisecond)
		p.kill()
		kills.Add(1)
	}
	p := start(t, bin, "ingest", "--db", db, "--orders", orders)
	<-p.done
	require.Contains(t, []int{0, 1}, p.code, p.stderr.String())

	args := []string{"print", "--db", db, "--station", "crash-test", "--timeout", "60s",
		"--printer", "waybill=tcp://" + zebra.Addr() + "?timeout=1s",
		"--printer", "packing=tcp://" + receipt.Addr() + "?lang=escpos&timeout=1s"}
	// Print, killed at exact points of the batch by the printers, and also after
	// random moments (while rendering, between jobs).
	var last *proc
	for round := 0; round < 60; round++ {
		p := start(t, bin, args...)
		victim.Store(p)
		if round%3 == 2 {
			delay := time.Duration(5+rng.IntN(200)) * time.Millisecond
			go func() {
				time.Sleep(delay)
				select {
				case <-p.done:
				default:
					kills.Add(1)
					p.kill()
				}
			}()
		}
		<-p.done
		victim.Store(nil)
		last = p
		if p.code == 0 {
			break
		}
		require.Equal(t, -1, p.code, "only a kill stops print early: %s", p.stderr.String())
	}
	require.NotNil(t, last)
	require.Equal(t, 0, last.code, "the last run finishes: %s", last.stderr.String())
	t.Logf("last run: %s", last.stderr.String())
	assert.GreaterOrEqual(t, int(kills.Load()), 20, "killed at 20 points or more")

	// What the database says.
	type jobRow struct {
		ID, Order, Kind, State, Reason string
		Reprint                        bool
		Prints                         int
	}
	var jobs []jobRow
	for _, l := range cliLines(t, bin, "jobs", "--db", db, "--json") {
		var j jobRow
		require.NoError(t, json.Unmarshal([]byte(l), &j))
		jobs = append(jobs, j)
	}
	var ords []orderLine
	for _, l := range cliLines(t, bin, "orders", "--db", db, "--json") {
		var o orderLine
		require.NoError(t, json.Unmarshal([]byte(l), &o))
		ords = append(ords, o)
	}
	require.Len(t, ords, 300, "no order lost")
	approved := map[string]orderLine{}
	for _, o := range ords {
		assert.NotEqual(t, "approved", o.Status, "every approved order printed: %s", o.ID)
		if o.Status == "printed" {
			approved[o.ID] = o
		}
	}
	require.NotEmpty(t, approved)
	byDoc := map[string]jobRow{}
	for _, j := range jobs {
		byDoc[j.Order+"/"+j.Kind] = j
		assert.Contains(t, []string{"printed", "sent"}, j.State, "job %s of %s", j.ID, j.Order)
	}
	assert.Equal(t, 2*len(approved), len(jobs), "a waybill and a packing list per printed order, no more")

	// What the printers received.
	mark := "补打"
	gbMark, err := simplifiedchinese.GB18030.NewEncoder().String(mark)
	require.NoError(t, err)
	count := func(printed []printertest.Job, kind, markBytes string, needle func(orderLine) string) {
		for id, o := range approved {
			var copies [][]byte
			for _, pj := range printed {
				if bytes.Contains(pj.Data, []byte(needle(o))) {
					copies = append(copies, pj.Data)
				}
			}
			j := byDoc[id+"/"+kind]
			require.NotEmpty(t, copies, "%s %s reached its printer", id, kind)
			if len(copies) > 1 {
				assert.True(t, j.Reprint, "%s %s printed %d times: flagged", id, kind, len(copies))
				for _, c := range copies[1:] {
					assert.Contains(t, string(c), markBytes, "%s %s: every copy after the first carries the mark", id, kind)
				}
			}
			assert.LessOrEqual(t, len(copies), j.Prints, "%s %s: no copy uncounted", id, kind)
		}
	}
	count(zebra.Printed(), "waybill", mark, func(o orderLine) string { return o.TrackingNo })
	count(receipt.Printed(), "packing", gbMark, func(o orderLine) string { return o.ID })

	// The journal: sequence numbers without a gap, every printed order has its event.
	var seq uint64
	printedEv := map[string]bool{}
	for _, l := range cliLines(t, bin, "journal", "--db", db, "--json") {
		var ev eventLine
		require.NoError(t, json.Unmarshal([]byte(l), &ev))
		seq++
		require.Equal(t, seq, ev.Seq, "no gap in the journal")
		if ev.Action == "printed" {
			printedEv[ev.Order] = true
		}
	}
	for id := range approved {
		assert.True(t, printedEv[id], "%s: printed is journaled", id)
	}
	t.Logf("%d kills; %d printed orders; %d waybills and %d packing lists received", kills.Load(), len(approved), len(zebra.Printed()), len(receipt.Printed()))
}

// cliLines runs the command to the end and returns its output lines.
func cliLines(t *testing.T, bin string, args ...string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).Output()
	require.NoError(t, err, strings.Join(args, " "))
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return lines
}
