package labeltest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/order"
)

func TestSampleOrders(t *testing.T) {
	orders := labeltest.SampleOrders(t)
	require.Len(t, orders, 56)
	assert.Equal(t, "TB2026111100000", orders[0].ID)
	for _, o := range orders {
		assert.NotEmpty(t, o.ID)
	}
}

func TestData(t *testing.T) {
	for _, o := range labeltest.SampleOrders(t) {
		d := labeltest.Data(o)
		assert.Equal(t, labeltest.TrackingNo(o.ID), d.Fields["waybill.tracking_no"], o.ID)
		assert.Len(t, d.Fields["waybill.tracking_no"], 12, o.ID)
		assert.Equal(t, "2026-11-11T10:00:00+08:00", d.Fields["print.time"], o.ID)
		assert.Equal(t, o.Recipient.Name, d.Fields["recipient.name"], o.ID)
		assert.Len(t, d.Tables["items"], len(o.Items), o.ID)
		assert.Nil(t, o.Waybill, "Data leaves the order alone")
	}
}

func TestDataKeepsIssuedWaybill(t *testing.T) {
	o := &order.Order{ID: "JD1", Waybill: &order.Waybill{TrackingNo: "JDV000123", SortCode: "010-A", Service: "特快"}}
	d := labeltest.Data(o)
	assert.Equal(t, "JDV000123", d.Fields["waybill.tracking_no"])
	assert.Equal(t, "010-A", d.Fields["waybill.sort_code"])
	assert.Equal(t, "特快", d.Fields["waybill.service"])

	o.Waybill.TrackingNo = ""
	d = labeltest.Data(o)
	assert.Equal(t, "750000000001", d.Fields["waybill.tracking_no"])
	assert.Equal(t, "010-A", d.Fields["waybill.sort_code"], "the rest of the waybill stays")
	assert.Empty(t, o.Waybill.TrackingNo, "Data leaves the order alone")
}

func TestCases(t *testing.T) {
	c := labeltest.Cases(t)
	orders := labeltest.SampleOrders(t)
	assert.Equal(t, orders[0].ID, c["ordinary"].ID)
	assert.Contains(t, c["zpl-in-name"].Recipient.Name, "^XA")
	assert.Contains(t, c["tilde"].Recipient.Name+c["tilde"].Recipient.Address, "~")
	assert.True(t, strings.ContainsFunc(c["non-bmp"].Recipient.Name, func(r rune) bool { return r > 0xFFFF }))
	assert.Contains(t, c["emoji"].Remark.Buyer, "😀")
	assert.Contains(t, c["escpos-in-address"].Recipient.Address, "\x1b")
	assert.Contains(t, c["escpos-in-address"].Recipient.Address, "\x1d")
	for _, o := range orders {
		assert.LessOrEqual(t, len(o.Recipient.FullAddress()), len(c["long-addr"].Recipient.FullAddress()))
		assert.LessOrEqual(t, len(o.Items), len(c["many-items"].Items))
	}
	assert.Len(t, c, 8)
}

func TestPick(t *testing.T) {
	orders := labeltest.SampleOrders(t)
	o := labeltest.Pick(t, orders, "a JD order", func(o *order.Order) bool { return o.Platform == order.JD })
	assert.Equal(t, order.JD, o.Platform)

	ft := &fakeTB{TB: t}
	func() {
		defer func() { _ = recover() }()
		labeltest.Pick(ft, orders, "no such order", func(*order.Order) bool { return false })
	}()
	assert.True(t, ft.failed, "Pick fails the test when nothing matches")
	assert.Contains(t, ft.msg, "no sample order with no such order")
}

// fakeTB records a failure instead of failing the test; FailNow panics to stop the
// caller as testing's FailNow stops the goroutine.
type fakeTB struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Errorf(format string, args ...any) {
	f.failed = true
	f.msg += fmt.Sprintf(format, args...)
}

func (f *fakeTB) FailNow() { f.failed = true; panic("FailNow") }
