package label_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/label"
)

func clusters(s string) []string {
	var out []string
	for len(s) > 0 {
		n, _ := label.NextCluster(s)
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

func TestNextCluster(t *testing.T) {
	assert.Equal(t, []string{"e\u0301", "x"}, clusters("e\u0301x"))
	assert.Equal(t, []string{"👨\u200d👩\u200d👧", "!"}, clusters("👨\u200d👩\u200d👧!"))
	assert.Equal(t, []string{"❤\ufe0f", "a"}, clusters("❤\ufe0fa"))
	assert.Equal(t, []string{"🇨🇳", "🇯🇵"}, clusters("🇨🇳🇯🇵"))
	assert.Equal(t, []string{"👍🏽"}, clusters("👍🏽"))
	assert.Equal(t, []string{"\r\n", "a"}, clusters("\r\na"))
	assert.Equal(t, []string{"\xff", "a"}, clusters("\xffa"))
	assert.Equal(t, []string{"葛\U000E0100", "亮"}, clusters("葛\U000E0100亮"))

	for s, em := range map[string]float64{
		"张三": 2, "abc": 1.5, "😀": 1, "❤\ufe0f": 1, "e\u0301": 0.5, "１２": 2, "“”": 2, "é": 1, "王𠮷": 2, "¥1": 1.5,
		"\x1b@": 1,
	} {
		assert.Equal(t, em, label.TextEm(s), "%q", s)
	}
}

func TestWrap(t *testing.T) {
	cases := []struct {
		in    string
		maxEm float64
		want  []string
	}{
		{"浙江省杭州市余杭区五常街道文一西路969号", 6, []string{"浙江省杭州市", "余杭区五常街", "道文一西路", "969号"}},
		{"hello world foo", 5, []string{"hello", "world foo"}},
		{"hello   world", 3, []string{"hello", "world"}},
		{"supercalifragilistic", 4, []string{"supercal", "ifragili", "stic"}},
		{"你好，世界。", 2.5, []string{"你", "好，", "世", "界。"}},
		{"line1\nline2", 10, []string{"line1", "line2"}},
		{"", 10, []string{""}},
		{"a\u0301b\u0301c\u0301", 1, []string{"a\u0301b\u0301", "c\u0301"}},
		{"😀😀😀", 1, []string{"😀", "😀", "😀"}},
		{"😀", 0.5, []string{"😀"}}, // one cluster wider than the line stays whole
		{"Go语言 programming", 4, []string{"Go语言", "programm", "ing"}},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, label.Wrap(nil, c.in, c.maxEm), "%q at %g", c.in, c.maxEm)
	}
}

// proportional is a proportional font's measure: wide and narrow Latin letters,
// zero-width joiners and marks, wide ideographs.
var proportional = label.NewMeasure(func(r rune) float64 {
	switch {
	case r == 'W' || r == 'M' || r == 'm':
		return 0.9
	case r == 'i' || r == 'l' || r == '.' || r == ' ':
		return 0.25
	case r == 0x200d || r >= 0x300 && r < 0x370:
		return 0
	case r < 0x80:
		return 0.55
	}
	return 1
})

// checkWrap asserts the wrapper's invariants, by the cell measure and by a
// proportional one.
func checkWrap(t *testing.T, s string, maxEm float64) {
	checkWrapBy(t, nil, s, maxEm)
	checkWrapBy(t, proportional, s, maxEm)
}

func checkWrapBy(t *testing.T, m *label.Measure, s string, maxEm float64) {
	lines := m.Wrap(nil, s, maxEm)
	require.NotEmpty(t, lines)
	// Concatenated lines are the input minus removed break spaces and newlines.
	rest := s
	for i, ln := range lines {
		// Only spaces and line breaks may be dropped before a line.
		for !strings.HasPrefix(rest, ln) && rest != "" && strings.IndexByte(" \r\n", rest[0]) >= 0 && i > 0 {
			rest = rest[1:]
		}
		require.True(t, strings.HasPrefix(rest, ln), "line %d %q not next in %q", i, ln, rest)
		rest = rest[len(ln):]
	}
	require.Empty(t, strings.Trim(rest, " \r\n"), "input left over")
	for _, ln := range lines {
		// Never splits a cluster: every line is a sequence of whole clusters of s.
		if utf8.ValidString(s) {
			require.True(t, utf8.ValidString(ln), "invalid UTF-8 in %q", ln)
		}
		if w := m.Text(ln); w > maxEm+1e-9 {
			require.Len(t, clusters(ln), 1, "line %q is %g em, max %g", ln, w, maxEm)
		}
	}
	// Cluster boundaries of the input are respected.
	bounds := map[int]bool{0: true, len(s): true}
	off := 0
	for _, c := range clusters(s) {
		off += len(c)
		bounds[off] = true
	}
	pos := 0
	for _, ln := range lines {
		i := strings.Index(s[pos:], ln)
		require.GreaterOrEqual(t, i, 0)
		start := pos + i
		if ln != "" {
			assert.True(t, bounds[start] && bounds[start+len(ln)], "line %q cuts a cluster", ln)
		}
		pos = start + len(ln)
	}
}

func TestWrapInvariants(t *testing.T) {
	for _, s := range []string{"浙江省杭州市 余杭区 abc def 😀👨\u200d👩\u200d👧 e\u0301e\u0301", "a  b  c", " lead", "trail ",
		"\n\n", "x\r\ny", strings.Repeat("欧阳", 100)} {
		for _, w := range []float64{0.5, 1, 2.5, 7, 30} {
			checkWrap(t, s, w)
		}
	}
}

func FuzzWrap(f *testing.F) {
	f.Add("浙江省杭州市余杭区五常街道文一西路969号", 6.0)
	f.Add("hello world e\u0301 👨\u200d👩\u200d👧 🇨🇳", 3.0)
	f.Add("^XZ^XA \x1b@ (a) Tj \\", 2.0)
	f.Fuzz(func(t *testing.T, s string, maxEm float64) {
		if !(maxEm >= 0.5 && maxEm < 1000) || len(s) > 2000 {
			return
		}
		checkWrap(t, s, maxEm)
	})
}

// printerEm is the width a GB2312 printer font gives s: a double-byte character
// is one em, ASCII half an em.
func printerEm(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r < 0x80 {
			w += 0.5
		} else {
			w += 1
		}
	}
	return w
}

