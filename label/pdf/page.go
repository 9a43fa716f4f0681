package pdf

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"slices"
	"strconv"

	"github.com/dadanhq/dadan/label"
)

// k converts millimetres to PDF points.
const k = 72 / 25.4

// Geometry limits in millimetres. PDF pages may not exceed 14400 points (5080 mm).
const (
	minPage  = 2.0
	maxPage  = 5080.0
	maxCoord = 10000.0
	maxSize  = 1000.0
)

func validate(doc *label.Document, cal label.Calibration, dpi int, fonts []*Font) error {
	for pi := range doc.Pages {
		p := &doc.Pages[pi]
		if !finite(p.Width) || !finite(p.Height) || p.Width < minPage || p.Height < minPage ||
			p.Width > maxPage || p.Height > maxPage {
			return &OpError{Page: pi, Op: -1, Err: ErrPageSize}
		}
		for oi, op := range p.Ops {
			if err := validateOp(op, dpi); err != nil {
				return &OpError{Page: pi, Op: oi, Err: err}
			}
			if t, ok := op.(label.TextLine); ok {
				if err := checkGlyphs(&t, fonts); err != nil {
					return &OpError{Page: pi, Op: oi, Err: label.WithOrder(err, doc.Order)}
				}
			}
		}
	}
	return nil
}

// checkGlyphs fails with a [*label.GlyphError] for the first character of t that
// no font has, except those [label.MustGlyph] lets text leave out.
func checkGlyphs(t *label.TextLine, fonts []*Font) error {
	for _, r := range t.Text {
		if r < 0x80 && fonts[0].glyphIndex(r) != 0 || !label.MustGlyph(r) {
			continue
		}
		found := false
		for _, f := range fonts {
			if f.glyphIndex(r) != 0 {
				found = true
				break
			}
		}
		if !found {
			names := ""
			for i, f := range fonts {
				if i > 0 {
					names += ", "
				}
				names += f.Name()
			}
			return &label.GlyphError{Rune: r, Field: t.Field, Font: names}
		}
	}
	return nil
}

// coords reports whether every value is finite and within ±maxCoord.
func coords(vs ...float64) bool {
	for _, v := range vs {
		if !finite(v) || v < -maxCoord || v > maxCoord {
			return false
		}
	}
	return true
}

func size(v float64) bool { return finite(v) && v > 0 && v <= maxSize }

func rotation(r label.Rotation) bool {
	return r == label.Rotate0 || r == label.Rotate90 || r == label.Rotate180 || r == label.Rotate270
}

func validateOp(op label.Op, dpi int) error {
	switch o := op.(type) {
	case label.TextLine:
		if !coords(o.X, o.Y, o.Width) || o.Width < 0 || !size(o.Size) || !rotation(o.Rotation) {
			return ErrGeometry
		}
	case label.Barcode:
		if !coords(o.X, o.Y, o.Height) || o.Height <= 0 || !size(o.Module) || !rotation(o.Rotation) ||
			len(o.Modules) > 1<<16 {
			return ErrGeometry
		}
		if _, err := o.Dots(dpi); err != nil {
			return err
		}
	case label.QR:
		if !coords(o.X, o.Y) || !size(o.Module) || len(o.Modules) > 1<<10 {
			return ErrGeometry
		}
		for _, row := range o.Modules {
			if len(row) != len(o.Modules) {
				return ErrGeometry
			}
		}
	case label.Line:
		if !coords(o.X1, o.Y1, o.X2, o.Y2) || !size(o.Thickness) {
			return ErrGeometry
		}
	case label.Box:
		if !coords(o.X, o.Y, o.W, o.H) || o.W < 0 || o.H < 0 || o.Thickness < 0 || !finite(o.Thickness) ||
			(!o.Fill && o.Thickness == 0) {
			return ErrGeometry
		}
	case label.Image:
		if !coords(o.X, o.Y, o.W, o.H) || o.W <= 0 || o.H <= 0 {
			return ErrGeometry
		}
		b := o.Bitmap
		if b == nil || b.Width <= 0 || b.Height <= 0 || b.Width > 1<<15 || b.Height > 1<<15 ||
			b.Stride < (b.Width+7)/8 || b.Stride > 1<<13 || len(b.Bits) < b.Stride*b.Height {
			return ErrBitmap
		}
	default:
		return ErrOp
	}
	return nil
}

// frame maps an op's local millimetre coordinates (origin at the op's anchor, y down)
// to content-stream points.
type frame struct{ ox, oy float64 }

