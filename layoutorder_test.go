package dadan_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/shipment"
)

// TestProductLabelBarcodeFallback: on product-40x30 a line without a barcode prints
// its SKU as the barcode and says so; the other lines print as they are, and a line
// with neither is refused by its number.
func TestProductLabelBarcodeFallback(t *testing.T) {
	tpl, err := label.Standard("product-40x30")
	require.NoError(t, err)
	o := &order.Order{ID: "P1", Items: []order.Item{
		{SKU: "CUP-1", Barcode: "6901234567892", Name: "杯子", Qty: 1},
		{SKU: "LID-2", Name: "杯盖", Qty: 1},
	}}
	doc, err := dadan.LayoutOrder(tpl, printer.ProductLabel, o, nil, time.Now(), "")
	require.NoError(t, err)
	require.Len(t, doc.Pages, 2, "one label per line")
	require.Len(t, doc.Warnings, 1)
	w := doc.Warnings[0]
	assert.Equal(t, "item.barcode", w.Field)
	assert.Contains(t, w.String(), "line 2 (SKU LID-2) has no barcode")
	var data []string
	for _, p := range doc.Pages {
		for _, e := range p.Ops {
			if b, ok := e.(label.Barcode); ok {
				data = append(data, b.Data)
			}
		}
	}
	assert.Equal(t, []string{"6901234567892", "LID-2"}, data)

	o.Items = append(o.Items, order.Item{Name: "赠品", Qty: 1})
	_, err = dadan.LayoutOrder(tpl, printer.ProductLabel, o, nil, time.Now(), "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "order P1 line 3")
}

// pageTexts returns the text of every text line of doc.
func pageTexts(doc *label.Document) []string {
	var s []string
	for _, p := range doc.Pages {
		for _, op := range p.Ops {
			if t, ok := op.(label.TextLine); ok {
				s = append(s, t.Text)
			}
		}
	}
	return s
}

// TestTestWaybill: a waybill with a test number says 测试面单 TEST in its 大头笔
// band, has every routing field filled, and names its carrier.
func TestTestWaybill(t *testing.T) {
	wb, err := dadan.TestCarrier().Allocate(context.Background(), shipment.AllocateRequest{Carrier: "ZTO", OrderID: "W1"})
	require.NoError(t, err)
	assert.Equal(t, dadan.TestMark, wb.Mark)
	assert.NotEmpty(t, wb.SortCode)
	assert.NotEmpty(t, wb.BagAddr)
	o := &order.Order{ID: "W1", Carrier: "zto", Waybill: &order.Waybill{TrackingNo: wb.TrackingNo, SortCode: wb.SortCode, Mark: wb.Mark, BagAddr: wb.BagAddr},
		Recipient: order.Party{Name: "张三", Phone: "13800138000", Province: "浙江省", City: "杭州市", District: "西湖区", Address: "文三路 1 号"},
		Sender:    order.Party{Name: "某店", Phone: "0571-88888888", Province: "浙江省", City: "杭州市", District: "余杭区", Address: "仓前街道 2 号"},
		Items:     []order.Item{{SKU: "A", Name: "杯子", Qty: 1}}}
	for _, name := range []string{"waybill-76x130", "waybill-100x180", "waybill-100x150"} {
		tpl, err := label.Standard(name)
		require.NoError(t, err)
		doc, err := dadan.LayoutOrder(tpl, dadan.TemplateKind(tpl), o, nil, time.Now(), "")
		require.NoError(t, err, name)
		texts := strings.Join(pageTexts(doc), "\n")
		for _, want := range []string{"测试面单 TEST", dadan.TestSortCode, dadan.TestBagAddr, "中通快递"} {
			assert.Contains(t, texts, want, name)
		}
	}
	name, ok := dadan.CarrierName("yunda")
	assert.True(t, ok)
	assert.Equal(t, "韵达快递", name)
	_, ok = dadan.CarrierName("YD")
	assert.False(t, ok, "YD is no code of ours")
}

// TestStationJournalsLayoutWarnings: an address cut short on a waybill is a note
// in the order's journal, naming the element and field but not the address.
func TestStationJournalsLayoutWarnings(t *testing.T) {
	rig := newPrintRig(t)
	ctx := access.NewContext(context.Background(), access.Principal{ID: "printer-op"})
	var o map[string]any
	line, _, _ := strings.Cut(string(sample.Orders), "\n")
	require.NoError(t, json.Unmarshal([]byte(line), &o))
	long := "文三路" + strings.Repeat("某某大厦某某座", 12) + "1201室"
	o["recipient"].(map[string]any)["address"] = long
	b, err := json.Marshal(o)
	require.NoError(t, err)
	sum, err := rig.st.Ingest(ctx, bytes.NewReader(b), nil)
	require.NoError(t, err)
	require.Equal(t, 1, sum.Approved)
	_, err = rig.st.Print(ctx)
	require.NoError(t, err)
	require.NoError(t, rig.st.Drain(ctx))
	var notes []string
	for e := range rig.store.Journal(ctx, 0) {
		if strings.HasPrefix(e.Detail, "layout warning") {
			notes = append(notes, e.Detail)
		}
	}
	require.Equal(t, []string{"layout warning: waybill: element recipient_address (recipient.address) cut short"}, notes)
	assert.Equal(t, "layout warning: product_label: element barcode (item.barcode): line 2 has no barcode",
		dadan.WarningNote(printer.ProductLabel, label.Warning{Element: "barcode", Field: "item.barcode", Reason: "line 2 has no barcode"}))
}
