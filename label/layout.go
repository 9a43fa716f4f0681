package label

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dadanhq/dadan/label/qr"
)

const (
	lineSpacing   = 1.2 // line pitch in ems
	shrinkStep    = 0.9 // each shrink step multiplies the size by this
	defaultModule = 0.375
	minModule     = 0.25 // QR
	cellPad       = 0.5  // mm inside table cells
	ellipsis      = "…"
)

// Layout binds d to t and lays it out into a [Document]: one page, or for a template
// with a table as many pages as its rows need (a receipt instead grows in length).
// Nil d is empty data; nil opts means defaults. Errors are [*Error] values naming
// the template and element and wrapping [ErrMissingField], [ErrOverflow],
// [ErrEncode] or [ErrTemplate]. Layout is safe for concurrent use with the same
// template. The work that depends on the template alone (validation, hash, parsed
// placeholders, elements without data) is done on its first layout and reused while
// its content is unchanged; a changed template is prepared again. Documents of one
// template share the ops of its data-free elements (a fixed QR code's modules, say):
// treat a Document as read-only. [Page.Static] marks those ops, so renderers may
// reuse their encoding.
func Layout(t *Template, d *Data, opts *LayoutOptions) (*Document, error) {
	return layout(t, d, opts, nil)
}

// Layouter lays out documents of one template again and again, as [Layout] does,
// reusing its buffers between layouts: a station keeps one per document it prints.
// The Document a Layouter returns, and the strings in it, are valid only until its
// next Layout; render it (or copy what is kept) before then. A Layouter is not
// safe for concurrent use; the zero value is not usable, see [NewLayouter].
type Layouter struct {
	t     *Template
	l     layouter // the scratch state, its arenas kept between layouts
	doc   Document
	pages []Page
}

// NewLayouter returns a Layouter for t.
func NewLayouter(t *Template) *Layouter { return &Layouter{t: t} }

// Template returns the template the Layouter lays out.
func (lo *Layouter) Template() *Template { return lo.t }

// Layout binds d to the Layouter's template and lays it out, as [Layout] does,
// into the Layouter's reused Document.
func (lo *Layouter) Layout(d *Data, opts *LayoutOptions) (*Document, error) {
	return layout(lo.t, d, opts, lo)
}