// open starts drawing an op anchored at (x, y) mm with rotation rot. Rotated ops get a
// cm matrix inside q … Q; close must be called with the same rot.
func (w *Writer) open(b []byte, x, y float64, rot label.Rotation, ph float64) ([]byte, frame) {
	ox := (x + w.r.cal.DX) * k
	oy := (ph - y - w.r.cal.DY) * k
	if rot == label.Rotate0 {
		return b, frame{ox, oy}
	}
	var a, bb, c, d float64 // clockwise on the page is negative in PDF's y-up space
	switch rot {
	case label.Rotate90:
		a, bb, c, d = 0, -1, 1, 0
	case label.Rotate180:
		a, bb, c, d = -1, 0, 0, -1
	case label.Rotate270:
		a, bb, c, d = 0, 1, -1, 0
	}
	b = append(b, "q "...)
	b = appendNums(b, a, bb, c, d, ox, oy)
	b = append(b, "cm\n"...)
	return b, frame{}
}

func closeFrame(b []byte, rot label.Rotation) []byte {
	if rot != label.Rotate0 {
		b = append(b, "Q\n"...)
	}
	return b
}

// rect appends a rectangle subpath for local (u, v, width, height) in mm.
func (f frame) rect(b []byte, u, v, wd, ht float64) []byte {
	b = appendNums(b, f.ox+u*k, f.oy-(v+ht)*k, wd*k, ht*k)
	return append(b, "re\n"...)
}

