package review

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dadanhq/dadan/address"
	"github.com/dadanhq/dadan/order"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"
)

// TestDivisionFindings reviews the addresses of the division data's hard cases and
// checks outcome, codes and both messages.
func TestDivisionFindings(t *testing.T) {
	tests := []struct {
		prov, city, dist string
		outcome          Outcome
		code             Code
		en, zh           string
	}{
		{"浙江省", "温州市", "余杭区", Hold, CodeDistrictMismatch, "district 余杭区 is not in 温州市 but in 浙江省杭州市", "余杭区 不属于 温州市，而属于 浙江省杭州市"},
		{"浙江省", "杭州市", "南山区", Hold, CodeDistrictMismatch, "district 南山区 is not in 杭州市 but in 黑龙江省鹤岗市、广东省深圳市", ""},
		{"浙江省", "杭州市", "朝阳区", Hold, CodeDistrictMismatch, "district 朝阳区 is not in 杭州市 but in 北京市、吉林省长春市", ""},
		{"广东省", "东莞市", "", Approve, "", "", ""},
		{"广东省", "东莞市", "长安镇", Approve, "", "", ""},
		{"广东", "中山市", "", Approve, "", "", ""},
		{"海南省", "儋州市", "", Approve, "", "", ""},
		{"甘肃省", "嘉峪关市", "", Approve, "", "", ""},
		{"湖北省", "省直辖县级行政区划", "仙桃市", Approve, "", "", ""},
		{"湖北省", "仙桃市", "", Approve, "", "", ""},
		{"湖北省", "仙桃市", "郑场镇", Approve, "", "", ""},
		{"湖北省", "省直辖县级行政区划", "", Reject, CodeDistrictMissing, "", ""},
		{"广西省", "南宁市", "青秀区", Hold, CodeProvinceNear, "province 广西省 is written 广西壮族自治区", "省份 广西省 应为 广西壮族自治区"},
		{"内蒙古省", "呼和浩特市", "赛罕区", Hold, CodeProvinceNear, "province 内蒙古省 is written 内蒙古自治区", ""},
		{"北京", "朝阳区", "三环以内", Approve, "", "", ""},
		{"北京", "北京市", "朝阳区", Approve, "", "", ""},
		{"北京市", "市辖区", "朝阳区", Approve, "", "", ""},
		{"重庆市", "县", "石柱县", Approve, "", "", ""},
		{"重庆", "重庆市", "城口县", Approve, "", "", ""},
		{"香港特别行政区", "杭州市", "西湖区", Hold, CodeCityMismatch, "city 杭州市 is not in 香港特别行政区 but in 浙江省", "杭州市 不属于 香港特别行政区，而属于 浙江省"},
		{"香港特别行政区", "九龙", "油尖旺区", Approve, "", "", ""},
		{"香港", "香港", "", Approve, "", "", ""},
		{"台湾省", "台北市", "大安区", Approve, "", "", ""},
		{"山东省", "莱芜市", "莱城区", Approve, CodeRenamed, "莱芜市 is now 济南市", "莱芜市 现为 济南市"},
		{"浙江省", "杭州市", "临平区", Approve, "", "", ""},
		{"浙江省", "杭州市", "钱塘区", Approve, "", "", ""},
		{"浙江省", "杭州市", "余杭县", Hold, CodeDistrictNear, "district 余杭县 is written 余杭区", "区县 余杭县 应为 余杭区"},
		{"浙江省", "杭州市", "杭州市余杭区", Approve, "", "", ""},
		{"浙江省", "杭州县", "余杭区", Hold, CodeCityNear, "city 杭州县 is written 杭州市", ""},
		{"浙江省", "杭州市", "其它区", Hold, CodeDistrictUnknown, "district 其它区 is not a district of 杭州市", "其它区 不是 杭州市 的区县"},
		{"江苏省", "苏州市", "工业园区", Approve, "", "", ""},
		{"四川省", "成都市", "高新区", Approve, "", "", ""},
		{"浙江省", "宁波市", "经济技术开发区", Approve, "", "", ""},
		{"江苏", "杭州", "余杭区", Hold, CodeCityMismatch, "city 杭州 is not in 江苏省 but in 浙江省", ""},
		{"浙江省", "余杭区", "五常街道", Hold, CodeCityMismatch, "city 余杭区 is not a city of 浙江省 but a district or county of 浙江省杭州市", "余杭区 不是 浙江省 的城市，而是 浙江省杭州市 的区县"},
		{"浙江省", "火星市", "西湖区", Hold, CodeCityMismatch, "city 火星市 is not in 浙江省", ""},
	}
	for _, tt := range tests {
		o := cleanOrder("D1")
		o.Recipient.Province, o.Recipient.City, o.Recipient.District = tt.prov, tt.city, tt.dist
		r := reviewOne(t, Config{}, o)
		name := tt.prov + "/" + tt.city + "/" + tt.dist
		assert.Equal(t, tt.outcome, r.Outcome, "%s: %v", name, r.Findings)
		if tt.code == "" {
			assert.Empty(t, r.Findings, name)
			continue
		}
		var f *Finding
		for i := range r.Findings {
			if r.Findings[i].Code == tt.code && f == nil {
				f = &r.Findings[i]
			}
		}
		if !assert.NotNil(t, f, "%s: want %s in %v", name, tt.code, r.Findings) {
			continue
		}
		if tt.en != "" {
			assert.Equal(t, tt.en, f.Message(language.English), name)
		}
		if tt.zh != "" {
			assert.Equal(t, tt.zh, f.Message(language.SimplifiedChinese), name)
		}
	}
}

