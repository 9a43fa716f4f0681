package platform

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func read(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	return b
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func cst(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05", s, time.FixedZone("CST", 8*3600))
	if err != nil {
		panic(err)
	}
	return t
}

func byID(orders []*order.Order) map[string]*order.Order {
	m := map[string]*order.Order{}
	for _, o := range orders {
		m[o.ID] = o
	}
	return m
}

func reasons(errs []error) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func TestTaobaoUTF8(t *testing.T) {
	orders, refused, err := Import(Taobao, Source{Orders: read(t, "taobao_orders.csv"), OrdersName: "orders.csv", Items: read(t, "taobao_items.csv"), ItemsName: "items.csv"})
	require.NoError(t, err)
	m := byID(orders)
	require.Len(t, orders, 2, "%v", reasons(refused))
	o := m["3618000000000001"]
	require.NotNil(t, o)
	assert.Equal(t, order.Taobao, o.Platform)
	assert.Equal(t, "某某旗舰店", o.Shop)
	assert.Equal(t, "tb_nick_01", o.Buyer.Nick)
	assert.Equal(t, order.Party{Name: "张伟", Phone: "13800138000", Province: "浙江省", City: "杭州市", District: "余杭区", Street: "五常街道", Address: "文一西路969号", Postcode: "311121"}, o.Recipient)
	require.Len(t, o.Items, 2)
	assert.Equal(t, order.Item{SKU: "CUP-500-W", Name: "保温杯 500ml", Spec: "颜色分类：白色", Qty: 2, UnitPrice: dec("59.90")}, o.Items[0])
	assert.True(t, o.Total.Equal(dec("139.70")))
	assert.True(t, o.Discount.Equal(dec("10.00")), "items 149.70 + shipping 0 − paid 139.70")
	assert.Equal(t, "139.70", string(order.AppendMoney(nil, o.Total)))
	assert.True(t, o.PaidAt.Equal(cst("2026-11-11 00:00:15")))
	_, off := o.PaidAt.Zone()
	assert.Equal(t, 8*3600, off)
	assert.Equal(t, "请尽快发货", o.Remark.Buyer)

	changed := m["3618000000000004"]
	require.NotNil(t, changed)
	assert.Equal(t, []string{"address_changed"}, changed.Flags)
	assert.Equal(t, "苏州工业园区", changed.Recipient.District, "the changed address is the one to ship to")
	assert.Equal(t, "215123", changed.Recipient.Postcode)
	assert.Equal(t, "010-65529988", changed.Recipient.Phone, "联系电话 when there is no 联系手机")

	all := strings.Join(reasons(refused), "\n")
	assert.Contains(t, all, "orders.csv:3: 3618000000000002: 订单状态 交易关闭: not waiting to ship")
	assert.Contains(t, all, "orders.csv:4:", "the broken row (a comma too many) is refused with its line")
	assert.Len(t, refused, 2)
	var re *RowError
	require.True(t, errors.As(refused[0], &re))
}

func TestTaobaoGBKOldColumns(t *testing.T) {
	orders, refused, err := Import(Taobao, Source{Orders: read(t, "taobao_orders_gbk.csv"), Items: read(t, "taobao_items_gbk.csv")})
	require.NoError(t, err)
	require.Len(t, orders, 1, "%v", reasons(refused))
	o := orders[0]
	assert.Equal(t, "3618000000000101", o.ID)
	assert.Equal(t, "陈静", o.Recipient.Name)
	assert.Equal(t, "四川省", o.Recipient.Province)
	assert.Equal(t, "武侯区", o.Recipient.District)
	assert.True(t, o.Total.Equal(dec("378.00")), "买家实际支付金额")
	assert.True(t, o.Discount.Equal(dec("10.00")))
	require.NotNil(t, o.Waybill)
	assert.Equal(t, "YT1234567890123", o.Waybill.TrackingNo, "物流单号")
	assert.Equal(t, "圆通速递", o.Carrier)
	assert.True(t, o.PaidAt.Equal(cst("2026-11-11 08:01:00")))
	assert.Equal(t, "老客户送小样", o.Remark.Seller)
	require.Len(t, refused, 1)
	assert.Contains(t, refused[0].Error(), "等待买家付款")
}

func TestTaobaoNeedsItems(t *testing.T) {
	orders, refused, err := Import(Taobao, Source{Orders: read(t, "taobao_orders_gbk.csv")})
	require.NoError(t, err)
	assert.Empty(t, orders)
	assert.Contains(t, strings.Join(reasons(refused), "\n"), "宝贝报表")
	_, _, err = Import(Taobao, Source{Orders: []byte("a,b\n1,2\n")})
	assert.ErrorIs(t, err, ErrFormat)
}

func TestTOP(t *testing.T) {
	orders, refused, err := Import(TOP, Source{Orders: read(t, "top_trades.json"), OrdersName: "top.json"})
	require.NoError(t, err)
	require.Len(t, orders, 3)
	o := orders[0]
	assert.Equal(t, "3618000000000201", o.ID)
	assert.Equal(t, []string{"red"}, o.Flags, "seller_flag 1 is the red flag")
	assert.Equal(t, "138****8000", o.Recipient.Phone)
	require.NotNil(t, o.Recipient.Protected)
	assert.Equal(t, "1rQ7F0ZgLkDq2nQ3hXqUw4eL5tYy", o.Recipient.Protected.Ref)
	assert.Equal(t, "五常街道", o.Recipient.Street)
	assert.True(t, o.Discount.Equal(dec("10.00")))
	assert.True(t, o.ItemsTotal().Sub(o.Discount).Add(o.ShippingFee).Equal(o.Total))
	assert.Equal(t, "送小样", o.Remark.Seller)
	tm := orders[1]
	assert.Equal(t, order.Tmall, tm.Platform)
	assert.Equal(t, []string{"address_changed"}, tm.Flags)
	assert.Equal(t, "东莞市", tm.Recipient.City)
	jy := orders[2].Recipient
	assert.Equal(t, [3]string{"河南省", "济源市", ""}, [3]string{jy.Province, jy.City, jy.District}, "济源 comes in receiver_district")
	require.Len(t, refused, 1)
	assert.Equal(t, "top.json:4: 3618000000000203: status TRADE_CLOSED: not waiting to ship", refused[0].Error())
}

func TestPDD(t *testing.T) {
	orders, refused, err := Import(PDD, Source{Orders: read(t, "pdd_orders.json")})
	require.NoError(t, err)
	require.Len(t, orders, 2, "%v", reasons(refused))
	o := orders[0]
	assert.Equal(t, "王*", o.Recipient.Name)
	assert.Equal(t, "139****0000", o.Recipient.Phone)
	assert.Equal(t, "人民南路****", o.Recipient.Address)
	require.NotNil(t, o.Recipient.Protected)
	assert.Equal(t, "~AgAAAAKcZk0PmfDRtQ==~", o.Recipient.Protected.Phone)
	assert.Equal(t, "~AgAAAAEJxE8Fh3F1bA==~", o.Recipient.Protected.Name)
	assert.True(t, o.Total.Equal(dec("89.8")))
	assert.Equal(t, "59.9", o.Items[0].UnitPrice.String(), "JSON numbers are read exactly, not through float64")
	plain := orders[1]
	assert.Nil(t, plain.Recipient.Protected)
	assert.Equal(t, "江苏省", plain.Recipient.Province, "a one-line address is split")
	assert.Equal(t, "苏州工业园区", plain.Recipient.District)
	assert.Equal(t, "星湖街328号", plain.Recipient.Address)
	require.Len(t, refused, 1)
	assert.Contains(t, refused[0].Error(), "after-sale")
}

func TestDouyin(t *testing.T) {
	orders, refused, err := Import(Douyin, Source{Orders: read(t, "douyin_orders.json")})
	require.NoError(t, err)
	require.Len(t, orders, 1, "%v", reasons(refused))
	o := orders[0]
	assert.Equal(t, "6920000000000000001", o.ID)
	assert.Equal(t, []string{"red"}, o.Flags, "seller_remark_stars 5 is Douyin's red flag")
	assert.True(t, o.Total.Equal(dec("139.70")), "pay_amount is in fen")
	assert.Equal(t, "59.9", o.Items[0].UnitPrice.String(), "11980 fen for 2")
	assert.Equal(t, 2, o.Items[0].Qty)
	assert.Equal(t, "白色", o.Items[0].Spec)
	assert.Equal(t, "张**", o.Recipient.Name)
	assert.Equal(t, "138****8000", o.Recipient.Phone)
	assert.Equal(t, "文一西路***", o.Recipient.Address)
	assert.Equal(t, "余杭区", o.Recipient.District)
	require.NotNil(t, o.Recipient.Protected)
	assert.Equal(t, order.Protected{Ref: "#OA1234567890#", Name: "#AbCdEfGh1234#", Phone: "$13800138000$", Address: "##QmFzZTY0RGV0YWls##"}, *o.Recipient.Protected)
	assert.Equal(t, time.Unix(1794240020, 0).Unix(), o.PaidAt.Unix())
	_, off := o.PaidAt.Zone()
	assert.Equal(t, 8*3600, off)
	assert.True(t, o.Discount.Equal(dec("10.00")))
	require.Len(t, refused, 1)
}

func TestMappedCSV(t *testing.T) {
	m, err := ParseMapping(read(t, "mapping.json"))
	require.NoError(t, err)
	orders, refused, err := Import(CSV, Source{Orders: read(t, "custom.csv"), OrdersName: "custom.csv", Mapping: m})
	require.NoError(t, err)
	require.Len(t, orders, 2, "%v", reasons(refused))
	o := orders[0]
	assert.Equal(t, order.Own, o.Platform)
	assert.Len(t, o.Items, 2, "rows with the same id are one order")
	assert.Equal(t, "上海市", o.Recipient.Province)
	assert.Equal(t, "浦东新区", o.Recipient.District)
	assert.Equal(t, "张江镇", o.Recipient.Street)
	assert.Equal(t, "科苑路88号", o.Recipient.Address)
	assert.Equal(t, "59.900", orders[1].Items[0].UnitPrice.StringFixed(3), "3 decimals are kept for review to judge")
	assert.True(t, orders[1].PaidAt.Equal(cst("2026-11-11 12:00:00")))
	require.Len(t, refused, 1)
	assert.Equal(t, "custom.csv:4: OWN-2: item.qty: \"两\" is not a whole number", refused[0].Error())

	for _, bad := range []string{`{"columns":{"id":"a"}}`, `{"columns":{"id":"a","item.sku":"b","item.qty":"c","nope":"d"}}`, `{"platform":"xiaohongshu","columns":{"id":"a","item.sku":"b","item.qty":"c"}}`, `{`} {
		_, err := ParseMapping([]byte(bad))
		assert.ErrorIs(t, err, ErrFormat, bad)
	}
	_, _, err = Import(CSV, Source{Orders: read(t, "custom.csv")})
	assert.ErrorIs(t, err, ErrFormat, "no mapping")
}

func TestUnknownPlatformRefused(t *testing.T) {
	m := &Mapping{Columns: map[string]string{"id": "id", "platform": "platform", "item.sku": "sku", "item.qty": "qty"}}
	orders, refused, err := Import(CSV, Source{Orders: []byte("id,platform,sku,qty\nX1,xiaohongshu,A,1\nX2,TAOBAO,A,1\n"), Mapping: m})
	require.NoError(t, err)
	require.Len(t, orders, 1)
	assert.Equal(t, order.Taobao, orders[0].Platform)
	require.Len(t, refused, 1)
	assert.Contains(t, refused[0].Error(), `platform "xiaohongshu" is not one dadan knows`)
}

func FuzzMappedCSV(f *testing.F) {
	f.Add(read(f, "custom.csv"))
	f.Add([]byte("单号,货号,数量\n\"a,1\n"))
	f.Add([]byte("\xef\xbb\xbf单号,货号,数量\nA,B,1\nA,B,2\n"))
	m := &Mapping{Columns: map[string]string{"id": "单号", "item.sku": "货号", "item.qty": "数量", "item.unit_price": "单价", "recipient.full_address": "地址", "total": "实收", "paid_at": "付款时间"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		orders, refused, err := Import(CSV, Source{Orders: data, Mapping: m})
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v does not wrap ErrFormat", err)
			}
			return
		}
		for _, e := range refused {
			var re *RowError
			if !errors.As(e, &re) {
				t.Fatalf("refusal %v is not a RowError", e)
			}
		}
		for _, o := range orders {
			if o.ID == "" || len(o.Items) == 0 {
				t.Fatalf("order without id or items: %+v", o)
			}
			for _, it := range o.Items {
				if it.Qty <= 0 {
					t.Fatalf("quantity %d", it.Qty)
				}
			}
			// Every order encodes and decodes.
			var back order.Order
			if err := order.Unmarshal(order.AppendJSON(nil, o), &back); err != nil {
				t.Fatalf("%+v does not round-trip: %v", o, err)
			}
		}
	})
}

