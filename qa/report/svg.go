package report

import (
	"fmt"
	"image/color"
	"io"
	"strconv"
	"strings"
)

// svgCanvas writes SVG elements.
type svgCanvas struct {
	b strings.Builder
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// xmlText escapes s for XML text and attributes and drops the characters XML
// cannot hold.
func xmlText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0xfffe || r == 0xffff {
			return -1
		}
		return r
	}, s)
	return xmlEscaper.Replace(s)
}

func hex(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

func f1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func (s *svgCanvas) rect(x, y, w, h float64, fill color.RGBA, key string, value float64) {
	if key == "" {
		fmt.Fprintf(&s.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`+"\n", f1(x), f1(y), f1(w), f1(h), hex(fill))
		return
	}
	fmt.Fprintf(&s.b, `<rect class="bar" x="%s" y="%s" width="%s" height="%s" fill="%s" data-key="%s" data-value="%s"><title>%s: %s</title></rect>`+"\n",
		f1(x), f1(y), f1(w), f1(h), hex(fill), xmlText(key), fmtNum(value), xmlText(key), fmtNum(value))
}

func (s *svgCanvas) line(x1, y1, x2, y2, width float64, c color.RGBA, dashed bool) {
	dash := ""
	if dashed {
		dash = ` stroke-dasharray="6 4"`
	}
	fmt.Fprintf(&s.b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"%s/>`+"\n",
		f1(x1), f1(y1), f1(x2), f1(y2), hex(c), f1(width), dash)
}

func (s *svgCanvas) circle(x, y, r float64, c color.RGBA) {
	fmt.Fprintf(&s.b, `<circle cx="%s" cy="%s" r="%s" fill="%s"/>`+"\n", f1(x), f1(y), f1(r), hex(c))
}

func (s *svgCanvas) text(x, y float64, t string, size float64, c color.RGBA, anchor int) {
	a := [...]string{"start", "middle", "end"}[anchor]
	fmt.Fprintf(&s.b, `<text x="%s" y="%s" font-size="%s" fill="%s" text-anchor="%s">%s</text>`+"\n",
		f1(x), f1(y), f1(size), hex(c), a, xmlText(t))
}

// SVG writes the chart as a standalone SVG document.
func (ch *Chart) SVG(w io.Writer) error {
	var c svgCanvas
	fmt.Fprintf(&c.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Noto Sans SC, WenQuanYi Micro Hei, SimHei, AR PL SungtiL GB, sans-serif">`+"\n",
		Width, Height, Width, Height)
	fmt.Fprintf(&c.b, "<title>%s</title>\n", xmlText(ch.Title))
	ch.draw(&c)
	c.b.WriteString("</svg>\n")
	_, err := io.WriteString(w, c.b.String())
	return err
}
