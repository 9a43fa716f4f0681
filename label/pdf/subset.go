package pdf

import (
	"encoding/binary"
	"hash/fnv"
	"slices"
	"sort"
	"strconv"
	"sync"
)

// subset is the font data of one glyph set, ready to copy into a PDF: the compressed
// TrueType subset, the /W array and the compressed ToUnicode CMap.
type subset struct {
	tag       string // six capital letters
	fontFile  []byte // zlib-compressed TrueType subset
	fontLen   int    // uncompressed length (/Length1)
	widths    []byte // /W array contents
	toUnicode []byte // zlib-compressed CMap
}

// maxSubsets bounds each font's subset cache.
const maxSubsets = 128

// subsetFor returns the subset in which CID i draws runes[i] with glyph gids[i]
// (CID 0 is .notdef), from the font's cache when the same runes were seen before.
func (f *Font) subsetFor(runes []rune, gids []uint16) (*subset, error) {
	key := make([]byte, 0, 3*len(runes))
	for _, r := range runes {
		key = append(key, byte(r>>16), byte(r>>8), byte(r))
	}
	f.mu.Lock()
	s := f.subsets[string(key)]
	f.mu.Unlock()
	if s != nil {
		return s, nil
	}
	s, err := f.buildSubset(runes, gids)
	if err != nil {
		return nil, err
	}
	h := fnv.New64a()
	h.Write(key)
	sum := h.Sum64()
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + byte(sum%26)
		sum /= 26
	}
	s.tag = string(tag)
	f.mu.Lock()
	if f.subsets == nil || len(f.subsets) >= maxSubsets {
		f.subsets = make(map[string]*subset)
	}
	f.subsets[string(key)] = s
	f.mu.Unlock()
	return s, nil
}

func (f *Font) buildSubset(runes []rune, gids []uint16) (*subset, error) {
	sc := scratchPool.Get().(*subsetScratch)
	defer scratchPool.Put(sc)
	ttf, spans, err := f.subsetInto(sc, runes, gids)
	if err != nil {
		return nil, err
	}
	s := &subset{fontLen: len(ttf)}
	s.fontFile = f.compressSubset(ttf, spans)

	// /W: one run of widths for CIDs 0..n-1, in 1/1000 em.
	w := make([]byte, 0, 6*len(gids)+8)
	w = append(w, "0 ["...)
	for i, g := range gids {
		if i > 0 {
			w = append(w, ' ')
		}
		w = strconv.AppendInt(w, int64(f.advance(g)*1000/f.upem), 10)
	}
	s.widths = append(w, ']')

	s.toUnicode = deflate(toUnicodeCMap(runes))
	return s, nil
}

// glyphSpan is where a glyph's outline (with its padding) lies in a subset's glyf
// table; plain glyphs are copied unchanged from the font, composite ones are
// renumbered.
type glyphSpan struct {
	gid      uint16
	off, len int
	plain    bool
}

