package memstore_test

import (
	"testing"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/storetest"
	"github.com/dadanhq/dadan/supplies"
)

func TestOrders(t *testing.T) {
	storetest.Orders(t, func(*testing.T) order.Store { return memstore.New() }, storetest.Features{})
}

func TestLedger(t *testing.T) {
	storetest.Ledger(t, func(*testing.T) printer.LedgerStore { return memstore.New() }, storetest.Features{})
}

func TestSupplies(t *testing.T) {
	storetest.Supplies(t, func(*testing.T) supplies.Store { return memstore.New() }, storetest.Features{})
}

func TestSequences(t *testing.T) {
	storetest.Sequences(t, func(*testing.T) shipment.Sequence { return memstore.New() }, storetest.Features{})
}

func TestShipments(t *testing.T) {
	storetest.Shipments(t, func(*testing.T) shipment.Store { return memstore.New() }, storetest.Features{})
}

func TestQA(t *testing.T) {
	storetest.QA(t, func(*testing.T) storetest.QAStore { return memstore.New() }, storetest.Features{})
}

func TestOrderJobs(t *testing.T) {
	storetest.OrderJobs(t, func(*testing.T) storetest.OrderJobStore { return memstore.New() }, storetest.Features{})
}
