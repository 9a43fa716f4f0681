// Package qr encodes QR codes (model 2, ISO/IEC 18004): versions 1 to 40 and the four
// error-correction levels. The data is split into numeric, alphanumeric and byte mode
// segments so that it takes the fewest bits: a tracking number is one numeric
// segment, "TB2026111100001" an alphanumeric and a numeric one. Byte mode carries the
// data's bytes as they are (UTF-8 for Go strings) without an ECI header, as scanners
// expect.
//
// [Encode] picks the smallest version that holds the data at the requested level and
// the mask with the lowest penalty by the standard's four rules. For the small
// symbols labels carry (up to version 7 and 256 bytes of data) it allocates only the
// returned matrix.
package qr

import (
	"errors"
	"fmt"
)

// Level is an error-correction level.
type Level byte

// Error-correction levels, recovering about 7, 15, 25 and 30 percent of the symbol.
const (
	Low Level = iota
	Medium
	Quartile
	High
)

// String returns the level's letter: "L", "M", "Q" or "H".
func (l Level) String() string {
	if l > High {
		return fmt.Sprintf("Level(%d)", byte(l))
	}
	return string("LMQH"[l])
}

// Mode is a data encoding mode.
type Mode byte

// Modes. A code's data is one segment or several, each in one mode.
const (
	Mixed        Mode = 0 // segments of several modes
	Numeric      Mode = 1 // digits 0-9
	Alphanumeric Mode = 2 // 0-9, A-Z, space and $%*+-./:
	Byte         Mode = 4 // any bytes
)

// Errors.
var (
	// ErrTooLong means the data does not fit a version 40 symbol at the level.
	ErrTooLong = errors.New("qr: data too long")
	// ErrLevel means the level is not one of Low, Medium, Quartile and High.
	ErrLevel = errors.New("qr: unknown error-correction level")
)

// Code is an encoded QR code symbol.
type Code struct {
	Version int   // 1-40
	Level   Level // error-correction level
	Mode    Mode  // the mode of all the data, or Mixed
	Mask    int   // mask pattern 0-7
	// Modules is the Size x Size matrix, row-major, true = dark, without the quiet
	// zone. The rows share one backing array.
	Modules [][]bool
}

// Size returns the number of modules on each side: 17 + 4 × Version.
func (c *Code) Size() int { return 4*c.Version + 17 }

// MaxVersion is the largest QR code version.
const MaxVersion = 40

// Encode encodes data at the given level in the smallest version that holds it.
// Errors are [ErrTooLong] and [ErrLevel].
func Encode(data string, level Level) (Code, error) {
	return encode(data, level, 0, -1)
}

// EncodeVersion is [Encode] with a fixed version: an error when the data does not fit
// that version.
func EncodeVersion(data string, level Level, version int) (Code, error) {
	if version < 1 || version > MaxVersion {
		return Code{}, fmt.Errorf("qr: version %d not in 1-40", version)
	}
	return encode(data, level, version, -1)
}

// Symbols up to smallVersion with up to smallData bytes of data are encoded without
// heap allocation but for the result.
const (
	smallData      = 256
	smallVersion   = 7
	smallSize      = 4*smallVersion + 17
	smallCodewords = 196 // codewords of a version 7 symbol
)

// Version returns the version [Encode] would choose for data at level, without
// encoding the symbol: the symbol is [Code.Size] modules wide for it. Errors are
// those of Encode.
func Version(data string, level Level) (int, error) {
	if level > High {
		return 0, ErrLevel
	}
	var (
		modeBuf [smallData]Mode
		fromBuf [3 * smallData]int8
		modes   = modeBuf[:]
		from    = fromBuf[:]
	)
	if len(data) > smallData {
		modes, from = make([]Mode, len(data)), make([]int8, 3*len(data))
	}
	return chooseVersion(modes[:len(data)], from, data, level, 0)
}

