package pdf

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/fontpath"
	"github.com/dadanhq/dadan/label"
)

// rareNames are names with characters outside GB 2312: GBK (喆 堃 垚 珺 玥 赟) and
// Extension B (𠮷 𪚥).
var rareNames = []string{"王喆", "李堃", "张垚", "刘珺", "陈玥", "赵赟", "𠮷田", "𪚥"}

// The rare names are drawn with the fallback fonts the host has (the default
// chain): pdftotext reads every name back and pdffonts lists the fallbacks.
func TestRareNamesWithFallbacks(t *testing.T) {
	needTool(t, "pdftotext", "pdffonts")
	needFonts(t)
	for _, p := range []string{"HanaMinA.ttf", "HanaMinB.ttf"} {
		if fontpath.First([]string{"/usr/share/fonts/truetype/hanazono/" + p}) == "" {
			t.Skip("fonts-hanazono not installed")
		}
	}
	r, err := New(&Options{FontPath: cjkFont})
	require.NoError(t, err)
	p := label.Page{Width: 60, Height: 80}
	for i, n := range rareNames {
		p.Ops = append(p.Ops, text(2, 2+float64(i)*8, 5, n))
	}
	path := writeTemp(t, "rare.pdf", renderDoc(t, r, &label.Document{Pages: []label.Page{p}}))
	out, _ := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	assert.Equal(t, rareNames, normLines(out))
	fonts, _ := run(t, "pdffonts", path)
	assert.Contains(t, fonts, "HanaMinA") // has the GBK names and, in this version, 𠮷 and 𪚥
}

// Without a font for it, a name character is a GlyphError naming the character, the
// field and the order, and nothing is written.
func TestMissingGlyphIsAnError(t *testing.T) {
	needFonts(t)
	r, err := New(&Options{FontPath: cjkFont, FallbackPaths: []string{latinFont}})
	require.NoError(t, err)
	tl := text(2, 2, 5, "王喆")
	tl.Field = "recipient.name"
	doc := &label.Document{Order: "JD0001", Pages: []label.Page{{Width: 60, Height: 20, Ops: []label.Op{tl}}}}
	var sb strings.Builder
	err = r.Render(context.Background(), &sb, doc)
	var ge *label.GlyphError
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, '喆', ge.Rune)
	assert.Equal(t, "recipient.name", ge.Field)
	assert.Equal(t, "JD0001", ge.Order)
	assert.Zero(t, sb.Len())

	// So is a symbol or emoji no font has: it would print as a box.
	sb.Reset()
	tl = text(2, 2, 5, "备注 \U0001FAE0")
	tl.Field = "order.remark"
	doc.Pages[0].Ops = []label.Op{tl}
	err = r.Render(context.Background(), &sb, doc)
	require.ErrorAs(t, err, &ge)
	assert.Equal(t, '\U0001FAE0', ge.Rune)
	assert.Equal(t, "order.remark", ge.Field)
	assert.Equal(t, "JD0001", ge.Order)
	assert.Zero(t, sb.Len())
	// Modifiers that draw nothing themselves are left out: variation selectors
	// (❤️, 葛󠄀 an ideographic variant), a joiner, a skin tone, a tag.
	doc.Pages[0].Ops = []label.Op{text(2, 2, 5, "❤\ufe0f 葛\U000E0100 a\u200db \u2764\U0001F3FD x\U000E0041")}
	b := renderDoc(t, r, doc)
	got, _ := run(t, "pdftotext", "-raw", "-enc", "UTF-8", writeTemp(t, "mod.pdf", b), "-")
	assert.NotContains(t, got, "\U0001F3FD")
}

func renderDoc(t *testing.T, r *Renderer, doc *label.Document) []byte {
	t.Helper()
	var sb strings.Builder
	require.NoError(t, r.Render(context.Background(), &sb, doc))
	return []byte(sb.String())
}
