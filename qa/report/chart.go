package report

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"unicode/utf8"
)

// Chart sizes in pixels (SVG user units and PNG pixels alike).
const (
	Width  = 800
	Height = 420
)

// Kind is how a chart draws its series.
type Kind int

// Kinds of charts.
const (
	Bars  Kind = iota // vertical bars per label; a Line series is drawn over them
	HBars             // horizontal bars, a row per label
	Lines             // a polyline per series
)

// Series is one row of values, a value per label.
type Series struct {
	Name   string
	Values []float64
	Color  color.RGBA
	Line   bool // over bars: a line on the right axis (0–100 %), as in a Pareto chart
	Dashed bool // a limit line
	// Marks colours single points: a point whose mark is true is drawn in
	// MarkColor (a p-chart's points out of control, lots not accepted).
	Marks     []bool
	MarkColor color.RGBA
}

// Chart is one chart of the report: labels along the category axis, series of
// values. The numbers are exactly those of summary.json.
type Chart struct {
	Name   string // file name without extension
	Title  string
	Kind   Kind
	Labels []string
	Series []Series
	// YTicks, when set, names the values 0, 1, 2 … of the value axis (the
	// severities of the switching history).
	YTicks []string
	Empty  string // the text shown when there is nothing to plot
}

var (
	black   = color.RGBA{0x22, 0x22, 0x22, 0xff}
	grey    = color.RGBA{0x99, 0x99, 0x99, 0xff}
	light   = color.RGBA{0xe4, 0xe4, 0xe4, 0xff}
	white   = color.RGBA{0xff, 0xff, 0xff, 0xff}
	blue    = color.RGBA{0x2b, 0x6c, 0xb0, 0xff}
	orange  = color.RGBA{0xe0, 0x7b, 0x1f, 0xff}
	red     = color.RGBA{0xc6, 0x28, 0x28, 0xff}
	green   = color.RGBA{0x2e, 0x7d, 0x32, 0xff}
	palette = []color.RGBA{blue, orange, green, red, {0x6a, 0x1b, 0x9a, 0xff}, {0x00, 0x83, 0x8f, 0xff},
		{0x8d, 0x6e, 0x63, 0xff}, {0x55, 0x55, 0x55, 0xff}}
)

// Plot is the plotting area of every chart, so tests know where to look.
var Plot = struct{ X0, Y0, X1, Y1 int }{70, 50, Width - 60, Height - 80}

// canvas is what a chart draws on: an SVG document or a PNG image.
type canvas interface {
	rect(x, y, w, h float64, fill color.RGBA, key string, value float64)
	line(x1, y1, x2, y2, width float64, c color.RGBA, dashed bool)
	circle(x, y, r float64, c color.RGBA)
	// text draws s with its baseline at y; anchor is 0 start, 1 middle, 2 end.
	text(x, y float64, s string, size float64, c color.RGBA, anchor int)
}

// textWidth estimates the width of s: ideographs are square, the rest about half.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		if r >= 0x2e80 {
			w += size
		} else {
			w += 0.58 * size
		}
	}
	return w
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// niceMax rounds m up to 1, 2 or 5 times a power of ten.
func niceMax(m float64) float64 {
	if m <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(m)))
	for _, f := range []float64{1, 2, 5, 10} {
		if f*p >= m-1e-12 {
			return f * p
		}
	}
	return 10 * p
}

