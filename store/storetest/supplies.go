package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dadanhq/dadan/supplies"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Supplies runs the [supplies.Store] conformance tests.
func Supplies(t *testing.T, newStore func(t *testing.T) supplies.Store, f Features) {
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	item := func(spec string) supplies.Item {
		return supplies.Item{Spec: spec, Kind: supplies.LabelRoll, Name: "面单 " + spec, WidthMM: 76,
			PerPack: 500, LeadTimeDays: 3, SafetyStock: 1000}
	}
	const spec = "76x130 热敏 500张/卷"
	// withItem returns a store holding the item spec and, if stock > 0, a
	// receipt of stock at the fixed time.
	withItem := func(t *testing.T, stock int64) supplies.Store {
		s := newStore(t)
		require.NoError(t, s.PutSupply(ctx, item(spec)))
		if stock > 0 {
			_, _, err := s.AddMovement(ctx, supplies.Movement{Spec: spec, Type: supplies.Receipt, Qty: stock, Actor: "王五", At: at})
			require.NoError(t, err)
		}
		return s
	}

	t.Run("Items", func(t *testing.T) {
		s := newStore(t)
		list, err := s.Supplies(ctx)
		require.NoError(t, err)
		assert.Empty(t, list, "a new store is empty")
		_, err = s.Supply(ctx, spec)
		assert.ErrorIs(t, err, supplies.ErrUnknownItem)

		for _, sp := range []string{"B-100", "A-76x130", "B-20", "A-100"} {
			require.NoError(t, s.PutSupply(ctx, item(sp)))
		}
		got, err := s.Supply(ctx, "B-20")
		require.NoError(t, err)
		assert.Equal(t, item("B-20"), got)
		got.Name = "changed"
		again, err := s.Supply(ctx, "B-20")
		require.NoError(t, err)
		assert.Equal(t, item("B-20"), again, "stores hand out copies")

		// PutSupply replaces.
		r := item("B-20")
		r.Kind, r.PerPack, r.Name = supplies.Ribbon, 300000, "碳带"
		require.NoError(t, s.PutSupply(ctx, r))
		got, err = s.Supply(ctx, "B-20")
		require.NoError(t, err)
		assert.Equal(t, r, got)

		list, err = s.Supplies(ctx)
		require.NoError(t, err)
		specs := make([]string, len(list))
		for i, it := range list {
			specs[i] = it.Spec
		}
		assert.Equal(t, []string{"A-100", "A-76x130", "B-100", "B-20"}, specs, "ordered by spec, each once")
		assert.Equal(t, r, list[3])
		list[0].Name = "changed"
		got, err = s.Supply(ctx, "A-100")
		require.NoError(t, err)
		assert.Equal(t, item("A-100"), got, "listed items are copies")
	})

	t.Run("Movements", func(t *testing.T) {
		s := withItem(t, 0)
		require.NoError(t, s.PutSupply(ctx, item("other")))
		n, err := s.OnHand(ctx, spec)
		require.NoError(t, err)
		assert.Zero(t, n, "no movements, no stock")

		in := []struct {
			m     supplies.Movement
			after int64
		}{
			{supplies.Movement{ID: "ignored", Spec: spec, Type: supplies.Receipt, Qty: 1000, Actor: "王五", At: at, Ref: "PO-118"}, 1000},
			{supplies.Movement{Spec: spec, Type: supplies.Issue, Qty: -500, Actor: "王五", At: at.Add(time.Hour), Ref: "打包台 3"}, 500},
			{supplies.Movement{Spec: "other", Type: supplies.Receipt, Qty: 7, Actor: "赵六", At: at.Add(30 * time.Minute)}, 7},
			// Journaled later but dated earlier (a late entry): listed by time.
			{supplies.Movement{Spec: spec, Type: supplies.Adjust, Qty: -20, Actor: "钱七", At: at.Add(-time.Hour), Reason: "受潮"}, 480},
			// Same time as the issue: after it, in journal order.
			{supplies.Movement{Spec: spec, Type: supplies.Adjust, Qty: 5, Actor: "钱七", At: at.Add(time.Hour), Reason: "找到"}, 485},
		}
		ids := map[string]bool{}
		var added []supplies.Movement
		for _, c := range in {
			m, after, err := s.AddMovement(ctx, c.m)
			require.NoError(t, err)
			assert.Equal(t, c.after, after, "stock after %s %d", c.m.Type, c.m.Qty)
			assert.NotEmpty(t, m.ID)
			assert.NotEqual(t, "ignored", m.ID, "the store sets the ID")
			assert.False(t, ids[m.ID], "IDs are new: %s", m.ID)
			ids[m.ID] = true
			want := c.m
			want.ID = m.ID
			assertMovement(t, want, m)
			added = append(added, m)
		}
		n, err = s.OnHand(ctx, spec)
		require.NoError(t, err)
		assert.Equal(t, int64(485), n)
		n, err = s.OnHand(ctx, "other")
		require.NoError(t, err)
		assert.Equal(t, int64(7), n)

		far := at.AddDate(1, 0, 0)
		list, err := s.Movements(ctx, spec, at.AddDate(-1, 0, 0), far)
		require.NoError(t, err)
		assertMovements(t, []supplies.Movement{added[3], added[0], added[1], added[4]}, list)
		list, err = s.Movements(ctx, "", at.AddDate(-1, 0, 0), far)
		require.NoError(t, err)
		assertMovements(t, []supplies.Movement{added[3], added[0], added[2], added[1], added[4]}, list)

		// from <= At < to.
		list, err = s.Movements(ctx, spec, at, at.Add(time.Hour))
		require.NoError(t, err)
		assertMovements(t, []supplies.Movement{added[0]}, list)
		list, err = s.Movements(ctx, "", at.Add(time.Second), at.Add(time.Hour+time.Second))
		require.NoError(t, err)
		assertMovements(t, []supplies.Movement{added[2], added[1], added[4]}, list)
		list, err = s.Movements(ctx, spec, far, far.Add(time.Hour))
		require.NoError(t, err)
		assert.Empty(t, list)

		list, err = s.Movements(ctx, spec, at.AddDate(-1, 0, 0), far)
		require.NoError(t, err)
		list[0].Qty = 999
		again, err := s.Movements(ctx, spec, at.AddDate(-1, 0, 0), far)
		require.NoError(t, err)
		assert.Equal(t, int64(-20), again[0].Qty, "listed movements are copies")
	})

	t.Run("InsufficientStock", func(t *testing.T) {
		s := withItem(t, 100)
		_, _, err := s.AddMovement(ctx, supplies.Movement{Spec: spec, Type: supplies.Issue, Qty: -101, Actor: "王五", At: at.Add(time.Hour)})
		require.ErrorIs(t, err, supplies.ErrInsufficientStock)
		var se *supplies.StockError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, spec, se.Spec)
		assert.Equal(t, int64(100), se.OnHand)
		assert.Equal(t, int64(-101), se.Qty)
		// Nothing was stored.
		n, err := s.OnHand(ctx, spec)
		require.NoError(t, err)
		assert.Equal(t, int64(100), n)
		list, err := s.Movements(ctx, "", at.AddDate(-1, 0, 0), at.AddDate(1, 0, 0))
		require.NoError(t, err)
		assert.Len(t, list, 1)

		// Down to exactly zero is fine.
		_, after, err := s.AddMovement(ctx, supplies.Movement{Spec: spec, Type: supplies.Issue, Qty: -100, Actor: "王五", At: at.Add(time.Hour)})
		require.NoError(t, err)
		assert.Zero(t, after)
	})

	t.Run("PrintUse", func(t *testing.T) {
		s := withItem(t, 0)
		require.NoError(t, s.PutSupply(ctx, item("other")))
		tot, err := s.PrintTotals(ctx, spec, at.AddDate(-1, 0, 0), at.AddDate(1, 0, 0))
		require.NoError(t, err)
		assert.Zero(t, tot)
		for _, u := range []supplies.PrintUse{
			{Spec: spec, Docs: 480, Units: 480, At: at},
			{Spec: spec, Docs: 20, Units: 21, At: at.Add(time.Hour)},
			{Spec: spec, Docs: 1, Units: 1, At: at.Add(2 * time.Hour)},
			{Spec: "other", Docs: 1000, Units: 1000, At: at.Add(time.Hour)},
		} {
			require.NoError(t, s.AddPrintUse(ctx, u))
		}
		tot, err = s.PrintTotals(ctx, spec, at.AddDate(-1, 0, 0), at.AddDate(1, 0, 0))
		require.NoError(t, err)
		assert.Equal(t, supplies.Totals{Docs: 501, Units: 502}, tot)
		tot, err = s.PrintTotals(ctx, spec, at, at.Add(2*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, supplies.Totals{Docs: 500, Units: 501}, tot, "from <= At < to")
		tot, err = s.PrintTotals(ctx, spec, at.Add(time.Second), at.Add(2*time.Hour+time.Second))
		require.NoError(t, err)
		assert.Equal(t, supplies.Totals{Docs: 21, Units: 22}, tot)
		tot, err = s.PrintTotals(ctx, "other", at, at.Add(2*time.Hour))
		require.NoError(t, err)
		assert.Equal(t, supplies.Totals{Docs: 1000, Units: 1000}, tot)
		n, err := s.OnHand(ctx, spec)
		require.NoError(t, err)
		assert.Zero(t, n, "printing does not change stock")
	})

	t.Run("Stocktake", func(t *testing.T) {
		s := withItem(t, 100)
		_, err := s.Stocktake(ctx, "nope")
		assert.ErrorIs(t, err, supplies.ErrUnknownStocktake)

		in := supplies.Stocktake{ID: "ignored", Spec: spec, At: at.Add(time.Hour), Actor: "赵六", Counted: 96, Book: 100}
		st, err := s.AddStocktake(ctx, in)
		require.NoError(t, err)
		assert.NotEmpty(t, st.ID)
		assert.NotEqual(t, "ignored", st.ID, "the store sets the ID")
		want := in
		want.ID = st.ID
		assertStocktake(t, want, st)
		st2, err := s.AddStocktake(ctx, supplies.Stocktake{Spec: spec, At: at.Add(time.Hour), Actor: "赵六", Counted: 100, Book: 100})
		require.NoError(t, err)
		assert.NotEqual(t, st.ID, st2.ID, "IDs are new")
		got, err := s.Stocktake(ctx, st.ID)
		require.NoError(t, err)
		assertStocktake(t, want, got)

		post := supplies.Movement{Spec: spec, Type: supplies.Adjust, Qty: st.Variance(), Actor: "钱七",
			At: at.Add(2 * time.Hour), Reason: "stocktake", Ref: st.ID}
		m, err := s.PostStocktake(ctx, st.ID, post)
		require.NoError(t, err)
		assert.NotEmpty(t, m.ID)
		post.ID = m.ID
		assertMovement(t, post, m)
		got, err = s.Stocktake(ctx, st.ID)
		require.NoError(t, err)
		assert.True(t, got.Posted)
		assert.Equal(t, m.ID, got.Movement, "the stocktake names its movement")
		n, err := s.OnHand(ctx, spec)
		require.NoError(t, err)
		assert.Equal(t, int64(96), n)
		list, err := s.Movements(ctx, spec, at.AddDate(-1, 0, 0), at.AddDate(1, 0, 0))
		require.NoError(t, err)
		require.Len(t, list, 2)
		assertMovement(t, post, list[1])

		// Posting again stores nothing.
		_, err = s.PostStocktake(ctx, st.ID, post)
		assert.ErrorIs(t, err, supplies.ErrAlreadyPosted)
		n, err = s.OnHand(ctx, spec)
		require.NoError(t, err)
		assert.Equal(t, int64(96), n)
		list, err = s.Movements(ctx, "", at.AddDate(-1, 0, 0), at.AddDate(1, 0, 0))
		require.NoError(t, err)
		assert.Len(t, list, 2)
		got, err = s.Stocktake(ctx, st.ID)
		require.NoError(t, err)
		assert.Equal(t, m.ID, got.Movement)

		_, err = s.PostStocktake(ctx, "nope", post)
		assert.ErrorIs(t, err, supplies.ErrUnknownStocktake)

		// One step: a movement that fails leaves the stocktake unposted.
		bad := post
		bad.ID, bad.Qty, bad.Ref = "", -1000, st2.ID
		_, err = s.PostStocktake(ctx, st2.ID, bad)
		assert.ErrorIs(t, err, supplies.ErrInsufficientStock)
		got, err = s.Stocktake(ctx, st2.ID)
		require.NoError(t, err)
		assert.False(t, got.Posted, "a failed post marks nothing")
		assert.Empty(t, got.Movement)
		n, err = s.OnHand(ctx, spec)
		require.NoError(t, err)
		assert.Equal(t, int64(96), n)
		// A zero variance still posts.
		zero := post
		zero.ID, zero.Qty, zero.Ref = "", 0, st2.ID
		m2, err := s.PostStocktake(ctx, st2.ID, zero)
		require.NoError(t, err)
		assert.NotEqual(t, m.ID, m2.ID)
		got, err = s.Stocktake(ctx, st2.ID)
		require.NoError(t, err)
		assert.True(t, got.Posted)
	})

	if !f.NoConcurrency {
		t.Run("Concurrent", func(t *testing.T) {
			const n = 20
			s := withItem(t, 0)
			var wg sync.WaitGroup
			var mu sync.Mutex
			ids, afters := map[string]bool{}, map[int64]bool{}
			for range n {
				wg.Go(func() {
					m, after, err := s.AddMovement(ctx, supplies.Movement{Spec: spec, Type: supplies.Receipt, Qty: 1, Actor: "王五", At: at})
					assert.NoError(t, s.AddPrintUse(ctx, supplies.PrintUse{Spec: spec, Docs: 1, Units: 2, At: at}))
					if assert.NoError(t, err) {
						mu.Lock()
						ids[m.ID], afters[after] = true, true
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			assert.Len(t, ids, n, "movement IDs are unique")
			assert.Len(t, afters, n, "each movement sees the stock after itself alone")
			for i := range int64(n) {
				assert.True(t, afters[i+1], "stock after %d", i+1)
			}
			onHand, err := s.OnHand(ctx, spec)
			require.NoError(t, err)
			assert.Equal(t, int64(n), onHand)
			tot, err := s.PrintTotals(ctx, spec, at, at.Add(time.Second))
			require.NoError(t, err)
			assert.Equal(t, supplies.Totals{Docs: n, Units: 2 * n}, tot, "no print record lost")

			// Twice as many issues as there is stock: exactly n succeed.
			var issued, short int
			for range 2 * n {
				wg.Go(func() {
					_, _, err := s.AddMovement(ctx, supplies.Movement{Spec: spec, Type: supplies.Issue, Qty: -1, Actor: "王五", At: at})
					mu.Lock()
					defer mu.Unlock()
					if errors.Is(err, supplies.ErrInsufficientStock) {
						short++
					} else if assert.NoError(t, err) {
						issued++
					}
				})
			}
			wg.Wait()
			assert.Equal(t, n, issued)
			assert.Equal(t, n, short)
			onHand, err = s.OnHand(ctx, spec)
			require.NoError(t, err)
			assert.Zero(t, onHand, "stock never goes below zero")

			// Racing posts of one stocktake: one wins.
			st, err := s.AddStocktake(ctx, supplies.Stocktake{Spec: spec, At: at, Actor: "赵六", Counted: 3})
			require.NoError(t, err)
			var posted, already int
			for range n {
				wg.Go(func() {
					_, err := s.PostStocktake(ctx, st.ID, supplies.Movement{Spec: spec, Type: supplies.Adjust,
						Qty: 3, Actor: "钱七", At: at, Reason: "stocktake", Ref: st.ID})
					mu.Lock()
					defer mu.Unlock()
					if errors.Is(err, supplies.ErrAlreadyPosted) {
						already++
					} else if assert.NoError(t, err) {
						posted++
					}
				})
			}
			wg.Wait()
			assert.Equal(t, 1, posted)
			assert.Equal(t, n-1, already)
			onHand, err = s.OnHand(ctx, spec)
			require.NoError(t, err)
			assert.Equal(t, int64(3), onHand, "posted once")
		})
	}
}

func assertMovement(t *testing.T, want, got supplies.Movement) {
	t.Helper()
	assert.True(t, want.At.Equal(got.At), "At %v, want %v", got.At, want.At)
	want.At = got.At
	assert.Equal(t, want, got)
}

func assertMovements(t *testing.T, want, got []supplies.Movement) {
	t.Helper()
	if !assert.Len(t, got, len(want)) {
		return
	}
	for i := range want {
		assertMovement(t, want[i], got[i])
	}
}

func assertStocktake(t *testing.T, want, got supplies.Stocktake) {
	t.Helper()
	assert.True(t, want.At.Equal(got.At), "At %v, want %v", got.At, want.At)
	want.At = got.At
	assert.Equal(t, want, got)
}
