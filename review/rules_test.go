package review

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var paid0 = time.Date(2026, 11, 11, 0, 0, 9, 0, time.FixedZone("CST", 8*3600))

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// cleanOrder returns an order every built-in rule approves.
func cleanOrder(id string) *order.Order {
	return &order.Order{
		ID: id, Platform: order.Taobao, Shop: "某某旗舰店", PaidAt: paid0,
		Buyer: order.Buyer{Nick: "nick_" + id},
		Recipient: order.Party{
			Name: "张伟", Phone: "13800138000", Province: "浙江省", City: "杭州市", District: "余杭区",
			Street: "五常街道", Address: "文一西路969号", Postcode: "311121",
		},
		Items: []order.Item{
			{SKU: "CUP-500-W", Qty: 2, UnitPrice: dec("59.90")},
			{SKU: "SOCK-M-5", Qty: 1, UnitPrice: dec("29.90")},
		},
		ShippingFee: dec("0.00"), Discount: dec("10.00"), Total: dec("139.70"),
		Flags: []string{},
	}
}

var testPrices = PriceMap{"CUP-500-W": dec("59.90"), "CUP-500-B": dec("59.90"), "SOCK-M-5": dec("29.90"), "TEA-LJ-250": dec("388.00")}
var testStock = StockMap{"CUP-500-W": 100, "CUP-500-B": 100, "SOCK-M-5": 100, "TEA-LJ-250": 6}

func reviewOne(t *testing.T, cfg Config, o *order.Order) Result {
	t.Helper()
	if cfg.Prices == nil {
		cfg.Prices = testPrices
	}
	if cfg.Inventory == nil {
		cfg.Inventory = testStock
	}
	e, err := New(cfg)
	require.NoError(t, err)
	res, err := e.Review(context.Background(), []*order.Order{o}, nil)
	require.NoError(t, err)
	require.Len(t, res, 1)
	return res[0]
}

func TestCleanOrderApproves(t *testing.T) {
	r := reviewOne(t, Config{}, cleanOrder("A1"))
	assert.Equal(t, Approve, r.Outcome)
	assert.Nil(t, r.Findings)
	assert.Equal(t, "A1", r.OrderID)
}

