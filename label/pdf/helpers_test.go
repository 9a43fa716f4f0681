package pdf

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/skip2/go-qrcode"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/width"

	"github.com/dadanhq/dadan/internal/fontpath"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
)

const (
	cjkFont   = "/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf"
	latinFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)

// needFonts skips the test when the host fonts the tests rely on are missing.
func needFonts(t testing.TB) {
	t.Helper()
	for _, p := range []string{cjkFont, latinFont} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("font %s not installed (apt-get install fonts-arphic-gbsn00lp fonts-dejavu-core)", p)
		}
	}
}

func needTool(t testing.TB, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			t.Skipf("%s not installed (apt-get install poppler-utils zbar-tools)", n)
		}
	}
}

// testRenderer uses the GB 2312 font, the Latin one and the rare-ideograph fonts
// the host has (fonts-hanazono, fonts-droid-fallback in CI).
var testRenderer = sync.OnceValues(func() (*Renderer, error) {
	paths := []string{latinFont}
	for _, p := range fontpath.Rare {
		if fontpath.First([]string{p}) != "" {
			paths = append(paths, p)
		}
	}
	return New(&Options{FontPath: cjkFont, FallbackPaths: paths})
})

func renderer(t testing.TB) *Renderer {
	t.Helper()
	needFonts(t)
	r, err := testRenderer()
	require.NoError(t, err)
	return r
}

// textWidth measures like layout does: wide characters advance size, others size/2.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			w += size
		default:
			w += size / 2
		}
	}
	return w
}

func code128Modules(t testing.TB, data string) []bool {
	t.Helper()
	mods, err := label.EncodeCode128(data)
	require.NoError(t, err)
	return mods
}

func qrModules(t testing.TB, data string) [][]bool {
	t.Helper()
	q, err := qrcode.New(data, qrcode.Medium)
	require.NoError(t, err)
	q.DisableBorder = true
	return q.Bitmap()
}

// text builds a TextLine measured like layout would.
func text(x, y, size float64, s string) label.TextLine {
	return label.TextLine{X: x, Y: y, Size: size, Width: textWidth(s, size), Text: s}
}

// fit squeezes a line into the space left on a page of width pw, as layout does with
// lines it cannot wrap.
func fit(t label.TextLine, pw float64) label.TextLine {
	t.Width = min(t.Width, pw-t.X-2)
	return t
}

// waybill lays out a 76x130 mm waybill for o by hand: about twenty text lines, a
// Code 128 of the order ID, a QR and a few rules and boxes.
func waybill(t testing.TB, o *order.Order) label.Page {
	t.Helper()
	r, s := o.Recipient, o.Sender
	p := label.Page{Width: 76, Height: 130}
	add := func(op label.Op) {
		if tl, ok := op.(label.TextLine); ok {
			op = fit(tl, p.Width)
		}
		p.Ops = append(p.Ops, op)
	}
	add(label.Box{X: 1, Y: 1, W: 74, H: 128, Thickness: 0.3})
	hdr := text(3, 3, 5, o.Carrier+" 标准快递")
	hdr.Bold = true
	add(hdr)
	mods := code128Modules(t, o.ID)
	add(label.Barcode{X: 8, Y: 10, Module: 0.25, Height: 12, Data: o.ID, Modules: mods})
	add(text(8, 23, 3, o.ID))
	add(label.Line{X1: 1, Y1: 28, X2: 75, Y2: 28, Thickness: 0.3})
	rev := text(3, 30, 3.5, "收")
	rev.Reverse = true
	add(rev)
	add(text(8, 30, 3.5, r.Name+" "+r.Phone))
	add(text(8, 35, 3, r.Province+r.City+r.District+r.Street))
	addr := []rune(r.Address)
	for i, y := 0, 39.0; i < len(addr) && y < 52; i, y = i+20, y+4 {
		add(text(8, y, 3, string(addr[i:min(i+20, len(addr))])))
	}
	add(label.Line{X1: 1, Y1: 53, X2: 75, Y2: 53, Thickness: 0.3})
	add(text(3, 55, 3, "寄"))
	add(text(8, 55, 2.5, s.Name+" "+s.Phone))
	add(text(8, 59, 2.5, s.Province+s.City+s.District+s.Address))
	add(label.Line{X1: 1, Y1: 63, X2: 75, Y2: 63, Thickness: 0.3})
	y := 65.0
	for i, it := range o.Items {
		if i == 6 {
			break
		}
		add(text(3, y, 2.5, it.Name+" "+it.Spec+" x"+strconv.Itoa(it.Qty)))
		y += 3.5
	}
	if o.Remark.Buyer != "" {
		add(text(3, y, 2.5, "备注:"+o.Remark.Buyer))
	}
	add(label.Box{X: 3, Y: 95, W: 36, H: 30, Thickness: 0.2})
	add(text(5, 97, 2.5, "签收人:"))
	add(text(5, 102, 2.5, "时间:"))
	add(label.QR{X: 45, Y: 95, Module: 0.8, Level: label.QRLevelM, Data: o.ID, Modules: qrModules(t, o.ID)})
	add(label.Line{X1: 40, Y1: 95, X2: 40, Y2: 125, Thickness: 0.2})
	return p
}

// pageTexts returns the text of every TextLine on a page, in order.
func pageTexts(p label.Page) []string {
	var out []string
	for _, op := range p.Ops {
		if tl, ok := op.(label.TextLine); ok {
			out = append(out, tl.Text)
		}
	}
	return out
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := t.TempDir() + "/" + name
	require.NoError(t, os.WriteFile(p, data, 0o644))
	return p
}

// run runs a command and returns its stdout and stderr; the PDF tools must not complain.
func run(t testing.TB, name string, args ...string) (string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s %v: %s", name, args, stderr.String())
	if strings.HasPrefix(name, "pdf") {
		// Poppler reports any syntax it has to work around on stderr.
		require.Empty(t, stderr.String(), "%s %v complains", name, args)
	}
	return stdout.String(), stderr.String()
}

// normLines splits extracted text into trimmed, non-empty lines.
func normLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimSpace(strings.ReplaceAll(l, "\f", ""))
		if l != "" && utf8.ValidString(l) {
			out = append(out, l)
		}
	}
	return out
}
