package dadan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)

// fakeClock advances a second at every reading; it is safe for concurrent use.
func fakeClock() func() time.Time {
	var n atomic.Int64
	return func() time.Time { return t0.Add(time.Duration(n.Add(1)) * time.Second) }
}

func sampleConfig(t *testing.T) review.Config {
	var stock review.StockMap
	var prices review.PriceMap
	require.NoError(t, json.Unmarshal(sample.Stock, &stock))
	require.NoError(t, json.Unmarshal(sample.Prices, &prices))
	return review.Config{Inventory: stock, Prices: prices}
}

func TestIngestSample(t *testing.T) {
	store := memstore.New()
	st, err := dadan.New(&dadan.Options{Store: store, Review: sampleConfig(t), Clock: fakeClock()})
	require.NoError(t, err)
	ctx := access.NewContext(context.Background(), access.Principal{ID: "clerk-7"})
	var results []dadan.Result
	sum, err := st.Ingest(ctx, bytes.NewReader(sample.Orders), &dadan.IngestOptions{OnResult: func(r dadan.Result) error {
		results = append(results, r)
		return nil
	}})
	require.NoError(t, err)
	require.Len(t, results, 56)
	assert.Equal(t, 56, sum.Orders)
	assert.Equal(t, sum.Orders, sum.Approved+sum.Held+sum.Rejected+sum.Refused)
	assert.Positive(t, sum.Approved)
	assert.Positive(t, sum.Held)
	assert.Positive(t, sum.Rejected)

	for i, r := range results {
		assert.Equal(t, i+1, r.Line, "results come in input order")
		if r.Status == "" {
			// Only the repeated id is not stored again.
			assert.Equal(t, review.Reject, r.Outcome)
			continue
		}
		o, err := store.GetOrder(ctx, r.OrderID)
		require.NoError(t, err)
		want := map[review.Outcome]order.Status{review.Approve: order.Approved, review.Hold: order.OnHold, review.Reject: order.Rejected}[r.Outcome]
		assert.Equal(t, want, o.Status, r.OrderID)
	}

	// The journal names the actor and the clock's times, and has received and
	// reviewed for every stored order; the repeated order is the same as its
	// original, so nothing of it is journaled.
	counts := map[order.Action]int{}
	var last time.Time
	for ev, err := range store.Journal(ctx, 0) {
		require.NoError(t, err)
		assert.Equal(t, "clerk-7", ev.Actor)
		assert.False(t, ev.Time.Before(last), "times never go back")
		last = ev.Time
		counts[ev.Action]++
	}
	assert.Equal(t, 55, counts[order.ActReceived])
	assert.Equal(t, 55, counts[order.ActReviewed])
	assert.Equal(t, 0, counts[order.ActNote])
	assert.Equal(t, 1, sum.Stored, "the repeat in the file")

	// Ingesting the same file again changes nothing: every order is stored already.
	sum2, err := st.Ingest(ctx, bytes.NewReader(sample.Orders), nil)
	require.NoError(t, err)
	assert.Equal(t, 56, sum2.Rejected)
	assert.Equal(t, 56, sum2.Stored)
	n := 0
	for range store.Journal(ctx, 0) {
		n++
	}
	assert.Equal(t, 110, n, "the journal did not grow")

	// An order with a stored id but other content is refused and noted.
	changed := strings.Replace(strings.SplitN(string(sample.Orders), "\n", 2)[0], `"qty": 1`, `"qty": 9`, 1)
	sum3, err := st.Ingest(ctx, strings.NewReader(changed), nil)
	require.NoError(t, err)
	assert.Equal(t, 1, sum3.Stored)
	var final order.Event
	for ev := range store.Journal(ctx, 0) {
		final = ev
	}
	assert.Equal(t, "duplicate received and refused", final.Detail)
}

