package postgres_test

import (
	"bytes"
	"context"
	"testing"
	"time"

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
