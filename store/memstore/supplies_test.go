package memstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/supplies"
)

func TestSuppliesStore(t *testing.T) {
	ctx := context.Background()
	s := memstore.New()
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

	_, err := s.Supply(ctx, "x")
	assert.ErrorIs(t, err, supplies.ErrUnknownItem)
	require.NoError(t, s.PutSupply(ctx, supplies.Item{Spec: "b", Kind: supplies.Ribbon, PerPack: 300000}))
	require.NoError(t, s.PutSupply(ctx, supplies.Item{Spec: "a", Kind: supplies.LabelRoll, PerPack: 500}))
	require.NoError(t, s.PutSupply(ctx, supplies.Item{Spec: "a", Kind: supplies.LabelRoll, PerPack: 1000}))
	items, err := s.Supplies(ctx)
	require.NoError(t, err)
	require.Len(t, items, 2)
	assert.Equal(t, "a", items[0].Spec)
	assert.Equal(t, int64(1000), items[0].PerPack, "PutSupply replaces")

	_, _, err = s.AddMovement(ctx, supplies.Movement{Spec: "zz", Qty: 1})
	assert.ErrorIs(t, err, supplies.ErrUnknownItem)
	m1, n, err := s.AddMovement(ctx, supplies.Movement{Spec: "a", Type: supplies.Receipt, Qty: 100, At: t0.Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, int64(100), n)
	m2, n, err := s.AddMovement(ctx, supplies.Movement{Spec: "a", Type: supplies.Issue, Qty: -40, At: t0})
	require.NoError(t, err)
	assert.Equal(t, int64(60), n)
	assert.NotEqual(t, m1.ID, m2.ID)
	_, _, err = s.AddMovement(ctx, supplies.Movement{Spec: "a", Type: supplies.Issue, Qty: -61, At: t0})
	assert.ErrorIs(t, err, supplies.ErrInsufficientStock)
	n, err = s.OnHand(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, int64(60), n)

	ms, err := s.Movements(ctx, "a", t0, t0.Add(2*time.Hour))
	require.NoError(t, err)
	require.Len(t, ms, 2)
	assert.Equal(t, m2.ID, ms[0].ID, "ordered by time, not by journal order")
	ms, err = s.Movements(ctx, "", t0.Add(time.Minute), t0.Add(2*time.Hour))
	require.NoError(t, err)
	assert.Len(t, ms, 1)

	require.NoError(t, s.AddPrintUse(ctx, supplies.PrintUse{Spec: "a", Docs: 2, Units: 2, At: t0}))
	require.NoError(t, s.AddPrintUse(ctx, supplies.PrintUse{Spec: "a", Docs: 3, Units: 3, At: t0.Add(time.Hour)}))
	require.NoError(t, s.AddPrintUse(ctx, supplies.PrintUse{Spec: "b", Docs: 1, Units: 130, At: t0}))
	tot, err := s.PrintTotals(ctx, "a", t0, t0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, supplies.Totals{Docs: 2, Units: 2}, tot, "to is exclusive")

	// Posting a stocktake is one step: a movement that cannot be made leaves
	// the stocktake unposted.
	st, err := s.AddStocktake(ctx, supplies.Stocktake{Spec: "a", Counted: 0, Book: 100})
	require.NoError(t, err)
	_, err = s.PostStocktake(ctx, st.ID, supplies.Movement{Spec: "a", Type: supplies.Adjust, Qty: -100})
	assert.ErrorIs(t, err, supplies.ErrInsufficientStock)
	got, err := s.Stocktake(ctx, st.ID)
	require.NoError(t, err)
	assert.False(t, got.Posted)
	m, err := s.PostStocktake(ctx, st.ID, supplies.Movement{Spec: "a", Type: supplies.Adjust, Qty: -60})
	require.NoError(t, err)
	got, err = s.Stocktake(ctx, st.ID)
	require.NoError(t, err)
	assert.True(t, got.Posted)
	assert.Equal(t, m.ID, got.Movement)
	_, err = s.PostStocktake(ctx, st.ID, supplies.Movement{Spec: "a", Type: supplies.Adjust, Qty: 1})
	assert.ErrorIs(t, err, supplies.ErrAlreadyPosted)
	_, err = s.Stocktake(ctx, "nope")
	assert.ErrorIs(t, err, supplies.ErrUnknownStocktake)
	_, err = s.PostStocktake(ctx, "nope", supplies.Movement{})
	assert.ErrorIs(t, err, supplies.ErrUnknownStocktake)
}
