package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/store/postgres"
)

// Orders created at the same moment are stored in few transactions (an ingest
// creates hundreds at once), and each call still gets its own answer: an ID
// already stored, an ID given twice in the burst, and an order the database
// refuses fail alone, and nothing of them is journaled.
func TestCreateOrdersTogether(t *testing.T) {
	schema := freshSchema(t)
	s := open(t, schema, nil)
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.UTC)
	received := func(id string) order.Event {
		return order.Event{Time: at, Actor: "ingest", OrderID: id, Action: order.ActReceived, To: order.Received}
	}
	require.NoError(t, s.CreateOrder(ctx, benchOrder("OLD", at), received("OLD")))

	const n = 300
	ids := []string{"OLD", "TWICE", "TWICE", "TB\x00NUL"}
	for i := range n {
		ids = append(ids, fmt.Sprintf("TB%04d", i))
	}
	errs := createAtOnce(ids, func(i int, id string) error {
		return s.CreateOrder(ctx, benchOrder(id, at.Add(time.Duration(i)*time.Second)), received(id))
	})

	assert.ErrorIs(t, errs[0], order.ErrExists, "stored before")
	if errs[1] == nil {
		assert.ErrorIs(t, errs[2], order.ErrExists, "the same ID twice: the second call finds the first")
	} else {
		assert.ErrorIs(t, errs[1], order.ErrExists)
		assert.NoError(t, errs[2])
	}
	assert.ErrorIs(t, errs[3], postgres.ErrInvalidText)
	for i, err := range errs[4:] {
		assert.NoError(t, err, ids[4+i])
	}

	evs := journal(t, s)
	assert.Len(t, evs, 1+1+n, "one event per order stored, none for the calls refused")
	count := map[string]int{}
	for _, ev := range evs {
		count[ev.OrderID]++
	}
	for _, id := range append([]string{"OLD", "TWICE"}, ids[4:]...) {
		assert.Equal(t, 1, count[id], id)
	}
	_, err := order.VerifyStore(ctx, s)
	require.NoError(t, err)

	// Rows inserted by one transaction carry its ID.
	var txs int
	require.NoError(t, admin(t).QueryRow(ctx, `SELECT count(DISTINCT xmin::text) FROM `+schema+`.orders`).Scan(&txs))
	t.Logf("%d orders in %d transactions", n+2, txs)
	assert.Less(t, txs, n/4, "orders created at once share transactions")
}

// A batch the database refuses for one of its orders is stored again one
// order at a time: only that order's call fails.
func TestCreateOrdersTogetherOneRefused(t *testing.T) {
	s := open(t, "", nil)
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.UTC)
	ids := []string{"FAR"}
	for i := range 50 {
		ids = append(ids, fmt.Sprintf("TB%04d", i))
	}
	errs := createAtOnce(ids, func(_ int, id string) error {
		o := benchOrder(id, at)
		if id == "FAR" {
			o.PaidAt = time.Date(300_000, 1, 1, 0, 0, 0, 0, time.UTC) // beyond timestamptz
		}
		return s.CreateOrder(ctx, o, order.Event{Time: at, OrderID: id, Action: order.ActReceived, To: order.Received})
	})
	assert.Error(t, errs[0])
	for i, err := range errs[1:] {
		assert.NoError(t, err, ids[1+i])
	}
	_, err := s.GetOrder(ctx, "FAR")
	assert.ErrorIs(t, err, order.ErrNotFound)
	assert.Len(t, journal(t, s), 50)
	_, err = order.VerifyStore(ctx, s)
	require.NoError(t, err)
}

// createAtOnce calls create for every id from a goroutine of its own, all let
// go at the same moment, and returns their errors in the order of ids.
func createAtOnce(ids []string, create func(i int, id string) error) []error {
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, id := range ids {
		wg.Go(func() {
			<-start
			errs[i] = create(i, id)
		})
	}
	close(start)
	wg.Wait()
	return errs
}
