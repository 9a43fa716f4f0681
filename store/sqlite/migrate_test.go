package sqlite

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
)

func TestEmbeddedMigrations(t *testing.T) {
	ms, err := loadMigrations(migrations)
	require.NoError(t, err)
	require.NotEmpty(t, ms)
	assert.Equal(t, len(ms), SchemaVersion())
	assert.Equal(t, "0001_init.sql", ms[0].Name)
}

func TestMigrationNames(t *testing.T) {
	for name, files := range map[string]fstest.MapFS{
		"gap":      {"migrations/0001_a.sql": {}, "migrations/0003_c.sql": {}},
		"no name":  {"migrations/0001.sql": {}},
		"zero":     {"migrations/0000_a.sql": {}},
		"not num":  {"migrations/first_a.sql": {}},
		"twice v1": {"migrations/0001_a.sql": {}, "migrations/01_b.sql": {}},
	} {
		_, err := loadMigrations(files)
		assert.Error(t, err, name)
	}
}

// withExtra is the embedded schema plus one more migration, as a later release
// would ship it.
func withExtra(t *testing.T, extra string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(migrations, "migrations", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	require.NoError(t, err)
	m[fmt.Sprintf("migrations/%04d_next.sql", SchemaVersion()+1)] = &fstest.MapFile{Data: []byte(extra)}
	return m
}

func TestForwardMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dadan.db")
	s, err := Open(ctx, path, nil)
	require.NoError(t, err)
	require.NoError(t, s.CreateOrder(ctx, &order.Order{ID: "M1", Status: order.Received}))
	require.NoError(t, s.Close())

	next := withExtra(t, "CREATE TABLE next_things (id TEXT PRIMARY KEY, order_id TEXT NOT NULL);\nCREATE INDEX next_things_order ON next_things (order_id);")
	s, err = open(ctx, path, nil, next)
	require.NoError(t, err)
	var v int
	require.NoError(t, s.w.queryRow("PRAGMA user_version", nil, &v))
	assert.Equal(t, SchemaVersion()+1, v)
	err = s.w.execRaw("INSERT INTO next_things VALUES ('S1', 'M1')")
	assert.NoError(t, err, "the new table exists")
	ok, err := s.HasOrder(ctx, "M1")
	require.NoError(t, err)
	assert.True(t, ok, "data written before the migration is kept")
	require.NoError(t, s.Close())

	// The older code refuses the newer database.
	_, err = Open(ctx, path, nil)
	var se *SchemaError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, SchemaVersion()+1, se.Have)
	assert.Equal(t, SchemaVersion(), se.Want)
	assert.ErrorIs(t, err, ErrNewerSchema)
}

func TestFailedMigrationChangesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dadan.db")
	bad := withExtra(t, "CREATE TABLE half (x);\nTHIS IS NOT SQL;")
	_, err := open(ctx, path, nil, bad)
	require.Error(t, err)
	s, err := Open(ctx, path, nil)
	require.NoError(t, err, "the database stays at the last good version")
	defer s.Close()
	var v, n int
	require.NoError(t, s.w.queryRow("PRAGMA user_version", nil, &v))
	assert.Equal(t, SchemaVersion(), v)
	require.NoError(t, s.w.queryRow("SELECT count(*) FROM sqlite_schema WHERE name = 'half'", nil, &n))
	assert.Zero(t, n, "the failed migration's first statement was rolled back")
}

// Schema 9 moves the statuses into order_state: every order keeps its body,
// status, waybill, place in the listing and number, and takes narrow updates
// after.
func TestMigrationToOrderState(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dadan.db")
	eight := fstest.MapFS{}
	require.NoError(t, fs.WalkDir(migrations, "migrations", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) >= "0009" {
			return err
		}
		b, err := fs.ReadFile(migrations, p)
		eight[p] = &fstest.MapFile{Data: b}
		return err
	}))
	s, err := open(ctx, path, nil, eight)
	require.NoError(t, err)
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	statuses := []order.Status{order.Approved, order.Printed, order.Approved, order.OnHold, order.Approved}
	for i, st := range statuses {
		o := &order.Order{ID: fmt.Sprintf("M%d", 5-i), Status: st, PaidAt: at.Add(time.Duration(i) * time.Minute),
			Recipient: order.Party{Name: "欧阳娜娜"}}
		if st == order.Printed {
			o.Waybill = &order.Waybill{TrackingNo: "SF7"}
		}
		require.NoError(t, s.w.execRaw(fmt.Sprintf(`INSERT INTO orders (id, status, paid_at, body) VALUES ('%s', '%s', %d, x'%x')`,
			o.ID, st, o.PaidAt.UnixNano(), order.AppendJSON(nil, o))))
	}
	// M3's waybill as schema 8 kept it, beside the body, after two writes.
	require.NoError(t, s.w.execRaw(fmt.Sprintf(`UPDATE orders SET waybill = x'%x', ver = 2 WHERE id = 'M3'`,
		order.AppendWaybillJSON(nil, &order.Waybill{TrackingNo: "SF3"}))))
	require.NoError(t, s.Close())

	s, err = Open(ctx, path, nil)
	require.NoError(t, err)
	defer s.Close()
	var approved []string
	for o, err := range s.ListOrders(ctx, order.Approved) {
		require.NoError(t, err)
		approved = append(approved, o.ID)
		assert.Equal(t, "欧阳娜娜", o.Recipient.Name)
	}
	assert.Equal(t, []string{"M5", "M3", "M1"}, approved, "in paid-at order")
	var all []string
	for o, err := range s.ListOrders(ctx) {
		require.NoError(t, err)
		all = append(all, o.ID+" "+string(o.Status))
	}
	assert.Equal(t, []string{"M5 approved", "M4 printed", "M3 approved", "M2 on_hold", "M1 approved"}, all)
	got, err := s.GetOrder(ctx, "M4")
	require.NoError(t, err)
	assert.Equal(t, "SF7", got.Waybill.TrackingNo)
	var mismatched int
	require.NoError(t, s.w.queryRow(`SELECT count(*) FROM orders o LEFT JOIN order_state s ON s.oid = o.oid
		WHERE s.id IS NOT o.id OR s.paid_at IS NOT o.paid_at OR s.ver != (o.id = 'M3') * 2`, nil, &mismatched))
	assert.Zero(t, mismatched, "one state row per order, by its number, with its version")
	got, err = s.GetOrder(ctx, "M3")
	require.NoError(t, err)
	assert.Equal(t, "SF3", got.Waybill.TrackingNo, "the waybill kept beside the body moved with the status")

	_, err = s.AddJobsUpdating(ctx, nil, []order.Update{{ID: "M5", Narrow: true, Fn: func(o *order.Order) ([]order.Event, error) {
		o.Waybill = &order.Waybill{TrackingNo: "SF8"}
		ev, err := order.Move(o, order.Printed, at, "t", order.ActPrinted, "")
		return []order.Event{ev}, err
	}}})
	require.NoError(t, err)
	got, err = s.GetOrder(ctx, "M5")
	require.NoError(t, err)
	assert.Equal(t, order.Printed, got.Status)
	assert.Equal(t, "SF8", got.Waybill.TrackingNo)
	assert.Equal(t, "欧阳娜娜", got.Recipient.Name)
	ok, err := s.HasOrder(ctx, "M2")
	require.NoError(t, err)
	assert.True(t, ok)
	require.ErrorIs(t, s.CreateOrder(ctx, &order.Order{ID: "M2"}), order.ErrExists, "ids stay unique")
}
