package label

import (
	"errors"
	"image/color"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/boombuler/barcode/code128"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// decodeCode128 reads modules back into data, checking the check digit and the
// structure; it understands subsets A, B and C as a scanner does.
func decodeCode128(mods []bool) (string, error) {
	var widths []int
	for i := 0; i < len(mods); {
		j := i
		for j < len(mods) && mods[j] == mods[i] {
			j++
		}
		widths = append(widths, j-i)
		i = j
	}
	if len(widths) < 6+6+7 || !mods[0] {
		return "", errors.New("too short")
	}
	lookup := func(w []int) int {
		var b strings.Builder
		for _, v := range w {
			b.WriteByte(byte('0' + v))
		}
		for v, p := range code128Widths {
			if p == b.String() {
				return v
			}
		}
		return -1
	}
	var vals []int
	k := 0
	for ; k+6 <= len(widths); k += 6 {
		if k+7 == len(widths) {
			break
		}
		v := lookup(widths[k : k+6])
		if v < 0 {
			return "", errors.New("bad symbol")
		}
		vals = append(vals, v)
	}
	if k+7 != len(widths) || lookup(widths[k:k+7]) != c128Stop {
		return "", errors.New("no stop")
	}
	if len(vals) < 2 {
		return "", errors.New("no data")
	}
	sum := vals[0]
	for i := 1; i < len(vals)-1; i++ {
		sum += i * vals[i]
	}
	if sum%103 != vals[len(vals)-1] {
		return "", errors.New("bad check digit")
	}
	var out strings.Builder
	set := 0
	switch vals[0] {
	case 103:
		set = 'A'
	case c128StartB:
		set = 'B'
	case c128StartC:
		set = 'C'
	default:
		return "", errors.New("bad start")
	}
	for _, v := range vals[1 : len(vals)-1] {
		switch {
		case set == 'C' && v < 100:
			out.WriteByte(byte('0' + v/10))
			out.WriteByte(byte('0' + v%10))
		case v == c128CodeC:
			set = 'C'
		case v == c128CodeB:
			set = 'B'
		case v == 101:
			set = 'A'
		case set == 'B' && v < 96:
			out.WriteByte(byte(v + 32))
		case set == 'A' && v < 64:
			out.WriteByte(byte(v + 32))
		case set == 'A' && v < 96:
			out.WriteByte(byte(v - 64))
		default:
			return "", errors.New("unsupported symbol")
		}
	}
	return out.String(), nil
}

func TestCode128Table(t *testing.T) {
	for v, p := range code128Widths {
		sum := 0
		for _, c := range p {
			sum += int(c - '0')
		}
		want := 11
		if v == c128Stop {
			want = 13
		}
		assert.Equal(t, want, sum, "value %d", v)
	}
	seen := map[string]bool{}
	for _, p := range code128Widths {
		assert.False(t, seen[p], "duplicate pattern %s", p)
		seen[p] = true
	}
}

func boombulerModules(t *testing.T, data string) []bool {
	t.Helper()
	bc, err := code128.Encode(data)
	require.NoError(t, err)
	b := bc.Bounds()
	mods := make([]bool, b.Dx())
	for x := range mods {
		mods[x] = bc.At(b.Min.X+x, b.Min.Y) == color.Black
	}
	return mods
}

func randomCode128Data(r *rand.Rand) string {
	n := 1 + r.IntN(30)
	b := make([]byte, n)
	digits := r.IntN(3) == 0
	for i := range b {
		if digits || r.IntN(2) == 0 {
			b[i] = byte('0' + r.IntN(10))
		} else {
			b[i] = byte(0x20 + r.IntN(0x5f))
		}
	}
	return string(b)
}

func TestCode128AgainstBoombuler(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	inputs := []string{"0", "12", "123", "1234", "756123456789", "75612345678901234567", "SF1234567890123",
		"YT7512345678901", "JD0012345678901-1-1-", "CUP-500-W", "a1b2c3", "00", "A", " ", "~", "12345a6789012"}
	for range 2000 {
		inputs = append(inputs, randomCode128Data(r))
	}
	for _, in := range inputs {
		mods, err := EncodeCode128(in)
		require.NoError(t, err, in)
		got, err := decodeCode128(mods)
		require.NoError(t, err, in)
		require.Equal(t, in, got)
		ref := boombulerModules(t, in)
		refData, err := decodeCode128(ref)
		require.NoError(t, err, "boombuler %q", in)
		require.Equal(t, in, refData)
		// Our encoding is never longer than boombuler's.
		assert.LessOrEqual(t, len(mods), len(ref), "%q", in)
	}
}

func TestCode128DigitsUseSubsetC(t *testing.T) {
	var vals [2*MaxCode128 + 3]int
	v, err := code128Values(vals[:0], "756123456789")
	require.NoError(t, err)
	assert.Equal(t, []int{c128StartC, 75, 61, 23, 45, 67, 89, v[7], c128Stop}, v)
	// An odd run: one digit in B, then C.
	v, err = code128Values(vals[:0], "A12345")
	require.NoError(t, err)
	assert.Len(t, v, 1+1+1+1+2+2) // start, A, 1, CodeC, 23, 45, check, stop
}

func TestCode128Errors(t *testing.T) {
	for _, in := range []string{"", "运单123", "abc\x00", "\x1b@", "tab\there", strings.Repeat("A", MaxCode128+1), "\x7f"} {
		_, err := EncodeCode128(in)
		assert.ErrorIs(t, err, ErrEncode, "%q", in)
	}
	_, err := EncodeCode128(strings.Repeat("9", MaxCode128))
	assert.NoError(t, err)
}
