package label

import (
	"bytes"
	"slices"
	"strings"
	"sync/atomic"
)

// prepared is what layout derives from a template alone: the validation verdict, the
// content hash, the parsed placeholders and the ops of elements that depend on no
// data. It is computed on a template's first layout and reused while the template's
// content stays what it was (see snapshot); it is never changed once published,
// but for measured, a cache of the prepared form for another Measure.
type prepared struct {
	snap  snapshot
	hash  string
	table int // index of the table element, or -1
	elems []prepElem
	nOps  int // capacity to reserve for one page's ops
	nRuns int // number of static runs: capacity to reserve for one page's spans
	// nTexts is the capacity to reserve for the text lines of a layout.
	nTexts int
	// measure is the Measure static text was laid out with (nil: the cell measure);
	// measured holds the prepared form for the last other Measure asked for, and
	// staticText says whether there is static text that a Measure changes.
	measure    *Measure
	measured   atomic.Pointer[prepared]
	staticText bool
}

// prepElem is the prepared form of one element.
type prepElem struct {
	bind     binding   // TextElement.Text, Code128Element.Data or QRElement.Data
	cols     []binding // TableElement column texts
	ifID     FieldID   // the standard number of the element's If field, or 0
	isStatic bool      // static holds the element's ops
	static   []Op
	// A static run is a maximal sequence of consecutive static elements without
	// Pages or If conditions, or one static element with a condition. Its first
	// element holds the run's ops and key; runEnd (set on every static element)
	// is the index of the element after its run.
	run    []Op
	key    *StaticKey // nil when the run has no ops
	runEnd int
}

// prepCache holds a template's *prepared. atomic.Value (not atomic.Pointer) keeps
// Template copyable by value.
type prepCache struct{ v atomic.Value }

// prepare returns the prepared form of t with its static text measured by m,
// validating t when its content is new.
func (t *Template) prepare(m *Measure) (*prepared, error) {
	p, _ := t.prep.v.Load().(*prepared)
	if p == nil || !p.snap.matches(t) {
		if err := t.Validate(); err != nil {
			return nil, err
		}
		p = newPrepared(t, nil, nil)
		t.prep.v.Store(p)
	}
	if m == nil || !p.staticText {
		return p, nil
	}
	// A template is mostly laid out for one renderer: one prepared form per
	// Measure other than the cell measure is kept, the last one asked for.
	if q := p.measured.Load(); q != nil && q.measure == m {
		return q, nil
	}
	q := newPrepared(t, p, m)
	p.measured.Store(q)
	return q, nil
}

// newPrepared prepares t with its static text measured by m. With m set, base is
// the prepared form by the cell measure, whose snapshot and hash are shared.
func newPrepared(t *Template, base *prepared, m *Measure) *prepared {
	p := &prepared{table: -1, elems: make([]prepElem, len(t.Elements)), measure: m}
	if m != nil && base != nil {
		p.snap, p.hash = base.snap, base.hash
	} else {
		p.snap, p.hash = takeSnapshot(t), t.Hash()
	}
	var table *TableElement
	for i, e := range t.Elements {
		if te, ok := e.(*TableElement); ok {
			p.table, table = i, te
		}
	}
	l := layouter{t: t, m: m}
	for i, e := range t.Elements {
		pe := &p.elems[i]
		pe.ifID, _ = FieldByName(e.common().If)
		// Elements below the table of a receipt move with its length.
		moves := t.Receipt && table != nil && e != Element(table) && top(e) >= table.Y+table.H-0.01
		var err error
		switch e := e.(type) {
		case *TextElement:
			pe.bind = mustParseBinding(e.Text)
		case *Code128Element:
			pe.bind = mustParseBinding(e.Data)
		case *QRElement:
			pe.bind = mustParseBinding(e.Data)
		case *TableElement:
			pe.cols = make([]binding, len(e.Columns))
			for c, col := range e.Columns {
				pe.cols[c] = mustParseBinding(col.Text)
				if f := pe.cols[c].name; f != "" && !strings.Contains(f, ".") {
					pe.cols[c].name = e.Table + "." + f // a row field
				}
			}
			p.nOps += 64
			p.nTexts += 64
			continue
		}
		if moves {
			p.nOps += 4
			p.nTexts += textLines(e)
			continue
		}
		l.page.Ops = l.page.Ops[:0]
		switch e := e.(type) {
		case *TextElement:
			if pe.bind.static {
				err = l.text(e, 0, &pe.bind)
				pe.isStatic = err == nil
				p.staticText = true
			}
		case *Code128Element:
			if pe.bind.static {
				err = l.code128(e, 0, &pe.bind)
				pe.isStatic = err == nil
				p.staticText = p.staticText || e.Text
			}
		case *QRElement:
			if pe.bind.static {
				err = l.qr(e, 0, &pe.bind)
				pe.isStatic = err == nil
			}
		default:
			l.element(e, 0)
			pe.isStatic = true
		}
		if pe.isStatic {
			pe.static = slices.Clone(l.page.Ops)
			p.nOps += len(pe.static)
		} else {
			p.nOps += 4
			p.nTexts += textLines(e)
		}
	}
	p.groupRuns(t)
	return p
}