func TestRules(t *testing.T) {
	tests := []struct {
		name    string
		change  func(o *order.Order)
		outcome Outcome
		code    Code
		field   string
	}{
		{"name blank", func(o *order.Order) { o.Recipient.Name = " \t" }, Reject, CodeNameMissing, "recipient.name"},
		{"name full-width space", func(o *order.Order) { o.Recipient.Name = "\u3000" }, Reject, CodeNameMissing, "recipient.name"},
		{"phone blank", func(o *order.Order) { o.Recipient.Phone = "" }, Reject, CodePhoneMissing, "recipient.phone"},
		{"phone 10 digits", func(o *order.Order) { o.Recipient.Phone = "1380013800" }, Reject, CodePhoneInvalid, "recipient.phone"},
		{"phone landline", func(o *order.Order) { o.Recipient.Phone = "0571-87654321" }, Approve, "", ""},
		{"phone virtual", func(o *order.Order) { o.Recipient.Phone = "13800138000转1234" }, Approve, "", ""},
		{"phone +86", func(o *order.Order) { o.Recipient.Phone = "+86 138 0013 8000" }, Approve, "", ""},
		{"province blank", func(o *order.Order) { o.Recipient.Province = "" }, Reject, CodeProvinceMissing, "recipient.province"},
		{"province unknown", func(o *order.Order) { o.Recipient.Province = "浙江生" }, Reject, CodeProvinceInvalid, "recipient.province"},
		{"province short form", func(o *order.Order) { o.Recipient.Province = "浙江" }, Approve, "", ""},
		{"city blank", func(o *order.Order) { o.Recipient.City = "" }, Reject, CodeCityMissing, "recipient.city"},
		{"city unknown", func(o *order.Order) { o.Recipient.City = "火星市" }, Hold, CodeCityMismatch, "recipient.city"},
		{"city in another province", func(o *order.Order) { o.Recipient.City = "深圳市" }, Hold, CodeCityMismatch, "recipient.city"},
		{"city short form", func(o *order.Order) { o.Recipient.City = "杭州" }, Approve, "", ""},
		{"district blank", func(o *order.Order) { o.Recipient.District = "  " }, Reject, CodeDistrictMissing, "recipient.district"},
		{"district of another city", func(o *order.Order) { o.Recipient.District = "南山区" }, Hold, CodeDistrictMismatch, "recipient.district"},
		{"district renamed", func(o *order.Order) { o.Recipient.District = "江干区" }, Approve, CodeRenamed, "recipient.district"},
		{"district not in the list", func(o *order.Order) { o.Recipient.District = "其它区" }, Hold, CodeDistrictUnknown, "recipient.district"},
		{"address blank", func(o *order.Order) { o.Recipient.Address = "" }, Reject, CodeAddressMissing, "recipient.address"},
		{"street blank is fine", func(o *order.Order) { o.Recipient.Street = "" }, Approve, "", ""},
		{"ZPL in name", func(o *order.Order) { o.Recipient.Name = "^XA^FDx^XZ" }, Hold, CodeSuspicious, "recipient.name"},
		{"ESC in address", func(o *order.Order) { o.Recipient.Address = "文一西路\x1b@969号" }, Hold, CodeSuspicious, "recipient.address"},
		{"GS in street", func(o *order.Order) { o.Recipient.Street = "五常\x1dV街道" }, Hold, CodeSuspicious, "recipient.street"},
		{"newline in address", func(o *order.Order) { o.Recipient.Address = "文一西路\n969号" }, Hold, CodeSuspicious, "recipient.address"},
		{"DEL in name", func(o *order.Order) { o.Recipient.Name = "张\x7f伟" }, Hold, CodeSuspicious, "recipient.name"},
		{"C1 in name", func(o *order.Order) { o.Recipient.Name = "张\u0085伟" }, Hold, CodeSuspicious, "recipient.name"},
		{"bidi override", func(o *order.Order) { o.Recipient.Address = "文一西路\u202e969号" }, Hold, CodeSuspicious, "recipient.address"},
		{"invalid UTF-8", func(o *order.Order) { o.Recipient.Address = "文一西路\xff" }, Hold, CodeSuspicious, "recipient.address"},
		{"tilde in prose is fine", func(o *order.Order) { o.Recipient.Address = "文一西路969号~2楼" }, Approve, "", ""},
		{"caret in prose is fine", func(o *order.Order) { o.Recipient.Address = "文一西路969号^_^" }, Approve, "", ""},
		{"rare CJK name is fine", func(o *order.Order) { o.Recipient.Name = "王𠮷" }, Approve, "", ""},
		{"no items", func(o *order.Order) { o.Items = nil; o.Total = dec("0") }, Reject, CodeItemsMissing, "items"},
		{"blank SKU", func(o *order.Order) { o.Items[1].SKU = " " }, Reject, CodeSKUMissing, "items[1].sku"},
		{"zero qty", func(o *order.Order) { o.Items[1].Qty = 0; o.Total = dec("109.80") }, Reject, CodeQtyInvalid, "items[1].qty"},
		{"negative qty", func(o *order.Order) { o.Items[0].Qty = -1 }, Reject, CodeQtyInvalid, "items[0].qty"},
		{"negative price", func(o *order.Order) { o.Items[1].UnitPrice = dec("-29.90") }, Reject, CodePriceNegative, "items[1].unit_price"},
		{"unknown SKU", func(o *order.Order) { o.Items[1].SKU = "GONE-1" }, Hold, CodeSKUUnknown, "items[1].sku"},
		{"price differs", func(o *order.Order) { o.Items[1].UnitPrice = dec("19.90"); o.Total = dec("129.70") }, Hold, CodePriceMismatch, "items[1].unit_price"},
		{"price equal at another scale", func(o *order.Order) { o.Items[1].UnitPrice = dec("29.9") }, Approve, "", ""},
		{"total off by a cent", func(o *order.Order) { o.Total = dec("139.69") }, Hold, CodeTotalMismatch, "total"},
		{"total at another scale", func(o *order.Order) { o.Total = dec("139.7") }, Approve, "", ""},
		{"shipping counted", func(o *order.Order) { o.ShippingFee = dec("8"); o.Total = dec("147.70") }, Approve, "", ""},
		{"shipping forgotten", func(o *order.Order) { o.ShippingFee = dec("8") }, Hold, CodeTotalMismatch, "total"},
		{"remark keyword buyer", func(o *order.Order) { o.Remark.Buyer = "麻烦改地址到公司" }, Hold, CodeRemarkKeyword, "remark.buyer"},
		{"remark keyword seller", func(o *order.Order) { o.Remark.Seller = "客户要求顺丰" }, Hold, CodeRemarkKeyword, "remark.seller"},
		{"remark harmless", func(o *order.Order) { o.Remark.Buyer = "请尽快发货，谢谢" }, Approve, "", ""},
		{"remark emoji only", func(o *order.Order) { o.Remark.Buyer = "谢谢😀" }, Approve, CodeRemarkEmoji, "remark.buyer"},
		{"red flag", func(o *order.Order) { o.Flags = []string{"vip", "red"} }, Hold, CodeFlag, "flags[1]"},
		{"red flag any case", func(o *order.Order) { o.Flags = []string{"RED"} }, Hold, CodeFlag, "flags[0]"},
		{"other flag", func(o *order.Order) { o.Flags = []string{"blue"} }, Approve, "", ""},
		{"no id", func(o *order.Order) { o.ID = "" }, Reject, CodeIDMissing, "id"},
		{"stock short", func(o *order.Order) {
			o.Items = []order.Item{{SKU: "TEA-LJ-250", Qty: 7, UnitPrice: dec("388.00")}}
			o.Discount, o.Total = dec("0"), dec("2716.00")
		}, Hold, CodeStockShort, "items[0].qty"},
		{"stock unknown", func(o *order.Order) { o.Items[1].SKU = "CUP-500-R" }, Hold, CodeStockUnknown, "items[1].sku"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := cleanOrder("T1")
			tt.change(o)
			cfg := Config{}
			if tt.code == CodeStockUnknown {
				cfg.Prices = PriceMap{"CUP-500-W": dec("59.90"), "SOCK-M-5": dec("29.90"), "CUP-500-R": dec("29.90")}
			}
			r := reviewOne(t, cfg, o)
			assert.Equal(t, tt.outcome, r.Outcome, "%v", r.Findings)
			if tt.code == "" {
				assert.Empty(t, r.Findings)
				return
			}
			require.True(t, hasCode(r.Findings, tt.code), "want %s in %v", tt.code, r.Findings)
			for _, f := range r.Findings {
				if f.Code == tt.code {
					assert.Equal(t, tt.field, f.Field)
					assert.NotEmpty(t, f.Message(languageEN))
				}
			}
		})
	}
}

