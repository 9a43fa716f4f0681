package backup_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/backup"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/sqlite"
	"github.com/dadanhq/dadan/store/storetest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
)

func newSQLite(t *testing.T) *sqlite.Store {
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "restored.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// rounds are the orders of the full backup and of each increment after it.
var rounds = []int{1500, 400, 300, 300}

// backups makes a full backup of src after the first round of work and an
// increment after each further one; the rounds are divided by div.
func backups(t *testing.T, src backup.Store, div int) [][]byte {
	t.Helper()
	setup(t, src)
	var files [][]byte
	var last *backup.Manifest
	next := 0
	for k, n := range rounds {
		n /= div
		work(t, src, next, n)
		next += n
		var b bytes.Buffer
		m, err := backup.Write(ctx, &b, src, last, t0.Add(time.Duration(k)*24*time.Hour))
		require.NoError(t, err)
		if k == 0 {
			require.Equal(t, backup.Full, m.Kind)
			require.Equal(t, n, m.Orders)
		} else {
			require.Equal(t, backup.Incremental, m.Kind)
			require.Equal(t, last.Head, m.After)
			// an increment holds the orders of its round, a few of the round
			// before (still moving) and the records that changed
			assert.Equal(t, n, m.Orders, "increment %d", k)
			assert.Less(t, m.Records[backup.KindJob], 3*n, "an increment holds only the jobs that changed")
			assert.Less(t, m.Records[backup.KindShipment], 2*n)
			assert.Less(t, m.Records[backup.KindInspection], n)
			assert.Positive(t, m.Records[backup.KindDevice], "the usage counters changed")
			assert.LessOrEqual(t, m.Records[backup.KindDevice], 2)
		}
		files = append(files, b.Bytes())
		last = &m
	}
	return files
}

func restore(dst backup.Store, files ...[]byte) (backup.Manifest, error) {
	var rs []io.Reader
	for _, f := range files {
		rs = append(rs, bytes.NewReader(f))
	}
	return backup.Restore(ctx, dst, rs...)
}

// roundTrip checks that src restored into dst from files holds what src holds,
// and that dst then continues where src stopped.
func roundTrip(t *testing.T, src, dst backup.Store, files [][]byte) {
	t.Helper()
	m, err := restore(dst, files...)
	require.NoError(t, err)
	want := dumpAll(t, src)
	require.NotEmpty(t, want["job"])
	requireSame(t, want, dumpAll(t, dst))
	evs := want["journal"]
	assert.Contains(t, evs[len(evs)-1], m.Head.Hash)
	storetest.Restored(t, dst)
}

func TestRoundTrip(t *testing.T) {
	src := memstore.New()
	files := backups(t, src, 2) // 1,250 orders, some 30,000 changes
	for name, dst := range map[string]backup.Store{"sqlite": newSQLite(t), "memstore": memstore.New()} {
		t.Run(name, func(t *testing.T) { roundTrip(t, src, dst, files) })
	}
}

// An increment holds every kind of change since the backup before, even those
// that leave no journal event: a job finished, a device's counters.
func TestIncrementHoldsChangesWithoutEvents(t *testing.T) {
	src := newSQLite(t)
	setup(t, src)
	work(t, src, 0, 60)
	var b0 bytes.Buffer
	m0, err := backup.Write(ctx, &b0, src, nil, t0)
	require.NoError(t, err)
	sending, err := src.Jobs(ctx, printer.JobFilter{States: []printer.JobState{printer.Sending}})
	require.NoError(t, err)
	require.NotEmpty(t, sending)
	j := sending[0]
	j.State, j.PrintedAt = printer.Printed, at(100)
	require.NoError(t, src.UpdateJob(ctx, j, printer.Sending))

	var b1 bytes.Buffer
	m1, err := backup.Write(ctx, &b1, src, &m0, t0.Add(time.Hour))
	require.NoError(t, err)
	assert.Zero(t, m1.Events)
	assert.Equal(t, 1, m1.Records[backup.KindJob])
	assert.Equal(t, 0, m1.Records[backup.KindShipment])

	dst := memstore.New()
	_, err = restore(dst, b0.Bytes(), b1.Bytes())
	require.NoError(t, err)
	got, err := dst.Job(ctx, j.ID)
	require.NoError(t, err)
	assert.Equal(t, printer.Printed, got.State)
	requireSame(t, dumpAll(t, src), dumpAll(t, dst))

	// the manifest as its file holds it carries the index too
	m0r, err := backup.ReadManifest(bytes.NewReader(b0.Bytes()))
	require.NoError(t, err)
	var b2 bytes.Buffer
	m2, err := backup.Write(ctx, &b2, src, &m0r, t0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, m1.Records, m2.Records)
	assert.Equal(t, m0r.Totals(), m0.Totals())

	// a manifest without its index makes an increment hold every record
	bare := backup.Manifest{Kind: backup.Full, Head: m0.Head}
	var b3 bytes.Buffer
	m3, err := backup.Write(ctx, &b3, src, &bare, t0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, m3.Totals()[backup.KindJob], m3.Records[backup.KindJob])
	assert.Equal(t, m3.Totals()[backup.KindPrintUse], m3.Records[backup.KindPrintUse])
	// and restoring it adds nothing twice, print records (which have no ID) included
	for name, dst := range map[string]backup.Store{"memstore": memstore.New(), "sqlite": newSQLite(t)} {
		_, err = restore(dst, b0.Bytes(), b3.Bytes())
		require.NoError(t, err, name)
		requireSame(t, dumpAll(t, src), dumpAll(t, dst))
	}
}

func TestRestoreRefuses(t *testing.T) {
	src := memstore.New()
	files := backups(t, src, 5)

	damaged := bytes.Clone(files[1])
	damaged[len(damaged)-20] ^= 1
	_, err := restore(memstore.New(), files[0], damaged)
	assert.ErrorIs(t, err, backup.ErrDamaged)
	_, err = restore(memstore.New(), files[0][:len(files[0])-1])
	assert.ErrorIs(t, err, backup.ErrDamaged, "a truncated file")
	_, err = restore(memstore.New(), []byte("hello\n"))
	assert.ErrorIs(t, err, backup.ErrDamaged)

	dst := newSQLite(t)
	_, err = restore(dst, files[0], files[2])
	assert.ErrorIs(t, err, backup.ErrGap, "a missing increment")
	_, err = restore(memstore.New(), files[0], files[2], files[1])
	assert.ErrorIs(t, err, backup.ErrGap, "a wrong order")
	_, err = restore(memstore.New(), files[1])
	assert.ErrorIs(t, err, backup.ErrGap, "an increment first")
	_, err = restore(memstore.New(), files[0], files[0])
	assert.ErrorIs(t, err, backup.ErrGap, "a full backup twice")

	// the full backup stays applied after a refused increment
	want := dumpAll(t, dst)
	assert.NotEmpty(t, want["order"])
	assert.NotEmpty(t, want["job"])
	_, err = restore(dst, files[0])
	assert.ErrorIs(t, err, backup.ErrNotNew, "a non-empty store")
	requireSame(t, want, dumpAll(t, dst))

	// a store that holds anything at all is not new
	for name, fill := range map[string]func(s backup.Store) error{
		"a device":   func(s backup.Store) error { return s.AddDevice(ctx, printer.Device{ID: "p"}) },
		"a job":      func(s backup.Store) error { _, err := s.AddJob(ctx, printer.Job{Printer: "p"}); return err },
		"a sequence": func(s backup.Store) error { _, err := s.NextValue(ctx, "n"); return err },
		"an order": func(s backup.Store) error {
			return s.CreateOrder(ctx, &order.Order{ID: "X"}, order.Event{OrderID: "X", Action: order.ActReceived})
		},
	} {
		s := newSQLite(t)
		require.NoError(t, fill(s), name)
		_, err = restore(s, files[0])
		assert.ErrorIs(t, err, backup.ErrNotNew, name)
	}
}

// The files FormatV1 wrote (orders and journal only) still restore, and an
// increment written now may follow one.
func TestReadsFormatV1(t *testing.T) {
	var files [][]byte
	for _, name := range []string{"v1-0-full.dadan-backup", "v1-1-incremental.dadan-backup"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		require.NoError(t, err)
		files = append(files, b)
	}
	m, err := backup.ReadManifest(bytes.NewReader(files[0]))
	require.NoError(t, err)
	assert.Equal(t, backup.FormatV1, m.Format)
	assert.Nil(t, m.Totals())
	dst := newSQLite(t)
	m, err = restore(dst, files...)
	require.NoError(t, err)
	assert.Equal(t, uint64(60), m.Head.Seq)
	c := dumpAll(t, dst)
	assert.Len(t, c["order"], 20)
	assert.Len(t, c["journal"], 60)
	assert.Contains(t, c["order"][19], "文三路57号")

	// continue the chain with the current format
	setup(t, dst)
	var b bytes.Buffer
	m2, err := backup.Write(ctx, &b, dst, &m, t0.AddDate(0, 0, 2))
	require.NoError(t, err)
	assert.Equal(t, backup.Format, m2.Format)
	assert.Equal(t, 2, m2.Records[backup.KindDevice], "after a FormatV1 file every record is in the increment")
	again := memstore.New()
	_, err = restore(again, append(files, b.Bytes())...)
	require.NoError(t, err)
	requireSame(t, dumpAll(t, dst), dumpAll(t, again))

	// a FormatV1 file holding a record line is damaged
	bad := bytes.Clone(files[0])
	i := bytes.IndexByte(bad, '\n')
	_, err = restore(memstore.New(), append(bad[:i+1:i+1], []byte(`{"job":{}}`+"\n")...))
	assert.ErrorIs(t, err, backup.ErrDamaged)
}

func TestDue(t *testing.T) {
	day := 24 * time.Hour
	assert.Equal(t, backup.Full, backup.Due(nil, t0))
	made := []backup.Manifest{{Kind: backup.Full, Created: t0}}
	assert.Equal(t, backup.Kind(""), backup.Due(made, t0.Add(time.Hour)))
	assert.Equal(t, backup.Incremental, backup.Due(made, t0.Add(day)))
	made = append(made, backup.Manifest{Kind: backup.Incremental, Created: t0.Add(day)})
	assert.Equal(t, backup.Kind(""), backup.Due(made, t0.Add(day+time.Hour)))
	assert.Equal(t, backup.Full, backup.Due(made, t0.Add(7*day)))
}

// WriteDir streams the same backup Write makes into a file of its own, the
// manifest line padded, and a chain of its files restores.
func TestWriteDir(t *testing.T) {
	src := memstore.New()
	setup(t, src)
	work(t, src, 0, 100)
	dir := t.TempDir()
	var buf bytes.Buffer
	mw, err := backup.Write(ctx, &buf, src, nil, t0)
	require.NoError(t, err)
	m0, path0, err := backup.WriteDir(ctx, dir, src, nil, t0)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, backup.Name(m0)), path0)
	assert.Equal(t, mw.SHA256, m0.SHA256, "the same payload")
	b0, err := os.ReadFile(path0)
	require.NoError(t, err)
	first, rest, _ := bytes.Cut(b0, []byte("\n"))
	wantFirst, wantRest, _ := bytes.Cut(buf.Bytes(), []byte("\n"))
	assert.Equal(t, string(wantFirst), string(bytes.TrimRight(first, " ")))
	assert.Equal(t, wantRest, rest)
	fi, err := os.Stat(path0)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "a backup holds personal data")

	work(t, src, 100, 50)
	m1, path1, err := backup.WriteDir(ctx, dir, src, &m0, t0.Add(24*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, backup.Incremental, m1.Kind)
	b1, err := os.ReadFile(path1)
	require.NoError(t, err)
	dst := newSQLite(t)
	_, err = restore(dst, b0, b1)
	require.NoError(t, err)
	requireSame(t, dumpAll(t, src), dumpAll(t, dst))

	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, ents, 2, "no temporary file is left")
	_, _, err = backup.WriteDir(ctx, filepath.Join(dir, "missing"), src, nil, t0)
	assert.Error(t, err)
}