// TestWrongDistrictsHold puts every district of one city into another city of the
// same province: each must hold naming the city it belongs to.
func TestWrongDistrictsHold(t *testing.T) {
	zj, _ := address.LookupProvince("浙江省")
	cities := zj.Children()
	require.Len(t, cities, 11)
	var orders []*order.Order
	var want []string
	for i, c := range cities {
		other := cities[(i+1)%len(cities)]
		for _, d := range c.Children() {
			o := cleanOrder("W" + d.Name())
			o.Buyer.Nick = o.ID
			o.Recipient.City, o.Recipient.District = other.Name(), d.Name()
			orders = append(orders, o)
			want = append(want, c.Path())
		}
	}
	e, err := New(Config{})
	require.NoError(t, err)
	res, err := e.Review(t.Context(), orders, &Options{DryRun: true})
	require.NoError(t, err)
	for i, r := range res {
		d := orders[i].Recipient.District
		assert.Equal(t, Hold, r.Outcome, d)
		if assert.True(t, hasCode(r.Findings, CodeDistrictMismatch), "%s: %v", d, r.Findings) {
			for _, f := range r.Findings {
				if f.Code == CodeDistrictMismatch {
					assert.Contains(t, f.Args[2], want[i], d)
				}
			}
		}
	}
}

func TestAddressInferred(t *testing.T) {
	o := cleanOrder("I1")
	o.Recipient.Province, o.Recipient.City, o.Recipient.District, o.Recipient.Street = "", "", "", ""
	o.Recipient.Address = "浙江省杭州市余杭区五常街道文一西路969号"
	r := reviewOne(t, Config{}, o)
	assert.Equal(t, Approve, r.Outcome, "%v", r.Findings)
	require.Len(t, r.Findings, 1)
	assert.Equal(t, CodeAddressInferred, r.Findings[0].Code)
	assert.Equal(t, "province, city and district read from the address: 浙江省/杭州市/余杭区/五常街道", r.Findings[0].Message(language.English))
	assert.Equal(t, "省市区由详细地址识别：浙江省/杭州市/余杭区/五常街道", r.Findings[0].Message(language.SimplifiedChinese))

	// What is read is checked: 温州市 has no 余杭区.
	o.Recipient.Address = "浙江省温州市余杭区文一西路969号"
	r = reviewOne(t, Config{}, o)
	assert.Equal(t, Reject, r.Outcome, "%v", r.Findings) // no district read: 余杭区 is not in 温州市
	assert.True(t, hasCode(r.Findings, CodeAddressInferred))

	// A line that names no province is not enough.
	o.Recipient.Address = "文一西路969号"
	r = reviewOne(t, Config{}, o)
	assert.Equal(t, Reject, r.Outcome)
	assert.True(t, hasCode(r.Findings, CodeProvinceMissing))
	assert.False(t, hasCode(r.Findings, CodeAddressInferred))
}

