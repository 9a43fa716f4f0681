package pdf

import (
	"encoding/binary"
	"hash/adler32"
	"math/bits"
)

// fastZlib compresses small content streams into zlib format with a single
// fixed-Huffman deflate block and greedy LZ77 matching. Content streams are short
// and repetitive, so building dynamic Huffman tables (what compress/flate does for
// every block) costs more time than it saves bytes.
type fastZlib struct {
	table [1 << hashBits]int32 // position+1 of the last 4-byte sequence with this hash, minus base
	base  int32
	acc   uint64
	nacc  uint
	out   []byte
}

const (
	hashBits  = 13
	minMatch  = 4
	maxMatch  = 258
	maxDist   = 32768
	maxRepeat = 1 << 30 // base is reset before positions could overflow
)

// fixed Huffman codes, bit-reversed for LSB-first output.
var (
	litCode, litLen = fixedLitCodes()
)

func fixedLitCodes() (code [288]uint16, n [288]uint8) {
	put := func(sym int, c uint16, l uint8) {
		code[sym] = bits.Reverse16(c) >> (16 - l)
		n[sym] = l
	}
	for s := 0; s < 288; s++ {
		switch {
		case s < 144:
			put(s, uint16(0x30+s), 8)
		case s < 256:
			put(s, uint16(0x190+s-144), 9)
		case s < 280:
			put(s, uint16(s-256), 7)
		default:
			put(s, uint16(0xC0+s-280), 8)
		}
	}
	return
}

var lengthBase = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
var lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}
var distBase = [30]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
var distExtra = [30]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}

// lengthCode[n] is the index into lengthBase for a match of n bytes.
var lengthCode = func() (t [maxMatch + 1]uint8) {
	for n := minMatch; n <= maxMatch; n++ {
		i := 28
		for int(lengthBase[i]) > n {
			i--
		}
		t[n] = uint8(i)
	}
	return
}()

func distCode(d int) int {
	if d <= 4 {
		return d - 1
	}
	l := bits.Len(uint(d-1)) - 1
	return 2*l + int((d-1)>>(l-1)&1)
}

func (z *fastZlib) bits(v uint64, n uint) {
	z.acc |= v << z.nacc
	z.nacc += n
	// At most 31 bits wait here, and a code with its extra bits is at most 18 bits
	// (distance), so the 64-bit accumulator never overflows.
	if z.nacc >= 32 {
		a := z.acc
		z.out = append(z.out, byte(a), byte(a>>8), byte(a>>16), byte(a>>24))
		z.acc >>= 32
		z.nacc -= 32
	}
}

func (z *fastZlib) lit(s int) { z.bits(uint64(litCode[s]), uint(litLen[s])) }

func (z *fastZlib) match(length, dist int) {
	i := int(lengthCode[length])
	s := 257 + i
	z.bits(uint64(litCode[s])|uint64(length-int(lengthBase[i]))<<litLen[s], uint(litLen[s]+lengthExtra[i]))
	d := distCode(dist)
	z.bits(uint64(bits.Reverse8(uint8(d))>>3)|uint64(dist-int(distBase[d]))<<5, uint(5+distExtra[d]))
}

func hash4(u uint32) uint32 { return (u * 2654435761) >> (32 - hashBits) }

// compress appends the zlib encoding of p to dst.
func (z *fastZlib) compress(dst, p []byte) []byte {
	base := z.reserve(len(p)) // older entries are out of reach next time
	z.out = append(dst, 0x78, 0x01)
	z.acc, z.nacc = 0, 0
	z.bits(1, 1) // BFINAL
	z.bits(1, 2) // BTYPE=01, fixed Huffman
	z.body(p, base)
	z.lit(256)
	z.flush()
	return binary.BigEndian.AppendUint32(z.out, adler32.Checksum(p))
}

// body emits the codes of p, with matches inside p only; base is the value of
// z.base reserved for p.
func (z *fastZlib) body(p []byte, base int32) {
	i := 0
	for i+minMatch <= len(p) {
		h := hash4(binary.LittleEndian.Uint32(p[i:]))
		cand := int(z.table[h] - base - 1)
		z.table[h] = base + int32(i) + 1
		if cand >= 0 && i-cand <= maxDist && binary.LittleEndian.Uint32(p[cand:]) == binary.LittleEndian.Uint32(p[i:]) {
			n := minMatch
			for i+n < len(p) && n < maxMatch && p[cand+n] == p[i+n] {
				n++
			}
			z.match(n, i-cand)
			i += n
			continue
		}
		z.lit(int(p[i]))
		i++
	}
	for ; i < len(p); i++ {
		z.lit(int(p[i]))
	}
}

