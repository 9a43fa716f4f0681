package label_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/label"
)

// A Layouter gives what Layout gives, layout after layout, as its buffers are
// reused for orders of every length (packing-a4 runs over pages and back).
func TestLayouterMatchesLayout(t *testing.T) {
	orders := loadOrders(t)
	opts := &label.LayoutOptions{Now: testNow}
	for _, name := range label.StandardNames() {
		tpl, err := label.Standard(name)
		require.NoError(t, err)
		lo := label.NewLayouter(tpl)
		require.Same(t, tpl, lo.Template())
		pages := map[int]bool{}
		for i, o := range orders {
			d := toData(o, i)
			want, errWant := label.Layout(tpl, d, opts)
			got, errGot := lo.Layout(d, opts)
			if errWant != nil {
				require.EqualError(t, errGot, errWant.Error(), "%s, order %d", name, i)
				continue
			}
			require.NoError(t, errGot)
			require.Equal(t, want, got, "%s, order %d", name, i)
			pages[len(got.Pages)] = true
		}
		if name == "packing-a4" {
			require.True(t, pages[1] && len(pages) > 1, "packing-a4 pages seen: %v", pages)
		}
	}
}

// A failed layout leaves the Layouter usable.
func TestLayouterAfterError(t *testing.T) {
	tpl, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	lo := label.NewLayouter(tpl)
	_, err = lo.Layout(&label.Data{}, nil)
	require.ErrorIs(t, err, label.ErrMissingField)
	orders := loadOrders(t)
	d := toData(orders[0], 0)
	want, err := label.Layout(tpl, d, nil)
	require.NoError(t, err)
	got, err := lo.Layout(d, nil)
	require.NoError(t, err)
	require.Equal(t, want, got)
}