func TestAddressConflict(t *testing.T) {
	o := cleanOrder("C1")
	o.Recipient.Address = "浙江省温州市鹿城区五马街1号"
	r := reviewOne(t, Config{}, o)
	assert.Equal(t, Hold, r.Outcome)
	require.True(t, hasCode(r.Findings, CodeAddressConflict), "%v", r.Findings)
	assert.Equal(t, "the address line says 浙江省/温州市/鹿城区, the fields say 浙江省/杭州市/余杭区", r.Findings[0].Message(language.English))

	for _, same := range []string{"浙江省杭州市余杭区文一西路969号", "杭州市余杭区文一西路969号", "余杭区文一西路969号", "北京中路1号", "杭州大道1号", "上海路2号"} {
		o.Recipient.Address = same
		r = reviewOne(t, Config{}, o)
		assert.Equal(t, Approve, r.Outcome, "%s: %v", same, r.Findings)
	}
}

func TestMaskedPhone(t *testing.T) {
	o := cleanOrder("M1")
	o.Recipient.Name, o.Recipient.Phone = "张*", "138****8000"
	r := reviewOne(t, Config{}, o)
	assert.Equal(t, Hold, r.Outcome)
	require.Len(t, r.Findings, 1, "%v", r.Findings)
	assert.Equal(t, CodePhoneMasked, r.Findings[0].Code)
	assert.False(t, hasCode(r.Findings, CodePhoneInvalid))

	o.Recipient.Protected = &order.Protected{Ref: "oaid-1", Phone: "~AgAAAAI=~"}
	r = reviewOne(t, Config{}, o)
	assert.Equal(t, Approve, r.Outcome)
	require.Len(t, r.Findings, 1)
	assert.Equal(t, SeverityInfo, r.Findings[0].Severity)
	assert.Equal(t, "收件人电话 138****8000 已脱敏：请通过平台打印组件打印面单", r.Findings[0].Message(language.SimplifiedChinese))
}

func TestRegionPhones(t *testing.T) {
	o := cleanOrder("H1")
	o.Recipient.Province, o.Recipient.City, o.Recipient.District = "香港特别行政区", "九龙", "油尖旺区"
	for _, ph := range []string{"9123 4567", "+852 9123 4567", "13800138000"} {
		o.Recipient.Phone = ph
		r := reviewOne(t, Config{}, o)
		assert.Equal(t, Approve, r.Outcome, "%s %v", ph, r.Findings)
	}
	o = cleanOrder("H2")
	o.Recipient.Phone = "9123 4567"
	assert.Equal(t, Reject, reviewOne(t, Config{}, o).Outcome, "a Hong Kong number for a mainland address")
}

