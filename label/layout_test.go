package label_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/label"
)

func TestStandardTemplatesLayoutEveryOrder(t *testing.T) {
	orders := loadOrders(t)
	for _, name := range label.StandardNames() {
		tpl, err := label.Standard(name)
		require.NoError(t, err, name)
		for i, o := range orders {
			d := toData(o, i)
			if name == "product-40x30" || name == "product-60x40" {
				if len(o.Items) == 0 {
					_, err := label.Layout(tpl, d, nil)
					require.ErrorIs(t, err, label.ErrMissingField, "%s %s", name, o.ID)
					continue
				}
				d = d.WithRow("item.", d.Tables["items"][0])
			}
			doc, err := label.Layout(tpl, d, &label.LayoutOptions{Now: testNow})
			require.NoError(t, err, "%s %s", name, o.ID)
			require.NotEmpty(t, doc.Pages)
			assert.Equal(t, tpl.Hash(), doc.Hash)
		}
	}
}