func layout(t *Template, d *Data, opts *LayoutOptions, lo *Layouter) (*Document, error) {
	if t == nil {
		return nil, &Error{Err: fmt.Errorf("%w: nil template", ErrTemplate)}
	}
	var o LayoutOptions
	if opts != nil {
		o = *opts
	}
	if err := o.Validate(); err != nil {
		return nil, &Error{Template: t.Name, Err: err}
	}
	prep, err := t.prepare(o.Measure)
	if err != nil {
		return nil, err
	}
	if d == nil {
		d = &Data{}
	}
	var l *layouter
	if lo != nil {
		// The arenas of the last layout are written again: its document is
		// no longer valid.
		l = &lo.l
		old := *l
		*l = layouter{t: t, b: binder{d: d, mask: o.Mask || t.Privacy, buf: old.b.buf[:0], sum: old.b.sum[:0],
			tmp: old.b.tmp},
			qrByPrinter: o.QRByPrinter, m: o.Measure,
			texts: old.texts[:0], bars: old.bars[:0], qrs: old.qrs[:0], mods: old.mods[:0]}
	} else {
		l = &layouter{t: t, b: binder{d: d, mask: o.Mask || t.Privacy}, qrByPrinter: o.QRByPrinter, m: o.Measure,
			texts: make([]TextLine, 0, prep.nTexts)}
	}
	if cap(l.b.buf) == 0 {
		l.b.buf = make([]byte, 0, 1024)
	}
	l.lines, l.ems = l.linesBuf[:0], l.emsBuf[:0]
	if !o.Now.IsZero() {
		l.b.buf = o.Now.AppendFormat(l.b.buf, time.RFC3339)
		l.b.now = l.b.finish(0)
	}

	// Paginate the table, if any.
	var (
		table  *TableElement
		rows   []tableRow
		chunks [][2]int // row ranges per page
		extra  float64  // receipt growth
	)
	if prep.table >= 0 {
		table = t.Elements[prep.table].(*TableElement)
		data, ok := d.Tables[table.Table]
		if !ok && !table.Optional {
			return nil, &Error{Template: t.Name, Element: elementName(table, prep.table),
				Err: fmt.Errorf("%w: table %s", ErrMissingField, table.Table)}
		}
		if o.SortItems != "" && len(data) > 1 {
			data = slices.Clone(data)
			key := o.SortItems
			slices.SortStableFunc(data, func(a, b Row) int { return cmp.Compare(a[key], b[key]) })
		}
		l.b.items, l.b.hasItems = data, ok
		var err error
		rows, err = l.tableRows(table, prep.elems[prep.table].cols, data)
		if err != nil {
			return nil, &Error{Template: t.Name, Element: elementName(table, prep.table), Err: err}
		}
		chunks, extra = paginate(t, table, rows)
	} else {
		l.b.items, l.b.hasItems = d.Tables["items"]
	}
	var one [1][2]int
	if len(chunks) == 0 {
		chunks = one[:]
	}

	var doc *Document
	if lo != nil {
		doc = &lo.doc
		*doc = Document{}
		if cap(lo.pages) < len(chunks) {
			lo.pages = append(lo.pages[:cap(lo.pages)], make([]Page, len(chunks)-cap(lo.pages))...)
		}
		doc.Pages = lo.pages[:len(chunks)]
	} else if len(chunks) == 1 {
		// One allocation for the document and its page, the common case.
		one := new(struct {
			doc  Document
			page [1]Page
		})
		doc = &one.doc
		doc.Pages = one.page[:]
	} else {
		doc = &Document{Pages: make([]Page, len(chunks))}
	}
	doc.Template, doc.Version, doc.Hash = t.Name, t.Version, prep.hash
	doc.Order, _ = d.Field("order.id")
	l.b.pageCnt = strconv.Itoa(len(chunks))
	for p := range chunks {
		l.b.pageNo = strconv.Itoa(p + 1)
		if lo != nil && cap(doc.Pages[p].Ops) > 0 {
			// The page's buffers from the Layouter's previous layout.
			old := &doc.Pages[p]
			l.page = Page{Width: t.Width, Height: t.Height + extra, Ops: old.Ops[:0], Static: old.Static[:0]}
		} else {
			l.page = Page{Width: t.Width, Height: t.Height + extra, Ops: make([]Op, 0, prep.nOps)}
			if prep.nRuns > 0 {
				l.page.Static = make([]Span, 0, prep.nRuns)
			}
		}
		for i := 0; i < len(t.Elements); i++ {
			e := t.Elements[i]
			c := e.common()
			switch c.Pages {
			case "first":
				if p != 0 {
					continue
				}
			case "last":
				if p != len(chunks)-1 {
					continue
				}
			case "continued":
				if p == 0 {
					continue
				}
			}
			pe := &prep.elems[i]
			if c.If != "" {
				if v, ok := l.b.lookup(c.If, pe.ifID); !ok || v == "" {
					continue
				}
			}
			if pe.isStatic {
				if pe.key != nil {
					start := len(l.page.Ops)
					l.page.Ops = append(l.page.Ops, pe.run...)
					l.page.Static = append(l.page.Static, Span{Start: start, End: len(l.page.Ops), Key: pe.key})
				}
				i = pe.runEnd - 1 // skip the rest of the run
				continue
			}
			dy := 0.0
			if extra > 0 && table != nil && e != Element(table) && top(e) >= table.Y+table.H-0.01 {
				dy = extra
			}
			var err error
			switch e := e.(type) {
			case *TextElement:
				err = l.text(e, dy, &pe.bind)
			case *Code128Element:
				err = l.code128(e, dy, &pe.bind)
			case *QRElement:
				err = l.qr(e, dy, &pe.bind)
			case *TableElement:
				l.drawTable(e, pe.cols, rows[chunks[p][0]:chunks[p][1]], p > 0)
			default:
				l.element(e, dy)
			}
			if err != nil {
				return nil, &Error{Template: t.Name, Element: elementName(e, i), Err: err}
			}
		}
		doc.Pages[p] = l.page
	}
	doc.Warnings = l.warnings
	if lo != nil {
		// Ops past the new length may still point at an older document's values:
		// at most one document's worth, kept until overwritten. The data is not
		// kept.
		l.b.d, l.b.row, l.b.items = nil, nil, nil
	}
	return doc, nil
}

