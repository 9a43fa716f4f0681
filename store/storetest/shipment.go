package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/shipment"
)

// EventUpdater is the optional ability of a [shipment.Store] to change the text
// of stored tracking events (package retention erases personal data in them);
// the UpdateEvents test checks it when a store has it.
type EventUpdater interface {
	UpdateEvents(ctx context.Context, trackingNo string, fn func(ev *shipment.Event)) (int, error)
}

// Shipments runs the [shipment.Store] conformance tests: shipments, their
// tracking events (kept once each, atomically with the shipment's change) and
// courier problems with their claims.
func Shipments(t *testing.T, newStore func(t *testing.T) shipment.Store, f Features) {
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	mk := func(no, carrier string, st shipment.State) *shipment.Shipment {
		return &shipment.Shipment{TrackingNo: no, OrderID: "O-" + no, Carrier: carrier, State: st,
			DeclaredValue: decimal.RequireFromString("99.50"), CreatedAt: at, UpdatedAt: at}
	}

	t.Run("CreateGet", func(t *testing.T) {
		s := newStore(t)
		sh := mk("ZT1", "ZTO", shipment.LabelPrinted)
		sh.ParentNo, sh.Piece, sh.Pieces = "ZT1", 1, 3
		require.NoError(t, s.CreateShipment(ctx, sh))
		got, err := s.GetShipment(ctx, "ZT1")
		require.NoError(t, err)
		assert.Equal(t, shipment.LabelPrinted, got.State)
		assert.Equal(t, "O-ZT1", got.OrderID)
		assert.Equal(t, 3, got.Pieces)
		assert.Equal(t, "ZT1", got.ParentNo)
		assert.True(t, got.DeclaredValue.Equal(sh.DeclaredValue))
		assert.True(t, got.CreatedAt.Equal(at))
		got.State = shipment.Delivered
		again, err := s.GetShipment(ctx, "ZT1")
		require.NoError(t, err)
		assert.Equal(t, shipment.LabelPrinted, again.State, "stores hand out copies")

		assert.ErrorIs(t, s.CreateShipment(ctx, mk("ZT1", "ZTO", shipment.Created)), shipment.ErrExists)
		_, err = s.GetShipment(ctx, "nope")
		assert.ErrorIs(t, err, shipment.ErrNotFound)
		assert.Error(t, s.CreateShipment(ctx, mk("", "ZTO", shipment.Created)), "no tracking number")
		assert.Error(t, s.CreateShipment(ctx, mk("ZT2", "ZTO", "flying")), "unknown state")
		bad := mk("ZT3", "ZTO", shipment.Created)
		bad.Piece, bad.Pieces = 4, 3
		assert.Error(t, s.CreateShipment(ctx, bad), "piece 4 of 3")
	})

	t.Run("Update", func(t *testing.T) {
		s := newStore(t)
		require.NoError(t, s.CreateShipment(ctx, mk("ZT1", "ZTO", shipment.LabelPrinted)))
		require.NoError(t, s.UpdateShipment(ctx, "ZT1", func(sh *shipment.Shipment) error {
			return shipment.Move(sh, shipment.Packed, at.Add(time.Minute))
		}))
		got, err := s.GetShipment(ctx, "ZT1")
		require.NoError(t, err)
		assert.Equal(t, shipment.Packed, got.State)
		assert.True(t, got.UpdatedAt.Equal(at.Add(time.Minute)))

		err = s.UpdateShipment(ctx, "ZT1", func(sh *shipment.Shipment) error {
			return shipment.Move(sh, shipment.Delivered, at)
		})
		var te *shipment.TransitionError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, shipment.Packed, te.From)
		assert.Equal(t, shipment.Delivered, te.To)
		boom := errors.New("boom")
		err = s.UpdateShipment(ctx, "ZT1", func(sh *shipment.Shipment) error {
			sh.State = shipment.Voided
			return boom
		})
		assert.ErrorIs(t, err, boom)
		got, _ = s.GetShipment(ctx, "ZT1")
		assert.Equal(t, shipment.Packed, got.State, "a failed update changes nothing")
		assert.ErrorIs(t, s.UpdateShipment(ctx, "nope", func(*shipment.Shipment) error { return nil }), shipment.ErrNotFound)
		require.NoError(t, s.UpdateShipment(ctx, "ZT1", func(sh *shipment.Shipment) error {
			sh.TrackingNo = "ZT9"
			return nil
		}))
		_, err = s.GetShipment(ctx, "ZT9")
		assert.ErrorIs(t, err, shipment.ErrNotFound, "the tracking number is the key")
		assert.Error(t, s.UpdateShipment(ctx, "ZT1", func(sh *shipment.Shipment) error {
			sh.State = "flying"
			return nil
		}))
	})

	t.Run("List", func(t *testing.T) {
		s := newStore(t)
		for i, c := range []string{"ZTO", "YTO", "ZTO", "ZTO", "SF"} {
			st := shipment.Packed
			if i == 3 {
				st = shipment.HandedOver
			}
			require.NoError(t, s.CreateShipment(ctx, mk(fmt.Sprintf("N%02d", 5-i), c, st)))
		}
		nos := func(f shipment.Filter) []string {
			shs, err := s.ListShipments(ctx, f)
			require.NoError(t, err)
			var out []string
			for _, sh := range shs {
				out = append(out, sh.TrackingNo)
			}
			return out
		}
		assert.Equal(t, []string{"N01", "N02", "N03", "N04", "N05"}, nos(shipment.Filter{}))
		assert.Equal(t, []string{"N02", "N03", "N05"}, nos(shipment.Filter{Carrier: "ZTO"}))
		assert.Equal(t, []string{"N03", "N05"}, nos(shipment.Filter{Carrier: "ZTO", States: []shipment.State{shipment.Packed}}))
		assert.Equal(t, []string{"N01", "N02", "N03", "N04", "N05"}, nos(shipment.Filter{States: []shipment.State{shipment.Packed, shipment.HandedOver}}))
		assert.Equal(t, []string{"N04"}, nos(shipment.Filter{OrderID: "O-N04"}))
		// Paging.
		assert.Equal(t, []string{"N01", "N02"}, nos(shipment.Filter{Limit: 2}))
		assert.Equal(t, []string{"N03", "N04"}, nos(shipment.Filter{Limit: 2, After: "N02"}))
		assert.Empty(t, nos(shipment.Filter{After: "N05"}))
		assert.Empty(t, nos(shipment.Filter{Carrier: "EMS"}))
	})

	t.Run("Events", func(t *testing.T) {
		s := newStore(t)
		require.NoError(t, s.CreateShipment(ctx, mk("ZT1", "ZTO", shipment.HandedOver)))
		ev := func(min int, st shipment.State, text string) shipment.Event {
			return shipment.Event{TrackingNo: "ZT1", Time: at.Add(time.Duration(min) * time.Minute), State: st,
				Code: string(st), Text: text, Location: "杭州", Source: "line"}
		}
		apply := func(e shipment.Event) func(*shipment.Shipment) error {
			return func(sh *shipment.Shipment) error {
				_, err := shipment.Advance(sh, e.State, e.Time)
				return err
			}
		}
		e2 := ev(20, shipment.Delivered, "已签收")
		added, err := s.AddEvent(ctx, e2, apply(e2))
		require.NoError(t, err)
		assert.True(t, added)
		e1 := ev(10, shipment.InTransit, "到达杭州转运中心")
		added, err = s.AddEvent(ctx, e1, apply(e1))
		require.NoError(t, err)
		assert.True(t, added, "a late event is kept")
		called := false
		added, err = s.AddEvent(ctx, e2, func(*shipment.Shipment) error { called = true; return nil })
		require.NoError(t, err)
		assert.False(t, added, "the same event again is kept once")
		assert.False(t, called, "fn does not run for a repeat")

		got, err := s.GetShipment(ctx, "ZT1")
		require.NoError(t, err)
		assert.Equal(t, shipment.Delivered, got.State, "the late in_transit event did not move it back")
		assert.True(t, got.LastEventAt.Equal(e2.Time))
		assert.True(t, got.DeliveredAt.Equal(e2.Time), "the delivery time is kept")

		evs, err := s.Events(ctx, "ZT1")
		require.NoError(t, err)
		require.Len(t, evs, 2)
		assert.Equal(t, "到达杭州转运中心", evs[0].Text, "events in time order")
		assert.True(t, evs[0].Time.Equal(e1.Time))
		assert.Equal(t, shipment.InTransit, evs[0].State)
		assert.Equal(t, "杭州", evs[0].Location)
		assert.Equal(t, "line", evs[0].Source)
		assert.Equal(t, e2.Key(), evs[1].Key(), "a stored event keeps its key")

		// A failing fn stores neither the event nor the change.
		boom := errors.New("boom")
		e3 := ev(30, shipment.Returned, "退回")
		added, err = s.AddEvent(ctx, e3, func(sh *shipment.Shipment) error { sh.Note = "x"; return boom })
		assert.ErrorIs(t, err, boom)
		assert.False(t, added)
		evs, _ = s.Events(ctx, "ZT1")
		assert.Len(t, evs, 2)
		got, _ = s.GetShipment(ctx, "ZT1")
		assert.Empty(t, got.Note)

		unknown := shipment.Event{TrackingNo: "NOPE", Time: at, Text: "x"}
		_, err = s.AddEvent(ctx, unknown, nil)
		assert.ErrorIs(t, err, shipment.ErrNotFound)
		evs, err = s.Events(ctx, "NOPE")
		require.NoError(t, err)
		assert.Empty(t, evs)
	})

	t.Run("UpdateEvents", func(t *testing.T) {
		s := newStore(t)
		ue, ok := s.(EventUpdater)
		if !ok {
			t.Skip("the store cannot change tracking events")
		}
		for _, no := range []string{"ZT1", "ZT2"} {
			require.NoError(t, s.CreateShipment(ctx, mk(no, "ZTO", shipment.HandedOver)))
		}
		signed := shipment.Event{TrackingNo: "ZT1", Time: at.Add(time.Hour), State: shipment.Delivered, Code: "3",
			Text: "已签收，签收人：张三 13800138000", Location: "杭州市文一西路969号", Source: "kuaidi100"}
		transit := shipment.Event{TrackingNo: "ZT1", Time: at, State: shipment.InTransit, Text: "到达杭州转运中心", Location: "杭州"}
		other := shipment.Event{TrackingNo: "ZT2", Time: at, Text: "张三 的另一件", Location: "杭州"}
		for _, ev := range []shipment.Event{signed, transit, other} {
			added, err := s.AddEvent(ctx, ev, nil)
			require.NoError(t, err)
			require.True(t, added)
		}
		var seen []string
		n, err := ue.UpdateEvents(ctx, "ZT1", func(ev *shipment.Event) {
			seen = append(seen, ev.Text)
			ev.Text = strings.ReplaceAll(strings.ReplaceAll(ev.Text, "张三", "[erased]"), "13800138000", "[erased]")
			ev.Location = strings.ReplaceAll(ev.Location, "文一西路969号", "[erased]")
			ev.Code, ev.State = "changed", shipment.Returned // not kept
		})
		require.NoError(t, err)
		assert.Equal(t, 1, n, "one event changed")
		assert.Equal(t, []string{transit.Text, signed.Text}, seen, "in time order")
		evs, err := s.Events(ctx, "ZT1")
		require.NoError(t, err)
		require.Len(t, evs, 2)
		assert.Equal(t, "已签收，签收人：[erased] [erased]", evs[1].Text)
		assert.Equal(t, "杭州市[erased]", evs[1].Location)
		assert.Equal(t, "3", evs[1].Code, "only text and location change")
		assert.Equal(t, shipment.Delivered, evs[1].State)
		assert.True(t, evs[1].Time.Equal(signed.Time))
		assert.Equal(t, transit.Text, evs[0].Text)
		evs, err = s.Events(ctx, "ZT2")
		require.NoError(t, err)
		assert.Equal(t, other.Text, evs[0].Text, "other parcels' events stay")
		added, err := s.AddEvent(ctx, signed, nil)
		require.NoError(t, err)
		assert.False(t, added, "the original event received again is still a repeat")
		n, err = ue.UpdateEvents(ctx, "NOPE", func(*shipment.Event) { t.Error("no events to call fn with") })
		require.NoError(t, err)
		assert.Zero(t, n)
	})

	t.Run("Problems", func(t *testing.T) {
		s := newStore(t)
		p1 := &shipment.Problem{TrackingNo: "ZT1", OrderID: "O1", Carrier: "ZTO", Kind: shipment.Lost, OpenedBy: "alice", OpenedAt: at}
		p2 := &shipment.Problem{TrackingNo: "YT1", OrderID: "O2", Carrier: "YTO", Kind: shipment.Delay, OpenedBy: "tracking", OpenedAt: at}
		require.NoError(t, s.CreateProblem(ctx, p1))
		require.NoError(t, s.CreateProblem(ctx, p2))
		require.NotEmpty(t, p1.ID)
		assert.NotEqual(t, p1.ID, p2.ID)

		amount := decimal.RequireFromString("120.00")
		require.NoError(t, s.UpdateProblem(ctx, p1.ID, func(p *shipment.Problem) error {
			return shipment.OpenClaim(p, amount, at.Add(time.Hour))
		}))
		require.NoError(t, s.UpdateProblem(ctx, p1.ID, func(p *shipment.Problem) error {
			return shipment.SubmitClaim(p, "C-9", at.Add(2*time.Hour))
		}))
		err := s.UpdateProblem(ctx, p1.ID, func(p *shipment.Problem) error {
			return shipment.SubmitClaim(p, "again", at)
		})
		assert.ErrorIs(t, err, shipment.ErrClaim)
		require.NoError(t, s.UpdateProblem(ctx, p1.ID, func(p *shipment.Problem) error {
			return shipment.SettleClaim(p, true, decimal.RequireFromString("100"), "partial", at.Add(48*time.Hour))
		}))
		ps, err := s.ListProblems(ctx, shipment.ProblemFilter{Carrier: "ZTO"})
		require.NoError(t, err)
		require.Len(t, ps, 1)
		p := ps[0]
		assert.Equal(t, p1.ID, p.ID)
		require.NotNil(t, p.Claim)
		assert.Equal(t, shipment.ClaimPaid, p.Claim.Status)
		assert.Equal(t, "C-9", p.Claim.Ref)
		assert.True(t, p.Claim.Amount.Equal(amount))
		assert.True(t, p.Claim.Paid.Equal(decimal.NewFromInt(100)))
		assert.False(t, p.Open())
		assert.True(t, p.ResolvedAt.Equal(at.Add(48*time.Hour)))
		p.Claim.Status = "changed"
		ps, _ = s.ListProblems(ctx, shipment.ProblemFilter{TrackingNo: "ZT1"})
		require.Len(t, ps, 1)
		assert.Equal(t, shipment.ClaimPaid, ps[0].Claim.Status, "stores hand out copies")

		ps, err = s.ListProblems(ctx, shipment.ProblemFilter{OpenOnly: true})
		require.NoError(t, err)
		require.Len(t, ps, 1)
		assert.Equal(t, p2.ID, ps[0].ID)
		ps, _ = s.ListProblems(ctx, shipment.ProblemFilter{Kind: shipment.Lost})
		assert.Len(t, ps, 1)
		ps, _ = s.ListProblems(ctx, shipment.ProblemFilter{})
		require.Len(t, ps, 2)
		assert.Equal(t, p1.ID, ps[0].ID, "in the order opened")
		assert.ErrorIs(t, s.UpdateProblem(ctx, "P999", func(*shipment.Problem) error { return nil }), shipment.ErrNotFound)
		assert.ErrorIs(t, s.UpdateProblem(ctx, "bogus", func(*shipment.Problem) error { return nil }), shipment.ErrNotFound)
	})

	if f.NoConcurrency {
		return
	}
	t.Run("ConcurrentEvents", func(t *testing.T) {
		s := newStore(t)
		require.NoError(t, s.CreateShipment(ctx, mk("ZT1", "ZTO", shipment.HandedOver)))
		var wg sync.WaitGroup
		var mu sync.Mutex
		added := 0
		for i := range 40 {
			wg.Go(func() {
				// Each event twice, from different goroutines.
				ev := shipment.Event{TrackingNo: "ZT1", Time: at.Add(time.Duration(i/2) * time.Second), Text: fmt.Sprint(i / 2)}
				ok, err := s.AddEvent(ctx, ev, func(sh *shipment.Shipment) error {
					sh.WeightGrams++
					return nil
				})
				assert.NoError(t, err)
				if ok {
					mu.Lock()
					added++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		assert.Equal(t, 20, added)
		evs, err := s.Events(ctx, "ZT1")
		require.NoError(t, err)
		assert.Len(t, evs, 20)
		got, err := s.GetShipment(ctx, "ZT1")
		require.NoError(t, err)
		assert.Equal(t, 20, got.WeightGrams, "each new event's change applied once, none lost")
	})
}