func TestIngestBadInputGoesOn(t *testing.T) {
	st, err := dadan.New(nil)
	require.NoError(t, err)
	in := `{"id":"A1","recipient":{"name":"张三","phone":"13800138000","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路1号"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}
{"id":"B2","total":"ten"}
not json at all
{"id":"C3","items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}
`
	var results []dadan.Result
	sum, err := st.Ingest(context.Background(), strings.NewReader(in), &dadan.IngestOptions{OnResult: func(r dadan.Result) error {
		results = append(results, r)
		return nil
	}})
	require.NoError(t, err)
	require.Len(t, results, 4)
	assert.Equal(t, dadan.Summary{Orders: 4, Approved: 1, Rejected: 1, Refused: 2}, sum)
	assert.Equal(t, "B2", results[1].OrderID)
	assert.Equal(t, 2, results[1].Line)
	assert.ErrorIs(t, results[1].Err, order.ErrMoney)
	assert.Equal(t, 3, results[2].Line)
	assert.ErrorIs(t, results[2].Err, order.ErrSyntax)
	assert.Equal(t, order.Rejected, results[3].Status)

	_, err = st.Ingest(context.Background(), strings.NewReader("\n"), nil)
	assert.ErrorIs(t, err, order.ErrEmpty)
}

func TestDryRunStoresNothing(t *testing.T) {
	store := memstore.New()
	st, err := dadan.New(&dadan.Options{Store: store, Review: sampleConfig(t)})
	require.NoError(t, err)
	sum, err := st.Ingest(context.Background(), bytes.NewReader(sample.Orders), &dadan.IngestOptions{DryRun: true})
	require.NoError(t, err)
	assert.Equal(t, 56, sum.Orders)
	n := 0
	for range store.ListOrders(context.Background()) {
		n++
	}
	assert.Zero(t, n)
}

func TestRelease(t *testing.T) {
	store := memstore.New()
	st, err := dadan.New(&dadan.Options{Store: store, Review: sampleConfig(t), Clock: fakeClock()})
	require.NoError(t, err)
	ctx := context.Background()
	var held, approved string
	_, err = st.Ingest(ctx, bytes.NewReader(sample.Orders), &dadan.IngestOptions{OnResult: func(r dadan.Result) error {
		if r.Status == order.OnHold && held == "" {
			held = r.OrderID
		}
		if r.Status == order.Approved && approved == "" {
			approved = r.OrderID
		}
		return nil
	}})
	require.NoError(t, err)
	boss := access.NewContext(ctx, access.Principal{ID: "supervisor"})
	require.NoError(t, st.Release(boss, held, true, "checked with the buyer"))
	o, err := store.GetOrder(ctx, held)
	require.NoError(t, err)
	assert.Equal(t, order.Approved, o.Status)
	var lastEv order.Event
	for ev := range store.Journal(ctx, 0) {
		lastEv = ev
	}
	assert.Equal(t, order.ActReleased, lastEv.Action)
	assert.Equal(t, "supervisor", lastEv.Actor)
	assert.Equal(t, "checked with the buyer", lastEv.Detail)

	err = st.Release(boss, approved, true, "")
	var te *order.TransitionError
	assert.True(t, errors.As(err, &te), "only held orders can be released: %v", err)
	assert.ErrorIs(t, st.Release(boss, "nope", true, ""), order.ErrNotFound)
}

func TestOptionsValidate(t *testing.T) {
	_, err := dadan.New(&dadan.Options{BatchSize: -1})
	assert.Error(t, err)
	_, err = dadan.New(&dadan.Options{Review: review.Config{Keywords: []string{" "}}})
	assert.ErrorIs(t, err, review.ErrConfig)
}

func ExampleStation() {
	st, _ := dadan.New(nil) // in-memory store, built-in rules
	in := `{"id":"TB1","recipient":{"name":"张三","phone":"13800138000","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路1号"},"items":[{"sku":"CUP","qty":2,"unit_price":"59.90"}],"total":"119.80"}
{"id":"TB2","recipient":{"name":"李四","phone":"1380013800","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路2号"},"items":[{"sku":"CUP","qty":1,"unit_price":"59.90"}],"total":"59.90"}`
	ctx := access.NewContext(context.Background(), access.Principal{ID: "clerk-7"})
	sum, _ := st.Ingest(ctx, strings.NewReader(in), &dadan.IngestOptions{OnResult: func(r dadan.Result) error {
		fmt.Println(r.OrderID, r.Status)
		return nil
	}})
	fmt.Printf("approved %d, rejected %d\n", sum.Approved, sum.Rejected)
	// Output:
	// TB1 approved
	// TB2 rejected
	// approved 1, rejected 1
}
