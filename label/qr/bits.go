package qr

import (
	"math/bits"
	"sync"
)

// The mask is chosen by scoring all eight candidates. The scoring works on rows and
// columns as bit sets, 64 modules per machine word, so it costs a few operations per
// word instead of per module.

// line is one row or column of up to 192 modules: module i is bit i%64 of word i/64.
type line [3]uint64

func (a line) shr(k uint) line { // result[i] = a[i+k], 0 < k < 64
	return line{a[0]>>k | a[1]<<(64-k), a[1]>>k | a[2]<<(64-k), a[2] >> k}
}

func (a line) shl(k uint) line { // result[i] = a[i-k], 0 < k < 64
	return line{a[0] << k, a[1]<<k | a[0]>>(64-k), a[2]<<k | a[1]>>(64-k)}
}

func (a line) and(b line) line    { return line{a[0] & b[0], a[1] & b[1], a[2] & b[2]} }
func (a line) andNot(b line) line { return line{a[0] &^ b[0], a[1] &^ b[1], a[2] &^ b[2]} }
func (a line) or(b line) line     { return line{a[0] | b[0], a[1] | b[1], a[2] | b[2]} }
func (a line) xor(b line) line    { return line{a[0] ^ b[0], a[1] ^ b[1], a[2] ^ b[2]} }

func (a line) count() int {
	return bits.OnesCount64(a[0]) + bits.OnesCount64(a[1]) + bits.OnesCount64(a[2])
}

func (a *line) set(i int) { a[i>>6] |= 1 << uint(i&63) }

func (a line) get(i int) bool { return a[i>>6]>>uint(i&63)&1 != 0 }

// firstBits returns a line with modules 0 to n-1 set.
func firstBits(n int) line {
	var l line
	for w := 0; w < 3; w++ {
		switch {
		case n >= 64*(w+1):
			l[w] = ^uint64(0)
		case n > 64*w:
			l[w] = 1<<uint(n-64*w) - 1
		}
	}
	return l
}

// maskPeriod is a common period, in both directions, of every mask pattern.
const maskPeriod = 12

// maskBits holds the mask patterns as lines: rows[k][y%12] has bit x set where mask k
// inverts module (x, y), cols[k][x%12] bit y.
type maskBits struct {
	rows, cols [8][maskPeriod]line
}

var masks = newMaskBits()

func masked(k, x, y int) bool {
	switch k {
	case 0:
		return (x+y)%2 == 0
	case 1:
		return y%2 == 0
	case 2:
		return x%3 == 0
	case 3:
		return (x+y)%3 == 0
	case 4:
		return (x/3+y/2)%2 == 0
	case 5:
		return x*y%2+x*y%3 == 0
	case 6:
		return (x*y%2+x*y%3)%2 == 0
	}
	return ((x+y)%2+x*y%3)%2 == 0
}

func newMaskBits() *maskBits {
	m := new(maskBits)
	for k := 0; k < 8; k++ {
		for j := 0; j < maskPeriod; j++ {
			for i := 0; i < 192; i++ {
				if masked(k, i, j) {
					m.rows[k][j].set(i)
				}
				if masked(k, j, i) {
					m.cols[k][j].set(i)
				}
			}
		}
	}
	return m
}

// versionTables holds what every symbol of one version shares: the function patterns
// as bit sets (format information light) and the module of each data bit.
type versionTables struct {
	n                int
	rowDark, rowData []line // dark function modules; data modules (those a mask inverts)
	colDark, colData []line
	format           [31]formatModule // positions of the format information
	pos              []uint16         // module of the i-th data bit in placement order, x | y<<8
}

// tables holds the tables of every version, each built on first use and never
// changed after.
var tables = func() (t [MaxVersion + 1]func() *versionTables) {
	for v := 1; v <= MaxVersion; v++ {
		t[v] = sync.OnceValue(func() *versionTables { return newVersionTables(v) })
	}
	return t
}()

func tablesFor(ver int) *versionTables { return tables[ver]() }