func TestCheckPrinted(t *testing.T) {
	tests := []struct {
		name   string
		change func(o *order.Order)
		field  string
		en     string
	}{
		{"ESC @ in the buyer remark", func(o *order.Order) { o.Remark.Buyer = "请尽快\x1b@发货" }, "remark.buyer", "control character U+001B in remark.buyer"},
		{"GS V in the seller remark", func(o *order.Order) { o.Remark.Seller = "\x1dV\x00" }, "remark.seller", "control character U+001D in remark.seller"},
		{"ZPL in a tracking number", func(o *order.Order) { o.Waybill = &order.Waybill{TrackingNo: "75^XZ~JA12"} }, "waybill.tracking_no", `printer command "^XZ" in waybill.tracking_no`},
		{"ZPL in a sort code", func(o *order.Order) { o.Waybill = &order.Waybill{TrackingNo: "SF1", SortCode: "~JA"} }, "waybill.sort_code", ""},
		{"item name", func(o *order.Order) { o.Items[0].Name = "杯子^FO50" }, "items[0].name", ""},
		{"item spec", func(o *order.Order) { o.Items[1].Spec = "M\x07" }, "items[1].spec", ""},
		{"shop", func(o *order.Order) { o.Shop = "店\x9b" }, "shop", ""},
		{"sender", func(o *order.Order) { o.Sender.Address = "仓库\x1b" }, "sender.address", ""},
		{"bad UTF-8", func(o *order.Order) { o.Remark.Buyer = "\xff" }, "remark.buyer", "remark.buyer is not valid UTF-8"},
	}
	for _, tt := range tests {
		o := cleanOrder("P1")
		tt.change(o)
		r := reviewOne(t, Config{}, o)
		assert.Equal(t, Hold, r.Outcome, "%s: %v", tt.name, r.Findings)
		var f *Finding
		for i := range r.Findings {
			if r.Findings[i].Code == CodeFieldSuspicious {
				f = &r.Findings[i]
			}
		}
		if assert.NotNil(t, f, tt.name) {
			assert.Equal(t, tt.field, f.Field, tt.name)
			if tt.en != "" {
				assert.Equal(t, tt.en, f.Message(language.English), tt.name)
			}
		}
	}
	for _, id := range []string{"A\x00B", "T^XA1", "\xffid", "A\x1bB"} {
		o := cleanOrder(id)
		r := reviewOne(t, Config{}, o)
		assert.Equal(t, Reject, r.Outcome, "%q", id)
		assert.True(t, hasCode(r.Findings, CodeIDInvalid), "%q: %v", id, r.Findings)
	}
	o := cleanOrder("TB-2026 11 11/001")
	o.Remark.Buyer, o.Items[0].Name = "请用纸箱，谢谢~", "杯子 500ml ^_^"
	assert.Equal(t, Approve, reviewOne(t, Config{}, o).Outcome, "a tilde or caret alone is text")
}

func TestSmallGaps(t *testing.T) {
	now := time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	tests := []struct {
		name    string
		cfg     Config
		change  func(o *order.Order)
		outcome Outcome
		code    Code
		en      string
	}{
		{"unknown platform", Config{}, func(o *order.Order) { o.Platform = "xiaohongshu" }, Hold, CodePlatformUnknown, `platform "xiaohongshu" is not one dadan knows`},
		{"3-decimal price", Config{}, func(o *order.Order) {
			o.Items[0].UnitPrice, o.Total = dec("59.995"), dec("139.80")
		}, Hold, CodeMoneyPrecision, "amount 59.995 has fractions of a fen"},
		{"3 decimals, whole fen", Config{}, func(o *order.Order) { o.Items[0].UnitPrice = dec("59.900") }, Approve, "", ""},
		{"paid in 1926", Config{Now: clock}, func(o *order.Order) { o.PaidAt = time.Date(1926, 11, 11, 0, 0, 0, 0, time.UTC) }, Hold, CodePaidImplausible, "paid at 1926-11-11T00:00:00Z: not a plausible time"},
		{"paid next week", Config{Now: clock}, func(o *order.Order) { o.PaidAt = now.Add(7 * 24 * time.Hour) }, Hold, CodePaidImplausible, ""},
		{"paid two years ago", Config{Now: clock, MaxPaidAge: 365 * 24 * time.Hour}, func(o *order.Order) { o.PaidAt = now.AddDate(-2, 0, 0) }, Hold, CodePaidOld, "paid at 2024-11-12T00:00:00Z, 730 days ago"},
		{"paid two years ago, no limit", Config{Now: clock}, func(o *order.Order) { o.PaidAt = now.AddDate(-2, 0, 0) }, Approve, "", ""},
		{"negative stock", Config{Inventory: StockMap{"CUP-500-W": -3, "SOCK-M-5": 10}}, func(o *order.Order) {}, Hold, CodeStockNegative, "CUP-500-W: the inventory reports -3 units"},
	}
	for _, tt := range tests {
		o := cleanOrder("G1")
		tt.change(o)
		r := reviewOne(t, tt.cfg, o)
		assert.Equal(t, tt.outcome, r.Outcome, "%s: %v", tt.name, r.Findings)
		if tt.code == "" {
			assert.Empty(t, r.Findings, tt.name)
			continue
		}
		if assert.True(t, hasCode(r.Findings, tt.code), "%s: %v", tt.name, r.Findings) && tt.en != "" {
			for _, f := range r.Findings {
				if f.Code == tt.code {
					assert.Equal(t, tt.en, f.Message(language.English), tt.name)
				}
			}
		}
	}
	_, err := New(Config{MaxPaidAge: -1})
	assert.ErrorIs(t, err, ErrConfig)
}

