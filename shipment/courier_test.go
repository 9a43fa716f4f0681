package shipment_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
)

func TestClaimLife(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	require.NoError(t, s.CreateShipment(ctx, &shipment.Shipment{TrackingNo: "ZT9", OrderID: "O9", Carrier: "ZTO",
		State: shipment.InTransit, HandedOverAt: t0, DeclaredValue: decimal.RequireFromString("99.00"),
		InsuredValue: decimal.RequireFromString("300.00")}))
	require.NoError(t, s.CreateShipment(ctx, &shipment.Shipment{TrackingNo: "ZT8", OrderID: "O8", Carrier: "ZTO", State: shipment.Packed}))

	_, err := shipment.ReportProblem(ctx, s, "ZT8", shipment.Lost, "", "alice", t0)
	assert.Error(t, err, "the courier never had it")
	_, err = shipment.ReportProblem(ctx, s, "ZT9", "stolen", "", "alice", t0)
	assert.Error(t, err)

	p, err := shipment.ReportProblem(ctx, s, "ZT9", shipment.Lost, "courier cannot find it", "alice", t0)
	require.NoError(t, err)
	assert.Equal(t, "O9", p.OrderID)
	assert.Equal(t, shipment.Exception, shState(t, s, "ZT9"))

	step := func(fn func(p *shipment.Problem) error) error { return s.UpdateProblem(ctx, p.ID, fn) }
	assert.ErrorIs(t, step(func(p *shipment.Problem) error { return shipment.SubmitClaim(p, "X", t0) }), shipment.ErrClaim, "no claim yet")

	got, err := shipment.StartClaim(ctx, s, p.ID, decimal.Zero, t0.Add(time.Hour))
	require.NoError(t, err)
	assert.True(t, got.Claim.Amount.Equal(decimal.RequireFromString("300")), "the insured value")
	assert.Equal(t, shipment.ClaimOpen, got.Claim.Status)
	_, err = shipment.StartClaim(ctx, s, p.ID, decimal.Zero, t0)
	assert.ErrorIs(t, err, shipment.ErrClaim, "a problem claims once")
	assert.ErrorIs(t, step(func(p *shipment.Problem) error {
		return shipment.SettleClaim(p, true, decimal.NewFromInt(1), "", t0)
	}), shipment.ErrClaim, "settled before it was claimed")
	require.NoError(t, step(func(p *shipment.Problem) error { return shipment.SubmitClaim(p, "ZTO-C-1", t0.Add(2*time.Hour)) }))
	assert.ErrorIs(t, step(func(p *shipment.Problem) error {
		return shipment.SettleClaim(p, true, decimal.NewFromInt(301), "", t0)
	}), shipment.ErrClaim, "paid more than claimed")
	require.NoError(t, step(func(p *shipment.Problem) error {
		if err := shipment.SettleClaim(p, true, decimal.NewFromInt(250), "depreciated", t0.Add(72*time.Hour)); err != nil {
			return err
		}
		p.Link = "refund:R-1"
		return nil
	}))
	assert.ErrorIs(t, step(func(p *shipment.Problem) error {
		return shipment.SettleClaim(p, false, decimal.Zero, "", t0)
	}), shipment.ErrClaim, "settled once")
	ps, err := s.ListProblems(ctx, shipment.ProblemFilter{TrackingNo: "ZT9"})
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, shipment.ClaimPaid, ps[0].Claim.Status)
	assert.False(t, ps[0].Open())
	assert.Equal(t, "refund:R-1", ps[0].Link)
	assert.Equal(t, "claim paid", ps[0].Resolution)

	// A delay is not claimed, and a rejected claim closes the problem too.
	d := &shipment.Problem{TrackingNo: "ZT9", Carrier: "ZTO", Kind: shipment.Delay, OpenedAt: t0}
	require.NoError(t, s.CreateProblem(ctx, d))
	_, err = shipment.StartClaim(ctx, s, d.ID, decimal.NewFromInt(5), t0)
	assert.ErrorIs(t, err, shipment.ErrClaim)
	dm, err := shipment.ReportProblem(ctx, s, "ZT9", shipment.Damaged, "cup broken", "bob", t0)
	require.NoError(t, err)
	_, err = shipment.StartClaim(ctx, s, dm.ID, decimal.NewFromInt(59), t0)
	require.NoError(t, err)
	require.NoError(t, s.UpdateProblem(ctx, dm.ID, func(p *shipment.Problem) error { return shipment.SubmitClaim(p, "C2", t0) }))
	require.NoError(t, s.UpdateProblem(ctx, dm.ID, func(p *shipment.Problem) error {
		return shipment.SettleClaim(p, false, decimal.Zero, "packing too thin", t0.Add(24*time.Hour))
	}))
	ps, _ = s.ListProblems(ctx, shipment.ProblemFilter{Kind: shipment.Damaged})
	assert.Equal(t, shipment.ClaimRejected, ps[0].Claim.Status)
	assert.True(t, ps[0].Claim.Paid.IsZero())
	require.NoError(t, s.UpdateProblem(ctx, d.ID, func(p *shipment.Problem) error {
		return shipment.Resolve(p, "arrived late", "", t0.Add(6*time.Hour))
	}))
	assert.Error(t, s.UpdateProblem(ctx, d.ID, func(p *shipment.Problem) error {
		return shipment.Resolve(p, "again", "", t0)
	}))
	_, err = shipment.StartClaim(ctx, s, "P404", decimal.Zero, t0)
	assert.ErrorIs(t, err, shipment.ErrNotFound)
}

