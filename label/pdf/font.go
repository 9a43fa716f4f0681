package pdf

import (
	"encoding/binary"
	"fmt"
	"os"
	"sync"
	"unicode/utf16"
)

// Font is a parsed TrueType font (glyf outlines). It is immutable after parsing apart
// from an internal subset cache, and safe for concurrent use.
type Font struct {
	path      string
	name      string // PostScript name, reduced to PDF name characters
	upem      int
	ascent    int // font units, positive
	descent   int // font units, negative or zero
	bbox      [4]int
	numGlyphs int
	nhm       int // numberOfHMetrics
	hmtx      []byte
	loca      []byte
	locaLong  bool
	glyf      []byte
	head      []byte
	hhea      []byte
	maxp      []byte
	hinting   [3][]byte // cvt, fpgm, prep (may be nil)
	bmp       []uint16  // glyph index by BMP code point
	supp      []cmapGroup

	mu         sync.Mutex
	subsets    map[string]*subset
	glyphCodes map[uint16]*codes // compressed outlines of plain glyphs, see compressSubset
}

type cmapGroup struct{ start, end, glyph uint32 }

// maxCmapWork bounds the code points a cmap may expand to, so a hostile font cannot
// make parsing slow.
const maxCmapWork = 1 << 20

// LoadFont reads and parses the TrueType font at path without caching; see
// [FontCache.Load] for the cached variant.
func LoadFont(path string) (*Font, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, &FontError{Path: path, Err: err}
	}
	f, err := parseFont(data)
	if err != nil {
		return nil, &FontError{Path: path, Err: err}
	}
	f.path = path
	return f, nil
}

// ParseFont parses a TrueType font (.ttf, or the first font of a .ttc collection).
// Errors are *FontError wrapping [ErrFontFormat]. The font keeps references into data;
// the caller must not modify data afterwards.
func ParseFont(data []byte) (*Font, error) {
	f, err := parseFont(data)
	if err != nil {
		return nil, &FontError{Err: err}
	}
	return f, nil
}

// Name returns the font's PostScript name (as used in the PDF, without subset tag).
func (f *Font) Name() string { return f.name }

// Path returns the file the font was loaded from, or "" for fonts parsed from bytes.
func (f *Font) Path() string { return f.path }

// NumGlyphs returns the number of glyphs in the font.
func (f *Font) NumGlyphs() int { return f.numGlyphs }

// HasGlyph reports whether the font maps r to a glyph other than .notdef.
func (f *Font) HasGlyph(r rune) bool { return f.glyphIndex(r) != 0 }

func (f *Font) glyphIndex(r rune) uint16 {
	if r >= 0 && r < 0x10000 {
		return f.bmp[r]
	}
	if r < 0 || r > 0x10FFFF {
		return 0
	}
	c := uint32(r)
	lo, hi := 0, len(f.supp)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		g := f.supp[m]
		switch {
		case c < g.start:
			hi = m
		case c > g.end:
			lo = m + 1
		default:
			gid := g.glyph + (c - g.start)
			if gid >= uint32(f.numGlyphs) {
				return 0
			}
			return uint16(gid)
		}
	}
	return 0
}

// advance returns the advance width of gid in font units.
func (f *Font) advance(gid uint16) int {
	i := int(gid)
	if i >= f.nhm {
		i = f.nhm - 1
	}
	return int(binary.BigEndian.Uint16(f.hmtx[4*i:]))
}

func (f *Font) lsb(gid uint16) uint16 {
	i := int(gid)
	if i < f.nhm {
		return binary.BigEndian.Uint16(f.hmtx[4*i+2:])
	}
	o := 4*f.nhm + 2*(i-f.nhm)
	if o+2 > len(f.hmtx) {
		return 0
	}
	return binary.BigEndian.Uint16(f.hmtx[o:])
}