func TestTotalsExactDecimal(t *testing.T) {
	tests := []struct {
		name                 string
		prices               []string
		qty                  []int
		discount, ship, want string
		ok                   bool
	}{
		{"0.1+0.2", []string{"0.1", "0.2"}, []int{1, 1}, "0", "0", "0.3", true},
		{"0.1+0.2 not 0.30000000000000004", []string{"0.1", "0.2"}, []int{1, 1}, "0", "0", "0.30000000000000004", false},
		{"thirds", []string{"0.33", "0.33", "0.34"}, []int{1, 1, 1}, "0", "0", "1.00", true},
		{"many cents", []string{"0.01"}, []int{100000}, "0", "0", "1000", true},
		{"mixed scales", []string{"59.9", "0.005"}, []int{3, 2}, "0.01", "8", "187.70", true},
		{"discount larger than items", []string{"1.00"}, []int{1}, "5.00", "0", "-4.00", true},
		{"huge amounts fall back", []string{"12345678901234567.89"}, []int{3}, "0", "0", "37037036703703703.67", true},
		{"huge amounts mismatch", []string{"12345678901234567.89"}, []int{3}, "0", "0", "37037036703703703.66", false},
		{"int64 overflow in the product", []string{"922337203685477.58"}, []int{1000}, "0", "0", "922337203685477580", true},
		{"tiny fractions", []string{"0.000000000000000001"}, []int{3}, "0", "0", "0.000000000000000003", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &order.Order{Discount: dec(tt.discount), ShippingFee: dec(tt.ship), Total: dec(tt.want)}
			for i, p := range tt.prices {
				o.Items = append(o.Items, order.Item{SKU: "X", Qty: tt.qty[i], UnitPrice: dec(p)})
			}
			_, ok := checkTotal(o)
			assert.Equal(t, tt.ok, ok)
			// The decimal reference agrees.
			ref := o.ItemsTotal().Sub(o.Discount).Add(o.ShippingFee).Equal(o.Total)
			assert.Equal(t, ref, ok)
		})
	}
	// Missing amounts (zero Decimals) count as zero.
	o := &order.Order{Items: []order.Item{{SKU: "X", Qty: 1, UnitPrice: dec("5")}}, Total: dec("5.00")}
	_, ok := checkTotal(o)
	assert.True(t, ok)
}

