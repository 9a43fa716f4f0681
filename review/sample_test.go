package review

import (
	"context"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dadanhq/dadan/order"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// expectation is what a careful reviewer decides for a sample order, worked out
// here from the order's content independently of the rules.
type expectation struct {
	outcome Outcome
	codes   []Code // codes the result must include
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// expectSample works out the outcome of every sample order.
func expectSample(t *testing.T, orders []*order.Order, stock StockMap, prices PriceMap) []expectation {
	t.Helper()
	exp := make([]expectation, len(orders))
	seenID := map[string]bool{}
	type key struct{ nick, name, phone, addr string }
	byKey := map[key][]int{}
	for i, o := range orders {
		e := &exp[i]
		reject := func(c Code) { e.codes = append(e.codes, c); e.outcome = Reject }
		hold := func(c Code) {
			e.codes = append(e.codes, c)
			if e.outcome != Reject {
				e.outcome = Hold
			}
		}
		e.outcome = Approve
		if seenID[o.ID] {
			reject(CodeDuplicate)
		} else {
			k := key{o.Buyer.Nick, o.Recipient.Name, o.Recipient.Phone, o.Recipient.FullAddress()}
			byKey[k] = append(byKey[k], i)
		}
		seenID[o.ID] = true
		r := o.Recipient
		if strings.TrimSpace(r.Name) == "" {
			reject(CodeNameMissing)
		}
		if strings.TrimSpace(r.District) == "" {
			reject(CodeDistrictMissing)
		}
		if len(o.Items) == 0 {
			reject(CodeItemsMissing)
		}
		if digits(r.Phone) == 10 && strings.HasPrefix(r.Phone, "1") {
			reject(CodePhoneInvalid)
		}
		// Blocks not assigned to mobiles (MIIT numbering plan).
		for _, block := range []string{"140", "141", "142", "143", "144", "146", "148", "149", "154", "160", "161", "163", "164", "168", "169", "179", "194"} {
			if strings.HasPrefix(r.Phone, block) {
				reject(CodePhoneInvalid)
			}
		}
		for _, f := range []string{r.Name, r.Address} {
			if strings.ContainsAny(f, "^~\x1b\x1d\x00") {
				hold(CodeSuspicious)
				break
			}
		}
		sum := decimal.Zero
		for _, it := range o.Items {
			sum = sum.Add(it.UnitPrice.Mul(decimal.NewFromInt(int64(it.Qty))))
			if _, ok := prices[it.SKU]; !ok {
				hold(CodeSKUUnknown)
			}
		}
		if len(o.Items) > 0 && !sum.Sub(o.Discount).Add(o.ShippingFee).Equal(o.Total) {
			hold(CodeTotalMismatch)
		}
		for _, kw := range []string{"不要发", "加急", "顺丰"} {
			if strings.Contains(o.Remark.Buyer+o.Remark.Seller, kw) {
				hold(CodeRemarkKeyword)
				break
			}
		}
		if slices.Contains(o.Flags, "red") {
			hold(CodeFlag)
		}
	}
	for _, group := range byKey {
		if len(group) > 1 {
			for _, i := range group {
				exp[i].codes = append(exp[i].codes, CodeMergeCandidate)
				if exp[i].outcome == Approve {
					exp[i].outcome = Hold
				}
			}
		}
	}
	// Stock goes to the orders still approved, earliest payer first.
	var queue []int
	for i := range orders {
		if exp[i].outcome == Approve {
			queue = append(queue, i)
		}
	}
	slices.SortStableFunc(queue, func(a, b int) int { return orders[a].PaidAt.Compare(orders[b].PaidAt) })
	left := map[string]int{}
	for k, v := range stock {
		left[k] = v
	}
	for _, i := range queue {
		need := map[string]int{}
		for _, it := range orders[i].Items {
			need[it.SKU] += it.Qty
		}
		short := false
		for sku, n := range need {
			if n > left[sku] {
				short = true
			}
		}
		if short {
			exp[i].outcome = Hold
			exp[i].codes = append(exp[i].codes, CodeStockShort)
			continue
		}
		for sku, n := range need {
			left[sku] -= n
		}
	}
	return exp
}

func TestSampleOutcomes(t *testing.T) {
	orders := sampleOrders(t)
	stock, prices := sampleStock(t), samplePrices(t)
	e, err := New(Config{Inventory: stock, Prices: prices})
	require.NoError(t, err)
	res, err := e.Review(context.Background(), orders, nil)
	require.NoError(t, err)
	require.Len(t, res, len(orders))

	exp := expectSample(t, orders, stock, prices)
	counts := map[Outcome]int{}
	for i, r := range res {
		assert.Equal(t, orders[i].ID, r.OrderID, "results in input order")
		assert.Equal(t, exp[i].outcome, r.Outcome, "order %s (input %d): findings %v", r.OrderID, i, r.Findings)
		for _, c := range exp[i].codes {
			assert.True(t, hasCode(r.Findings, c), "order %s: want %s in %v", r.OrderID, c, codes(r.Findings))
		}
		counts[r.Outcome]++
	}
	// The sample has cases of each kind; most orders are ordinary.
	assert.Greater(t, counts[Approve], len(orders)/2)
	assert.Positive(t, counts[Hold])
	assert.Positive(t, counts[Reject])
}

// TestSampleCases checks the sample's special cases one by one, found by content.
func TestSampleCases(t *testing.T) {
	orders := sampleOrders(t)
	e, err := New(Config{Inventory: sampleStock(t), Prices: samplePrices(t)})
	require.NoError(t, err)
	res, err := e.Review(context.Background(), orders, nil)
	require.NoError(t, err)

	find := func(t *testing.T, name string, pred func(o *order.Order) bool) []int {
		var idx []int
		for i, o := range orders {
			if pred(o) {
				idx = append(idx, i)
			}
		}
		require.NotEmpty(t, idx, "sample has no %s", name)
		return idx
	}
	t.Run("landline approves", func(t *testing.T) {
		for _, i := range find(t, "landline", func(o *order.Order) bool { return strings.HasPrefix(o.Recipient.Phone, "0") }) {
			assert.Equal(t, Approve, res[i].Outcome, "%v", res[i].Findings)
		}
	})
	t.Run("virtual number approves", func(t *testing.T) {
		for _, i := range find(t, "virtual number", func(o *order.Order) bool { return digits(o.Recipient.Phone) == 15 }) {
			p, err := NormalizePhone(orders[i].Recipient.Phone)
			require.NoError(t, err)
			assert.Equal(t, Virtual, p.Kind)
			// Its outcome depends only on stock: it orders the scarce tea late.
			assert.False(t, hasCode(res[i].Findings, CodePhoneInvalid))
		}
	})
	t.Run("10-digit phone rejects", func(t *testing.T) {
		for _, i := range find(t, "10-digit phone", func(o *order.Order) bool { return digits(o.Recipient.Phone) == 10 }) {
			assert.Equal(t, Reject, res[i].Outcome)
			assert.Equal(t, []Code{CodePhoneInvalid}, codes(res[i].Findings))
			assert.Equal(t, "recipient.phone", res[i].Findings[0].Field)
		}
	})
	t.Run("long address approves", func(t *testing.T) {
		for _, i := range find(t, "long address", func(o *order.Order) bool { return utf8.RuneCountInString(o.Recipient.Address) > 60 }) {
			assert.Equal(t, Approve, res[i].Outcome, "%v", res[i].Findings)
		}
	})
	t.Run("printer commands hold", func(t *testing.T) {
		idx := find(t, "printer commands", func(o *order.Order) bool {
			return strings.Contains(o.Recipient.Name, "^XA") || strings.Contains(o.Recipient.Address, "~JR")
		})
		assert.Len(t, idx, 2)
		for _, i := range idx {
			assert.Equal(t, Hold, res[i].Outcome)
			assert.True(t, hasCode(res[i].Findings, CodeSuspicious))
		}
	})
	t.Run("emoji and keywords hold", func(t *testing.T) {
		for _, i := range find(t, "emoji remark", func(o *order.Order) bool { return hasEmoji(o.Remark.Buyer) }) {
			assert.Equal(t, Hold, res[i].Outcome)
			assert.True(t, hasCode(res[i].Findings, CodeRemarkEmoji))
			assert.True(t, hasCode(res[i].Findings, CodeRemarkKeyword))
			assert.True(t, hasCode(res[i].Findings, CodeFlag))
		}
	})
	t.Run("32-line order follows stock", func(t *testing.T) {
		for _, i := range find(t, "32-line order", func(o *order.Order) bool { return len(o.Items) >= 32 }) {
			tea := 0
			for _, it := range orders[i].Items {
				if it.SKU == "TEA-LJ-250" {
					tea += it.Qty
				}
			}
			if tea > sampleStock(t)["TEA-LJ-250"] {
				assert.Equal(t, Hold, res[i].Outcome)
				assert.True(t, hasCode(res[i].Findings, CodeStockShort))
			}
		}
	})
	t.Run("merge candidates name each other", func(t *testing.T) {
		var pair []int
		for i, r := range res {
			if hasCode(r.Findings, CodeMergeCandidate) {
				pair = append(pair, i)
			}
		}
		require.Len(t, pair, 2)
		a, b := orders[pair[0]], orders[pair[1]]
		assert.Equal(t, a.Buyer.Nick, b.Buyer.Nick)
		for _, f := range res[pair[0]].Findings {
			if f.Code == CodeMergeCandidate {
				assert.Equal(t, []any{b.ID}, f.Args)
			}
		}
	})
	t.Run("scarce SKU goes to the earliest payers", func(t *testing.T) {
		const sku = "TEA-LJ-250"
		left := sampleStock(t)[sku]
		// Orders wanting tea that nothing else holds back, earliest payer first.
		var want []int
		for i, o := range orders {
			n := 0
			for _, it := range o.Items {
				if it.SKU == sku {
					n += it.Qty
				}
			}
			other := false
			for _, f := range res[i].Findings {
				if f.Code != CodeStockShort {
					other = true
				}
			}
			if n > 0 && !other {
				want = append(want, i)
			}
		}
		slices.SortStableFunc(want, func(a, b int) int { return orders[a].PaidAt.Compare(orders[b].PaidAt) })
		served := 0
		for _, i := range want {
			n := 0
			for _, it := range orders[i].Items {
				if it.SKU == sku {
					n += it.Qty
				}
			}
			if n <= left {
				left -= n
				served++
				assert.Equal(t, Approve, res[i].Outcome, "order %s paid at %s", orders[i].ID, orders[i].PaidAt)
				continue
			}
			assert.Equal(t, Hold, res[i].Outcome, "order %s paid at %s", orders[i].ID, orders[i].PaidAt)
			require.True(t, hasCode(res[i].Findings, CodeStockShort))
			for _, f := range res[i].Findings {
				if f.Code == CodeStockShort {
					assert.Equal(t, []any{sku, n, left}, f.Args)
				}
			}
		}
		assert.Positive(t, served)
		assert.Less(t, served, len(want), "the sample's tea is scarce")
	})
}
