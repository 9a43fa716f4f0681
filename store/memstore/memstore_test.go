package memstore_test

import (
	"testing"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/storetest"
)

func TestOrders(t *testing.T) {
	storetest.Orders(t, func(*testing.T) order.Store { return memstore.New() }, storetest.Features{})
}