func TestCmpDecimal(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"59.90", "59.9", 0}, {"59.90", "59.91", -1}, {"60", "59.99", 1},
		{"-1", "0", -1}, {"0", "0.00", 0},
		{"123456789012345678901234567890", "123456789012345678901234567891", -1},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, cmpDecimal(dec(tt.a), dec(tt.b)), "%s vs %s", tt.a, tt.b)
	}
	assert.Equal(t, 0, cmpDecimal(decimal.Decimal{}, dec("0")))
}

func TestDuplicates(t *testing.T) {
	a, b, c := cleanOrder("D1"), cleanOrder("D2"), cleanOrder("D1")
	b.Buyer.Nick = "other"
	e, err := New(Config{Prices: testPrices, Inventory: testStock})
	require.NoError(t, err)
	res, err := e.Review(context.Background(), []*order.Order{a, b, c}, nil)
	require.NoError(t, err)
	assert.Equal(t, Approve, res[0].Outcome, "the first stays")
	assert.Equal(t, Approve, res[1].Outcome)
	assert.Equal(t, Reject, res[2].Outcome)
	assert.Equal(t, []Code{CodeDuplicate}, codes(res[2].Findings), "a duplicate is not also a merge candidate")
	assert.Equal(t, "order D1 appears earlier in this batch", res[2].Findings[0].Message(languageEN))
}

type seenSet map[string]bool

func (s seenSet) HasOrder(_ context.Context, id string) (bool, error) { return s[id], nil }

type failingSeen struct{ err error }

func (f failingSeen) HasOrder(context.Context, string) (bool, error) { return false, f.err }

func TestSeen(t *testing.T) {
	e, err := New(Config{Seen: seenSet{"S1": true}})
	require.NoError(t, err)
	fresh, again := cleanOrder("S1"), cleanOrder("S1")
	again.Status = order.Received // back from the store for another review
	other := cleanOrder("S2")
	other.Buyer.Nick = "x"
	res, err := e.Review(context.Background(), []*order.Order{fresh}, nil)
	require.NoError(t, err)
	assert.Equal(t, Reject, res[0].Outcome)
	assert.Equal(t, "order S1 was received before", res[0].Findings[0].Message(languageEN))
	res, err = e.Review(context.Background(), []*order.Order{again, other}, nil)
	require.NoError(t, err)
	assert.Equal(t, Approve, res[0].Outcome)
	assert.Equal(t, Approve, res[1].Outcome)

	boom := errors.New("store down")
	e, err = New(Config{Seen: failingSeen{boom}})
	require.NoError(t, err)
	_, err = e.Review(context.Background(), []*order.Order{cleanOrder("S3")}, nil)
	require.ErrorIs(t, err, boom)
	var oe *OrderError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "S3", oe.OrderID)
	assert.Equal(t, "seen", oe.Op)
}

