package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/seal"
	"github.com/dadanhq/dadan/store/sqlite"
	"github.com/dadanhq/dadan/store/storetest"
)

// testRing returns a ring of the keys ids (key i filled with byte i+1), active
// the first.
func testRing(t testing.TB, ids ...string) *seal.Ring {
	t.Helper()
	keys := map[string][]byte{}
	for i, id := range ids {
		keys[id] = bytes.Repeat([]byte{byte(i + 1)}, seal.KeySize)
	}
	r, err := seal.New(ids[0], keys)
	require.NoError(t, err)
	return r
}

func sealed(t testing.TB) *sqlite.Options { return &sqlite.Options{Keys: testRing(t, "k1")} }

// The conformance suites with every personal field sealed.
func TestSealedOrders(t *testing.T) {
	storetest.Orders(t, func(t *testing.T) order.Store { return open(t, sealed(t)) }, storetest.Features{})
}

func TestSealedJobStore(t *testing.T) {
	printertest.TestJobStore(t, func(t *testing.T) printer.JobStore { return open(t, sealed(t)) })
}

func TestSealedShipments(t *testing.T) {
	storetest.Shipments(t, func(t *testing.T) shipment.Store { return open(t, sealed(t)) }, storetest.Features{})
}

func TestSealedQA(t *testing.T) {
	storetest.QA(t, func(t *testing.T) storetest.QAStore { return open(t, sealed(t)) }, storetest.Features{})
}

func TestSealedDurable(t *testing.T) {
	keys := testRing(t, "k1")
	storetest.Durable(t, storetest.Backend{
		Location: func(t *testing.T) string { return filepath.Join(t.TempDir(), "dadan.db") },
		Open: func(t *testing.T, loc string) storetest.Stores {
			s, err := sqlite.Open(context.Background(), loc, &sqlite.Options{Keys: keys})
			require.NoError(t, err)
			return storetest.Stores{Orders: s, Jobs: s, Ledger: s, Supplies: s, Close: s.Close}
		},
	}, storetest.Features{})
}

func TestSealing(t *testing.T) {
	rawDB := func(t *testing.T, path string) *sql.DB {
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return db
	}
	storetest.Sealing(t, storetest.SealBackend{
		Location: func(t *testing.T) string { return filepath.Join(t.TempDir(), "dadan.db") },
		Open: func(t *testing.T, loc string, keys *seal.Ring) (storetest.SealStore, func(), error) {
			s, err := sqlite.Open(context.Background(), loc, &sqlite.Options{Keys: keys})
			if err != nil {
				return nil, nil, err
			}
			t.Cleanup(func() { _ = s.Close() })
			return s, func() { require.NoError(t, s.Close()) }, nil
		},
		Raw: func(t *testing.T, loc string) []byte {
			var all []byte
			for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
				b, err := os.ReadFile(loc + suffix)
				if !errors.Is(err, os.ErrNotExist) {
					require.NoError(t, err)
				}
				all = append(all, b...)
			}
			return all
		},
		OrderValue: func(t *testing.T, loc, id string) []byte {
			var v []byte
			require.NoError(t, rawDB(t, loc).QueryRow(`SELECT body FROM orders WHERE id = ?`, id).Scan(&v))
			return v
		},
		SetOrderValue: func(t *testing.T, loc, id string, v []byte) {
			_, err := rawDB(t, loc).Exec(`UPDATE orders SET body = ? WHERE id = ?`, v, id)
			require.NoError(t, err)
		},
	})
}

// TestSealVacuumDeferred: a reader holding the WAL keeps the vacuum after
// sealing from finishing; Open still succeeds, the database remembers it,
// and the next Open with keys leaves no plaintext.
func TestSealVacuumDeferred(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dadan.db")
	const phone = "19911223344"
	s, err := sqlite.Open(ctx, path, nil)
	require.NoError(t, err)
	for i := range 50 {
		id := "TB" + strconv.Itoa(i)
		require.NoError(t, s.CreateOrder(ctx, &order.Order{ID: id, Status: order.Received, Recipient: order.Party{Name: "龘", Phone: phone}}))
	}
	require.NoError(t, s.Close())

	reader, err := sql.Open("sqlite", "file:"+path)
	require.NoError(t, err)
	defer reader.Close()
	tx, err := reader.Begin()
	require.NoError(t, err)
	var n int
	require.NoError(t, tx.QueryRow(`SELECT count(*) FROM orders`).Scan(&n)) // holds its snapshot
	require.Equal(t, 50, n)

	keys := testRing(t, "k1")
	s, err = sqlite.Open(ctx, path, &sqlite.Options{Keys: keys, BusyTimeout: 100 * time.Millisecond})
	require.NoError(t, err, "sealed; the vacuum waits")
	o, err := s.GetOrder(ctx, "TB7")
	require.NoError(t, err)
	assert.Equal(t, phone, o.Recipient.Phone)
	var dirty int
	require.NoError(t, reader.QueryRow(`SELECT dirty FROM seal_state`).Scan(&dirty))
	assert.Equal(t, 1, dirty)
	require.NoError(t, tx.Rollback())
	require.NoError(t, s.Close())

	s, err = sqlite.Open(ctx, path, &sqlite.Options{Keys: keys})
	require.NoError(t, err)
	require.NoError(t, reader.QueryRow(`SELECT dirty FROM seal_state`).Scan(&dirty))
	assert.Equal(t, 0, dirty)
	require.NoError(t, s.Close())
	reader.Close()
	for _, suffix := range []string{"", "-wal"} {
		b, _ := os.ReadFile(path + suffix)
		assert.NotContains(t, string(b), phone, "file%s", suffix)
	}
}

func TestSealedOrderJobs(t *testing.T) {
	storetest.OrderJobs(t, func(t *testing.T) storetest.OrderJobStore { return open(t, sealed(t)) }, storetest.Features{})
}