// glyph returns the outline data of gid (empty for blank glyphs).
func (f *Font) glyph(gid uint16) ([]byte, error) {
	i := int(gid)
	if i >= f.numGlyphs {
		return nil, fmt.Errorf("%w: glyph %d out of range", ErrFontFormat, gid)
	}
	var a, b int
	if f.locaLong {
		a = int(binary.BigEndian.Uint32(f.loca[4*i:]))
		b = int(binary.BigEndian.Uint32(f.loca[4*i+4:]))
	} else {
		a = 2 * int(binary.BigEndian.Uint16(f.loca[2*i:]))
		b = 2 * int(binary.BigEndian.Uint16(f.loca[2*i+2:]))
	}
	if a < 0 || b < a || b > len(f.glyf) {
		return nil, fmt.Errorf("%w: glyph %d has bad offsets", ErrFontFormat, gid)
	}
	return f.glyf[a:b], nil
}

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFontFormat}, args...)...)
}

func u16(b []byte, o int) (int, bool) {
	if o < 0 || o+2 > len(b) {
		return 0, false
	}
	return int(binary.BigEndian.Uint16(b[o:])), true
}

func u32(b []byte, o int) (uint32, bool) {
	if o < 0 || o+4 > len(b) {
		return 0, false
	}
	return binary.BigEndian.Uint32(b[o:]), true
}

func parseFont(data []byte) (*Font, error) {
	base := 0
	tag, ok := u32(data, 0)
	if !ok {
		return nil, bad("file too short")
	}
	if tag == 0x74746366 { // "ttcf": use the first font of the collection
		n, ok1 := u32(data, 8)
		off, ok2 := u32(data, 12)
		if !ok1 || !ok2 || n == 0 || int64(off) > int64(len(data)) {
			return nil, bad("bad collection header")
		}
		base = int(off)
		if tag, ok = u32(data, base); !ok {
			return nil, bad("bad collection offset")
		}
	}
	switch tag {
	case 0x00010000, 0x74727565: // 1.0, "true"
	case 0x4F54544F: // "OTTO"
		return nil, bad("CFF (OpenType PostScript) outlines are not supported")
	default:
		return nil, bad("not a TrueType font")
	}
	numTables, ok := u16(data, base+4)
	if !ok {
		return nil, bad("truncated table directory")
	}
	tables := make(map[uint32][]byte, numTables)
	for i := 0; i < numTables; i++ {
		r := base + 12 + 16*i
		t, ok1 := u32(data, r)
		off, ok2 := u32(data, r+8)
		ln, ok3 := u32(data, r+12)
		if !ok1 || !ok2 || !ok3 {
			return nil, bad("truncated table directory")
		}
		if uint64(off)+uint64(ln) > uint64(len(data)) {
			continue // unusable table; fail below only if it is needed
		}
		tables[t] = data[off : off+ln : off+ln]
	}
	need := func(name string) ([]byte, error) {
		t := tables[binary.BigEndian.Uint32([]byte(name))]
		if t == nil {
			return nil, bad("missing or truncated %q table", name)
		}
		return t, nil
	}
	f := &Font{}
	var err error
	if f.head, err = need("head"); err != nil {
		return nil, err
	}
	if f.hhea, err = need("hhea"); err != nil {
		return nil, err
	}
	if f.maxp, err = need("maxp"); err != nil {
		return nil, err
	}
	if f.hmtx, err = need("hmtx"); err != nil {
		return nil, err
	}
	if f.loca, err = need("loca"); err != nil {
		return nil, err
	}
	if f.glyf, err = need("glyf"); err != nil {
		return nil, err
	}
	cmap, err := need("cmap")
	if err != nil {
		return nil, err
	}
	if len(f.head) < 54 || len(f.hhea) < 36 || len(f.maxp) < 6 {
		return nil, bad("short head, hhea or maxp table")
	}
	f.upem = int(binary.BigEndian.Uint16(f.head[18:]))
	if f.upem < 16 || f.upem > 16384 {
		return nil, bad("unitsPerEm %d out of range", f.upem)
	}
	for i := range f.bbox {
		f.bbox[i] = int(int16(binary.BigEndian.Uint16(f.head[36+2*i:])))
	}
	f.locaLong = binary.BigEndian.Uint16(f.head[50:]) != 0
	f.ascent = int(int16(binary.BigEndian.Uint16(f.hhea[4:])))
	f.descent = int(int16(binary.BigEndian.Uint16(f.hhea[6:])))
	if f.ascent <= 0 {
		f.ascent = f.upem * 4 / 5
	}
	if f.descent > 0 {
		f.descent = -f.descent
	}
	f.nhm = int(binary.BigEndian.Uint16(f.hhea[34:]))
	f.numGlyphs = int(binary.BigEndian.Uint16(f.maxp[4:]))
	if f.numGlyphs == 0 {
		return nil, bad("font has no glyphs")
	}
	if f.nhm == 0 || f.nhm > f.numGlyphs || len(f.hmtx) < 4*f.nhm {
		return nil, bad("bad hmtx table")
	}
	locaLen := (f.numGlyphs + 1) * 2
	if f.locaLong {
		locaLen *= 2
	}
	if len(f.loca) < locaLen {
		return nil, bad("loca table too short")
	}
	for i, name := range []string{"cvt ", "fpgm", "prep"} {
		f.hinting[i] = tables[binary.BigEndian.Uint32([]byte(name))]
	}
	if err := f.parseCmap(cmap); err != nil {
		return nil, err
	}
	f.name = postScriptName(tables[0x6E616D65]) // "name"
	if f.name == "" {
		f.name = "Font"
	}
	return f, nil
}

