package review

import (
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
)

// TestFixedBounds checks that the int64 fast path takes exactly the
// coefficients below 10^15 in absolute value at exponents -18 to 18 (others go
// to decimal arithmetic), and never one whose low 64 bits look small.
func TestFixedBounds(t *testing.T) {
	for _, exp := range []int32{-30, -19, -18, -2, 0, 5, 18, 19, 40} {
		for _, tt := range []struct {
			coef int64
			ok   bool
		}{
			{1, true}, {-1, true}, {999_999_999_999_999, true}, {-999_999_999_999_999, true},
			{1_000_000_000_000_000, false}, {-1_000_000_000_000_000, false},
			{1 << 62, false}, {-(1 << 62), false},
		} {
			c, e, ok := fixed(decimal.New(tt.coef, exp))
			if exp < -18 || exp > 18 {
				tt.ok = false
			}
			assert.Equal(t, tt.ok, ok, "%d e%d", tt.coef, exp)
			if ok {
				assert.Equal(t, tt.coef, c)
				assert.Equal(t, exp, e)
			}
		}
		// 2^64 + 5: the low word alone would read 5.
		v := new(big.Int).Lsh(big.NewInt(1), 64)
		v.Add(v, big.NewInt(5))
		_, _, ok := fixed(decimal.NewFromBigInt(v, exp))
		assert.False(t, ok, "2^64+5 e%d", exp)
		_, _, ok = fixed(decimal.NewFromBigInt(new(big.Int).Neg(v), exp))
		assert.False(t, ok, "-(2^64+5) e%d", exp)
		c, e, ok := fixed(decimal.New(0, exp))
		assert.True(t, ok)
		assert.Zero(t, c)
		assert.Zero(t, e)
	}
	c, e, ok := fixed(decimal.Decimal{})
	assert.True(t, ok)
	assert.Zero(t, c)
	assert.Zero(t, e)
}
