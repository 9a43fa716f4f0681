package storetest_test

import (
	"testing"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/storetest"
)

// A store implementation runs the suite from its own tests, with a constructor that
// returns a new, empty store for each part.
func Example() {
	_ = func(t *testing.T) {
		storetest.Orders(t, func(*testing.T) order.Store { return memstore.New() }, storetest.Features{})
	}
}
