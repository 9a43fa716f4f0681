package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/ptytest"
	"github.com/dadanhq/dadan/printer/printertest"
)

// jobFiles writes n ZPL jobs of about size bytes and returns their paths.
func jobFiles(t *testing.T, n, size int) []string {
	t.Helper()
	dir := t.TempDir()
	var files []string
	for i := range n {
		body := fmt.Sprintf("^XA^FDjob%d^FS^FO0,0^FD%s^FS^XZ", i, strings.Repeat("x", max(0, size-40)))
		f := filepath.Join(dir, fmt.Sprintf("job%d.zpl", i))
		require.NoError(t, os.WriteFile(f, []byte(body), 0o644))
		files = append(files, f)
	}
	return files
}

func TestPrintToAPrinterThatNeverAnswersStatus(t *testing.T) {
	emu, err := printertest.New(nil)
	require.NoError(t, err)
	defer emu.Close()
	emu.NoStatus()
	files := jobFiles(t, 3, 100)
	start := time.Now()
	code, out, errOut := runCLI(t, "", append([]string{"print", "--printer", "tcp://" + emu.Addr() + "?timeout=200ms", "--timeout", "20s"}, files...)...)
	require.Equal(t, 0, code, errOut)
	assert.Less(t, time.Since(start), 5*time.Second, "one status wait, not the whole --timeout")
	assert.Contains(t, out, "jobs: 0 printed, 3 sent to printers that report no status")
	assert.Contains(t, errOut, "one-way", "the operator is told once")
	assert.Equal(t, 1, strings.Count(errOut, "one-way"))
	assert.NotContains(t, errOut, "sent again")
	require.Eventually(t, func() bool { return len(emu.Printed()) == 3 }, time.Second, time.Millisecond)
	assert.Len(t, emu.Jobs(), 3, "each job once")
	assert.Equal(t, 1, emu.QueriesReceived())

	// status=none: not one query byte, nothing to tell.
	emu2, err := printertest.New(nil)
	require.NoError(t, err)
	defer emu2.Close()
	code, _, errOut = runCLI(t, "", append([]string{"print", "--printer", "tcp://" + emu2.Addr() + "?status=none"}, files...)...)
	require.Equal(t, 0, code, errOut)
	require.Eventually(t, func() bool { return len(emu2.Printed()) == 3 }, time.Second, time.Millisecond)
	assert.Zero(t, emu2.QueriesReceived())
}

func TestPrintToASlowPrinter(t *testing.T) {
	// 8 KiB/s and a 100ms read timeout: every status reply comes after the
	// job ahead of it, long after 100ms.
	emu, err := printertest.New(nil)
	require.NoError(t, err)
	defer emu.Close()
	emu.LimitSpeed(8 << 10)
	files := jobFiles(t, 3, 5<<10)
	code, out, errOut := runCLI(t, "", append([]string{"print", "--printer", "tcp://" + emu.Addr() + "?timeout=100ms", "--timeout", "20s"}, files...)...)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "jobs: 3 printed")
	assert.NotContains(t, errOut, "again")
	assert.Len(t, emu.Jobs(), 3, "no copies")
}

func TestPrintRetriesCountConnectionAttempts(t *testing.T) {
	emu, err := printertest.New(nil)
	require.NoError(t, err)
	defer emu.Close()
	files := jobFiles(t, 1, 100)
	// Connections are accepted and closed at once: every attempt fails.
	emu.CloseOnAccept()
	start := time.Now()
	code, _, errOut := runCLI(t, "", append([]string{"print", "--printer", "tcp://" + emu.Addr() + "?timeout=200ms", "--retries", "3", "--timeout", "30s"}, files...)...)
	assert.Equal(t, 1, code)
	assert.Less(t, time.Since(start), 10*time.Second, "--retries ends it, not --timeout")
	assert.Contains(t, errOut, "3 connection attempts in a row failed", errOut)
	assert.Empty(t, emu.Printed())
}

func TestPrintToAOneWaySerialPrinter(t *testing.T) {
	line := ptytest.New(t) // the printer reads and never answers: its transmit line is not wired
	host := line.Host
	files := jobFiles(t, 3, 100)
	start := time.Now()
	code, out, errOut := runCLI(t, "", append([]string{"print", "--printer", "serial://" + host + "?baud=115200&timeout=200ms", "--timeout", "20s"}, files...)...)
	require.Equal(t, 0, code, errOut)
	assert.Less(t, time.Since(start), 5*time.Second)
	assert.Contains(t, out, "jobs: 0 printed, 3 sent to printers that report no status")
	assert.Equal(t, 1, strings.Count(errOut, "one-way"), errOut)
	var want bytes.Buffer
	want.WriteString("~HS")
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		want.Write(b)
	}
	require.Eventually(t, func() bool { return len(line.Bytes()) >= want.Len() }, 2*time.Second, time.Millisecond)
	assert.Equal(t, want.String(), string(line.Bytes()), "one query, each job once")
}
