package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer/printertest"
)

// TestGiveUpWhileQueuing: a run that gives up on its printer (--retries) while
// it is still queuing orders leaves the orders it did not queue approved, not
// on hold with "context canceled", and says so order by order: every order
// has a line, as a job not sent or as an order not queued. (Under load the
// fault matrix's "accepts then closes" run gave up after queuing 10 of 20.)
func TestGiveUpWhileQueuing(t *testing.T) {
	const n = 400
	db, ids := matrixOrders(t, n)
	emu, err := printertest.New(nil)
	require.NoError(t, err)
	defer emu.Close()
	emu.CloseOnAccept()
	code, _, errOut := runCLI(t, "", "print", "--db", db, "--printer", "waybill=tcp://"+emu.Addr()+"?timeout=1s",
		"--timeout", "60s", "--retries", "1", "--station", "giveup")
	assert.Equal(t, 1, code, errOut)
	assert.Empty(t, emu.Printed())
	assert.NotContains(t, errOut, "context canceled")
	assert.NotContains(t, errOut, "on hold")
	_, out, _ := runCLI(t, "", "orders", "--db", db, "--json")
	statuses := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var o struct{ ID, Status string }
		require.NoError(t, json.Unmarshal([]byte(l), &o))
		statuses[o.ID] = o.Status
	}
	lines := strings.Split(errOut, "\n")
	shown := func(id string) bool {
		for _, l := range lines {
			if strings.Contains(l, " "+id+" ") {
				return true
			}
		}
		return false
	}
	unqueued := strings.Count(errOut, "not queued: the run ended first")
	more := 0
	if i := strings.Index(errOut, "and "); i >= 0 {
		_, _ = fmt.Sscanf(errOut[i:], "and %d more approved orders not queued", &more)
	}
	hidden := 0
	for _, id := range ids {
		assert.Equal(t, "approved", statuses[id], "%s stays approved for the next run", id)
		if !shown(id) {
			hidden++
		}
	}
	assert.Equal(t, more, hidden, "every order has its line, or is counted in the last one")
	unqueued += more
	t.Logf("%d orders not queued when the run gave up", unqueued)
}

// TestPrintMaxRun: --max-run bounds the runs a printer claims; every value
// prints each document once, and a negative one is a usage error.
func TestPrintMaxRun(t *testing.T) {
	code, _, errOut := runCLI(t, "", "print", "--db", filepath.Join(t.TempDir(), "x.db"), "--printer", "waybill=tcp://127.0.0.1:1", "--max-run", "-1")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--max-run")
	for _, run := range []string{"1", "5"} {
		db, ids := matrixOrders(t, 12)
		emu, err := printertest.New(nil)
		require.NoError(t, err)
		code, _, errOut := runCLI(t, "", "print", "--db", db, "--printer", "waybill=tcp://"+emu.Addr()+"?timeout=5s",
			"--timeout", "60s", "--max-run", run)
		require.Equal(t, 0, code, errOut)
		assert.Len(t, emu.Printed(), len(ids), "--max-run %s: each waybill once", run)
		emu.Close()
	}
}