func newVersionTables(ver int) *versionTables {
	n := 4*ver + 17
	m := matrix{size: n, mod: make([]byte, n*n)}
	m.functionPatterns(ver)
	buf := make([]line, 4*n)
	t := &versionTables{n: n, rowDark: buf[:n], rowData: buf[n : 2*n], colDark: buf[2*n : 3*n], colData: buf[3*n:],
		pos: make([]uint16, 0, rawModules(ver))}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			v := m.mod[y*n+x]
			if v&function == 0 {
				t.rowData[y].set(x)
				t.colData[x].set(y)
			} else if v&dark != 0 {
				t.rowDark[y].set(x)
				t.colDark[x].set(y)
			}
		}
	}
	formatModules(&t.format, n, Low, 0)
	for _, c := range t.format {
		x, y := int(c.x), int(c.y)
		t.rowDark[y][x>>6] &^= 1 << uint(x&63)
		t.colDark[x][y>>6] &^= 1 << uint(y&63)
	}
	m.walkData(func(x, y int) { t.pos = append(t.pos, uint16(x)|uint16(y)<<8) })
	return t
}

// symbolBits is a symbol as bit sets, rows and columns: the unmasked symbol and the
// current candidate with a mask applied.
type symbolBits struct {
	n                int
	rowDark, colDark []line // unmasked, format information light
	rowData, colData []line // shared with the version's tables: read only
	rows, cols       []line // the current candidate
	format           *[31]formatModule
	pos              []uint16
}

// newSymbolBits starts a symbol of the version of t in buf, which holds 4n lines.
func newSymbolBits(t *versionTables, buf []line) symbolBits {
	n := t.n
	s := symbolBits{n: n, rowDark: buf[0*n : 1*n], colDark: buf[1*n : 2*n], rows: buf[2*n : 3*n], cols: buf[3*n : 4*n],
		rowData: t.rowData, colData: t.colData, format: &t.format, pos: t.pos}
	copy(s.rowDark, t.rowDark)
	copy(s.colDark, t.colDark)
	return s
}

// place sets the dark data modules of the codewords.
func (s *symbolBits) place(cw []byte) {
	for i, b := range cw {
		for ; b != 0; b &= b - 1 {
			k := 7 - bits.TrailingZeros8(b) // bit 7 comes first
			p := s.pos[i*8+k]
			x, y := int(p&0xff), int(p>>8)
			s.rowDark[y][x>>6] |= 1 << uint(x&63)
			s.colDark[x][y>>6] |= 1 << uint(y&63)
		}
	}
}

// apply makes the candidate with mask k and its format information.
func (s *symbolBits) apply(lv Level, k int) {
	mr, mc := &masks.rows[k], &masks.cols[k]
	if s.n <= 64 {
		for i, j := 0, 0; i < s.n; i++ {
			s.rows[i][0] = s.rowDark[i][0] ^ mr[j][0]&s.rowData[i][0]
			s.cols[i][0] = s.colDark[i][0] ^ mc[j][0]&s.colData[i][0]
			if j++; j == maskPeriod {
				j = 0
			}
		}
	} else {
		for i := 0; i < s.n; i++ {
			s.rows[i] = s.rowDark[i].xor(mr[i%maskPeriod].and(s.rowData[i]))
			s.cols[i] = s.colDark[i].xor(mc[i%maskPeriod].and(s.colData[i]))
		}
	}
	bits := formatWord(lv, k)
	for _, c := range s.format {
		if c.bit < 0 || bits>>uint(c.bit)&1 != 0 {
			s.rows[c.y].set(int(c.x))
			s.cols[c.x].set(int(c.y))
		}
	}
}

// penalty scores the candidate by the four rules of ISO/IEC 18004 section 7.8.3.
// Modules outside the symbol count as light, as the quiet zone is.
// It may stop early and return any score above limit once the score exceeds it;
// limit < 0 means no limit.
func (s *symbolBits) penalty(limit int) int {
	n := s.n
	if n <= 64 {
		return s.penalty64(limit)
	}
	full := firstBits(n)
	full1 := firstBits(n - 1)
	p, darkCount := 0, 0
	for i := 0; i < n; i++ {
		p += linePenalty(s.rows[i], full) + linePenalty(s.cols[i], full)
		darkCount += s.rows[i].count()
		if i+1 < n {
			a, b := s.rows[i], s.rows[i+1]
			diff := a.xor(b).or(a.xor(a.shr(1))).or(b.xor(b.shr(1)))
			p += penaltyBlock * full1.andNot(diff).count()
		}
	}
	total := n * n
	k := (abs(darkCount*20-total*10)+total-1)/total - 1
	return p + k*penaltyDark
}

