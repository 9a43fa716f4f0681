package review

import (
	"math"

	"github.com/dadanhq/dadan/order"
	"github.com/shopspring/decimal"
)

// The total check runs on int64 coefficients scaled to a common exponent, so a
// clean order does not allocate; any overflow falls back to decimal arithmetic.

// maxFastDigits bounds the coefficients the fast path takes: below 10^15 in
// absolute value, so that sums and products of a few of them are checked for
// overflow by the int64 helpers below.
const maxFastDigits = 15

// fastExpMin and fastExpMax bound the exponents [fastBounds] covers; money
// values have exponents near -2.
const fastExpMin, fastExpMax = -18, 18

// fastBounds holds, for each exponent e in [fastExpMin, fastExpMax], the
// decimals ±10^maxFastDigits × 10^e. A decimal with exponent e compares with
// them coefficient to coefficient (no rescaling, no allocation), which tells
// soundly whether its coefficient fits the fast path without counting digits.
// The table is built once and never changes.
var fastBounds = func() (b [fastExpMax - fastExpMin + 1][2]decimal.Decimal) {
	for i := range b {
		e := int32(i + fastExpMin)
		b[i] = [2]decimal.Decimal{decimal.New(-pow10[maxFastDigits], e), decimal.New(pow10[maxFastDigits], e)}
	}
	return b
}()

// fixed returns d's coefficient and exponent when they fit the fast path.
func fixed(d decimal.Decimal) (coef int64, exp int32, ok bool) {
	s := d.Sign()
	if s == 0 {
		return 0, 0, true
	}
	exp = d.Exponent()
	if exp < fastExpMin || exp > fastExpMax {
		return 0, 0, false // rare: left to decimal arithmetic
	}
	// Same exponent: Cmp compares the coefficients; the sign tells which bound
	// to compare with.
	if b := &fastBounds[exp-fastExpMin]; (s > 0 && d.Cmp(b[1]) >= 0) || (s < 0 && d.Cmp(b[0]) <= 0) {
		return 0, 0, false
	}
	return d.CoefficientInt64(), exp, true
}

var pow10 = [...]int64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18}

// rescale returns coef × 10^(exp−to), for exp >= to, and whether it fits.
func rescale(coef int64, exp, to int32) (int64, bool) {
	k := exp - to
	if k == 0 {
		return coef, true
	}
	if k < 0 || int(k) >= len(pow10) {
		return 0, false
	}
	return mul(coef, pow10[k])
}

func mul(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	if c/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return c, true
}

func add(a, b int64) (int64, bool) {
	c := a + b
	if (c > a) != (b > 0) {
		return 0, false
	}
	return c, true
}

// cmpDecimal compares a and b, without allocating when both fit the fast path.
func cmpDecimal(a, b decimal.Decimal) int {
	if a.Exponent() == b.Exponent() && !a.IsZero() && !b.IsZero() {
		return a.Cmp(b) // compares the coefficients; no rescaling
	}
	ca, ea, oka := fixed(a)
	cb, eb, okb := fixed(b)
	if oka && okb {
		to := min(ea, eb)
		if x, ok := rescale(ca, ea, to); ok {
			if y, ok := rescale(cb, eb, to); ok {
				switch {
				case x < y:
					return -1
				case x > y:
					return 1
				}
				return 0
			}
		}
	}
	return a.Cmp(b)
}

// checkTotal returns Σ qty × unit price − discount + shipping, and whether it
// equals o.Total. The sum is returned only when it differs (it allocates).
func checkTotal(o *order.Order) (decimal.Decimal, bool) {
	if eq, ok := fastTotalEqual(o); ok {
		if eq {
			return decimal.Decimal{}, true
		}
	}
	sum := o.ItemsTotal().Sub(o.Discount).Add(o.ShippingFee)
	return sum, sum.Equal(o.Total)
}

// fastTotalEqual checks the total in int64; ok is false when it cannot. The sum
// is kept at the smallest exponent seen so far and rescaled when a smaller one
// comes.
func fastTotalEqual(o *order.Order) (equal, ok bool) {
	var sum int64
	to := int32(0)
	addAt := func(coef int64, exp int32) bool {
		if exp < to {
			s, ok := rescale(sum, to, exp)
			if !ok {
				return false
			}
			sum, to = s, exp
		}
		v, ok := rescale(coef, exp, to)
		if !ok {
			return false
		}
		sum, ok = add(sum, v)
		return ok
	}
	for i := range o.Items {
		it := &o.Items[i]
		c, e, ok := fixed(it.UnitPrice)
		if !ok {
			return false, false
		}
		if c, ok = mul(c, int64(it.Qty)); !ok || !addAt(c, e) {
			return false, false
		}
	}
	c, e, ok := fixed(o.Discount)
	if !ok || c == math.MinInt64 || !addAt(-c, e) {
		return false, false
	}
	if c, e, ok = fixed(o.ShippingFee); !ok || !addAt(c, e) {
		return false, false
	}
	c, e, ok = fixed(o.Total)
	if !ok || c == math.MinInt64 || !addAt(-c, e) {
		return false, false
	}
	return sum == 0, true
}

// moneyString formats d with at least two decimal places, as amounts are written.
func moneyString(d decimal.Decimal) string {
	places := int32(2)
	if e := d.Exponent(); e < -2 {
		places = -e
	}
	return d.StringFixed(places)
}
