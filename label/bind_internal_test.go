package label

import (
	"testing"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The money fast path formats exactly as decimal does.
func TestMoneyFastPathMatchesDecimal(t *testing.T) {
	for _, s := range []string{"0", "1", "12", "12.3", "12.30", "0.05", "109.80", "99999999999999999999.99",
		"007", "0.", ".5", "1.234", "1.235", "-1.5", "-0", "+3", "1e3", " 7.1 ", "00.10"} {
		got, err := appendMoney(nil, s)
		d, derr := decimal.NewFromString(s)
		if derr != nil {
			if _, e2 := decimal.NewFromString(trimSpace(s)); e2 != nil {
				assert.Error(t, err, "%q", s)
				continue
			}
			d, _ = decimal.NewFromString(trimSpace(s))
		}
		require.NoError(t, err, "%q", s)
		want := "¥" + d.StringFixed(2)
		if d.IsNegative() {
			want = "-¥" + d.Neg().StringFixed(2)
		}
		assert.Equal(t, want, string(got), "%q", s)
	}
}

func trimSpace(s string) string {
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] == ' ' {
		s = s[:len(s)-1]
	}
	return s
}

func TestParseBinding(t *testing.T) {
	b, err := parseBinding("收 {{x}} 件")
	require.NoError(t, err)
	assert.True(t, b.static)
	assert.Equal(t, "收 {x} 件", b.lit)

	b, err = parseBinding("{recipient.name}")
	require.NoError(t, err)
	assert.True(t, b.single)

	b, err = parseBinding("物品：{items.summary|default:无}；{order.total|money}")
	require.NoError(t, err)
	require.Len(t, b.segs, 4)
	assert.Equal(t, "物品：", b.segs[0].lit)
	assert.Equal(t, "items.summary", b.segs[1].field)
	assert.True(t, b.segs[1].hasDefault)
	assert.Equal(t, []filter{{filterMoney, ""}}, b.segs[3].filters)

	for _, bad := range []string{"{", "}", "{a|nope}", "{a|prefix}", "{a|upper:x}", "{}", "{a b}"} {
		_, err := parseBinding(bad)
		assert.ErrorIs(t, err, ErrTemplate, "%q", bad)
	}
}

func TestBindFilterChainsAndMissing(t *testing.T) {
	b := binder{d: &Data{Fields: map[string]string{"n": " 张三 ", "p": "13800138000", "bad": "a\xffb"}}, mask: true}
	cases := map[string]string{
		"{n|trim|private_name}":         "张*",
		"[{p|private_phone|prefix:T:}]": "[T:138****8000]",
		"{missing|default:无}":           "无",
		"{bad}":                         "a\uFFFDb",
		"x{bad|upper}y":                 "xA\uFFFDBy",
		"{n|trim|suffix:先生|prefix:收:}":  "收:张三先生",
	}
	for src, want := range cases {
		bnd, err := parseBinding(src)
		require.NoError(t, err, src)
		got, err := b.bind(&bnd, false, true)
		require.NoError(t, err, src)
		assert.Equal(t, want, got, src)
	}
	bnd, _ := parseBinding("a{missing}b")
	_, err := b.bind(&bnd, false, true)
	assert.ErrorIs(t, err, ErrMissingField)
	got, err := b.bind(&bnd, true, true)
	require.NoError(t, err)
	assert.Equal(t, "ab", got)
}

func FuzzCleanField(f *testing.F) {
	for _, s := range []string{"王喆\n13800138000", "a\r\nb", "\x1b@\x1dV\x00", "\u202e\u200b\ufeff", "\xff\xfe", "👩\u200d💻", "\u0085\u2028x", "张三"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, oneLine := range []bool{true, false} {
			got := cleanField(s, oneLine)
			require.True(t, utf8.ValidString(got))
			for _, r := range got {
				require.False(t, isFieldControl(r) && r != '\n', "%U left in %q", r, got)
				require.False(t, oneLine && r == '\n', "newline in a one-line field")
				require.NotEqual(t, '\r', r)
			}
			require.Equal(t, got, cleanField(got, oneLine), "idempotent")
			if isCleanField(s) {
				require.Equal(t, s, got)
			}
		}
	})
}

func BenchmarkCleanField(b *testing.B) {
	s := "浙江省杭州市余杭区五常街道文一西路1号 “仓储中心” 3号库…"
	b.ReportAllocs()
	for b.Loop() {
		if cleanField(s, true) != s {
			b.Fatal("changed")
		}
	}
}