// compressSubset compresses the subset font ttf. The codes of each plain glyph
// are computed once per font and spliced into every subset that has the glyph,
// so a subset costs the compression of its few small tables and of its glyphs
// not seen before; the output is one fixed-Huffman block like deflate's.
func (f *Font) compressSubset(ttf []byte, spans []glyphSpan) []byte {
	glyf := tableOffset(ttf, "glyf")
	if glyf < 0 {
		return deflate(ttf)
	}
	cs := make([]*codes, len(spans))
	f.mu.Lock()
	for i, sp := range spans {
		if sp.plain && sp.len > 0 {
			cs[i] = f.glyphCodes[sp.gid]
		}
	}
	f.mu.Unlock()
	z := zlibPool.Get().(*fastZlib)
	defer zlibPool.Put(z)
	var fresh []int
	for i, sp := range spans {
		if sp.plain && sp.len > 0 && cs[i] == nil {
			cs[i] = z.encode(ttf[glyf+sp.off : glyf+sp.off+sp.len])
			fresh = append(fresh, i)
		}
	}
	if len(fresh) > 0 {
		f.mu.Lock()
		if f.glyphCodes == nil {
			f.glyphCodes = make(map[uint16]*codes)
		}
		for _, i := range fresh {
			f.glyphCodes[spans[i].gid] = cs[i]
		}
		f.mu.Unlock()
	}
	pieces := make([]piece, 0, 2*len(spans)+1)
	at := 0
	for i, sp := range spans {
		if cs[i] == nil {
			continue
		}
		start := glyf + sp.off
		pieces = append(pieces, piece{raw: ttf[at:start]}, piece{codes: cs[i]})
		at = start + sp.len
	}
	pieces = append(pieces, piece{raw: ttf[at:]})
	size := 64
	for _, pc := range pieces {
		if pc.codes != nil {
			size += len(pc.codes.b)
		} else {
			size += len(pc.raw) * 5 / 8
		}
	}
	out := z.compressPieces(make([]byte, 0, size), pieces)
	z.out = nil
	return out
}

// zlibPool holds compressors for font data: a fastZlib's table need not be
// cleared between uses (see fastZlib.reserve).
var zlibPool = sync.Pool{New: func() any { return new(fastZlib) }}