// warn records that the text s of element e was cut short.
func (l *layouter) warn(e Element, bnd *binding, s string) {
	i := 0
	for k, x := range l.t.Elements {
		if x == e {
			i = k
			break
		}
	}
	for _, w := range l.warnings {
		if w.Element == elementName(e, i) && w.Field == bnd.field() && w.Text == s {
			return // a repeated element or a table cell seen on an earlier page
		}
	}
	l.warnings = append(l.warnings, Warning{Element: elementName(e, i), Field: bnd.field(), Text: strings.Clone(s)})
}

// element lays out a line, box or image.
func (l *layouter) element(e Element, dy float64) {
	switch e := e.(type) {
	case *LineElement:
		l.add(Line{X1: e.X1, Y1: e.Y1 + dy, X2: e.X2, Y2: e.Y2 + dy, Thickness: e.Thickness})
	case *BoxElement:
		l.add(Box{X: e.X, Y: e.Y + dy, W: e.W, H: e.H, Thickness: e.Thickness, Fill: e.Fill})
	case *ImageElement:
		l.add(Image{X: e.X, Y: e.Y + dy, W: e.W, H: e.H, Bitmap: e.Bitmap})
	}
}

func top(e Element) float64 {
	switch e := e.(type) {
	case *TextElement:
		return e.Y
	case *Code128Element:
		return e.Y
	case *QRElement:
		return e.Y
	case *LineElement:
		return math.Min(e.Y1, e.Y2)
	case *BoxElement:
		return e.Y
	case *ImageElement:
		return e.Y
	case *TableElement:
		return e.Y
	}
	return 0
}

type layouter struct {
	t         *Template
	b         binder
	page      Page
	truncated bool // set by fitText when it cut text short
	// qrByPrinter skips the modules of data-bound QR codes (LayoutOptions.QRByPrinter)
	qrByPrinter bool
	m           *Measure  // LayoutOptions.Measure: nil is the cell measure
	warnings    []Warning // for the document
	// texts, bars and qrs hold the values of the TextLine, Barcode and QR ops
	// (see arenaOp), mods the modules of the Barcode ops: appended to, never
	// written again in one layout.
	texts    []TextLine
	bars     []Barcode
	qrs      []QR
	mods     []bool
	lines    []string  // scratch
	ems      []float64 // scratch: widths of lines
	linesBuf [16]string
	emsBuf   [16]float64
}

func (l *layouter) add(op Op) { l.page.Ops = append(l.page.Ops, op) }

// textEm measures s by the layout's Measure, the cell measure's fast path first.
func (l *layouter) textEm(s string) float64 {
	if l.m == nil {
		return TextEm(s)
	}
	return l.m.Text(s)
}

// addText adds a text line with its Charset. The op's value lives in l.texts
// rather than in a heap box of its own: one allocation serves a page's lines,
// none a Layouter's, whose texts are overwritten by its next layout only (as its
// strings are).
func (l *layouter) addText(t TextLine) {
	t.Charset = charsetOf(t.Text)
	l.page.Ops = append(l.page.Ops, arenaOp(&l.texts, t, textLineTab))
}

