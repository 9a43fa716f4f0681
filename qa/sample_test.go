package qa

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var t0 = time.Date(2026, 11, 11, 8, 0, 0, 0, time.UTC)

// population makes n printed orders by operators and printers chosen by rng,
// the first ones (skewed) much more often than the last.
func population(rng *rand.Rand, n, ops, prns int) []Printed {
	out := make([]Printed, n)
	for i := range out {
		op := int(math.Floor(float64(ops) * rng.Float64() * rng.Float64()))
		pr := int(math.Floor(float64(prns) * rng.Float64() * rng.Float64()))
		out[i] = Printed{Order: fmt.Sprintf("T%06d", i), Time: t0.Add(time.Duration(i) * time.Second),
			Operator: fmt.Sprint("op", op), Docs: []Doc{{Kind: "waybill", Template: "w", Version: "1", Printer: fmt.Sprint("pr", pr)}}}
	}
	return out
}

func TestSampleProperties(t *testing.T) {
	ctx := context.Background()
	for seed := range uint64(200) {
		rng := rand.New(rand.NewPCG(seed, 99))
		n := 1 + rng.IntN(3000)
		pct := []float64{0.1, 1, 2.5, 3, 5, 10, 33.3, 100}[rng.IntN(8)]
		s := &fakeStore{printed: population(rng, n, 1+rng.IntN(30), 1+rng.IntN(8))}
		// some orders are inspected already
		inspected := map[string]bool{}
		for i := range s.printed {
			if rng.IntN(10) == 0 {
				_, err := s.AddInspection(ctx, Inspection{Order: s.printed[i].Order, Time: t0, Result: Pass})
				require.NoError(t, err)
				inspected[s.printed[i].Order] = true
			}
		}
		opt := SampleOptions{Percent: pct, Seed: seed * 31}
		r, err := Sample(ctx, s, s, opt)
		require.NoError(t, err)
		quota := int(math.Ceil(pct * float64(n) / 100))
		if pct == 33.3 || pct == 2.5 {
			quota = int(math.Ceil(math.Round(pct*10) * float64(n) / 1000))
		}
		assert.Equal(t, quota, r.Quota, "seed %d n %d pct %v", seed, n, pct)
		left := n - len(inspected)
		assert.GreaterOrEqual(t, len(r.Orders), min(quota, left), "seed %d: at least ⌈X%% × N⌉", seed)
		assert.Equal(t, len(inspected), r.Inspected)

		// Every operator and printer with an order left is in the sample.
		wantOps, wantPrs := map[string]bool{}, map[string]bool{}
		for _, p := range s.printed {
			if !inspected[p.Order] {
				wantOps[p.Operator], wantPrs[p.Docs[0].Printer] = true, true
			}
		}
		gotOps, gotPrs := map[string]bool{}, map[string]bool{}
		ids := map[string]bool{}
		for _, d := range r.Orders {
			assert.False(t, inspected[d.Order], "seed %d: %s was inspected", seed, d.Order)
			assert.False(t, ids[d.Order], "drawn twice")
			ids[d.Order] = true
			gotOps[d.Operator], gotPrs[d.Printer()] = true, true
		}
		assert.Equal(t, wantOps, gotOps, "seed %d: operators", seed)
		assert.Equal(t, wantPrs, gotPrs, "seed %d: printers", seed)
		// No more than the quota plus one per stratum.
		assert.LessOrEqual(t, len(r.Orders), max(quota, 0)+len(wantOps)+len(wantPrs))

		// The same seed on the orders in another order: the same sample.
		shuffled := &fakeStore{printed: slices.Clone(s.printed), ins: s.ins}
		rng.Shuffle(len(shuffled.printed), func(i, j int) {
			shuffled.printed[i], shuffled.printed[j] = shuffled.printed[j], shuffled.printed[i]
		})
		again, err := Sample(ctx, shuffled, shuffled, opt)
		require.NoError(t, err)
		assert.Equal(t, r.Orders, again.Orders, "seed %d: reproducible", seed)
		// Knowing N, the draw keeps only the smallest keys: the same sample.
		bounded, err := Sample(ctx, countingStore{shuffled}, shuffled, opt)
		require.NoError(t, err)
		assert.Equal(t, r.Orders, bounded.Orders, "seed %d: bounded draw", seed)
	}
}

// TestSampleUniform checks each order is drawn about as often as the
// percentage says, over many seeds.
func TestSampleUniform(t *testing.T) {
	ctx := context.Background()
	s := &fakeStore{}
	for i := range 400 {
		s.printed = append(s.printed, Printed{Order: fmt.Sprint("U", i), Time: t0, Operator: "op",
			Docs: []Doc{{Printer: "p"}}})
	}
	hits := make(map[string]int)
	const seeds = 2000
	for seed := range uint64(seeds) {
		r, err := Sample(ctx, s, s, SampleOptions{Percent: 10, Seed: seed})
		require.NoError(t, err)
		require.Len(t, r.Orders, 40)
		for _, d := range r.Orders {
			hits[d.Order]++
		}
	}
	// Each order's count is Binomial(2000, 0.1): mean 200, sd ≈ 13.4.
	for id, h := range hits {
		assert.InDelta(t, 200, h, 6*13.4, id)
	}
	assert.Len(t, hits, 400)
	a, _ := Sample(ctx, s, s, SampleOptions{Percent: 10, Seed: 1})
	b, _ := Sample(ctx, s, s, SampleOptions{Percent: 10, Seed: 2})
	assert.NotEqual(t, a.Orders, b.Orders, "another seed, another sample")
}

func TestSampleErrors(t *testing.T) {
	s := &fakeStore{}
	for _, p := range []float64{0, -1, 100.5, math.NaN()} {
		_, err := Sample(context.Background(), s, s, SampleOptions{Percent: p})
		assert.ErrorIs(t, err, ErrPercent, p)
	}
	r, err := Sample(context.Background(), s, s, SampleOptions{Percent: 5})
	require.NoError(t, err)
	assert.Empty(t, r.Orders)
	assert.Zero(t, r.Quota)
}