// tableOffset returns the offset of the table tag in the TrueType file ttf, or -1.
func tableOffset(ttf []byte, tag string) int {
	if len(ttf) < 12 {
		return -1
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	for i := range n {
		e := 12 + 16*i
		if e+16 > len(ttf) {
			return -1
		}
		if string(ttf[e:e+4]) == tag {
			return int(binary.BigEndian.Uint32(ttf[e+8:]))
		}
	}
	return -1
}

// deflate compresses a font subset. A batch usually needs a subset of its own (its
// characters differ from the last one's), so the fast single-block compressor wins:
// a few percent larger than compress/flate, several times faster, and no megabyte
// of compressor tables to allocate for each subset.
func deflate(p []byte) []byte {
	z := zlibPool.Get().(*fastZlib)
	out := z.compress(make([]byte, 0, len(p)/2+64), p)
	z.out = nil
	zlibPool.Put(z)
	return out
}

const hexDigits = "0123456789ABCDEF"

func appendHex16(b []byte, v uint16) []byte {
	return append(b, hexDigits[v>>12], hexDigits[v>>8&15], hexDigits[v>>4&15], hexDigits[v&15])
}

func toUnicodeCMap(runes []rune) []byte {
	b := make([]byte, 0, 300+20*len(runes))
	b = append(b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"+
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"+
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"+
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"...)
	for i := 1; i < len(runes); i += 100 {
		n := min(100, len(runes)-i)
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, " beginbfchar\n"...)
		for j := i; j < i+n; j++ {
			b = append(b, '<')
			b = appendHex16(b, uint16(j))
			b = append(b, "> <"...)
			r := runes[j]
			if r >= 0x10000 {
				r -= 0x10000
				b = appendHex16(b, uint16(0xD800+(r>>10)))
				b = appendHex16(b, uint16(0xDC00+(r&0x3FF)))
			} else {
				b = appendHex16(b, uint16(r))
			}
			b = append(b, ">\n"...)
		}
		b = append(b, "endbfchar\n"...)
	}
	return append(b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"...)
}

// subsetTTF writes a TrueType font whose glyph i is the font's glyph gids[i];
// components of composite glyphs are appended after them and renumbered.
func (f *Font) subsetTTF(runes []rune, gids []uint16) ([]byte, []glyphSpan, error) {
	return f.subsetInto(new(subsetScratch), runes, gids)
}

// subsetScratch holds the buffers of one subset build, reused by the next: the
// subset font is needed only until it is compressed.
type subsetScratch struct {
	glyf, ttf []byte
}

var scratchPool = sync.Pool{New: func() any { return new(subsetScratch) }}

// subsetInto is subsetTTF building in the buffers of sc; the font it returns
// lives in sc.
func (f *Font) subsetInto(sc *subsetScratch, runes []rune, gids []uint16) ([]byte, []glyphSpan, error) {
	order := slices.Clone(gids)
	spans := make([]glyphSpan, 0, len(order))
	index := make(map[uint16]uint16, len(order))
	for i, g := range order {
		if _, ok := index[g]; !ok {
			index[g] = uint16(i)
		}
	}
	size := 0
	for _, g := range order {
		if data, err := f.glyph(g); err == nil {
			size += (len(data) + 3) &^ 3
		}
	}
	glyf := sc.glyf[:0]
	if cap(glyf) < size+size/8 {
		glyf = make([]byte, 0, size+size/8) // room for composites' components
	}
	loca := make([]byte, 0, 4*(len(order)+1))
	for i := 0; i < len(order); i++ {
		loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
		data, err := f.glyph(order[i])
		if err != nil {
			return nil, nil, err
		}
		start := len(glyf)
		glyf = append(glyf, data...)
		composite := len(data) >= 10 && int16(binary.BigEndian.Uint16(data)) < 0
		if composite {
			// Composite: renumber each component, adding it to the subset.
			g := glyf[start:]
			o := 10
			for {
				if o+4 > len(g) {
					return nil, nil, bad("truncated composite glyph %d", order[i])
				}
				flags := binary.BigEndian.Uint16(g[o:])
				comp := binary.BigEndian.Uint16(g[o+2:])
				if int(comp) >= f.numGlyphs {
					return nil, nil, bad("composite glyph %d refers to glyph %d", order[i], comp)
				}
				n, ok := index[comp]
				if !ok {
					if len(order) >= 0xFFFF {
						return nil, nil, ErrTooManyGlyphs
					}
					n = uint16(len(order))
					index[comp] = n
					order = append(order, comp)
				}
				binary.BigEndian.PutUint16(g[o+2:], n)
				o += 4
				if flags&1 != 0 {
					o += 4
				} else {
					o += 2
				}
				switch {
				case flags&8 != 0:
					o += 2
				case flags&0x40 != 0:
					o += 4
				case flags&0x80 != 0:
					o += 8
				}
				if flags&0x20 == 0 {
					break
				}
			}
		}
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
		spans = append(spans, glyphSpan{gid: order[i], off: start, len: len(glyf) - start, plain: !composite})
	}
	loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
	n := len(order)

	hmtx := make([]byte, 0, 4*n)
	for _, g := range order {
		hmtx = binary.BigEndian.AppendUint16(hmtx, uint16(f.advance(g)))
		hmtx = binary.BigEndian.AppendUint16(hmtx, f.lsb(g))
	}
	head := slices.Clone(f.head[:54])
	binary.BigEndian.PutUint32(head[8:], 0) // checkSumAdjustment, set below
	binary.BigEndian.PutUint16(head[50:], 1)
	hhea := slices.Clone(f.hhea[:36])
	binary.BigEndian.PutUint16(hhea[34:], uint16(n))
	maxp := slices.Clone(f.maxp)
	binary.BigEndian.PutUint16(maxp[4:], uint16(n))

	tables := []table{
		{"cmap", subsetCmap(runes, gids)},
		{"glyf", glyf},
		{"head", head},
		{"hhea", hhea},
		{"hmtx", hmtx},
		{"loca", loca},
		{"maxp", maxp},
	}
	for i, name := range []string{"cvt ", "fpgm", "prep"} {
		if f.hinting[i] != nil {
			tables = append(tables, table{name, f.hinting[i]})
		}
	}
	sc.glyf = glyf
	sc.ttf = writeSFNT(sc.ttf[:0], tables)
	return sc.ttf, spans, nil
}

type table struct {
	tag  string
	data []byte
}

// subsetCmap maps each BMP rune with a real glyph to its CID (format 4, one segment
// per rune), so the subset stays a self-contained font.
func subsetCmap(runes []rune, gids []uint16) []byte {
	type pair struct{ r, cid uint16 }
	var ps []pair
	for i, r := range runes {
		if i > 0 && r < 0xFFFF && gids[i] != 0 {
			ps = append(ps, pair{uint16(r), uint16(i)})
		}
	}
	sort.Slice(ps, func(a, b int) bool { return ps[a].r < ps[b].r })
	seg := len(ps) + 1
	b := make([]byte, 0, 12+16+8*seg)
	b = binary.BigEndian.AppendUint16(b, 0) // version
	b = binary.BigEndian.AppendUint16(b, 1) // one subtable
	b = binary.BigEndian.AppendUint16(b, 3)
	b = binary.BigEndian.AppendUint16(b, 1)
	b = binary.BigEndian.AppendUint32(b, 12)
	sr, es := 1, 0
	for sr*2 <= seg {
		sr *= 2
		es++
	}
	b = binary.BigEndian.AppendUint16(b, 4)
	b = binary.BigEndian.AppendUint16(b, uint16(16+8*seg))
	b = binary.BigEndian.AppendUint16(b, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(2*seg))
	b = binary.BigEndian.AppendUint16(b, uint16(2*sr))
	b = binary.BigEndian.AppendUint16(b, uint16(es))
	b = binary.BigEndian.AppendUint16(b, uint16(2*seg-2*sr))
	for _, p := range ps {
		b = binary.BigEndian.AppendUint16(b, p.r)
	}
	b = binary.BigEndian.AppendUint16(b, 0xFFFF)
	b = binary.BigEndian.AppendUint16(b, 0) // reservedPad
	for _, p := range ps {
		b = binary.BigEndian.AppendUint16(b, p.r)
	}
	b = binary.BigEndian.AppendUint16(b, 0xFFFF)
	for _, p := range ps {
		b = binary.BigEndian.AppendUint16(b, p.cid-p.r)
	}
	b = binary.BigEndian.AppendUint16(b, 1)
	for range seg {
		b = binary.BigEndian.AppendUint16(b, 0)
	}
	return b
}

func checksum(b []byte) uint32 {
	var s uint32
	for len(b) >= 4 {
		s += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	if len(b) > 0 {
		var last [4]byte
		copy(last[:], b)
		s += binary.BigEndian.Uint32(last[:])
	}
	return s
}

// writeSFNT assembles tables (sorted by tag) into a TrueType file.
func writeSFNT(dst []byte, tables []table) []byte {
	sort.Slice(tables, func(a, b int) bool { return tables[a].tag < tables[b].tag })
	n := len(tables)
	size := 12 + 16*n
	for _, t := range tables {
		size += (len(t.data) + 3) &^ 3
	}
	out := dst[:0]
	if cap(out) < size {
		out = make([]byte, 0, size)
	}
	sr, es := 1, 0
	for sr*2 <= n {
		sr *= 2
		es++
	}
	out = binary.BigEndian.AppendUint32(out, 0x00010000)
	out = binary.BigEndian.AppendUint16(out, uint16(n))
	out = binary.BigEndian.AppendUint16(out, uint16(16*sr))
	out = binary.BigEndian.AppendUint16(out, uint16(es))
	out = binary.BigEndian.AppendUint16(out, uint16(16*n-16*sr))
	off := 12 + 16*n
	headAt := -1
	for _, t := range tables {
		out = append(out, t.tag...)
		out = binary.BigEndian.AppendUint32(out, checksum(t.data))
		out = binary.BigEndian.AppendUint32(out, uint32(off))
		out = binary.BigEndian.AppendUint32(out, uint32(len(t.data)))
		if t.tag == "head" {
			headAt = off
		}
		off += (len(t.data) + 3) &^ 3
	}
	for _, t := range tables {
		out = append(out, t.data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	if headAt >= 0 {
		binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out
}
