package dadan_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/tspl"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
)

func TestNewRendererTSPL(t *testing.T) {
	assert.Equal(t, "tspl", dadan.Formats["tspl"])
	orders, err := sample.Decode()
	require.NoError(t, err)
	o := *orders[0]
	o.Waybill = &order.Waybill{TrackingNo: "756111100000", SortCode: "200-E01-08"}
	r, err := dadan.NewRenderer("tspl", &dadan.RenderOptions{DPI: 300})
	require.NoError(t, err)
	_, ok := r.(*tspl.Renderer)
	require.True(t, ok)
	for _, name := range []string{"waybill-76x130", "packing-80mm", "product-40x30"} {
		tpl, err := label.Standard(name)
		require.NoError(t, err)
		doc, err := dadan.LayoutOrder(tpl, dadan.KindOf(name), &o, nil, time.Now(), "")
		require.NoError(t, err)
		var buf bytes.Buffer
		err = r.Render(context.Background(), &buf, doc)
		if strings.HasPrefix(name, "waybill") && err != nil {
			// Without a TrueType font on the host the waybill's 2 mm print does not
			// fit the 24-dot printer font.
			require.ErrorIs(t, err, tspl.ErrTextWidth)
			continue
		}
		require.NoError(t, err, name)
		assert.True(t, bytes.HasPrefix(buf.Bytes(), []byte("SIZE ")), name)
		assert.True(t, bytes.HasSuffix(buf.Bytes(), []byte("PRINT 1,1\r\n")), name)
	}
	tpl, err := label.Standard("packing-a4")
	require.NoError(t, err)
	doc, err := dadan.LayoutOrder(tpl, printer.PackingList, &o, nil, time.Now(), "")
	require.NoError(t, err)
	assert.ErrorIs(t, r.Render(context.Background(), &bytes.Buffer{}, doc), tspl.ErrPageSize)

	_, err = dadan.NewRenderer("tspl", &dadan.RenderOptions{DPI: 600})
	assert.ErrorIs(t, err, tspl.ErrInvalidOptions)
	_, err = dadan.NewRenderer("cpcl", nil)
	assert.ErrorIs(t, err, dadan.ErrFormat)
}
