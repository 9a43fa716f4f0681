package orderlabel_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dadanhq/dadan/internal/orderlabel"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/zpl"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/order/ordertest"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestData(t *testing.T) {
	o := &order.Order{ID: "TB1", Platform: order.Taobao, Shop: "店", Total: decimal.RequireFromString("109.8"),
		Recipient: order.Party{Name: "张三", Phone: "13800138000", Province: "北京市", City: "北京市", District: "朝阳区", Address: "1号"},
		Items:     []order.Item{{SKU: "A", Name: "杯", Qty: 2, UnitPrice: decimal.RequireFromString("59.9")}},
		Remark:    order.Remark{Buyer: " 快 ", Seller: ""},
		Waybill:   &order.Waybill{TrackingNo: "75", Piece: 1, Pieces: 2, ParentNo: "74"}}
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	d := orderlabel.Data(o, at, "补打 #2")
	assert.Equal(t, "北京市朝阳区1号", d.Fields["recipient.address"])
	assert.Equal(t, "109.80", d.Fields["order.total"])
	assert.Equal(t, "买家：快", d.Fields["order.remark"])
	assert.Equal(t, "75", d.Fields["waybill.tracking_no"])
	assert.Equal(t, "1/2", d.Fields["waybill.piece"])
	assert.Equal(t, "2026-11-11T09:00:00Z", d.Fields["print.time"])
	assert.Equal(t, "补打 #2", d.Fields["print.mark"])
	rows := d.Tables["items"]
	assert.Len(t, rows, 1)
	assert.Equal(t, "59.90", rows[0]["unit_price"])
	assert.Equal(t, "2", rows[0]["qty"])
}

func ExampleData() {
	o := &order.Order{ID: "TB1", Recipient: order.Party{Name: "张三", Province: "浙江省", City: "杭州市", District: "西湖区", Address: "文三路1号"},
		Waybill: &order.Waybill{TrackingNo: "756123456789"}}
	d := orderlabel.Data(o, time.Time{}, "")
	fmt.Println(d.Fields["recipient.address"], d.Fields["waybill.tracking_no"])
	// Output: 浙江省杭州市西湖区文三路1号 756123456789
}

// TestMaskedRecipient: an order with the platform's masked display values (and
// the ciphertexts in Protected) binds the masked values, and masking them again
// for a privacy template keeps them as they are.
func TestMaskedRecipient(t *testing.T) {
	o := &order.Order{ID: "PDD1", Recipient: order.Party{Name: "王*", Phone: "139****0000", Province: "四川省", City: "成都市", District: "武侯区", Address: "人民南路****",
		Protected: &order.Protected{Name: "~AgAAAAEJ~", Phone: "~AgAAAAKc~", Address: "~AgAAAAOB~"}}}
	d := orderlabel.Data(o, time.Time{}, "")
	assert.Equal(t, "王*", d.Fields["recipient.name"])
	assert.Equal(t, "139****0000", d.Fields["recipient.phone"])
	assert.Equal(t, "四川省成都市武侯区人民南路****", d.Fields["recipient.address"])
	for _, v := range d.Fields {
		assert.NotContains(t, v, "~AgAAAA", "ciphertexts are never printed")
	}
	// Masking a masked value again for a privacy template reveals nothing more
	// (label's mask keeps fewer digits of it: *******0000).
	for filter, in := range map[string]string{"private_phone": "139****0000", "private_name": "王*"} {
		got, err := label.Filter(filter, in, true)
		assert.NoError(t, err)
		assert.LessOrEqual(t, countDigits(got), countDigits(in), filter)
		assert.Equal(t, len([]rune(in)), len([]rune(got)), filter)
	}
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// DataInto refills one Data order after order: each time it holds exactly what
// Data gives for that order, whatever the last one had (more lines, a waybill,
// pieces).
func TestDataIntoReuses(t *testing.T) {
	g := ordertest.New(3)
	g.MaxItems = 6
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	var d label.Data
	for i := range 300 {
		o := g.Order()
		switch i % 3 {
		case 0:
			o.Waybill = &order.Waybill{TrackingNo: "75", Piece: 2, Pieces: 3, ParentNo: "74", BagAddr: "杭州"}
		case 1:
			o.Items = nil
		}
		mark := ""
		if i%5 == 0 {
			mark = "补打 #2"
		}
		when := at
		if i%7 == 3 {
			when = time.Time{} // no print time
		}
		if i%11 == 5 {
			// Fields, tables and row fields Data does not set go.
			if d.Fields == nil {
				d.Fields = map[string]string{}
			}
			d.Fields["extra"] = "x"
			d.Std.Set(label.FieldCarrierName, "x")
			d.Tables["other"] = nil
			if rows := d.Tables["items"]; len(rows) > 0 {
				rows[0]["extra"] = "y"
			}
		}
		want := orderlabel.Data(o, when, mark)
		got := orderlabel.DataInto(&d, o, when, mark)
		require.Zero(t, want.Std.Len(), "Data fills Fields alone")
		require.Empty(t, got.Fields, "order %d: DataInto fills Std alone", i)
		require.Equal(t, want.Fields, got.Std.All(), "order %d", i)
		require.Equal(t, want.Tables, got.Tables, "order %d", i)
		for name, v := range want.Fields {
			f, ok := got.Field(name)
			require.True(t, ok, name)
			require.Equal(t, v, f, name)
		}
	}
}

// The station's path (DataInto, a Layouter, its arenas reused) prints the bytes
// the host's path (Data, Layout) prints, order after order, for every standard
// template; and the documents Layout returned stay as they were while the
// Layouter goes on.
func TestReusedPathPrintsTheSame(t *testing.T) {
	g := ordertest.New(11)
	g.MaxItems = 5
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	r, err := zpl.New(nil)
	require.NoError(t, err)
	opts := new((*label.LayoutOptions)(nil).ForRenderer(r))
	ctx := context.Background()
	for _, name := range label.StandardNames() {
		tpl, err := label.Standard(name)
		require.NoError(t, err)
		lo := label.NewLayouter(tpl)
		var d label.Data
		type kept struct {
			doc *label.Document
			zpl string
		}
		var keep []kept
		for i := range 150 {
			o := g.Order()
			o.Waybill = &order.Waybill{TrackingNo: fmt.Sprintf("7599%08d", i+1), SortCode: "200-E01-08", Mark: "杭州余杭"}
			if i%4 == 1 {
				o.Remark.Seller = strings.Repeat("备注很长", 1+i%9)
			}
			want, errWant := label.Layout(tpl, orderlabel.Data(o, at, ""), opts)
			got, errGot := lo.Layout(orderlabel.DataInto(&d, o, at, ""), opts)
			if errWant != nil {
				require.EqualError(t, errGot, errWant.Error(), "%s, order %d", name, i)
				continue
			}
			require.NoError(t, errGot)
			var wb, gb bytes.Buffer
			require.NoError(t, r.Render(ctx, &wb, want))
			require.NoError(t, r.Render(ctx, &gb, got))
			require.Equal(t, wb.String(), gb.String(), "%s, order %d", name, i)
			if i%10 == 0 {
				keep = append(keep, kept{want, wb.String()})
			}
		}
		for k, x := range keep {
			var b bytes.Buffer
			require.NoError(t, r.Render(ctx, &b, x.doc))
			require.Equal(t, x.zpl, b.String(), "%s, kept document %d", name, k)
		}
	}
}