func (f *Font) parseCmap(cmap []byte) error {
	n, ok := u16(cmap, 2)
	if !ok {
		return bad("short cmap")
	}
	// Preference: full Unicode (format 12) first, then BMP (format 4).
	best, bestRank := -1, 0
	for i := 0; i < n; i++ {
		pid, ok1 := u16(cmap, 4+8*i)
		eid, ok2 := u16(cmap, 6+8*i)
		off, ok3 := u32(cmap, 8+8*i)
		if !ok1 || !ok2 || !ok3 || int64(off) >= int64(len(cmap)) {
			continue
		}
		format, _ := u16(cmap, int(off))
		rank := 0
		switch {
		case format == 12 && (pid == 3 && eid == 10 || pid == 0 && (eid == 4 || eid == 6)):
			rank = 4
		case format == 4 && (pid == 3 && eid == 1 || pid == 0 && eid <= 3):
			rank = 3
		case format == 4 && pid == 3 && eid == 0:
			rank = 2
		}
		if rank > bestRank {
			best, bestRank = int(off), rank
		}
	}
	if best < 0 {
		return bad("no Unicode cmap (format 4 or 12)")
	}
	f.bmp = make([]uint16, 0x10000)
	sub := cmap[best:]
	format, _ := u16(sub, 0)
	if format == 4 {
		return f.parseCmap4(sub)
	}
	return f.parseCmap12(sub)
}

func (f *Font) setBMP(c int, g int) {
	if g > 0 && g < f.numGlyphs && f.bmp[c] == 0 {
		f.bmp[c] = uint16(g)
	}
}

func (f *Font) parseCmap4(t []byte) error {
	segX2, ok := u16(t, 6)
	if !ok || segX2%2 != 0 || 16+4*segX2 > len(t) {
		return bad("bad cmap format 4 header")
	}
	ends, starts, deltas, ranges := 14, 16+segX2, 16+2*segX2, 16+3*segX2
	work := 0
	for s := 0; s < segX2; s += 2 {
		end, _ := u16(t, ends+s)
		start, _ := u16(t, starts+s)
		delta, _ := u16(t, deltas+s)
		ro, _ := u16(t, ranges+s)
		if start > end {
			continue
		}
		work += end - start + 1
		if work > maxCmapWork {
			return bad("cmap too large")
		}
		for c := start; c <= end && c < 0xFFFF; c++ {
			if ro == 0 {
				f.setBMP(c, (c+delta)&0xFFFF)
				continue
			}
			g, ok := u16(t, ranges+s+ro+2*(c-start))
			if !ok {
				break
			}
			if g != 0 {
				f.setBMP(c, (g+delta)&0xFFFF)
			}
		}
	}
	return nil
}