// fitText sets s at the largest size from size down to minSize (in steps) at which it
// fits lengthMM x acrossMM in at most maxLines lines, and returns the lines and size;
// l.ems then holds the width of each line in ems.
// When it does not fit at minSize, mark cuts it with an ellipsis; otherwise
// ErrOverflow.
func (l *layouter) fitText(s string, size, minSize, lengthMM, acrossMM float64, maxLines int, mark bool) ([]string, float64, error) {
	if minSize <= 0 || minSize > size {
		minSize = size
	}
	// A text without line breaks that fits one line is that line, which is what
	// wrap gives for it; measuring it once spares wrapping it at every size.
	oneEm := -1.0
	if s != "" && strings.IndexByte(s, '\n') < 0 {
		if l.m == nil {
			oneEm = TextEm(s) // the cell measure's fast path
		} else {
			oneEm = l.m.Text(s)
		}
	}
	sz := size
	for {
		capLines := int(math.Floor((acrossMM-sz)/(sz*lineSpacing)+1e-9)) + 1
		if maxLines > 0 && capLines > maxLines {
			capLines = maxLines
		}
		capLines = max(capLines, 1)
		maxEm := lengthMM / sz
		if oneEm >= 0 {
			if oneEm <= maxEm+1e-9 {
				l.lines = append(l.lines[:0], s)
				l.ems = append(l.ems[:0], oneEm)
				return l.lines, sz, nil
			}
			if capLines == 1 && sz > minSize {
				// One line is all there is room for and s does not fit it.
				sz = math.Max(sz*shrinkStep, minSize)
				continue
			}
		}
		l.ems = l.ems[:0]
		l.lines = wrap(l.lines[:0], &l.ems, s, maxEm, l.m)
		fits := len(l.lines) <= capLines
		if fits {
			for _, em := range l.ems {
				if em > maxEm+1e-9 {
					fits = false
					break
				}
			}
		}
		if fits {
			return l.lines, sz, nil
		}
		if sz <= minSize {
			if !mark {
				return nil, 0, fmt.Errorf("%w: %d characters do not fit %gx%g mm at %g mm", ErrOverflow,
					len([]rune(s)), lengthMM, acrossMM, sz)
			}
			l.truncated = true
			lines := l.lines
			if len(lines) > capLines {
				lines = lines[:capLines]
			}
			// Cut every over-wide line (a single huge cluster) and the last line, and
			// end the last one with an ellipsis.
			for i := range lines {
				last := i == len(lines)-1
				lines[i] = cutToFit(lines[i], maxEm, last, l.m)
				l.ems[i] = l.textEm(lines[i])
			}
			l.ems = l.ems[:len(lines)]
			return lines, sz, nil
		}
		sz = math.Max(sz*shrinkStep, minSize)
	}
}

// cutToFit drops clusters from the end of s until it fits maxEm ems of m together
// with an ellipsis (when mark).
func cutToFit(s string, maxEm float64, mark bool, m *Measure) string {
	if !mark && m.Text(s) <= maxEm+1e-9 {
		return s
	}
	room := maxEm - m.Text(ellipsis)
	var w float64
	end := 0
	for end < len(s) {
		n, em := m.cluster(s[end:])
		if w+em > room+1e-9 {
			break
		}
		w += em
		end += n
	}
	return strings.TrimRight(s[:end], " ") + ellipsis
}

func (l *layouter) text(e *TextElement, dy float64, bnd *binding) error {
	s, err := l.b.bind(bnd, e.Optional, !e.Wrap)
	if err != nil {
		return err
	}
	if s == "" {
		return nil
	}
	length, across := e.W, e.H
	if e.Rotation == Rotate90 || e.Rotation == Rotate270 {
		length, across = e.H, e.W
	}
	maxLines := e.MaxLines
	if !e.Wrap {
		maxLines = 1
	}
	l.truncated = false
	lines, sz, err := l.fitText(s, e.Size, e.MinSize, length, across, maxLines, e.Overflow == OverflowMark)
	if err != nil {
		return err
	}
	if l.truncated {
		l.warn(e, bnd, s)
	}
	if e.Reverse {
		l.add(Box{X: e.X, Y: e.Y + dy, W: e.W, H: e.H, Fill: true})
	}
	field := bnd.field()
	pitch := sz * lineSpacing
	block := sz + pitch*float64(len(lines)-1)
	start := 0.0 // offset across the box of the first line's top
	if !e.Wrap {
		start = (across - block) / 2
	}
	for i, ln := range lines {
		w := l.ems[i] * sz
		along := 0.0
		switch e.Align {
		case AlignCenter:
			along = (length - w) / 2
		case AlignRight:
			along = length - w
		}
		off := start + float64(i)*pitch
		tl := TextLine{Size: sz, Width: w, Bold: e.Bold, Reverse: e.Reverse, Rotation: e.Rotation, Text: ln, Field: field}
		switch e.Rotation {
		case Rotate0:
			tl.X, tl.Y = e.X+along, e.Y+off
		case Rotate90:
			tl.X, tl.Y = e.X+e.W-off, e.Y+along
		case Rotate180:
			tl.X, tl.Y = e.X+e.W-along, e.Y+e.H-off
		case Rotate270:
			tl.X, tl.Y = e.X+off, e.Y+e.H-along
		}
		tl.Y += dy
		l.addText(tl)
	}
	return nil
}