func TestMergeLeavesOutRejected(t *testing.T) {
	a, b, c := cleanOrder("MA"), cleanOrder("MB"), cleanOrder("MC")
	for _, o := range []*order.Order{b, c} {
		o.Buyer.Nick = a.Buyer.Nick
	}
	c.Items = nil // rejected: no items
	e, err := New(Config{})
	require.NoError(t, err)
	res, err := e.Review(t.Context(), []*order.Order{a, b, c}, &Options{DryRun: true})
	require.NoError(t, err)
	for _, r := range res[:2] {
		require.Equal(t, Hold, r.Outcome, "%v", r.Findings)
		require.Len(t, r.Findings, 1)
		assert.Equal(t, CodeMergeCandidate, r.Findings[0].Code)
		assert.NotContains(t, r.Findings[0].Args[0], "MC", "a rejected order is no merge candidate")
	}
	assert.Equal(t, Reject, res[2].Outcome)
	assert.False(t, hasCode(res[2].Findings, CodeMergeCandidate))

	// With its only partner rejected, an order is approved, and gets its stock.
	me, md := cleanOrder("ME"), cleanOrder("MD")
	md.Buyer.Nick, md.Items = me.Buyer.Nick, nil
	e, err = New(Config{Inventory: StockMap{"CUP-500-W": 2, "SOCK-M-5": 1}})
	require.NoError(t, err)
	res, err = e.Review(t.Context(), []*order.Order{me, md}, &Options{DryRun: true})
	require.NoError(t, err)
	assert.Equal(t, Approve, res[0].Outcome, "%v", res[0].Findings)
	assert.Nil(t, res[0].Findings)
	assert.Equal(t, Reject, res[1].Outcome)
	// The stock went to ME: a second batch order of the SKU is short.
	me2 := cleanOrder("MF")
	res, err = e.Review(t.Context(), []*order.Order{me, md, me2}, &Options{DryRun: true})
	require.NoError(t, err)
	assert.Equal(t, Approve, res[0].Outcome)
	assert.True(t, hasCode(res[2].Findings, CodeStockShort), "%v", res[2].Findings)
}

// TestWrongDistrictsNationwide puts 500 random districts into a random other
// city: each holds naming the city the district belongs to, unless the other
// city has a district of the same name.
func TestWrongDistrictsNationwide(t *testing.T) {
	type place struct{ prov, city, county address.Division }
	var all []place
	for _, p := range address.Provinces() {
		if !p.Mainland() {
			continue
		}
		for _, c := range p.Children() {
			if c.Code() == "" || c.Placeholder() {
				continue
			}
			for _, k := range c.Children() {
				if !k.Zone() {
					all = append(all, place{p, c, k})
				}
			}
		}
	}
	require.Greater(t, len(all), 2700)
	rnd := rand.New(rand.NewPCG(3, 4))
	var orders []*order.Order
	var want []place
	for len(orders) < 500 {
		a, b := all[rnd.IntN(len(all))], all[rnd.IntN(len(all))]
		if a.city == b.city {
			continue
		}
		if _, m := address.LookupCounty(b.city, a.county.Name()); m != address.NoMatch {
			continue // 朝阳区 is in 北京市 and in 长春市
		}
		o := cleanOrder(fmt.Sprintf("N%03d", len(orders)))
		o.Buyer.Nick = o.ID
		o.Recipient.Province, o.Recipient.City, o.Recipient.District = b.prov.Name(), b.city.Name(), a.county.Name()
		orders = append(orders, o)
		want = append(want, a)
	}
	e, err := New(Config{})
	require.NoError(t, err)
	res, err := e.Review(t.Context(), orders, &Options{DryRun: true})
	require.NoError(t, err)
	for i, r := range res {
		name := orders[i].Recipient.City + "/" + orders[i].Recipient.District
		require.Equal(t, Hold, r.Outcome, name)
		require.True(t, hasCode(r.Findings, CodeDistrictMismatch), "%s: %v", name, r.Findings)
		for _, f := range r.Findings {
			if f.Code == CodeDistrictMismatch {
				assert.Contains(t, f.Args[2], want[i].city.Path(), name)
			}
		}
	}
}