// textLines is about how many text lines element e of no static text lays out.
func textLines(e Element) int {
	switch e := e.(type) {
	case *TextElement:
		if e.Wrap {
			return min(cmp0(e.MaxLines, 3), 4)
		}
		return 1
	case *Code128Element:
		if e.Text {
			return 1
		}
	}
	return 0
}

// groupRuns groups the static elements into runs (see prepElem).
func (p *prepared) groupRuns(t *Template) {
	conditional := func(i int) bool {
		c := t.Elements[i].common()
		return (c.Pages != "" && c.Pages != "all") || c.If != ""
	}
	for i := 0; i < len(p.elems); {
		if !p.elems[i].isStatic {
			i++
			continue
		}
		end := i + 1
		if !conditional(i) {
			for end < len(p.elems) && p.elems[end].isStatic && !conditional(end) {
				end++
			}
		}
		var run []Op
		for j := i; j < end; j++ {
			run = append(run, p.elems[j].static...)
			p.elems[j].runEnd = end
		}
		if len(run) > 0 {
			p.elems[i].run, p.elems[i].key = run, &StaticKey{ops: run}
			p.nRuns++
		}
		i = end
	}
}

// mustParseBinding parses a placeholder text that Validate has accepted.
func mustParseBinding(s string) binding {
	b, err := parseBinding(s)
	if err != nil {
		// Validate has checked every binding; keep the text literal all the same.
		return binding{static: true, lit: s}
	}
	return b
}

// snapshot is a copy of a template's content, to tell whether a prepared form still
// belongs to it: templates are plain values that a caller may change between
// layouts.
type snapshot struct {
	name, version    string
	width, height    float64
	receipt, privacy bool
	elems            []Element // the elements as they were given
	vals             []Element // copies of their values
	bitmaps          []Bitmap  // copies of image bitmaps (bits included), by element
}

func takeSnapshot(t *Template) snapshot {
	s := snapshot{name: t.Name, version: t.Version, width: t.Width, height: t.Height,
		receipt: t.Receipt, privacy: t.Privacy, elems: slices.Clone(t.Elements),
		vals: make([]Element, len(t.Elements)), bitmaps: make([]Bitmap, len(t.Elements))}
	for i, e := range t.Elements {
		switch e := e.(type) {
		case *TextElement:
			v := *e
			s.vals[i] = &v
		case *Code128Element:
			v := *e
			s.vals[i] = &v
		case *QRElement:
			v := *e
			s.vals[i] = &v
		case *LineElement:
			v := *e
			s.vals[i] = &v
		case *BoxElement:
			v := *e
			s.vals[i] = &v
		case *ImageElement:
			v := *e
			s.vals[i] = &v
			if e.Bitmap != nil {
				s.bitmaps[i] = *e.Bitmap
				s.bitmaps[i].Bits = bytes.Clone(e.Bitmap.Bits)
			}
		case *TableElement:
			v := *e
			v.Columns = slices.Clone(e.Columns)
			s.vals[i] = &v
		}
	}
	return s
}

// matches reports whether t has exactly the content the snapshot was taken of.
func (s *snapshot) matches(t *Template) bool {
	if t.Name != s.name || t.Version != s.version || t.Width != s.width || t.Height != s.height ||
		t.Receipt != s.receipt || t.Privacy != s.privacy || len(t.Elements) != len(s.elems) {
		return false
	}
	for i, e := range t.Elements {
		if e != s.elems[i] {
			return false
		}
		switch e := e.(type) {
		case *TextElement:
			if *e != *s.vals[i].(*TextElement) {
				return false
			}
		case *Code128Element:
			if *e != *s.vals[i].(*Code128Element) {
				return false
			}
		case *QRElement:
			if *e != *s.vals[i].(*QRElement) {
				return false
			}
		case *LineElement:
			if *e != *s.vals[i].(*LineElement) {
				return false
			}
		case *BoxElement:
			if *e != *s.vals[i].(*BoxElement) {
				return false
			}
		case *ImageElement:
			b := &s.bitmaps[i]
			if *e != *s.vals[i].(*ImageElement) || e.Bitmap == nil || e.Bitmap.Width != b.Width ||
				e.Bitmap.Height != b.Height || e.Bitmap.Stride != b.Stride || !bytes.Equal(e.Bitmap.Bits, b.Bits) {
				return false
			}
		case *TableElement:
			v := s.vals[i].(*TableElement)
			if e.Base != v.Base || e.X != v.X || e.Y != v.Y || e.W != v.W || e.H != v.H || e.Table != v.Table ||
				e.Size != v.Size || e.RowHeight != v.RowHeight || e.Header != v.Header || e.Rules != v.Rules ||
				e.ContinueY != v.ContinueY || e.ContinueH != v.ContinueH || e.Optional != v.Optional ||
				!slices.Equal(e.Columns, v.Columns) {
				return false
			}
		default:
			return false
		}
	}
	return true
}