// chooseVersion splits data into segments (into modes, len(data) long, with from
// as scratch) and returns the smallest version that holds it, or version if not 0.
func chooseVersion(modes []Mode, from []int8, data string, level Level, version int) (int, error) {
	// Split the data into segments for each class of versions in turn until one
	// holds it.
	class := -1
	for v := 1; v <= MaxVersion; v++ {
		if version != 0 && v != version {
			continue
		}
		c := versionClass(v)
		var bits int
		if c != class {
			class = c
			bits = segment(modes, from, data, class)
		} else {
			bits = segmentsBits(modes, v)
		}
		if bits <= dataCodewords(v, level)*8 {
			return v, nil
		}
		if v == version || v == MaxVersion {
			return 0, fmt.Errorf("%w: %d bytes at version %d-%v", ErrTooLong, len(data), v, level)
		}
	}
	return 0, fmt.Errorf("%w: %d bytes at version %d-%v", ErrTooLong, len(data), version, level)
}

func encode(data string, level Level, version, mask int) (Code, error) {
	if level > High {
		return Code{}, ErrLevel
	}
	var (
		modeBuf [smallData]Mode
		fromBuf [3 * smallData]int8
		modes   = modeBuf[:]
		from    = fromBuf[:]
	)
	if len(data) > smallData {
		modes, from = make([]Mode, len(data)), make([]int8, 3*len(data))
	}
	modes = modes[:len(data)]
	ver, err := chooseVersion(modes, from, data, level, version)
	if err != nil {
		return Code{}, err
	}
	mode := Mixed
	if len(data) == 0 {
		mode = Numeric
	} else if uniform(modes) {
		mode = modes[0]
	}

	// Versions up to smallVersion work on the stack; larger ones allocate.
	size := 4*ver + 17
	var (
		cwBuf   [2 * smallCodewords]byte
		lineBuf [4 * smallSize]line
		cw      []byte
		lines   []line
	)
	nc := rawModules(ver) / 8
	if ver <= smallVersion {
		cw, lines = cwBuf[:2*nc], lineBuf[:4*size]
	} else {
		cw, lines = make([]byte, 2*nc), make([]line, 4*size)
	}
	d := cw[nc : nc+dataCodewords(ver, level)]
	writeData(d, modes, data, ver)
	cw = cw[:nc]
	interleave(cw, d, ver, level)

	sb := newSymbolBits(tablesFor(ver), lines)
	sb.place(cw)
	if mask < 0 {
		best := -1
		for k := 0; k < 8; k++ {
			sb.apply(level, k)
			if p := sb.penalty(best); best < 0 || p < best {
				best, mask = p, k
			}
		}
	}
	sb.apply(level, mask)

	cells := make([]bool, size*size)
	for y := 0; y < size; y++ {
		r := sb.rows[y]
		row := cells[y*size : (y+1)*size]
		for x := range row {
			row[x] = r.get(x)
		}
	}
	rows := make([][]bool, size)
	for y := range rows {
		rows[y] = cells[y*size : (y+1)*size : (y+1)*size]
	}
	return Code{Version: ver, Level: level, Mode: mode, Mask: mask, Modules: rows}, nil
}

// String returns the mode's name.
func (m Mode) String() string {
	switch m {
	case Numeric:
		return "numeric"
	case Alphanumeric:
		return "alphanumeric"
	case Byte:
		return "byte"
	case Mixed:
		return "mixed"
	}
	return fmt.Sprintf("Mode(%d)", byte(m))
}

// alnumValue maps a byte to its alphanumeric-mode value, or -1.
var alnumValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i, c := range "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:" {
		t[c] = int8(i)
	}
	return t
}()

// modeOf returns the most compact mode that encodes all of data.
func modeOf(data string) Mode {
	mode := Numeric
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c >= '0' && c <= '9' {
			continue
		}
		if alnumValue[c] < 0 {
			return Byte
		}
		mode = Alphanumeric
	}
	return mode
}

// countBits is the width of the character count field.
func countBits(mode Mode, ver int) int {
	class := 0
	if ver >= 27 {
		class = 2
	} else if ver >= 10 {
		class = 1
	}
	switch mode {
	case Numeric:
		return [3]int{10, 12, 14}[class]
	case Alphanumeric:
		return [3]int{9, 11, 13}[class]
	}
	return [3]int{8, 16, 16}[class]
}