// manySeen is a SeenMany that records what it was asked.
type manySeen struct {
	set   seenSet
	asked [][]string
	one   int
	short bool // answers one id too few
	err   error
}

func (m *manySeen) HasOrder(ctx context.Context, id string) (bool, error) {
	m.one++
	return m.set.HasOrder(ctx, id)
}

func (m *manySeen) HasOrders(_ context.Context, ids []string) ([]bool, error) {
	m.asked = append(m.asked, slices.Clone(ids))
	if m.err != nil {
		return nil, m.err
	}
	out := make([]bool, len(ids))
	for i, id := range ids {
		out[i] = m.set[id]
	}
	if m.short {
		out = out[1:]
	}
	return out, nil
}

func TestSeenMany(t *testing.T) {
	m := &manySeen{set: seenSet{"S1": true, "S4": true}}
	e, err := New(Config{Seen: m})
	require.NoError(t, err)
	again := cleanOrder("S4")
	again.Status = order.Received // back from the store: not asked
	orders := []*order.Order{cleanOrder("S1"), cleanOrder("S2"), cleanOrder("S2"), again, cleanOrder(""), cleanOrder("S3")}
	orders[2].Buyer.Nick = "other"
	res, err := e.Review(context.Background(), orders, nil)
	require.NoError(t, err)
	require.Len(t, m.asked, 1, "one question for the batch")
	assert.Equal(t, []string{"S1", "S2", "S3"}, m.asked[0], "first occurrences of ids, orders without a status")
	assert.Zero(t, m.one, "no question an order")
	assert.Equal(t, Reject, res[0].Outcome)
	assert.Equal(t, "order S1 was received before", res[0].Findings[0].Message(languageEN))
	assert.Equal(t, Approve, res[1].Outcome)
	assert.Equal(t, []Code{CodeDuplicate}, codes(res[2].Findings), "a duplicate in the batch, found without asking")
	assert.Equal(t, Approve, res[3].Outcome)
	assert.Equal(t, Approve, res[5].Outcome)

	// The same answers as a Seen asked order by order.
	plain, err := New(Config{Seen: m.set})
	require.NoError(t, err)
	want, err := plain.Review(context.Background(), orders, nil)
	require.NoError(t, err)
	assert.Equal(t, want, res)

	// Each review asks again: the store changes between batches.
	m.set["S2"] = true
	res, err = e.Review(context.Background(), orders[1:2], nil)
	require.NoError(t, err)
	assert.Len(t, m.asked, 2)
	assert.Equal(t, Reject, res[0].Outcome)

	boom := errors.New("store down")
	e, err = New(Config{Seen: &manySeen{err: boom}})
	require.NoError(t, err)
	_, err = e.Review(context.Background(), []*order.Order{cleanOrder("S5"), cleanOrder("S6")}, nil)
	require.ErrorIs(t, err, boom)
	var oe *OrderError
	require.ErrorAs(t, err, &oe)
	assert.Equal(t, "S5", oe.OrderID)
	assert.Equal(t, "seen", oe.Op)

	e, err = New(Config{Seen: &manySeen{short: true}})
	require.NoError(t, err)
	_, err = e.Review(context.Background(), []*order.Order{cleanOrder("S7"), cleanOrder("S8")}, nil)
	require.ErrorAs(t, err, &oe)
	assert.ErrorContains(t, err, "answered 1 of 2 ids")
}