func (l *layouter) code128(e *Code128Element, dy float64, bnd *binding) error {
	data, err := l.b.bind(bnd, e.Optional, true)
	if err != nil {
		return err
	}
	if data == "" && e.Optional {
		return nil
	}
	// The modules go into the arena; when it grows, those before stay in the
	// old array, which is not written again.
	start := len(l.mods)
	if l.mods, err = appendCode128(l.mods, data); err != nil {
		return err
	}
	mods := l.mods[start:len(l.mods):len(l.mods)]
	m := e.Module
	if m == 0 {
		m = defaultModule
	}
	minM := max(e.MinModule, MinModule)
	m = max(m, minM)
	total := float64(len(mods) + 2*QuietModules)
	if m*total > e.W {
		m = e.W / total
		if m < minM-1e-9 {
			return &FitError{Field: bnd.field(), Data: data, Need: total * minM, Have: e.W}
		}
	}
	symW := m * float64(len(mods))
	x := e.X + (e.W-symW)/2
	l.add(arenaOp(&l.bars, Barcode{X: x, Y: e.Y + dy, Module: m, Height: e.H, Data: data, Modules: mods, Room: e.W}, barcodeTab))
	if e.Text {
		ts := e.TextSize
		if ts == 0 {
			ts = 2.5
		}
		l.truncated = false
		lines, sz, err := l.fitText(data, ts, ts*0.6, e.W, ts, 1, true)
		if err != nil {
			return err
		}
		if l.truncated {
			l.warn(e, bnd, data)
		}
		w := l.ems[0] * sz
		l.addText(TextLine{X: e.X + (e.W-w)/2, Y: e.Y + e.H + dy + (ts-sz)/2, Size: sz, Width: w, Text: lines[0],
			Field: bnd.field()})
	}
	return nil
}

func (l *layouter) qr(e *QRElement, dy float64, bnd *binding) error {
	data, err := l.b.bind(bnd, e.Optional, true)
	if err != nil {
		return err
	}
	if data == "" {
		if e.Optional {
			return nil
		}
		return fmt.Errorf("%w: empty QR data", ErrEncode)
	}
	level, rl := QRLevelM, qr.Medium
	switch e.Level {
	case "L":
		level, rl = QRLevelL, qr.Low
	case "Q":
		level, rl = QRLevelQ, qr.Quartile
	case "H":
		level, rl = QRLevelH, qr.High
	}
	var mods [][]bool
	size := 0
	if l.qrByPrinter {
		ver, err := qr.Version(data, rl)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrEncode, err)
		}
		size = 4*ver + 17
	} else {
		code, err := qr.Encode(data, rl)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrEncode, err)
		}
		mods, size = code.Modules, len(code.Modules)
	}
	n := float64(size + 8)
	m := e.Module
	if m == 0 {
		m = e.Size / n
	}
	if m*n > e.Size+1e-9 || m < minModule-1e-9 {
		return fmt.Errorf("%w: QR of %d modules does not fit %g mm at module >= %g mm", ErrOverflow,
			size, e.Size, minModule)
	}
	off := (e.Size - m*float64(size)) / 2
	l.add(arenaOp(&l.qrs, QR{X: e.X + off, Y: e.Y + off + dy, Module: m, Level: level, Data: data, Modules: mods}, qrTab))
	return nil
}

// tableRow is one laid-out row: lines per cell and its height.
type tableRow struct {
	cells  [][]string
	height float64
}

