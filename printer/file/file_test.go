package file

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/printer"
)

var ctx = context.Background()

func fixedClock() func() time.Time {
	t := time.Date(2026, 11, 11, 0, 5, 9, 123456789, time.FixedZone("CST", 8*3600))
	return func() time.Time { return t }
}

func TestSpoolDirectory(t *testing.T) {
	dir := t.TempDir()
	p, err := Open(dir, &Options{Now: fixedClock()})
	require.NoError(t, err)
	assert.Equal(t, Spool, p.Kind())

	jobs := [][]byte{[]byte("^XA^FDone^FS^XZ"), {0x1b, 0x40, 0, 0xff}, []byte("third")}
	var names []string
	for _, j := range jobs {
		name, err := p.PrintFile(ctx, j)
		require.NoError(t, err)
		names = append(names, filepath.Base(name))
	}
	assert.Equal(t, []string{
		"000000000001-20261110T160509.123456789Z.prn",
		"000000000002-20261110T160509.123456789Z.prn",
		"000000000003-20261110T160509.123456789Z.prn",
	}, names)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 3, "no temporary files are left")
	for i, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		assert.Equal(t, jobs[i], b)
	}

	// Reopening continues after the highest sequence number, even with
	// foreign files in the directory.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "000000000041-x.prn"), []byte("old"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "README"), nil, 0o644))
	q, err := Open(dir, &Options{Ext: "zpl"})
	require.NoError(t, err)
	name, err := q.PrintFile(ctx, []byte("x"))
	require.NoError(t, err)
	assert.Regexp(t, `^000000000042-\d{8}T\d{6}\.\d{9}Z\.zpl$`, filepath.Base(name))
}

func TestSpoolNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	p, err := Open(dir, &Options{Now: fixedClock()})
	require.NoError(t, err)
	// Another process takes the next two names after Open scanned the directory.
	for _, n := range []string{"000000000001", "000000000002"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n+"-20261110T160509.123456789Z.prn"), []byte("theirs"), 0o644))
	}
	name, err := p.PrintFile(ctx, []byte("mine"))
	require.NoError(t, err)
	assert.Equal(t, "000000000003-20261110T160509.123456789Z.prn", filepath.Base(name))
	for _, n := range []string{"000000000001", "000000000002"} {
		b, err := os.ReadFile(filepath.Join(dir, n+"-20261110T160509.123456789Z.prn"))
		require.NoError(t, err)
		assert.Equal(t, "theirs", string(b))
	}
}

func TestSpoolNamesSortInJobOrder(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p, err := Open(dir, &Options{Now: func() time.Time { now = now.Add(-time.Hour); return now }})
	require.NoError(t, err)
	for i := range 12 {
		require.NoError(t, p.Print(ctx, []byte{byte(i)}))
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	require.True(t, sort.StringsAreSorted(names))
	for i, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		require.NoError(t, err)
		assert.Equal(t, []byte{byte(i)}, b, "a clock going backwards does not reorder jobs")
	}
}

func TestDevNull(t *testing.T) {
	p, err := Open("/dev/null", nil)
	require.NoError(t, err)
	assert.Equal(t, Device, p.Kind())
	require.NoError(t, p.Print(ctx, bytes.Repeat([]byte("^XA^XZ"), 20000)))
}

func TestFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lp0")
	require.NoError(t, syscall.Mkfifo(path, 0o600))
	p, err := Open(path, nil)
	require.NoError(t, err)
	assert.Equal(t, Device, p.Kind())

	// Nobody reads: the printer is offline, and Print does not hang.
	err = p.Print(ctx, []byte("x"))
	assert.ErrorIs(t, err, printer.ErrOffline)
	assert.ErrorIs(t, err, printer.ErrNotSent)
	var fe *Error
	assert.True(t, errors.As(err, &fe))

	// A reader gets the exact bytes, across several writes.
	r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	require.NoError(t, err)
	require.NoError(t, r.SetReadDeadline(time.Now().Add(10*time.Second)))
	got := make(chan []byte)
	job := make([]byte, 200<<10)
	for i := range job {
		job[i] = byte(i * 7)
	}
	go func() {
		var all []byte
		buf := make([]byte, 4096)
		for len(all) < len(job) {
			n, err := r.Read(buf)
			all = append(all, buf[:n]...)
			// EOF comes while no writer has the pipe open: read on.
			if err != nil && !errors.Is(err, io.EOF) {
				break
			}
		}
		got <- all
	}()
	require.NoError(t, p.Print(ctx, job))
	assert.Equal(t, job, <-got)
	require.NoError(t, r.Close())
}

func TestFIFOStuckReaderHonoursContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lp0")
	require.NoError(t, syscall.Mkfifo(path, 0o600))
	r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0) // opens, never reads
	require.NoError(t, err)
	defer r.Close()
	p, err := Open(path, nil)
	require.NoError(t, err)
	c, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = p.Print(c, make([]byte, 1<<20)) // more than a pipe buffer holds
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.NotErrorIs(t, err, printer.ErrNotSent, "part of the job is in the pipe")
	assert.ErrorIs(t, err, printer.ErrPartial, "the reader cannot have it whole")
	assert.Less(t, time.Since(start), 5*time.Second)
}

func TestAppendFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.prn")
	require.NoError(t, os.WriteFile(path, []byte("head|"), 0o644))
	p, err := Open(path, nil)
	require.NoError(t, err)
	assert.Equal(t, Append, p.Kind())
	require.NoError(t, p.Print(ctx, []byte("one|")))
	require.NoError(t, p.Print(ctx, []byte("two")))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "head|one|two", string(b))
}

func TestNotAPrinter(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "s")
	l, err := net.Listen("unix", sock)
	require.NoError(t, err)
	defer l.Close()
	_, err = Open(sock, nil)
	assert.ErrorIs(t, err, printer.ErrNotPrinter)

	_, err = Open(filepath.Join(dir, "missing"), nil)
	assert.ErrorIs(t, err, printer.ErrOffline)
	assert.ErrorIs(t, err, os.ErrNotExist)

	if os.Geteuid() != 0 { // root may write anywhere
		ro := filepath.Join(dir, "ro")
		require.NoError(t, os.WriteFile(ro, nil, 0o444))
		_, err = Open(ro, nil)
		assert.ErrorIs(t, err, printer.ErrNotPrinter)
	}
	assert.Error(t, (&Options{Ext: "../x"}).Validate())
	_, err = Open(dir, &Options{MaxJobBytes: -1})
	assert.Error(t, err)
}

func TestLimitsAndClose(t *testing.T) {
	dir := t.TempDir()
	p, err := Open(dir, &Options{MaxJobBytes: 4})
	require.NoError(t, err)
	assert.ErrorIs(t, p.Print(ctx, []byte("12345")), printer.ErrTooLarge)
	c, cancel := context.WithCancel(ctx)
	cancel()
	assert.ErrorIs(t, p.Print(c, []byte("1")), context.Canceled)
	require.NoError(t, p.Close())
	assert.ErrorIs(t, p.Print(ctx, []byte("1")), printer.ErrClosed)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)

	// A spool directory removed under the printer is offline.
	gone := filepath.Join(t.TempDir(), "spool")
	require.NoError(t, os.Mkdir(gone, 0o755))
	q, err := Open(gone, nil)
	require.NoError(t, err)
	require.NoError(t, os.Remove(gone))
	err = q.Print(ctx, []byte("1"))
	assert.ErrorIs(t, err, printer.ErrOffline)
	assert.ErrorIs(t, err, printer.ErrNotSent)
}

func BenchmarkSpool(b *testing.B) {
	p, err := Open(b.TempDir(), nil)
	require.NoError(b, err)
	job := bytes.Repeat([]byte("^XA^FO10,10^FDdadan^FS^XZ"), 80) // about 2 KB, a waybill
	b.SetBytes(int64(len(job)))
	for b.Loop() {
		if err := p.Print(ctx, job); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSpoolNamesByJob: a job the spooler sends is named by its order and document
// kind (hostile order IDs cleaned), and spool files take the configured mode.
func TestSpoolNamesByJob(t *testing.T) {
	dir := t.TempDir()
	p, err := Open(dir, &Options{Now: fixedClock(), Mode: 0o644, Ext: "zpl"})
	require.NoError(t, err)
	jobs := []*printer.Job{
		{Key: printer.JobKey{Order: "TB2026111100000", Doc: printer.Waybill, Copy: 1}},
		{Key: printer.JobKey{Order: "TB2026111100000", Doc: printer.PackingList, Copy: 2}, Reprint: true},
		{Key: printer.JobKey{Order: "../../etc/x y", Doc: printer.ProductLabel, Copy: 1}},
	}
	var names []string
	for _, j := range jobs {
		name, err := p.PrintFile(printer.WithJob(ctx, j), []byte("^XA^XZ"))
		require.NoError(t, err)
		assert.Equal(t, dir, filepath.Dir(name), "the file is in the spool directory")
		names = append(names, filepath.Base(name))
		fi, err := os.Stat(name)
		require.NoError(t, err)
		assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm())
	}
	assert.Equal(t, []string{
		"000000000001-TB2026111100000-waybill-20261110T160509.123456789Z.zpl",
		"000000000002-TB2026111100000-packing-copy2-reprint-20261110T160509.123456789Z.zpl",
		"000000000003-_._.._etc_x_y-label-20261110T160509.123456789Z.zpl",
	}, names)

	// The default stays private to the user.
	q, err := Open(t.TempDir(), nil)
	require.NoError(t, err)
	name, err := q.PrintFile(ctx, []byte("x"))
	require.NoError(t, err)
	fi, err := os.Stat(name)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	_, err = Open(dir, &Options{Mode: os.ModeSetuid | 0o644})
	assert.Error(t, err)
}