func TestMergeCandidates(t *testing.T) {
	a, b := cleanOrder("M1"), cleanOrder("M2")
	b.Buyer.Nick = a.Buyer.Nick
	// The same recipient, written differently.
	b.Recipient.Name = " 张伟 "
	b.Recipient.Phone = "+86 138-0013-8000"
	b.Recipient.Province = "浙江"
	b.Recipient.Address = "文一西路 969 号"
	b.Recipient.Street = "五常街道，"
	c := cleanOrder("M3") // same recipient, another buyer
	d := cleanOrder("M4") // same buyer, another address
	d.Buyer.Nick = a.Buyer.Nick
	d.Recipient.Address = "文一西路970号"
	pending := cleanOrder("P9")
	pending.Buyer.Nick = a.Buyer.Nick
	pending.Status = order.Approved

	e, err := New(Config{Prices: testPrices})
	require.NoError(t, err)
	res, err := e.Review(context.Background(), []*order.Order{a, b, c, d}, &Options{Pending: []*order.Order{pending, a}})
	require.NoError(t, err)
	assert.Equal(t, Hold, res[0].Outcome)
	assert.Equal(t, []any{"M2, P9"}, res[0].Findings[0].Args)
	assert.Equal(t, Hold, res[1].Outcome)
	assert.Equal(t, []any{"M1, P9"}, res[1].Findings[0].Args)
	assert.Equal(t, Approve, res[2].Outcome)
	assert.Equal(t, Approve, res[3].Outcome)
	assert.Equal(t, "same buyer and recipient as M2, P9: ship together?", res[0].Findings[0].Message(languageEN))

	// Configurable: info notes candidates without holding them.
	e, err = New(Config{MergeSeverity: SeverityInfo})
	require.NoError(t, err)
	res, err = e.Review(context.Background(), []*order.Order{a, b}, nil)
	require.NoError(t, err)
	assert.Equal(t, Approve, res[0].Outcome)
	assert.True(t, hasCode(res[0].Findings, CodeMergeCandidate))
}

func TestKeywordsAndFlagsConfigurable(t *testing.T) {
	o := cleanOrder("K1")
	o.Remark.Buyer = "Please use SF Express"
	o.Flags = []string{"red"}
	r := reviewOne(t, Config{Keywords: []string{"sf express"}, HoldFlags: []string{}}, o)
	assert.Equal(t, Hold, r.Outcome)
	assert.Equal(t, []Code{CodeRemarkKeyword}, codes(r.Findings), "case-insensitive keyword; no hold flags")
	assert.Equal(t, []any{"sf express"}, r.Findings[0].Args)

	o.Remark.Buyer = "加急加急"
	r = reviewOne(t, Config{Keywords: []string{}, HoldFlags: []string{"red"}}, o)
	assert.Equal(t, []Code{CodeFlag}, codes(r.Findings), "no keywords")

	o.Remark.Buyer = "地址错了，急用，别发中通"
	r = reviewOne(t, Config{HoldFlags: []string{}}, o)
	require.Len(t, r.Findings, 1)
	assert.Equal(t, []any{"地址错、别发、急用"}, r.Findings[0].Args)
}

type listed map[ListKind]string

func (l listed) Listed(_ context.Context, kind ListKind, v string) (bool, error) {
	return l[kind] == v, nil
}

func TestBlacklist(t *testing.T) {
	o := cleanOrder("B1")
	tests := []struct {
		list listed
		code Code
	}{
		{listed{ListBuyer: o.Buyer.Nick}, CodeBuyerListed},
		{listed{ListPhone: "13800138000"}, CodePhoneListed},
		{listed{ListAddress: "浙江省杭州市余杭区五常街道文一西路969号"}, CodeAddressListed},
		{listed{ListBuyer: "someone else"}, ""},
	}
	for _, tt := range tests {
		r := reviewOne(t, Config{Blacklist: tt.list}, cleanOrder("B1"))
		if tt.code == "" {
			assert.Equal(t, Approve, r.Outcome)
			continue
		}
		assert.Equal(t, Reject, r.Outcome)
		assert.Equal(t, []Code{tt.code}, codes(r.Findings))
	}
	o.Recipient.Phone = "138 0013 8000"
	r := reviewOne(t, Config{Blacklist: listed{ListPhone: "13800138000"}}, o)
	assert.Equal(t, Reject, r.Outcome, "the phone is normalised before the lookup")
}

