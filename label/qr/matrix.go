package qr

// Module flags in a matrix cell.
const (
	dark     = 1 // the module is dark
	function = 2 // the module belongs to a function pattern or format/version information
)

// matrix is a square module matrix, one byte of flags per module, row-major.
type matrix struct {
	size int
	mod  []byte
}

func (m *matrix) setFunction(x, y int, isDark bool) {
	v := byte(function)
	if isDark {
		v |= dark
	}
	m.mod[y*m.size+x] = v
}

// functionPatterns draws the finder, separator, timing and alignment patterns and the
// version information, and reserves the format information.
func (m *matrix) functionPatterns(ver int) {
	n := m.size
	for i := 0; i < n; i++ {
		m.setFunction(6, i, i%2 == 0)
		m.setFunction(i, 6, i%2 == 0)
	}
	for _, c := range [3][2]int{{3, 3}, {n - 4, 3}, {3, n - 4}} {
		for dy := -4; dy <= 4; dy++ {
			for dx := -4; dx <= 4; dx++ {
				x, y := c[0]+dx, c[1]+dy
				if x < 0 || x >= n || y < 0 || y >= n {
					continue
				}
				d := max(abs(dx), abs(dy))
				m.setFunction(x, y, d != 2 && d != 4)
			}
		}
	}
	var posBuf [7]int
	pos := alignmentPositions(posBuf[:0], ver)
	last := len(pos) - 1
	for i, py := range pos {
		for j, px := range pos {
			if (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0) {
				continue // finder patterns
			}
			for dy := -2; dy <= 2; dy++ {
				for dx := -2; dx <= 2; dx++ {
					m.setFunction(px+dx, py+dy, max(abs(dx), abs(dy)) != 1)
				}
			}
		}
	}
	m.formatBits(Low, 0) // reserve; rewritten once the mask is chosen
	if ver >= 7 {
		rem := ver
		for i := 0; i < 12; i++ {
			rem = rem<<1 ^ (rem>>11)*0x1F25
		}
		bits := ver<<12 | rem
		for i := 0; i < 18; i++ {
			on := bits>>uint(i)&1 != 0
			a, b := n-11+i%3, i/3
			m.setFunction(a, b, on)
			m.setFunction(b, a, on)
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// formatLevel is the two-bit level indicator of the format information.
var formatLevel = [4]int{Low: 1, Medium: 0, Quartile: 3, High: 2}

// formatBits draws both copies of the format information and the dark module.
func (m *matrix) formatBits(lv Level, mask int) {
	var f [31]formatModule
	formatModules(&f, m.size, lv, mask)
	for _, c := range f {
		m.setFunction(int(c.x), int(c.y), c.dark)
	}
}

// walkData calls f with every data module (not a function module) in placement
// order: the two-module-wide zigzag from the bottom right corner.
func (m *matrix) walkData(f func(x, y int)) {
	n := m.size
	for right := n - 1; right >= 1; right -= 2 {
		if right == 6 {
			right = 5 // skip the vertical timing pattern
		}
		upward := (right+1)&2 == 0
		for vert := 0; vert < n; vert++ {
			y := vert
			if upward {
				y = n - 1 - vert
			}
			for x := right; x >= right-1; x-- {
				if m.mod[y*n+x]&function == 0 {
					f(x, y)
				}
			}
		}
	}
}

// formatWord is the 15-bit format information (BCH coded and masked) for a level and
// mask pattern.
func formatWord(lv Level, mask int) int {
	data := formatLevel[lv]<<3 | mask
	rem := data
	for i := 0; i < 10; i++ {
		rem = rem<<1 ^ (rem>>9)*0x537
	}
	return (data<<10 | rem) ^ 0x5412
}

// formatModule is one module of the format information: bit of the format word, or
// -1 for the dark module.
type formatModule struct {
	x, y uint8
	bit  int8
	dark bool
}

// formatModules lists the 31 modules of both copies of the format information and
// the dark module.
func formatModules(dst *[31]formatModule, size int, lv Level, mask int) {
	bits := formatWord(lv, mask)
	k := 0
	put := func(x, y, i int) {
		dst[k] = formatModule{uint8(x), uint8(y), int8(i), i < 0 || bits>>uint(i)&1 != 0}
		k++
	}
	n := size
	for i := 0; i <= 5; i++ {
		put(8, i, i)
	}
	put(8, 7, 6)
	put(8, 8, 7)
	put(7, 8, 8)
	for i := 9; i < 15; i++ {
		put(14-i, 8, i)
	}
	for i := 0; i < 8; i++ {
		put(n-1-i, 8, i)
	}
	for i := 8; i < 15; i++ {
		put(8, n-15+i, i)
	}
	put(8, n-8, -1) // the dark module
}
