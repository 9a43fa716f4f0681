package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/postgres"
	"github.com/dadanhq/dadan/store/storetest"
)

func TestShipments(t *testing.T) {
	storetest.Shipments(t, func(t *testing.T) shipment.Store { return open(t, "", nil) }, storetest.Features{})
}

func testShipment(no string, at time.Time) *shipment.Shipment {
	return &shipment.Shipment{TrackingNo: no, OrderID: "O-" + no, Carrier: "ZTO", State: shipment.HandedOver,
		DeclaredValue: decimal.RequireFromString("0.10"), CreatedAt: at, UpdatedAt: at}
}

// TestShipmentsExact: instants keep their nanoseconds (a timestamptz keeps
// microseconds) and decimals their digits, so a stored event keeps its key
// and events a few nanoseconds apart keep their order.
func TestShipmentsExact(t *testing.T) {
	s := open(t, "", nil)
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 10, 0, 0, 123456789, time.FixedZone("CST", 8*3600))
	sh := testShipment("ZT1", at)
	sh.InsuredValue = decimal.RequireFromString("12345678901234567890.123456789")
	require.NoError(t, s.CreateShipment(ctx, sh))
	got, err := s.GetShipment(ctx, "ZT1")
	require.NoError(t, err)
	assert.Equal(t, at.UnixNano(), got.CreatedAt.UnixNano())
	assert.Equal(t, "12345678901234567890.123456789", got.InsuredValue.String())
	assert.Equal(t, "0.1", got.DeclaredValue.String())

	// Three events within one microsecond, stored out of order, and one
	// before 1970 (negative Unix time) with nanoseconds.
	times := []time.Time{at.Add(2), at, at.Add(1), time.Date(1969, 12, 31, 23, 59, 59, 999999999, time.UTC)}
	for i, tm := range times {
		ev := shipment.Event{TrackingNo: "ZT1", Time: tm, Text: fmt.Sprint(i)}
		added, err := s.AddEvent(ctx, ev, nil)
		require.NoError(t, err)
		require.True(t, added)
	}
	evs, err := s.Events(ctx, "ZT1")
	require.NoError(t, err)
	require.Len(t, evs, 4)
	for i, want := range []string{"3", "1", "2", "0"} {
		assert.Equal(t, want, evs[i].Text, "event %d in time order", i)
	}
	for _, ev := range evs {
		var i int
		fmt.Sscan(ev.Text, &i)
		assert.Equal(t, times[i].UnixNano(), ev.Time.UnixNano(), "event %d", i)
		again, err := s.AddEvent(ctx, shipment.Event{TrackingNo: "ZT1", Time: ev.Time, Text: ev.Text}, nil)
		require.NoError(t, err)
		assert.False(t, again, "event %d read back has its key", i)
	}

	// A zero time round-trips as zero.
	_, err = s.AddEvent(ctx, shipment.Event{TrackingNo: "ZT1", Text: "zero"}, nil)
	require.NoError(t, err)
	evs, err = s.Events(ctx, "ZT1")
	require.NoError(t, err)
	require.Len(t, evs, 5)
	assert.Equal(t, "zero", evs[0].Text)
	assert.True(t, evs[0].Time.IsZero())
}

