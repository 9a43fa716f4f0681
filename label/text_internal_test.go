package label

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/width"
)

// The fast paths of runeEm, isExtend and NextCluster agree with the definitions
// they shortcut, for every code point.
func TestTextFastPathsAgree(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue
		}
		want := unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) ||
			r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF || r >= 0x1F3FB && r <= 0x1F3FF ||
			r >= 0xE0020 && r <= 0xE007F || r == 0x200C
		if r < 0x300 {
			want = false
		}
		if want != isExtend(r) {
			t.Fatalf("isExtend(%U) = %v", r, !want)
		}
		if r >= 0x1100 {
			em := 0.5
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth:
				em = 1
			case width.EastAsianAmbiguous:
				if r >= 0x2000 {
					em = 1
				}
			}
			if em != runeEm(r) {
				t.Fatalf("runeEm(%U) = %v, want %v", r, runeEm(r), em)
			}
		}
	}
	// A fast-path character followed by a mark, a joiner or a selector stays one
	// cluster with it.
	for _, s := range []string{"a\u0301b", "中\u0301x", "中\u200d文", "中\ufe0f", "ab", "中文", "中a", "a中", "\x7f\u0301"} {
		n, _ := NextCluster(s)
		r, size := utf8.DecodeRuneInString(s)
		r2, _ := utf8.DecodeRuneInString(s[size:])
		if isExtend(r2) || r2 == 0x200D {
			if r != 0x7f {
				require.Greater(t, n, size, "%q", s)
				continue
			}
		}
		require.Equal(t, size, n, "%q", s)
	}
}

// wrap's line widths are exactly TextEm of the lines.
func TestWrapWidthsAreTextEm(t *testing.T) {
	texts := []string{"", "浙江省杭州市余杭区五常街道文一西路969号 Hangzhou Zhejiang", "a  b   c    d", "中，文。a b",
		"签收人：\n签收时间：      年    月    日", "x\u0301y\u0301 中\u200d文 👍🏽 🇨🇳🇨🇳", "verylongwordwithoutspaces中文", "  lead", "trail  ",
		"\xff\xfe 无效", "快件送达收件人地址，经收件人或收件人允许的代收人签字，视为送达。"}
	for _, s := range texts {
		for _, max := range []float64{0.5, 1, 2.5, 4, 7, 13, 40} {
			var ems []float64
			lines := wrap(nil, &ems, s, max, nil)
			require.Equal(t, Wrap(nil, s, max), lines)
			require.Len(t, ems, len(lines))
			for i, ln := range lines {
				require.Equal(t, TextEm(ln), ems[i], "%q at %g: line %q", s, max, ln)
			}
		}
	}
}

// TextEm's inline fast paths measure what NextCluster measures, cluster by
// cluster, for text mixing ASCII, ideographs (U+4000-U+9FFF on both sides of
// U+4E00), marks, joiners, selectors and invalid bytes.
func TestTextEmMatchesClusters(t *testing.T) {
	parts := []string{"a", " ", "1", "中", "丁", "䀀", "䷿", "\u0301", "\u200d", "\ufe0f", "👍", "🏻", "，", "¥", "\xe4", "\xe5\xb8",
		"\xff", "\n", "\t", "é", "×", "ｱ", "𠮷"}
	rng := uint64(1)
	for range 5000 {
		var b strings.Builder
		rng = rng*6364136223846793005 + 1442695040888963407
		n := int(rng>>59) + 1
		for range n {
			rng = rng*6364136223846793005 + 1442695040888963407
			b.WriteString(parts[int(rng>>33)%len(parts)])
		}
		s := b.String()
		var want float64
		for r := s; len(r) > 0; {
			n, em := NextCluster(r)
			want += em
			r = r[n:]
		}
		if got := TextEm(s); got != want {
			t.Fatalf("TextEm(%q) = %v, clusters give %v", s, got, want)
		}
	}
}
