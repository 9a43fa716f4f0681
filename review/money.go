package review

import (
	"math"

	"github.com/dadanhq/dadan/order"
	"github.com/shopspring/decimal"
)

// The total check runs on int64 coefficients scaled to a common exponent, so a
// clean order does not allocate; any overflow falls back to decimal arithmetic.

// maxFastDigits bounds the coefficients the fast path takes: NumDigits answers
// without allocating up to 2^53.
const maxFastDigits = 15

// fixed returns d's coefficient and exponent when they fit the fast path.
func fixed(d decimal.Decimal) (coef int64, exp int32, ok bool) {
	if d.IsZero() {
		return 0, 0, true
	}
	if d.NumDigits() > maxFastDigits {
		return 0, 0, false
	}
	return d.CoefficientInt64(), d.Exponent(), true
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

// fastTotalEqual checks the total in int64; ok is false when it cannot.
func fastTotalEqual(o *order.Order) (equal, ok bool) {
	// The common exponent is the smallest of all amounts.
	to := int32(0)
	var coefs [3]int64
	var exps [3]int32
	for i, d := range [3]decimal.Decimal{o.Discount, o.ShippingFee, o.Total} {
		c, e, ok := fixed(d)
		if !ok {
			return false, false
		}
		coefs[i], exps[i] = c, e
		to = min(to, e)
	}
	for i := range o.Items {
		_, e, ok := fixed(o.Items[i].UnitPrice)
		if !ok {
			return false, false
		}
		to = min(to, e)
	}
	var sum int64
	for i := range o.Items {
		it := &o.Items[i]
		c, e, _ := fixed(it.UnitPrice)
		v, ok := rescale(c, e, to)
		if !ok {
			return false, false
		}
		if v, ok = mul(v, int64(it.Qty)); !ok {
			return false, false
		}
		if sum, ok = add(sum, v); !ok {
			return false, false
		}
	}
	disc, ok1 := rescale(coefs[0], exps[0], to)
	ship, ok2 := rescale(coefs[1], exps[1], to)
	total, ok3 := rescale(coefs[2], exps[2], to)
	if !ok1 || !ok2 || !ok3 {
		return false, false
	}
	if disc == math.MinInt64 {
		return false, false
	}
	sum, ok1 = add(sum, -disc)
	sum, ok2 = add(sum, ship)
	if !ok1 || !ok2 {
		return false, false
	}
	return sum == total, true
}

// moneyString formats d with at least two decimal places, as amounts are written.
func moneyString(d decimal.Decimal) string {
	places := int32(2)
	if e := d.Exponent(); e < -2 {
		places = -e
	}
	return d.StringFixed(places)
}
