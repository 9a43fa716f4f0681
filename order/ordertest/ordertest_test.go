package ordertest_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/order/ordertest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSeedReproducible(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, ordertest.New(7).WriteJSONL(&a, 200))
	require.NoError(t, ordertest.New(7).WriteJSONL(&b, 200))
	assert.Equal(t, a.String(), b.String())
	var c bytes.Buffer
	require.NoError(t, ordertest.New(8).WriteJSONL(&c, 200))
	assert.NotEqual(t, a.String(), c.String())
}

func TestOrdersAreConsistent(t *testing.T) {
	g := ordertest.New(1)
	g.OddRate = 0
	var o order.Order
	ids := map[string]bool{}
	for range 1000 {
		g.OrderInto(&o)
		assert.False(t, ids[o.ID], "ids are unique")
		ids[o.ID] = true
		want := o.ItemsTotal().Sub(o.Discount).Add(o.ShippingFee)
		assert.True(t, want.Equal(o.Total), "%s total %s, items say %s", o.ID, o.Total, want)
		assert.True(t, o.PaidAt.After(o.CreatedAt))
		assert.Len(t, o.Recipient.Phone, 11)
	}
}

func TestOddCasesAppear(t *testing.T) {
	g := ordertest.New(3)
	g.OddRate = 1
	seen := map[ordertest.Odd]int{}
	var o order.Order
	for range 2000 {
		seen[g.OrderInto(&o)]++
	}
	assert.Zero(t, seen[ordertest.OddNone])
	for odd := ordertest.OddMissingName; odd <= ordertest.OddVirtual; odd++ {
		assert.Positive(t, seen[odd], "odd case %d", odd)
	}
}

func Example() {
	g := ordertest.New(42)
	g.OddRate = 0
	o := g.Order()
	fmt.Println(o.ID[len(o.ID)-7:], len(o.Items) > 0, o.Total.Equal(o.ItemsTotal().Sub(o.Discount).Add(o.ShippingFee)))
	// Output: 0000001 true true
}