func TestCustomRule(t *testing.T) {
	const codeWeekend Code = "shop.closed"
	closed := RuleFunc(func(c *Context, o *order.Order, r *Report) {
		if c.Now().Weekday() == time.Sunday && !r.Has(CodeNameMissing) {
			r.Add(Finding{Code: codeWeekend, Severity: SeverityHold})
		}
	})
	sunday := func() time.Time { return time.Date(2026, 11, 15, 10, 0, 0, 0, time.UTC) }
	r := reviewOne(t, Config{Rules: append(DefaultRules(), closed), Now: sunday}, cleanOrder("C1"))
	assert.Equal(t, Hold, r.Outcome)
	assert.Equal(t, []Code{codeWeekend}, codes(r.Findings))
	// Unknown codes print their code as the message.
	assert.Equal(t, "shop.closed", r.Findings[0].Message(languageEN))

	failing := RuleFunc(func(c *Context, o *order.Order, r *Report) { c.Fail("custom", errors.New("boom")) })
	e, err := New(Config{Rules: RuleSet{failing}})
	require.NoError(t, err)
	_, err = e.Review(context.Background(), []*order.Order{cleanOrder("C2")}, nil)
	require.EqualError(t, err, "review: order C2: custom: boom")
}

func TestReviewErrors(t *testing.T) {
	e, err := New(Config{})
	require.NoError(t, err)
	_, err = e.Review(context.Background(), []*order.Order{cleanOrder("E1"), nil}, nil)
	require.ErrorIs(t, err, ErrNilOrder)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = e.Review(ctx, []*order.Order{cleanOrder("E1")}, nil)
	require.ErrorIs(t, err, context.Canceled)

	res, err := e.Review(context.Background(), nil, nil)
	require.NoError(t, err)
	assert.Empty(t, res)

	_, err = New(Config{MergeSeverity: 9})
	require.ErrorIs(t, err, ErrConfig)
	_, err = New(Config{Keywords: []string{" "}})
	require.ErrorIs(t, err, ErrConfig)
	_, err = New(Config{Rules: RuleSet{nil}})
	require.ErrorIs(t, err, ErrConfig)
}

type failingPrices struct{}

func (failingPrices) Price(context.Context, string) (decimal.Decimal, bool, error) {
	return decimal.Zero, false, errors.New("price service down")
}

type failingStock struct{}

func (failingStock) Available(context.Context, string) (int, bool, error) {
	return 0, false, errors.New("wms down")
}

func TestHostFailures(t *testing.T) {
	for _, cfg := range []Config{{Prices: failingPrices{}}, {Inventory: failingStock{}}} {
		e, err := New(cfg)
		require.NoError(t, err)
		_, err = e.Review(context.Background(), []*order.Order{cleanOrder("H1")}, nil)
		var oe *OrderError
		require.ErrorAs(t, err, &oe)
		assert.Equal(t, "H1", oe.OrderID)
		assert.True(t, strings.Contains(err.Error(), "down"))
	}
}

func TestSeverityAndOutcome(t *testing.T) {
	assert.Equal(t, Approve, OutcomeOf(0))
	assert.Equal(t, Approve, OutcomeOf(SeverityInfo))
	assert.Equal(t, Hold, OutcomeOf(SeverityHold))
	assert.Equal(t, Reject, OutcomeOf(SeverityReject))
	assert.Equal(t, "info", SeverityInfo.String())
	assert.Equal(t, "hold", SeverityHold.String())
	assert.Equal(t, "reject", SeverityReject.String())
	assert.Equal(t, "none", Severity(0).String())
	var r Report
	r.Add(Finding{Code: "x"})
	assert.Equal(t, SeverityInfo, r.Findings()[0].Severity, "no severity counts as info")
	assert.Equal(t, SeverityInfo, r.Worst())
}