func rowPitch(t *TableElement) float64 {
	if t.RowHeight > 0 {
		return t.RowHeight
	}
	return 1.5 * t.Size
}

func (l *layouter) tableRows(t *TableElement, cols []binding, data []Row) ([]tableRow, error) {
	rows := make([]tableRow, len(data))
	pitch := rowPitch(t)
	// All cells share one slice of cells and one of lines; a full lines slice is
	// replaced, not overwritten, so earlier cells keep theirs.
	cells := make([][]string, len(data)*len(t.Columns))
	flat := make([]string, 0, len(cells)+8)
	for r, row := range data {
		l.b.row = row
		rows[r].cells = cells[r*len(t.Columns) : (r+1)*len(t.Columns) : (r+1)*len(t.Columns)]
		n := 1
		for c, col := range t.Columns {
			s, err := l.b.bind(&cols[c], true, !col.Wrap)
			if err != nil {
				l.b.row = nil
				return nil, err
			}
			maxLines := 1
			if col.Wrap {
				maxLines = cmp0(col.MaxLines, 3)
			}
			l.truncated = false
			lines, _, _ := l.fitText(s, t.Size, t.Size, col.Width-2*cellPad, float64(maxLines)*pitch, maxLines, true)
			if l.truncated {
				l.warn(t, &cols[c], s)
			}
			start := len(flat)
			flat = append(flat, lines...)
			rows[r].cells[c] = flat[start:len(flat):len(flat)]
			n = max(n, len(lines))
		}
		rows[r].height = float64(n) * pitch
	}
	l.b.row = nil
	return rows, nil
}

// paginate splits rows over pages, or for a receipt returns how much the page grows.
func paginate(t *Template, table *TableElement, rows []tableRow) ([][2]int, float64) {
	head := 0.0
	if table.Header {
		head = rowPitch(table)
	}
	if t.Receipt {
		need := head
		for _, r := range rows {
			need += r.height
		}
		return [][2]int{{0, len(rows)}}, math.Max(0, need-table.H)
	}
	var chunks [][2]int
	start := 0
	avail := table.H - head
	used := 0.0
	for i, r := range rows {
		if used+r.height > avail+1e-9 && i > start {
			chunks = append(chunks, [2]int{start, i})
			start, used = i, 0
			if table.ContinueH > 0 {
				avail = table.ContinueH - head
			}
		}
		used += r.height
	}
	return append(chunks, [2]int{start, len(rows)}), 0
}

func (l *layouter) drawTable(t *TableElement, cols []binding, rows []tableRow, continued bool) {
	x0, y := t.X, t.Y
	if continued && t.ContinueH > 0 {
		y = t.ContinueY
	}
	pitch := rowPitch(t)
	textOff := (pitch - t.Size) / 2
	cell := func(col Column, cx, cy float64, s string, bold bool, field string) {
		w := l.textEm(s) * t.Size
		along := cellPad
		switch col.Align {
		case AlignCenter:
			along = (col.Width - w) / 2
		case AlignRight:
			along = col.Width - cellPad - w
		}
		l.addText(TextLine{X: cx + along, Y: cy + textOff, Size: t.Size, Width: w, Bold: bold, Text: s, Field: field})
	}
	if t.Header {
		cx := x0
		for _, col := range t.Columns {
			h := cutToFit(col.Header, (col.Width-2*cellPad)/t.Size, false, l.m)
			if h != "" {
				cell(col, cx, y, h, true, "")
			}
			cx += col.Width
		}
		y += pitch
		if t.Rules {
			l.add(Line{X1: x0, Y1: y, X2: x0 + t.W, Y2: y, Thickness: 0.3})
		}
	}
	for _, r := range rows {
		cx := x0
		for c, col := range t.Columns {
			for i, s := range r.cells[c] {
				if s != "" {
					cell(col, cx, y+float64(i)*pitch, s, false, cols[c].field())
				}
			}
			cx += col.Width
		}
		y += r.height
		if t.Rules {
			l.add(Line{X1: x0, Y1: y, X2: x0 + t.W, Y2: y, Thickness: 0.15})
		}
	}
}
