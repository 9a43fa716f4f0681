package postgres_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/postgres"
	"github.com/dadanhq/dadan/store/seal"
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

func sealed(t testing.TB) *postgres.Options { return &postgres.Options{Keys: testRing(t, "k1")} }

// The conformance suites with every personal field sealed.
func TestSealedOrders(t *testing.T) {
	storetest.Orders(t, func(t *testing.T) order.Store { return open(t, "", sealed(t)) }, storetest.Features{})
}

func TestSealedJobStore(t *testing.T) {
	printertest.TestJobStore(t, func(t *testing.T) printer.JobStore { return open(t, "", sealed(t)) })
}

func TestSealedShipments(t *testing.T) {
	storetest.Shipments(t, func(t *testing.T) shipment.Store { return open(t, "", sealed(t)) }, storetest.Features{})
}

func TestSealedQA(t *testing.T) {
	storetest.QA(t, func(t *testing.T) storetest.QAStore { return open(t, "", sealed(t)) }, storetest.Features{})
}

func TestSealedDurable(t *testing.T) {
	keys := testRing(t, "k1")
	storetest.Durable(t, storetest.Backend{
		Location: func(t *testing.T) string { return freshSchema(t) },
		Open: func(t *testing.T, loc string) storetest.Stores {
			s, err := postgres.Open(context.Background(), dsn(t), &postgres.Options{Schema: loc, Keys: keys})
			require.NoError(t, err)
			return storetest.Stores{Orders: s, Jobs: s, Ledger: s, Supplies: s, Close: func() error { s.Close(); return nil }}
		},
	}, storetest.Features{TimeResolution: time.Microsecond})
}

func TestSealing(t *testing.T) {
	ctx := context.Background()
	c := admin(t) // one connection for the raw reads and writes of every subtest
	storetest.Sealing(t, storetest.SealBackend{
		Location: func(t *testing.T) string { return freshSchema(t) },
		Open: func(t *testing.T, loc string, keys *seal.Ring) (storetest.SealStore, func(), error) {
			s, err := postgres.Open(ctx, dsn(t), &postgres.Options{Schema: loc, Keys: keys})
			if err != nil {
				return nil, nil, err
			}
			var once sync.Once
			t.Cleanup(func() { once.Do(s.Close) })
			return s, func() { once.Do(s.Close) }, nil
		},
		// Every row of every table of the schema as text; bytea shows as hex.
		Raw: func(t *testing.T, loc string) []byte {
			rows, err := c.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, loc)
			require.NoError(t, err)
			tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
			require.NoError(t, err)
			require.Contains(t, tables, "orders")
			var all []byte
			for _, tb := range tables {
				var text string
				require.NoError(t, c.QueryRow(ctx, `SELECT coalesce(string_agg(t::text, E'\n'), '') FROM `+loc+`.`+tb+` t`).Scan(&text))
				all = append(all, text...)
			}
			return all
		},
		OrderValue: func(t *testing.T, loc, id string) []byte {
			var v []byte
			require.NoError(t, c.QueryRow(ctx, `SELECT data FROM `+loc+`.orders WHERE id = $1`, id).Scan(&v))
			return v
		},
		SetOrderValue: func(t *testing.T, loc, id string, v []byte) {
			_, err := c.Exec(ctx, `UPDATE `+loc+`.orders SET data = $2 WHERE id = $1`, id, v)
			require.NoError(t, err)
		},
	})
}

func TestSealedOrderJobs(t *testing.T) {
	storetest.OrderJobs(t, func(t *testing.T) storetest.OrderJobStore { return open(t, "", sealed(t)) }, storetest.Features{})
}