func (f *Font) parseCmap12(t []byte) error {
	ng, ok := u32(t, 12)
	if !ok || uint64(ng)*12+16 > uint64(len(t)) {
		return bad("bad cmap format 12 header")
	}
	work := 0
	for i := 0; i < int(ng); i++ {
		o := 16 + 12*i
		start := binary.BigEndian.Uint32(t[o:])
		end := binary.BigEndian.Uint32(t[o+4:])
		g := binary.BigEndian.Uint32(t[o+8:])
		if start > end || end > 0x10FFFF {
			continue
		}
		if start < 0x10000 {
			e := min(end, 0xFFFF)
			work += int(e - start + 1)
			if work > maxCmapWork {
				return bad("cmap too large")
			}
			for c := start; c <= e; c++ {
				if gg := uint64(g) + uint64(c-start); gg < uint64(f.numGlyphs) {
					f.setBMP(int(c), int(gg))
				}
			}
		}
		if end >= 0x10000 {
			s := max(start, 0x10000)
			f.supp = append(f.supp, cmapGroup{s, end, g + (s - start)})
		}
	}
	// Binary search needs sorted, non-overlapping groups; fonts are required to have
	// them sorted, drop any group that breaks the order.
	out := f.supp[:0]
	for _, g := range f.supp {
		if len(out) > 0 && g.start <= out[len(out)-1].end {
			continue
		}
		out = append(out, g)
	}
	f.supp = out
	return nil
}

// postScriptName returns name ID 6 reduced to characters allowed in a PDF name.
func postScriptName(t []byte) string {
	count, ok1 := u16(t, 2)
	strOff, ok2 := u16(t, 4)
	if !ok1 || !ok2 {
		return ""
	}
	for i := 0; i < count; i++ {
		r := 6 + 12*i
		pid, _ := u16(t, r)
		nid, ok := u16(t, r+6)
		ln, _ := u16(t, r+8)
		off, _ := u16(t, r+10)
		if !ok || nid != 6 || strOff+off+ln > len(t) {
			continue
		}
		raw := t[strOff+off : strOff+off+ln]
		var s []rune
		if pid == 3 || pid == 0 {
			u := make([]uint16, len(raw)/2)
			for j := range u {
				u[j] = binary.BigEndian.Uint16(raw[2*j:])
			}
			s = utf16.Decode(u)
		} else {
			s = []rune(string(raw))
		}
		out := make([]byte, 0, len(s))
		for _, c := range s {
			if c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-' || c == '_' {
				out = append(out, byte(c))
			}
		}
		if len(out) > 0 {
			return string(out[:min(len(out), 100)])
		}
	}
	return ""
}

// FontCache parses each font file once and shares the result. It is safe for
// concurrent use; the zero value is an empty cache.
type FontCache struct {
	mu    sync.Mutex
	fonts map[string]*cacheEntry
}

type cacheEntry struct {
	once sync.Once
	font *Font
	err  error
}

// NewFontCache returns an empty cache.
func NewFontCache() *FontCache { return &FontCache{fonts: make(map[string]*cacheEntry)} }

// Load returns the parsed font at path, parsing it on first use. A failed load is
// not kept, so a font installed later is found by the next call.
func (c *FontCache) Load(path string) (*Font, error) {
	c.mu.Lock()
	if c.fonts == nil {
		c.fonts = make(map[string]*cacheEntry)
	}
	e := c.fonts[path]
	if e == nil {
		e = &cacheEntry{}
		c.fonts[path] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.font, e.err = LoadFont(path) })
	if e.err != nil {
		c.mu.Lock()
		if c.fonts[path] == e {
			delete(c.fonts, path)
		}
		c.mu.Unlock()
	}
	return e.font, e.err
}