// TestShipmentsHostile: courier text is untrusted and is stored byte for
// byte; numbers PostgreSQL cannot keep as text are refused on create and
// found nowhere; filter values are data, not SQL.
func TestShipmentsHostile(t *testing.T) {
	s := open(t, "", nil)
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.UTC)
	require.NoError(t, s.CreateShipment(ctx, testShipment("ZT1", at)))

	ev := shipment.Event{TrackingNo: "ZT1", Time: at, State: shipment.InTransit,
		Code: "\x00\xff", Text: "^XA^FDx^FS^XZ\x1b@\x1dV '); DROP TABLE shipments; --", Location: "杭\x00州\xfe", Source: "line\x00"}
	added, err := s.AddEvent(ctx, ev, func(sh *shipment.Shipment) error {
		sh.Note = "已揽收 \x00 ^XZ"
		return nil
	})
	require.NoError(t, err)
	require.True(t, added)
	evs, err := s.Events(ctx, "ZT1")
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, ev.Code, evs[0].Code)
	assert.Equal(t, ev.Text, evs[0].Text)
	assert.Equal(t, ev.Location, evs[0].Location)
	assert.Equal(t, ev.Source, evs[0].Source)
	assert.Equal(t, ev.Key(), evs[0].Key())
	got, err := s.GetShipment(ctx, "ZT1")
	require.NoError(t, err)
	assert.Equal(t, "已揽收 \x00 ^XZ", got.Note)

	for _, no := range []string{"ZT\x00NUL", "ZT\xff"} {
		bad := testShipment(no, at)
		assert.ErrorIs(t, s.CreateShipment(ctx, bad), postgres.ErrInvalidText, "%q", no)
		_, err := s.GetShipment(ctx, no)
		assert.ErrorIs(t, err, shipment.ErrNotFound, "%q", no)
		assert.ErrorIs(t, s.UpdateShipment(ctx, no, func(*shipment.Shipment) error { return nil }), shipment.ErrNotFound)
		_, err = s.AddEvent(ctx, shipment.Event{TrackingNo: no, Time: at}, nil)
		assert.ErrorIs(t, err, shipment.ErrNotFound)
		evs, err := s.Events(ctx, no)
		require.NoError(t, err)
		assert.Empty(t, evs)
		shs, err := s.ListShipments(ctx, shipment.Filter{OrderID: "O-" + no})
		require.NoError(t, err)
		assert.Empty(t, shs)
		_, err = s.ListShipments(ctx, shipment.Filter{After: no})
		assert.ErrorIs(t, err, postgres.ErrInvalidText)
		ps, err := s.ListProblems(ctx, shipment.ProblemFilter{TrackingNo: no})
		require.NoError(t, err)
		assert.Empty(t, ps)
	}
	// The order ID of a shipment is a column too: a NUL in it is refused.
	bad := testShipment("ZT2", at)
	bad.OrderID = "O\x00"
	assert.ErrorIs(t, s.CreateShipment(ctx, bad), postgres.ErrInvalidText)
	assert.ErrorIs(t, s.UpdateShipment(ctx, "ZT1", func(sh *shipment.Shipment) error {
		sh.Carrier = "Z\x00"
		return nil
	}), postgres.ErrInvalidText)
	got, err = s.GetShipment(ctx, "ZT1")
	require.NoError(t, err)
	assert.Equal(t, "ZTO", got.Carrier, "a refused update changes nothing")

	shs, err := s.ListShipments(ctx, shipment.Filter{Carrier: "ZTO' OR '1'='1", States: []shipment.State{"x' OR true --", "\x00"}})
	require.NoError(t, err)
	assert.Empty(t, shs)
	shs, err = s.ListShipments(ctx, shipment.Filter{States: []shipment.State{"\x00"}})
	require.NoError(t, err)
	assert.Empty(t, shs)
}

// TestShipmentsByteOrder: tracking numbers list and page in byte order, as
// Go sorts them, whatever the database's collation.
func TestShipmentsByteOrder(t *testing.T) {
	s := open(t, "", nil)
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.UTC)
	want := []string{"B2", "Z-1", "Z1", "a1", "b1", "é1", "中1"}
	for _, no := range []string{"中1", "b1", "a1", "Z1", "é1", "B2", "Z-1"} {
		require.NoError(t, s.CreateShipment(ctx, testShipment(no, at)))
	}
	var got []string
	after := ""
	for {
		page, err := s.ListShipments(ctx, shipment.Filter{After: after, Limit: 3})
		require.NoError(t, err)
		for _, sh := range page {
			got = append(got, sh.TrackingNo)
		}
		if len(page) < 3 {
			break
		}
		after = page[len(page)-1].TrackingNo
	}
	assert.Equal(t, want, got)
}

// TestShipmentsStations: two stations (two stores, two pools) on one schema
// receive the same tracking pushes at once: each event is stored once, its
// change applied once, and problems opened at once get distinct IDs.
func TestShipmentsStations(t *testing.T) {
	schema := freshSchema(t)
	a, b := open(t, schema, nil), open(t, schema, nil)
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.UTC)
	require.NoError(t, a.CreateShipment(ctx, testShipment("ZT1", at)))
	require.NoError(t, a.CreateShipment(ctx, testShipment("ZT2", at)))

	const events = 30
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		added int
		ids   = map[string]bool{}
	)
	for i := range 2 * events {
		st := a
		if i%2 == 1 {
			st = b
		}
		wg.Go(func() {
			no := []string{"ZT1", "ZT2"}[i/2%2]
			ev := shipment.Event{TrackingNo: no, Time: at.Add(time.Duration(i/2) * time.Second), Text: fmt.Sprint(i / 2)}
			ok, err := st.AddEvent(ctx, ev, func(sh *shipment.Shipment) error {
				sh.WeightGrams++
				return nil
			})
			assert.NoError(t, err)
			p := &shipment.Problem{TrackingNo: no, Carrier: "ZTO", Kind: shipment.Delay, OpenedAt: at}
			assert.NoError(t, st.CreateProblem(ctx, p))
			mu.Lock()
			defer mu.Unlock()
			if ok {
				added++
			}
			assert.False(t, ids[p.ID], "problem ID %s given twice", p.ID)
			ids[p.ID] = true
		})
	}
	wg.Wait()
	assert.Equal(t, events, added)
	total := 0
	for _, no := range []string{"ZT1", "ZT2"} {
		evs, err := b.Events(ctx, no)
		require.NoError(t, err)
		sh, err := b.GetShipment(ctx, no)
		require.NoError(t, err)
		assert.Len(t, evs, sh.WeightGrams, "%s: one change per stored event", no)
		total += len(evs)
	}
	assert.Equal(t, events, total)
	ps, err := a.ListProblems(ctx, shipment.ProblemFilter{})
	require.NoError(t, err)
	assert.Len(t, ps, 2*events)
	for _, p := range ps {
		assert.True(t, ids[p.ID], p.ID)
	}
	ps, err = a.ListProblems(ctx, shipment.ProblemFilter{TrackingNo: "ZT2", Kind: shipment.Delay, OpenOnly: true})
	require.NoError(t, err)
	assert.Len(t, ps, events)

	for _, id := range []string{"", "P", "P0", "P-1", "P01", "p1", "P1x", "P99999999999999999999", ps[0].ID + "\x00"} {
		assert.ErrorIs(t, a.UpdateProblem(ctx, id, func(*shipment.Problem) error { return nil }), shipment.ErrNotFound, "%q", id)
	}
}

