package label

import (
	"math"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Measure is the advance of text in the fonts a renderer draws it in, for layout
// to wrap, fit and align text with (see [LayoutOptions.Measure]) so that a line
// prints exactly as wide as it was measured. Renderers that draw text in their
// own fonts (label/pdf, label/raster) provide one through [TextMeasurer]; the
// printer-resident fonts of ZPL, TSPL and ESC/POS print every character in a
// cell of half an em or one em, and a nil *Measure is that cell measure (see
// [NextCluster] and [TextEm]).
//
// The advance of a line is the sum of the advances of its characters: renderers
// with a Measure draw every character at its font's advance, without shaping. A
// Measure asks its advance function once per character and keeps the answer; it
// is safe for concurrent use.
type Measure struct {
	advance func(r rune) float64
	bmp     [0x100]atomic.Pointer[measurePage] // U+0000-FFFF, 256 characters a page
	mu      sync.Mutex
	astral  map[rune]float64 // beyond the BMP
}

// measurePage holds math.Float64bits(em)+1 for each character of a page, 0 for
// one not asked yet.
type measurePage [0x100]atomic.Uint64

// NewMeasure returns a Measure that asks advance for the advance in ems of a
// character: the advance of its glyph in the first font of the renderer's chain
// that has it, 0 for a character the renderer leaves out (one that [MustGlyph]
// excuses), and for a character no font has whatever the renderer likes (it
// fails rendering). advance is called at most a few times per character, perhaps
// concurrently; a negative or non-finite answer counts as 0.
func NewMeasure(advance func(r rune) float64) *Measure {
	return &Measure{advance: advance, astral: make(map[rune]float64)}
}

// Rune returns the advance of r in ems; for a nil Measure the cell measure of r
// alone (see [NextCluster]).
func (m *Measure) Rune(r rune) float64 {
	if m == nil {
		return runeEm(r)
	}
	if r >= 0 && r < 0x10000 {
		if p := m.bmp[r>>8].Load(); p != nil {
			if v := p[r&0xff].Load(); v != 0 {
				return math.Float64frombits(v - 1)
			}
		}
		return m.slow(r)
	}
	m.mu.Lock()
	em, ok := m.astral[r]
	m.mu.Unlock()
	if ok {
		return em
	}
	return m.slow(r)
}

// slow asks the advance function and keeps the answer.
func (m *Measure) slow(r rune) float64 {
	em := m.advance(r)
	if !(em > 0) || math.IsInf(em, 0) {
		em = 0
	}
	if r >= 0 && r < 0x10000 {
		slot := &m.bmp[r>>8]
		p := slot.Load()
		if p == nil {
			slot.CompareAndSwap(nil, new(measurePage))
			p = slot.Load()
		}
		p[r&0xff].Store(math.Float64bits(em) + 1)
		return em
	}
	m.mu.Lock()
	if len(m.astral) < 1<<16 { // hostile text must not grow it without bound
		m.astral[r] = em
	}
	m.mu.Unlock()
	return em
}

// Text returns the advance of s in ems; for a nil Measure [TextEm] of s. An
// invalid UTF-8 byte counts as U+FFFD, as it prints.
func (m *Measure) Text(s string) float64 {
	if m == nil {
		return TextEm(s)
	}
	var w float64
	for _, r := range s {
		w += m.Rune(r)
	}
	return w
}

// Wrap is [Wrap] by the Measure: it breaks s into lines no wider than maxEm
// ems of m and appends them to dst. A nil Measure wraps by the cell measure.
func (m *Measure) Wrap(dst []string, s string, maxEm float64) []string {
	return wrap(dst, nil, s, maxEm, m)
}

// cluster is [NextCluster] with the advance from m: the sum of the advances of
// the cluster's characters.
func (m *Measure) cluster(s string) (int, float64) {
	if m == nil {
		return NextCluster(s)
	}
	if c := s[0]; c < utf8.RuneSelf && (len(s) == 1 || s[1] < utf8.RuneSelf) && c >= 0x20 && c != 0x7f {
		return 1, m.Rune(rune(c))
	}
	n, _ := NextCluster(s)
	return n, m.Text(s[:n])
}

// space returns the advance of a space.
func (m *Measure) space() float64 {
	if m == nil {
		return 0.5
	}
	return m.Rune(' ')
}

// TextMeasurer is implemented by renderers that draw text in their own fonts, so
// that layout measures text as they draw it: [LayoutOptions.ForRenderer] sets
// [LayoutOptions.Measure] from it. The Measure must be the renderer's for as long
// as it lives (layout keeps work per Measure).
type TextMeasurer interface {
	TextMeasure() *Measure
}