// penalty64 is penalty for symbols of at most 64 modules a side (versions 1-11),
// whose lines fit one machine word.
func (s *symbolBits) penalty64(limit int) int {
	n := s.n // odd, at most 61
	full := uint64(1)<<uint(n) - 1
	full1 := full >> 1
	p, darkCount := 0, 0
	for i := 0; i < n; i++ {
		a := s.rows[i][0]
		darkCount += bits.OnesCount64(a)
		if i+1 < n {
			b := s.rows[i+1][0]
			diff := (a ^ b) | (a ^ a>>1) | (b ^ b>>1)
			p += penaltyBlock * bits.OnesCount64(full1&^diff)
		}
	}
	total := n * n // odd, so k >= 0
	p += ((abs(darkCount*20-total*10)+total-1)/total - 1) * penaltyDark
	// Rules N1 and N3 line by line. Up to 29 modules a side (versions 1-3) two lines
	// share a word, 5 light modules apart: runs and finder patterns cannot reach
	// across that gap, and it is as light as the quiet zone the rules assume.
	i := 0
	if n <= 29 {
		sh := uint(n + 5)
		fullP := full | full<<sh
		for ; i+1 < n; i += 2 {
			p += linePenalty64(s.rows[i][0]|s.rows[i+1][0]<<sh, fullP) +
				linePenalty64(s.cols[i][0]|s.cols[i+1][0]<<sh, fullP)
			if limit >= 0 && p > limit {
				return p
			}
		}
	}
	for ; i < n; i++ {
		p += linePenalty64(s.rows[i][0], full) + linePenalty64(s.cols[i][0], full)
		if limit >= 0 && p > limit {
			return p
		}
	}
	return p
}

// linePenalty64 is linePenalty for a line of at most 64 modules.
func linePenalty64(a, full uint64) int {
	d, l := a, full&^a
	r5d := d & (d >> 1) & (d >> 2) & (d >> 3) & (d >> 4)
	r5l := l & (l >> 1) & (l >> 2) & (l >> 3) & (l >> 4)
	p := bits.OnesCount64(r5d) + 2*bits.OnesCount64(r5d&^(r5d<<1)) +
		bits.OnesCount64(r5l) + 2*bits.OnesCount64(r5l&^(r5l<<1))
	core := a &^ (a >> 1) & (a >> 2) & (a >> 3) & (a >> 4) &^ (a >> 5) & (a >> 6)
	if core == 0 {
		return p
	}
	// Bits shifted in from beyond the line are light, as the quiet zone is; so are
	// modules past bit 63 for a 64-module line, which a >> k also reads as 0.
	after := core &^ (a>>7 | a>>8 | a>>9 | a>>10)
	before := core &^ (a<<1 | a<<2 | a<<3 | a<<4)
	return p + penaltyFinder*(bits.OnesCount64(after)+bits.OnesCount64(before))
}

// linePenalty scores one row or column for rules N1 (runs) and N3 (finder-like
// patterns).
func linePenalty(a, full line) int {
	p := 0
	for _, v := range [2]line{a, full.andNot(a)} {
		// r5[i]: modules i to i+4 have v's colour. A run of L >= 5 sets L-4 bits and
		// scores 3 + (L-5) = (L-4) + 2.
		r5 := v.and(v.shr(1)).and(v.shr(2)).and(v.shr(3)).and(v.shr(4))
		p += r5.count() + 2*r5.andNot(r5.shl(1)).count()
	}
	// core[i]: modules i to i+6 are dark:light:dark dark dark:light:dark (1:1:3:1:1).
	core := a.andNot(a.shr(1)).and(a.shr(2)).and(a.shr(3)).and(a.shr(4)).andNot(a.shr(5)).and(a.shr(6))
	if core == (line{}) {
		return p
	}
	after := core.andNot(a.shr(7).or(a.shr(8)).or(a.shr(9)).or(a.shr(10)))
	before := core.andNot(a.shl(1).or(a.shl(2)).or(a.shl(3)).or(a.shl(4)))
	return p + penaltyFinder*(after.count()+before.count())
}

// Penalty weights of the four mask evaluation rules.
const (
	penaltyRun    = 3  // N1: a run of 5 same-colour modules, +1 per module beyond
	penaltyBlock  = 3  // N2: each 2x2 block of one colour
	penaltyFinder = 40 // N3: 1:1:3:1:1 with 4 light modules before or after
	penaltyDark   = 10 // N4: each 5% of dark proportion away from 50%
)