// bitWriter writes bits most significant first into a zeroed buffer.
type bitWriter struct {
	b []byte
	n int // bits written
}

func (w *bitWriter) write(v uint32, bits int) {
	for bits > 0 {
		free := 8 - w.n%8
		take := min(free, bits)
		chunk := v >> uint(bits-take) & (1<<uint(take) - 1)
		w.b[w.n/8] |= byte(chunk << uint(free-take))
		bits -= take
		w.n += take
	}
}

// writeData writes the len(dst) data codewords (segments, terminator and padding) to
// dst, which must be zeroed. modes holds the mode of every byte of data.
func writeData(dst []byte, modes []Mode, data string, ver int) {
	nd := len(dst)
	w := bitWriter{b: dst}
	if len(data) == 0 {
		w.write(uint32(Numeric), 4)
		w.write(0, countBits(Numeric, ver))
	}
	for i := 0; i < len(data); {
		j := i + 1
		for j < len(data) && modes[j] == modes[i] {
			j++
		}
		maxN := 1<<countBits(modes[i], ver) - 1
		for i < j {
			n := min(j-i, maxN)
			writeSegment(&w, modes[i], data[i:i+n], ver)
			i += n
		}
	}
	capBits := nd * 8
	w.write(0, min(4, capBits-w.n)) // terminator
	if w.n%8 != 0 {
		w.write(0, 8-w.n%8)
	}
	pad := byte(0xEC)
	for i := w.n / 8; i < nd; i++ {
		dst[i] = pad
		pad ^= 0xEC ^ 0x11
	}
}

// writeSegment writes one segment: mode, count and data.
func writeSegment(w *bitWriter, mode Mode, data string, ver int) {
	w.write(uint32(mode), 4)
	w.write(uint32(len(data)), countBits(mode, ver))
	switch mode {
	case Numeric:
		i := 0
		for ; i+3 <= len(data); i += 3 {
			w.write(uint32(data[i]-'0')*100+uint32(data[i+1]-'0')*10+uint32(data[i+2]-'0'), 10)
		}
		switch len(data) - i {
		case 2:
			w.write(uint32(data[i]-'0')*10+uint32(data[i+1]-'0'), 7)
		case 1:
			w.write(uint32(data[i]-'0'), 4)
		}
	case Alphanumeric:
		i := 0
		for ; i+2 <= len(data); i += 2 {
			w.write(uint32(alnumValue[data[i]])*45+uint32(alnumValue[data[i+1]]), 11)
		}
		if i < len(data) {
			w.write(uint32(alnumValue[data[i]]), 6)
		}
	default:
		for i := 0; i < len(data); i++ {
			w.write(uint32(data[i]), 8)
		}
	}
}

func uniform(modes []Mode) bool {
	for _, m := range modes {
		if m != modes[0] {
			return false
		}
	}
	return true
}

// interleave splits data into blocks, adds each block's error-correction codewords
// and writes the interleaved codewords to dst, which holds all codewords of the
// version.
func interleave(dst, data []byte, ver int, lv Level) {
	nb := int(numBlocks[lv][ver])
	ecLen := int(eccPerBlock[lv][ver])
	raw := rawModules(ver) / 8
	numShort := nb - raw%nb
	shortData := raw/nb - ecLen
	// Data codewords, column by column over the blocks; long blocks have one more.
	k := 0
	for i := 0; i <= shortData; i++ {
		off := 0
		for b := 0; b < nb; b++ {
			n := shortData
			if b >= numShort {
				n++
			}
			if i < n {
				dst[k] = data[off+i]
				k++
			}
			off += n
		}
	}
	// Error-correction codewords, likewise.
	start := k
	var ecc [30]byte
	off := 0
	for b := 0; b < nb; b++ {
		n := shortData
		if b >= numShort {
			n++
		}
		gf.remainder(data[off:off+n], ecc[:ecLen])
		for i := 0; i < ecLen; i++ {
			dst[start+i*nb+b] = ecc[i]
		}
		off += n
	}
}