func FuzzJSONImports(f *testing.F) {
	for _, name := range []string{"top_trades.json", "pdd_orders.json", "douyin_orders.json"} {
		f.Add(read(f, name))
	}
	f.Add([]byte(`[{"tid":1,"orders":{"order":[{"num":"x"}]}}]`))
	f.Add([]byte(`{"error_response":{"code":7}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range []Format{TOP, PDD, Douyin} {
			orders, refused, err := Import(format, Source{Orders: data})
			if err != nil {
				if !errors.Is(err, ErrFormat) {
					t.Fatalf("%s: error %v does not wrap ErrFormat", format, err)
				}
				continue
			}
			for _, e := range refused {
				var re *RowError
				if !errors.As(e, &re) || re.Line < 1 {
					t.Fatalf("%s: refusal %v", format, e)
				}
			}
			for _, o := range orders {
				if o.ID == "" || len(o.Items) == 0 {
					t.Fatalf("%s: order without id or items: %+v", format, o)
				}
				var back order.Order
				if err := order.Unmarshal(order.AppendJSON(nil, o), &back); err != nil {
					t.Fatalf("%s: %+v does not round-trip: %v", format, o, err)
				}
			}
		}
	})
}

func TestParseMoney(t *testing.T) {
	for in, want := range map[string]string{"59.90": "59.9", "¥59.90": "59.9", "￥1,059.90": "1059.9", "59.90元": "59.9", "": "0", " 0.01 ": "0.01", "-3.00": "-3"} {
		d, err := parseMoney(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, d.String(), in)
	}
	for _, bad := range []string{"1e3", "五十", "59.9.9", "0x10", "NaN"} {
		_, err := parseMoney(bad)
		assert.Error(t, err, bad)
	}
}