func TestConcurrentReviews(t *testing.T) {
	orders := sampleOrders(t)
	e, err := New(Config{Inventory: sampleStock(t), Prices: samplePrices(t)})
	require.NoError(t, err)
	want, err := e.Review(context.Background(), orders, nil)
	require.NoError(t, err)
	errs := make(chan error, 4)
	got := make([][]Result, 4)
	for g := range 4 {
		go func() {
			var err error
			for range 5 {
				got[g], err = e.Review(context.Background(), orders, &Options{DryRun: true})
				if err != nil {
					break
				}
			}
			errs <- err
		}()
	}
	for range 4 {
		require.NoError(t, <-errs)
	}
	for g := range 4 {
		assert.Equal(t, want, got[g])
	}
}

func TestContextAccessors(t *testing.T) {
	type seen struct {
		index  int
		dryRun bool
		ctxOK  bool
		logger bool
		phone  PhoneKind
	}
	var got []seen
	type ctxKey struct{}
	key := ctxKey{}
	rule := RuleFunc(func(c *Context, o *order.Order, r *Report) {
		p, _ := c.Phone()
		got = append(got, seen{c.Index(), c.DryRun(), c.Context().Value(key) == "v", c.Logger() != nil, p.Kind})
	})
	e, err := New(Config{Rules: RuleSet{rule}})
	require.NoError(t, err)
	a, b := cleanOrder("X1"), cleanOrder("X2")
	b.Recipient.Phone = "0571-87654321"
	ctx := context.WithValue(context.Background(), key, "v")
	_, err = e.Review(ctx, []*order.Order{a, b}, &Options{DryRun: true})
	require.NoError(t, err)
	assert.Equal(t, []seen{{0, true, true, true, Mobile}, {1, true, true, true, Landline}}, got)
}

func TestMergeKeyIgnoresPunctuationAndWidth(t *testing.T) {
	a, b := cleanOrder("W1"), cleanOrder("W2")
	b.Buyer.Nick = a.Buyer.Nick
	b.Recipient.Address = "文一西路（969号）·"
	b.Recipient.District = "余杭区 "
	e, err := New(Config{})
	require.NoError(t, err)
	res, err := e.Review(context.Background(), []*order.Order{a, b}, nil)
	require.NoError(t, err)
	assert.True(t, hasCode(res[0].Findings, CodeMergeCandidate))
	assert.Equal(t, "浙江省杭州市余杭区五常街道文一西路969号", CompactAddress(&b.Recipient))
	c := cleanOrder("W3")
	c.Recipient.Address = "No. 5, Wenyi Rd. ‰"
	assert.Equal(t, "浙江省杭州市余杭区五常街道no5wenyird", CompactAddress(&c.Recipient))
}

func TestIntegerHelpers(t *testing.T) {
	_, ok := add(math.MaxInt64, 1)
	assert.False(t, ok)
	_, ok = add(math.MinInt64, -1)
	assert.False(t, ok)
	v, ok := add(-5, 3)
	assert.True(t, ok)
	assert.Equal(t, int64(-2), v)
	_, ok = mul(math.MaxInt64/2, 3)
	assert.False(t, ok)
	_, ok = rescale(1, 0, -19)
	assert.False(t, ok)
	assert.Equal(t, "1.50", moneyString(dec("1.5")))
	assert.Equal(t, "0.005", moneyString(dec("0.005")))
	assert.Equal(t, "388.00", moneyString(dec("388")))
}

func TestPhoneErrorText(t *testing.T) {
	_, err := NormalizePhone("1380013800")
	require.EqualError(t, err, `review: phone "1380013800": not a mobile or landline number`)
}
