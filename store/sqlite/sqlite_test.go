package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/sqlite"
	"github.com/dadanhq/dadan/store/storetest"
	"github.com/dadanhq/dadan/supplies"
)

// open returns a store in a new file, closed when the test ends.
func open(t testing.TB, opts *sqlite.Options) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "dadan.db"), opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestOrders(t *testing.T) {
	storetest.Orders(t, func(t *testing.T) order.Store { return open(t, nil) }, storetest.Features{})
}

func TestLedger(t *testing.T) {
	storetest.Ledger(t, func(t *testing.T) printer.LedgerStore { return open(t, nil) }, storetest.Features{})
}

func TestSupplies(t *testing.T) {
	storetest.Supplies(t, func(t *testing.T) supplies.Store { return open(t, nil) }, storetest.Features{})
}

func TestJobStore(t *testing.T) {
	printertest.TestJobStore(t, func(t *testing.T) printer.JobStore { return open(t, nil) })
}

func TestDurable(t *testing.T) {
	storetest.Durable(t, storetest.Backend{
		Location: func(t *testing.T) string { return filepath.Join(t.TempDir(), "dadan.db") },
		Open: func(t *testing.T, loc string) storetest.Stores {
			s, err := sqlite.Open(context.Background(), loc, nil)
			require.NoError(t, err)
			return storetest.Stores{Orders: s, Jobs: s, Ledger: s, Supplies: s, Close: s.Close}
		},
	}, storetest.Features{})
}

func TestShipments(t *testing.T) {
	storetest.Shipments(t, func(t *testing.T) shipment.Store { return open(t, nil) }, storetest.Features{})
}

func TestQA(t *testing.T) {
	storetest.QA(t, func(t *testing.T) storetest.QAStore { return open(t, nil) }, storetest.Features{})
}

func TestOrderJobs(t *testing.T) {
	storetest.OrderJobs(t, func(t *testing.T) storetest.OrderJobStore { return open(t, nil) }, storetest.Features{})
}