func fmtNum(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// draw lays the chart out on c.
func (ch *Chart) draw(c canvas) {
	c.rect(0, 0, Width, Height, white, "", 0)
	c.text(Width/2, 30, ch.Title, 18, black, 1)
	x0, y0, x1, y1 := float64(Plot.X0), float64(Plot.Y0), float64(Plot.X1), float64(Plot.Y1)
	if len(ch.Labels) == 0 {
		c.text(Width/2, Height/2, ch.Empty, 14, grey, 1)
		return
	}
	maxV := 0.0
	for _, s := range ch.Series {
		if s.Line && ch.Kind == Bars {
			continue
		}
		for _, v := range s.Values {
			maxV = math.Max(maxV, v)
		}
	}
	top := niceMax(maxV)
	if ch.YTicks != nil {
		top = float64(len(ch.YTicks) - 1)
	}
	if ch.Kind == HBars {
		ch.drawHBars(c, top)
		return
	}
	// value axis
	ticks := 5
	if ch.YTicks != nil {
		ticks = len(ch.YTicks) - 1
	}
	for i := 0; i <= ticks; i++ {
		v := top * float64(i) / float64(ticks)
		y := y1 - (y1-y0)*float64(i)/float64(ticks)
		c.line(x0, y, x1, y, 1, light, false)
		label := fmtNum(math.Round(v*1000) / 1000)
		if ch.YTicks != nil {
			label = ch.YTicks[i]
		}
		c.text(x0-6, y+4, label, 11, grey, 2)
	}
	c.line(x0, y1, x1, y1, 1, black, false)
	c.line(x0, y0, x0, y1, 1, black, false)
	n := len(ch.Labels)
	slot := (x1 - x0) / float64(n)
	// category labels: as many as fit
	step := 1
	for w := 0.0; ; step++ {
		w = 0
		for _, l := range ch.Labels {
			w = math.Max(w, textWidth(clip(l, 12), 11))
		}
		if slot*float64(step) >= w+6 || step >= n {
			break
		}
	}
	for i, l := range ch.Labels {
		if i%step == 0 {
			c.text(x0+slot*(float64(i)+0.5), y1+18, clip(l, 12), 11, black, 1)
		}
	}
	yOf := func(v float64) float64 { return y1 - (y1-y0)*math.Min(v, top)/top }
	var bars []Series
	for _, s := range ch.Series {
		if ch.Kind == Bars && !s.Line {
			bars = append(bars, s)
		}
	}
	for k, s := range bars {
		bw := slot * 0.7 / float64(len(bars))
		for i, v := range s.Values {
			bx := x0 + slot*float64(i) + slot*0.15 + bw*float64(k)
			col := s.Color
			if i < len(s.Marks) && s.Marks[i] {
				col = s.MarkColor
			}
			c.rect(bx, yOf(v), bw, y1-yOf(v), col, ch.Labels[i], v)
		}
	}
	legend := 0
	for _, s := range ch.Series {
		if ch.Kind == Bars && !s.Line {
			continue
		}
		yv := yOf
		if ch.Kind == Bars { // the right axis, in percent
			yv = func(v float64) float64 { return y1 - (y1-y0)*math.Min(v, 100)/100 }
		}
		for i := 1; i < len(s.Values); i++ {
			c.line(x0+slot*(float64(i)-0.5), yv(s.Values[i-1]), x0+slot*(float64(i)+0.5), yv(s.Values[i]), 2, s.Color, s.Dashed)
		}
		if !s.Dashed {
			for i, v := range s.Values {
				col := s.Color
				if i < len(s.Marks) && s.Marks[i] {
					col = s.MarkColor
				}
				c.circle(x0+slot*(float64(i)+0.5), yv(v), 3.5, col)
			}
		}
		if len(s.Values) == 1 && s.Dashed {
			c.line(x0, yv(s.Values[0]), x1, yv(s.Values[0]), 1.5, s.Color, true)
		}
		// legend, right of the plot
		ly := y0 + 16*float64(legend)
		c.line(x1+6, ly, x1+18, ly, 2, s.Color, s.Dashed)
		c.text(x1+20, ly+4, clip(s.Name, 5), 10, black, 0)
		legend++
	}
	if ch.Kind == Bars && legend > 0 {
		for i := 0; i <= 4; i++ {
			y := y1 - (y1-y0)*float64(i)/4
			c.text(x1+4, y+14, fmt.Sprintf("%d%%", 25*i), 10, grey, 0)
		}
	}
}

func (ch *Chart) drawHBars(c canvas, top float64) {
	x0, y0, x1, y1 := float64(Plot.X0)+90, float64(Plot.Y0), float64(Plot.X1), float64(Plot.Y1)+40
	n := len(ch.Labels)
	slot := (y1 - y0) / float64(n)
	for i := 0; i <= 5; i++ {
		x := x0 + (x1-x0)*float64(i)/5
		c.line(x, y0, x, y1, 1, light, false)
		c.text(x, y1+14, fmtNum(math.Round(top*float64(i)/5*1000)/1000), 11, grey, 1)
	}
	c.line(x0, y0, x0, y1, 1, black, false)
	size := math.Min(12, slot*0.8)
	for i, l := range ch.Labels {
		c.text(x0-6, y0+slot*(float64(i)+0.5)+size/3, clip(l, 14), size, black, 2)
	}
	for k, s := range ch.Series {
		bh := slot * 0.7 / float64(len(ch.Series))
		for i, v := range s.Values {
			by := y0 + slot*float64(i) + slot*0.15 + bh*float64(k)
			c.rect(x0, by, (x1-x0)*math.Min(v, top)/top, bh, s.Color, ch.Labels[i], v)
		}
		if len(ch.Series) > 1 {
			ly := float64(Height) - 6
			lx := x0 + 110*float64(k)
			c.rect(lx, ly-8, 10, 10, s.Color, "", 0)
			c.text(lx+14, ly+1, s.Name, 10, black, 0)
		}
	}
}
