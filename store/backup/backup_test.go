package backup_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/store/backup"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
)

// change makes n changes to s: new orders and notes and moves on old ones.
func change(t *testing.T, s order.Store, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		at := t0.Add(time.Duration(i) * time.Second)
		if i%3 == 0 {
			o := &order.Order{ID: fmt.Sprintf("T%05d", i), Platform: order.Taobao, PaidAt: at, Status: order.Received,
				Recipient: order.Party{Name: "张三", Phone: "13800138000", Province: "浙江省", Address: fmt.Sprint("文三路", i, "号")}}
			require.NoError(t, s.CreateOrder(ctx, o, order.Event{Time: at, Actor: "system", OrderID: o.ID, Action: order.ActReceived, To: order.Received}))
			continue
		}
		id := fmt.Sprintf("T%05d", (i/3)*3)
		require.NoError(t, s.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
			if o.Status == order.Received {
				ev, err := order.Move(o, order.Approved, at, "w", order.ActReviewed, "")
				return []order.Event{ev}, err
			}
			o.Flags = append(o.Flags, fmt.Sprint(i))
			return []order.Event{order.Note(o, at, "客服", order.ActNote, fmt.Sprint("note ", i))}, nil
		}))
	}
}

func dump(t *testing.T, s order.Store) ([]string, []order.Event) {
	t.Helper()
	var os []string
	for o, err := range s.ListOrders(ctx) {
		require.NoError(t, err)
		os = append(os, string(order.AppendJSON(nil, o)))
	}
	var evs []order.Event
	for ev, err := range s.Journal(ctx, 0) {
		require.NoError(t, err)
		ev.Time = ev.Time.UTC()
		evs = append(evs, ev)
	}
	return os, evs
}

func newSQLite(t *testing.T) *sqlite.Store {
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "restored.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// backups makes a full backup after 3000 changes and three increments.
func backups(t *testing.T, src order.Store) [][]byte {
	var files [][]byte
	var last *backup.Manifest
	next := 0
	for k := range 4 {
		n := 3000 - k*500
		change(t, src, next, n)
		next += n
		var b bytes.Buffer
		m, err := backup.Write(ctx, &b, src, last, t0.Add(time.Duration(k)*24*time.Hour))
		require.NoError(t, err)
		if k == 0 {
			assert.Equal(t, backup.Full, m.Kind)
		} else {
			assert.Equal(t, backup.Incremental, m.Kind)
			assert.Equal(t, last.Head, m.After)
			assert.Less(t, m.Orders, 2000, "an increment holds only the orders that changed")
		}
		files = append(files, b.Bytes())
		last = &m
	}
	return files
}

func restore(dst order.Store, files ...[]byte) (backup.Manifest, error) {
	var rs []io.Reader
	for _, f := range files {
		rs = append(rs, bytes.NewReader(f))
	}
	return backup.Restore(ctx, dst, rs...)
}

func TestRoundTrip(t *testing.T) {
	src := memstore.New()
	files := backups(t, src)
	for name, dst := range map[string]order.Store{"sqlite": newSQLite(t), "memstore": memstore.New()} {
		t.Run(name, func(t *testing.T) {
			m, err := restore(dst, files...)
			require.NoError(t, err)
			wantO, wantE := dump(t, src)
			gotO, gotE := dump(t, dst)
			assert.Equal(t, len(wantO), len(gotO))
			assert.Equal(t, wantO, gotO, "the restored orders equal the original")
			assert.Equal(t, wantE, gotE, "the restored journal equals the original, hashes and all")
			assert.Equal(t, wantE[len(wantE)-1].Hash, m.Head.Hash)
		})
	}
}

func TestRestoreRefuses(t *testing.T) {
	src := memstore.New()
	files := backups(t, src)

	damaged := bytes.Clone(files[1])
	damaged[len(damaged)-20] ^= 1
	_, err := restore(memstore.New(), files[0], damaged)
	assert.ErrorIs(t, err, backup.ErrDamaged)
	_, err = restore(memstore.New(), files[0][:len(files[0])-1])
	assert.ErrorIs(t, err, backup.ErrDamaged, "a truncated file")
	_, err = restore(memstore.New(), []byte("hello\n"))
	assert.ErrorIs(t, err, backup.ErrDamaged)

	dst := memstore.New()
	_, err = restore(dst, files[0], files[2])
	assert.ErrorIs(t, err, backup.ErrGap, "a missing increment")
	_, err = restore(memstore.New(), files[0], files[2], files[1])
	assert.ErrorIs(t, err, backup.ErrGap, "a wrong order")
	_, err = restore(memstore.New(), files[1])
	assert.ErrorIs(t, err, backup.ErrGap, "an increment first")
	_, err = restore(memstore.New(), files[0], files[0])
	assert.ErrorIs(t, err, backup.ErrGap, "a full backup twice")

	// the full backup stays applied after a refused increment
	wantO, _ := dump(t, dst)
	assert.NotEmpty(t, wantO)
	_, err = restore(dst, files[0])
	assert.ErrorIs(t, err, backup.ErrNotNew, "a non-empty store")
	gotO, _ := dump(t, dst)
	assert.Equal(t, wantO, gotO, "and nothing changed")
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
