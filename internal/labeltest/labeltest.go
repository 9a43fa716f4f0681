// Package labeltest supports the tests of the label renderers (label/zpl,
// label/escpos, label/raster, label/pdf) as net/http/httptest supports tests of HTTP
// handlers: [SampleOrders] decodes the sample orders, [Cases] and [Pick] find orders
// by what they contain, [Data] maps an order to label data the same way on every
// run, and [Layout], [Render], [Golden], [RenderConcurrently] and [AppendLoop] do
// what every renderer test repeats. It imports no renderer, so the renderers'
// internal tests can use it.
package labeltest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/orderlabel"
	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
)

// SampleOrders decodes the sample orders of package sample, in file order.
func SampleOrders(tb testing.TB) []*order.Order {
	tb.Helper()
	out, err := sample.Decode()
	require.NoError(tb, err)
	require.NotEmpty(tb, out)
	return out
}

// PrintTime is the print time [Data] gives every label: 10:00 China Standard Time
// on 11 November 2026.
func PrintTime() time.Time {
	return time.Date(2026, 11, 11, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
}

// Data is the label data of o printed at [PrintTime], mapped as the host maps it
// (internal/orderlabel.Data). An order without a waybill gets one a carrier might
// issue, with the tracking number [TrackingNo] makes from the order ID, so golden
// files stay stable.
func Data(o *order.Order) *label.Data {
	if o.Waybill == nil || o.Waybill.TrackingNo == "" {
		w := order.Waybill{SortCode: "200-E01-08", Mark: "杭州余杭", BagAddr: "杭州转运中心", Service: "标快", Payment: "寄付"}
		if o.Waybill != nil {
			w = *o.Waybill
		}
		w.TrackingNo = TrackingNo(o.ID)
		c := *o
		c.Waybill = &w
		o = &c
	}
	d := orderlabel.Data(o, PrintTime(), "")
	return d
}

// TrackingNo makes up the tracking number [Data] prints for an order without one:
// "75" and the last ten digits of id, padded with zeros.
func TrackingNo(id string) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, id)
	if len(digits) < 10 {
		digits = strings.Repeat("0", 10-len(digits)) + digits
	}
	return "75" + digits[len(digits)-10:]
}

// Pick returns the first of orders for which match is true; it fails tb, naming
// what, when there is none.
func Pick(tb testing.TB, orders []*order.Order, what string, match func(*order.Order) bool) *order.Order {
	tb.Helper()
	i := slices.IndexFunc(orders, match)
	require.GreaterOrEqual(tb, i, 0, "no sample order with %s", what)
	return orders[i]
}

// Cases are the sample orders renderer tests print, found by what they contain
// rather than by their place in the file:
//
//	ordinary           the first order
//	zpl-in-name        a recipient name holding ZPL commands (^XA)
//	tilde              a recipient name or address holding a ZPL tilde command
//	non-bmp            a recipient name with a character outside the BMP
//	long-addr          the longest recipient address
//	many-items         the order with the most items
//	emoji              a buyer remark with an emoji
//	escpos-in-address  a recipient address holding ESC and GS control bytes
func Cases(tb testing.TB) map[string]*order.Order {
	tb.Helper()
	orders := SampleOrders(tb)
	longest, most := orders[0], orders[0]
	for _, o := range orders {
		if len(o.Recipient.FullAddress()) > len(longest.Recipient.FullAddress()) {
			longest = o
		}
		if len(o.Items) > len(most.Items) {
			most = o
		}
	}
	return map[string]*order.Order{
		"ordinary": orders[0],
		"zpl-in-name": Pick(tb, orders, "ZPL in a name", func(o *order.Order) bool {
			return strings.Contains(o.Recipient.Name, "^XA")
		}),
		"tilde": Pick(tb, orders, "a tilde command", func(o *order.Order) bool {
			return strings.Contains(o.Recipient.Name+o.Recipient.Address, "~")
		}),
		"non-bmp": Pick(tb, orders, "a non-BMP name", func(o *order.Order) bool {
			return strings.ContainsFunc(o.Recipient.Name, func(r rune) bool { return r > 0xFFFF })
		}),
		"long-addr":  longest,
		"many-items": most,
		"emoji": Pick(tb, orders, "an emoji remark", func(o *order.Order) bool {
			return strings.Contains(o.Remark.Buyer, "😀")
		}),
		"escpos-in-address": Pick(tb, orders, "ESC/POS commands in an address", func(o *order.Order) bool {
			return strings.Contains(o.Recipient.Address, "\x1b") && strings.Contains(o.Recipient.Address, "\x1d")
		}),
	}
}