// TestTrackingLostMidBatch cuts the store's connections again and again while
// tracking events are added. Every call succeeds or fails with an error
// wrapping ErrUnavailable; an event and its shipment change are stored
// together or not at all; a failure with a known outcome stored nothing; and
// once the database is back, adding every event again stores exactly the
// missing ones.
func TestTrackingLostMidBatch(t *testing.T) {
	const app = "dadan_tracking_outage_test"
	d := dsn(t) + "&application_name=" + app
	schema := freshSchema(t)
	ctx := context.Background()
	s, err := postgres.Open(ctx, d, &postgres.Options{Schema: schema, MaxConns: 4})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.UTC)
	const workers = 4
	for w := range workers {
		require.NoError(t, s.CreateShipment(ctx, testShipment(fmt.Sprint("ZT", w), at)))
	}
	inc := func(sh *shipment.Shipment) error { sh.WeightGrams++; return nil }

	type result struct {
		ev    shipment.Event
		added bool
		err   error
	}
	var (
		mu      sync.Mutex
		results []result
		started sync.WaitGroup
		outage  = make(chan struct{})
	)
	started.Add(workers)
	go func() {
		defer close(outage)
		started.Wait()
		c := admin(t)
		end := time.Now().Add(time.Second)
		for time.Now().Before(end) {
			_, err := c.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, app)
			assert.NoError(t, err)
			time.Sleep(2 * time.Millisecond)
		}
	}()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := 0; ; i++ {
				if i == 5 {
					started.Done()
				}
				select {
				case <-outage:
					if i > 5 {
						return
					}
				default:
				}
				ev := shipment.Event{TrackingNo: fmt.Sprint("ZT", w), Time: at.Add(time.Duration(i) * time.Second), Text: fmt.Sprint(i)}
				added, err := s.AddEvent(ctx, ev, inc)
				mu.Lock()
				results = append(results, result{ev, added, err})
				mu.Unlock()
			}
		})
	}
	wg.Wait()

	failed, unknown := 0, 0
	for _, r := range results {
		if r.err == nil {
			assert.True(t, r.added, "event %s/%s is new", r.ev.TrackingNo, r.ev.Text)
			continue
		}
		failed++
		var ue *postgres.UnavailableError
		if assert.ErrorAs(t, r.err, &ue, "%v", r.err) && ue.Unknown {
			unknown++
		}
		assert.False(t, r.added)
	}
	t.Logf("%d events, %d failed while the database was away (%d with an unknown outcome)", len(results), failed, unknown)
	require.Positive(t, failed, "the outage was felt")

	for w := range workers {
		no := fmt.Sprint("ZT", w)
		evs, err := s.Events(ctx, no)
		require.NoError(t, err)
		sh, err := s.GetShipment(ctx, no)
		require.NoError(t, err)
		assert.Equal(t, len(evs), sh.WeightGrams, "%s: each stored event's change applied once, none without its event", no)
	}
	for _, r := range results {
		added, err := s.AddEvent(ctx, r.ev, inc)
		require.NoError(t, err)
		var ue *postgres.UnavailableError
		switch {
		case r.err == nil:
			assert.False(t, added, "%s/%s was stored when reported", r.ev.TrackingNo, r.ev.Text)
		case errors.As(r.err, &ue) && !ue.Unknown:
			assert.True(t, added, "%s/%s failed and was not stored", r.ev.TrackingNo, r.ev.Text)
		}
	}
	total := 0
	for w := range workers {
		no := fmt.Sprint("ZT", w)
		evs, err := s.Events(ctx, no)
		require.NoError(t, err)
		sh, err := s.GetShipment(ctx, no)
		require.NoError(t, err)
		assert.Equal(t, len(evs), sh.WeightGrams, no)
		total += len(evs)
	}
	assert.Equal(t, len(results), total, "every event stored once")
}