// × and · are drawn full width by Chinese fonts; layout measures them so, and a
// goods block of "name ×2" lines stays inside its box as the printer prints it.
func TestAmbiguousWidthIsFull(t *testing.T) {
	for _, s := range []string{"×", "·", "°", "§", "±", "α", "é"} {
		assert.Equal(t, 1.0, label.TextEm(s), "%q", s)
	}
	assert.Equal(t, 0.5, label.TextEm("x"))

	items := make([]label.Row, 32)
	for i := range items {
		items[i] = label.Row{"name": "保温杯·经典款", "spec": "500ml×2", "qty": "2", "sku": "CUP", "unit_price": "1.00"}
	}
	for _, name := range []string{"waybill-76x130", "packing-80mm"} {
		tpl, err := label.Standard(name)
		require.NoError(t, err)
		d := labeltest.Data(labeltest.SampleOrders(t)[0])
		d.Tables = map[string][]label.Row{"items": items}
		doc, err := label.Layout(tpl, d, &label.LayoutOptions{Now: labeltest.PrintTime()})
		require.NoError(t, err)
		for _, p := range doc.Pages {
			for _, op := range p.Ops {
				tl, ok := op.(label.TextLine)
				if !ok || tl.Rotation != label.Rotate0 {
					continue
				}
				assert.LessOrEqual(t, printerEm(tl.Text)*tl.Size, tl.Width+1e-6, "%s: %q", name, tl.Text)
				assert.LessOrEqual(t, tl.X+printerEm(tl.Text)*tl.Size, p.Width+1e-6, "%s: %q", name, tl.Text)
			}
		}
	}
}