// reserve returns the base for a piece of n bytes (see compress).
func (z *fastZlib) reserve(n int) int32 {
	if z.base > maxRepeat || int64(z.base)+int64(n) > maxRepeat {
		z.table = [1 << hashBits]int32{}
		z.base = 0
	}
	base := z.base
	z.base += int32(n) + maxDist + 1
	return base
}

// flush writes out the bits waiting in the accumulator, padding the last byte.
func (z *fastZlib) flush() {
	for z.nacc > 0 {
		z.out = append(z.out, byte(z.acc))
		z.acc >>= 8
		z.nacc -= min(z.nacc, 8)
	}
}

// codes is the deflate encoding of one piece of data on its own (literals, and
// matches inside the piece only) as a run of bits to splice into a fixed-Huffman
// block anywhere: n bits, least significant first, in b. Font subsets splice the
// codes of each glyph, computed once per font.
type codes struct {
	b     []byte
	n     int
	size  int    // bytes encoded
	adler uint32 // Adler-32 of the bytes encoded
}

// encode returns the codes of p on its own.
func (z *fastZlib) encode(p []byte) *codes {
	out, acc, nacc := z.out, z.acc, z.nacc
	z.out, z.acc, z.nacc = make([]byte, 0, len(p)/2+8), 0, 0
	z.body(p, z.reserve(len(p)))
	c := &codes{n: 8*len(z.out) + int(z.nacc), size: len(p), adler: adler32.Checksum(p)}
	z.flush()
	c.b = z.out
	z.out, z.acc, z.nacc = out, acc, nacc
	return c
}

// splice appends the bits of c.
func (z *fastZlib) splice(c *codes) {
	b, n := c.b, c.n
	for n >= 32 {
		z.bits(uint64(binary.LittleEndian.Uint32(b)), 32)
		b, n = b[4:], n-32
	}
	for n >= 8 {
		z.bits(uint64(b[0]), 8)
		b, n = b[1:], n-8
	}
	if n > 0 {
		z.bits(uint64(b[0])&(1<<n-1), uint(n))
	}
}

// piece is a part of the data compressPieces compresses: raw bytes, or the codes
// of bytes encoded before.
type piece struct {
	raw   []byte
	codes *codes
}

// compressPieces appends the zlib encoding of the concatenated pieces to dst: one
// fixed-Huffman block, the raw pieces encoded on the spot, each on its own.
func (z *fastZlib) compressPieces(dst []byte, pieces []piece) []byte {
	z.out = append(dst, 0x78, 0x01)
	z.acc, z.nacc = 0, 0
	z.bits(1, 1) // BFINAL
	z.bits(1, 2) // BTYPE=01, fixed Huffman
	adler := uint32(1)
	for _, pc := range pieces {
		if pc.codes != nil {
			z.splice(pc.codes)
			adler = adlerCombine(adler, pc.codes.adler, pc.codes.size)
			continue
		}
		if len(pc.raw) == 0 {
			continue
		}
		z.body(pc.raw, z.reserve(len(pc.raw)))
		adler = adlerCombine(adler, adler32.Checksum(pc.raw), len(pc.raw))
	}
	z.lit(256)
	z.flush()
	return binary.BigEndian.AppendUint32(z.out, adler)
}

// adlerCombine returns the Adler-32 of A+B from a = Adler-32 of A, b = Adler-32 of
// B and n = len(B) (zlib's adler32_combine).
func adlerCombine(a, b uint32, n int) uint32 {
	const mod = 65521
	rem := uint64(n % mod)
	s1 := uint64(a & 0xffff)
	s2 := rem * s1 % mod
	s1 += uint64(b&0xffff) + mod - 1
	s2 += uint64(a>>16) + uint64(b>>16) + mod - rem
	return uint32(s2%mod)<<16 | uint32(s1%mod)
}