func (w *Writer) page(p *label.Page) error {
	s := w.s
	b := s.content[:0]
	var used uint64
	s.images = s.images[:0]
	ph := p.Height
	for _, op := range p.Ops {
		var err error
		switch o := op.(type) {
		case label.TextLine:
			b, err = w.text(b, &o, ph, &used)
		case label.Barcode:
			b = w.barcode(b, &o, ph)
		case label.QR:
			b = w.qr(b, &o, ph)
		case label.Line:
			b = w.line(b, &o, ph)
		case label.Box:
			_, f := w.open(nil, o.X, o.Y, label.Rotate0, ph)
			t := o.Thickness
			if o.Fill || 2*t >= o.W || 2*t >= o.H {
				b = f.rect(b, 0, 0, o.W, o.H)
			} else {
				b = f.rect(b, 0, 0, o.W, t)
				b = f.rect(b, 0, o.H-t, o.W, t)
				b = f.rect(b, 0, t, t, o.H-2*t)
				b = f.rect(b, o.W-t, t, t, o.H-2*t)
			}
			b = append(b, "f\n"...)
		case label.Image:
			b = w.image(b, &o, ph)
		}
		if err != nil {
			s.content = b
			return err
		}
	}
	s.content = b

	contents := s.alloc()
	s.stream(contents, b, "")
	obj := s.alloc()
	s.begin(obj)
	s.buf = append(s.buf, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 "...)
	s.buf = appendNum(s.buf, p.Width*k)
	s.buf = append(s.buf, ' ')
	s.buf = appendNum(s.buf, p.Height*k)
	s.buf = append(s.buf, "] /Resources <<"...)
	if used != 0 {
		s.buf = append(s.buf, " /Font <<"...)
		for i := range s.fonts {
			if used&(1<<i) != 0 {
				s.buf = append(s.buf, " /F"...)
				s.buf = strconv.AppendInt(s.buf, int64(i+1), 10)
				s.buf = append(s.buf, ' ')
				s.buf = appendRef(s.buf, s.fonts[i].obj)
			}
		}
		s.buf = append(s.buf, " >>"...)
	}
	if len(s.images) > 0 {
		s.buf = append(s.buf, " /XObject <<"...)
		for i, im := range s.images {
			s.buf = append(s.buf, " /Im"...)
			s.buf = strconv.AppendInt(s.buf, int64(i+1), 10)
			s.buf = append(s.buf, ' ')
			s.buf = appendRef(s.buf, im)
		}
		s.buf = append(s.buf, " >>"...)
	}
	s.buf = append(s.buf, " >> /Contents "...)
	s.buf = appendRef(s.buf, contents)
	s.buf = append(s.buf, " >>\nendobj\n"...)
	s.pages = append(s.pages, obj)
	return nil
}

// glyphRef is one character of a text line: which font draws it and with which CID.
type glyphRef struct {
	font uint8
	cid  uint16
}

// cid returns the CID for r in font fi, assigning the next one on first use.
func (s *state) cid(fi int, r rune, gid uint16) (uint16, error) {
	u := &s.fonts[fi]
	if c, ok := u.cids[r]; ok {
		return c, nil
	}
	if len(u.runes) >= 0xFFFF {
		return 0, ErrTooManyGlyphs
	}
	c := uint16(len(u.runes))
	u.cids[r] = c
	u.runes = append(u.runes, r)
	u.gids = append(u.gids, gid)
	return c, nil
}

func (w *Writer) text(b []byte, t *label.TextLine, ph float64, used *uint64) ([]byte, error) {
	s := w.s
	fonts := w.r.fonts
	refs := s.refs[:0]
	width := 0.0 // in em, as w.r.measure has it
	for _, r := range t.Text {
		r = printable(r)
		fi, gid := 0, fonts[0].glyphIndex(r)
		if gid == 0 {
			if fi, gid = w.r.glyph(r); gid == 0 {
				continue // a modifier no font has (checkGlyphs refused the others)
			}
		}
		c, err := s.cid(fi, r, gid)
		if err != nil {
			return b, err
		}
		f := fonts[fi]
		width += float64(f.advance(gid)) / float64(f.upem)
		refs = append(refs, glyphRef{uint8(fi), c})
	}
	s.refs = refs
	if len(refs) == 0 {
		return b, nil
	}
	boxW := t.Width
	if boxW == 0 {
		boxW = width * t.Size
	}
	b, f := w.open(b, t.X, t.Y, t.Rotation, ph)
	if t.Reverse {
		b = append(b, "0 g\n"...)
		b = f.rect(b, 0, 0, boxW, t.Size)
		b = append(b, "f\n1 g 1 G\n"...)
	}
	pt := t.Size * k
	f0 := fonts[0]
	asc := float64(f0.ascent) / float64(f0.ascent-f0.descent)
	b = append(b, "BT\n"...)
	scaled := t.Width > 0 && width*t.Size > t.Width*1.001
	if scaled {
		b = appendNum(b, 100*t.Width/(width*t.Size))
		b = append(b, " Tz\n"...)
	}
	if t.Bold {
		b = append(b, "2 Tr "...)
		b = appendNum(b, pt*0.04)
		b = append(b, " w\n"...)
	}
	b = append(b, "1 0 0 1 "...)
	b = appendNums(b, f.ox, f.oy-asc*pt)
	b = append(b, "Tm\n"...)
	cur := -1
	for _, g := range refs {
		if int(g.font) != cur {
			if cur >= 0 {
				b = append(b, "> Tj\n"...)
			}
			cur = int(g.font)
			*used |= 1 << cur
			u := &s.fonts[cur]
			if u.obj == 0 {
				u.font = fonts[cur]
				u.obj = s.alloc()
			}
			b = append(b, "/F"...)
			b = strconv.AppendInt(b, int64(cur+1), 10)
			b = append(b, ' ')
			b = appendNum(b, pt)
			b = append(b, " Tf <"...)
		}
		b = appendHex16(b, g.cid)
	}
	b = append(b, "> Tj\nET\n"...)
	if scaled {
		b = append(b, "100 Tz\n"...)
	}
	if t.Bold {
		b = append(b, "0 Tr\n"...)
	}
	if t.Reverse {
		b = append(b, "0 g 0 G\n"...)
	}
	return closeFrame(b, t.Rotation), nil
}

// moduleSpace appends a cm that makes one unit one module wide and unit high, y down,
// from the origin f, so bars and modules are written as small integers.
func moduleSpace(b []byte, f frame, mw, mh float64) []byte {
	b = append(b, "q "...)
	b = appendNums(b, mw*k, 0, 0, -mh*k, f.ox, f.oy)
	return append(b, "cm\n"...)
}

func appendInts(b []byte, vs ...int) []byte {
	for _, v := range vs {
		b = strconv.AppendInt(b, int64(v), 10)
		b = append(b, ' ')
	}
	return b
}

// barcode draws each run of adjacent bar modules as one rectangle.
func (w *Writer) barcode(b []byte, bc *label.Barcode, ph float64) []byte {
	g, err := bc.Dots(w.r.dpi) // validate has checked it
	if err != nil {
		return b
	}
	mm := 25.4 / float64(w.r.dpi)
	b, f := w.open(b, float64(g.X)*mm, float64(g.Y)*mm, bc.Rotation, ph)
	b = moduleSpace(b, f, float64(g.Module)*mm, float64(g.Height)*mm)
	n := 0
	for i := 0; i <= len(bc.Modules); i++ {
		if i < len(bc.Modules) && bc.Modules[i] {
			n++
			continue
		}
		if n > 0 {
			b = appendInts(b, i-n, 0, n, 1)
			b = append(b, "re\n"...)
			n = 0
		}
	}
	b = append(b, "f Q\n"...)
	return closeFrame(b, bc.Rotation)
}

// qrRun is a rectangle of dark modules: columns [x0, x1), rows [y0, y1).
type qrRun struct{ x0, x1, y0, y1 int }

// qr draws dark modules as row runs, merging a run with the identical run of the row
// above into one taller rectangle.
func (w *Writer) qr(b []byte, q *label.QR, ph float64) []byte {
	s := w.s
	runs, prev := s.runs[:0], s.prev[:0]
	n := len(q.Modules)
	for y := 0; y < n; y++ {
		row := q.Modules[y]
		cur := s.cur[:0]
		j := 0
		for x := 0; x < n; {
			if !row[x] {
				x++
				continue
			}
			x0 := x
			for x < n && row[x] {
				x++
			}
			for j < len(prev) && runs[prev[j]].x0 < x0 {
				j++
			}
			if j < len(prev) && runs[prev[j]].x0 == x0 && runs[prev[j]].x1 == x {
				runs[prev[j]].y1 = y + 1
				cur = append(cur, prev[j])
				continue
			}
			cur = append(cur, len(runs))
			runs = append(runs, qrRun{x0, x, y, y + 1})
		}
		s.cur, prev = prev, cur
	}
	s.runs, s.prev = runs, prev
	if len(runs) == 0 {
		return b
	}
	_, f := w.open(nil, q.X, q.Y, label.Rotate0, ph)
	b = moduleSpace(b, f, q.Module, q.Module)
	for _, r := range runs {
		b = appendInts(b, r.x0, r.y0, r.x1-r.x0, r.y1-r.y0)
		b = append(b, "re\n"...)
	}
	return append(b, "f Q\n"...)
}

func (w *Writer) line(b []byte, l *label.Line, ph float64) []byte {
	_, f := w.open(nil, 0, 0, label.Rotate0, ph)
	t := l.Thickness
	switch {
	case l.Y1 == l.Y2 && l.X1 == l.X2:
		return b
	case l.Y1 == l.Y2:
		b = f.rect(b, math.Min(l.X1, l.X2), l.Y1-t/2, math.Abs(l.X2-l.X1), t)
		return append(b, "f\n"...)
	case l.X1 == l.X2:
		b = f.rect(b, l.X1-t/2, math.Min(l.Y1, l.Y2), t, math.Abs(l.Y2-l.Y1))
		return append(b, "f\n"...)
	}
	b = appendNum(b, t*k)
	b = append(b, " w "...)
	b = appendNums(b, f.ox+l.X1*k, f.oy-l.Y1*k)
	b = append(b, "m "...)
	b = appendNums(b, f.ox+l.X2*k, f.oy-l.Y2*k)
	return append(b, "l S\n"...)
}

func (w *Writer) image(b []byte, im *label.Image, ph float64) []byte {
	s := w.s
	bm := im.Bitmap
	row := (bm.Width + 7) / 8
	data := s.img[:0]
	pad := byte(0xFF) << ((8 - bm.Width%8) % 8) // bits past Width are not pixels
	for y := 0; y < bm.Height; y++ {
		data = append(data, bm.Bits[y*bm.Stride:y*bm.Stride+row]...)
		data[len(data)-1] &= pad
	}
	s.img = data

	// The same bitmap (a logo on every label) is written once per file.
	h := sha256.New()
	var dims [8]byte
	binary.BigEndian.PutUint32(dims[:], uint32(bm.Width))
	binary.BigEndian.PutUint32(dims[4:], uint32(bm.Height))
	h.Write(dims[:])
	h.Write(data)
	var key [sha256.Size]byte
	h.Sum(key[:0])
	obj, ok := s.imageObjs[key]
	if !ok {
		obj = s.alloc()
		dict := " /Type /XObject /Subtype /Image /Width " + strconv.Itoa(bm.Width) +
			" /Height " + strconv.Itoa(bm.Height) + " /ImageMask true /BitsPerComponent 1 /Decode [1 0]"
		s.stream(obj, data, dict)
		s.imageObjs[key] = obj
	}
	idx := slices.Index(s.images, obj)
	if idx < 0 {
		idx = len(s.images)
		s.images = append(s.images, obj)
	}

	_, f := w.open(nil, im.X, im.Y, label.Rotate0, ph)
	b = append(b, "q "...)
	b = appendNums(b, im.W*k, 0, 0, im.H*k, f.ox, f.oy-im.H*k)
	b = append(b, "cm /Im"...)
	b = strconv.AppendInt(b, int64(idx+1), 10)
	return append(b, " Do Q\n"...)
}