func TestFindDelays(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	mk := func(no, carrier string, last time.Time) {
		require.NoError(t, s.CreateShipment(ctx, &shipment.Shipment{TrackingNo: no, OrderID: "O" + no, Carrier: carrier,
			State: shipment.InTransit, HandedOverAt: t0, LastEventAt: last}))
	}
	mk("ZT1", "ZTO", t0.Add(10*time.Hour)) // 62 h quiet at now
	mk("ZT2", "ZTO", t0.Add(40*time.Hour)) // 32 h
	mk("SF1", "SF", t0.Add(40*time.Hour))  // 32 h, SF allows 24 h
	mk("YT1", "YTO", time.Time{})          // no event: since the handover, 72 h
	now := t0.Add(72 * time.Hour)
	limits := shipment.DelayLimits{Default: 48 * time.Hour, ByCarrier: map[string]time.Duration{"SF": 24 * time.Hour}}
	ps, err := shipment.FindDelays(ctx, s, now, limits)
	require.NoError(t, err)
	var nos []string
	for _, p := range ps {
		nos = append(nos, p.TrackingNo)
		assert.Equal(t, shipment.Delay, p.Kind)
		assert.Equal(t, "tracking", p.OpenedBy)
	}
	assert.Equal(t, []string{"SF1", "YT1", "ZT1"}, nos)
	assert.Equal(t, shipment.Exception, shState(t, s, "ZT1"))
	assert.Equal(t, shipment.InTransit, shState(t, s, "ZT2"))
	ps, err = shipment.FindDelays(ctx, s, now.Add(time.Hour), limits)
	require.NoError(t, err)
	assert.Empty(t, ps, "a delay is opened once")

	// A new event takes the parcel out of exception.
	_, err = shipment.Ingest(ctx, s, []shipment.Event{{TrackingNo: "ZT1", Time: now.Add(2 * time.Hour), State: shipment.OutForDelivery}})
	require.NoError(t, err)
	assert.Equal(t, shipment.OutForDelivery, shState(t, s, "ZT1"))
}

func TestAnalyze(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	for i := range 2000 {
		c := "ZTO"
		if i%4 == 0 {
			c = "YTO"
		}
		require.NoError(t, s.CreateShipment(ctx, &shipment.Shipment{TrackingNo: fmt.Sprintf("N%05d", i), OrderID: "O", Carrier: c,
			State: shipment.Delivered, HandedOverAt: t0}))
	}
	require.NoError(t, s.CreateShipment(ctx, &shipment.Shipment{TrackingNo: "V1", Carrier: "ZTO", State: shipment.Voided}))
	open := func(no, carrier string, kind shipment.ProblemKind, resolveAfter time.Duration, claim, paid string) {
		p := &shipment.Problem{TrackingNo: no, Carrier: carrier, Kind: kind, OpenedAt: t0}
		if resolveAfter > 0 {
			p.ResolvedAt = t0.Add(resolveAfter)
		}
		if claim != "" {
			p.Claim = &shipment.Claim{Status: shipment.ClaimPaid, Amount: decimal.RequireFromString(claim), Paid: decimal.RequireFromString(paid)}
			if paid == "0" {
				p.Claim.Status = shipment.ClaimRejected
			}
		}
		require.NoError(t, s.CreateProblem(ctx, p))
	}
	open("N00001", "ZTO", shipment.Delay, 10*time.Hour, "", "")
	open("N00002", "ZTO", shipment.Delay, 30*time.Hour, "", "")
	open("N00003", "ZTO", shipment.Lost, 0, "", "")
	open("N00005", "ZTO", shipment.Damaged, 20*time.Hour, "100.00", "80.00")
	open("N00000", "YTO", shipment.Lost, 48*time.Hour, "59.90", "0")
	stats, err := shipment.Analyze(ctx, s, time.Time{}, time.Time{})
	require.NoError(t, err)
	require.Len(t, stats, 2)
	y, z := stats[0], stats[1]
	assert.Equal(t, "YTO", y.Carrier)
	assert.Equal(t, 500, y.Parcels)
	assert.Equal(t, 1500, z.Parcels, "voided numbers are not parcels")
	assert.InDelta(t, 2.0, y.PerThousand[shipment.Lost], 1e-9)
	assert.InDelta(t, 2*1000/1500.0, z.PerThousand[shipment.Delay], 1e-9)
	assert.Equal(t, 2, z.Problems[shipment.Delay])
	assert.Equal(t, 3, z.Resolved)
	assert.Equal(t, 20*time.Hour, z.AvgResolve)
	assert.True(t, z.Claimed.Equal(decimal.NewFromInt(100)))
	assert.True(t, z.Paid.Equal(decimal.NewFromInt(80)))
	assert.Equal(t, 1, y.Rejected)
	assert.True(t, y.Paid.IsZero())

	stats, err = shipment.Analyze(ctx, s, t0.Add(time.Hour), time.Time{})
	require.NoError(t, err)
	assert.Empty(t, stats, "nothing in the period")
}
