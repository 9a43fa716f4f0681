package qr

// Reed-Solomon error correction over GF(256) with the QR code polynomial
// x^8 + x^4 + x^3 + x^2 + 1.

type gfTables struct {
	exp [512]byte // exp[i] = α^i, doubled so exp[a+b] needs no reduction
	log [256]byte // log[α^i] = i; log[0] unused
	// gen[d] is the generator polynomial of degree d (1-30) as the logs of its
	// coefficients after the leading 1, highest degree first.
	gen [31][30]byte
}

var gf = newGF()

func newGF() *gfTables {
	t := new(gfTables)
	x := 1
	for i := 0; i < 255; i++ {
		t.exp[i] = byte(x)
		t.exp[i+255] = byte(x)
		t.log[x] = byte(i)
		x <<= 1
		if x&0x100 != 0 {
			x ^= 0x11d
		}
	}
	t.exp[510], t.exp[511] = t.exp[0], t.exp[1]
	for d := 1; d <= 30; d++ {
		// (x - α^0)(x - α^1)...(x - α^(d-1)); coefficients after the leading 1.
		var c [30]byte
		c[d-1] = 1
		root := byte(1)
		for i := 0; i < d; i++ {
			for j := 0; j < d; j++ {
				c[j] = t.mul(c[j], root)
				if j+1 < d {
					c[j] ^= c[j+1]
				}
			}
			root = t.mul(root, 2)
		}
		for j := 0; j < d; j++ {
			t.gen[d][j] = t.log[c[j]] // no coefficient of a generator polynomial is 0
		}
	}
	return t
}

func (t *gfTables) mul(a, b byte) byte {
	if a == 0 || b == 0 {
		return 0
	}
	return t.exp[int(t.log[a])+int(t.log[b])]
}

// remainder writes the len(ecc) error-correction codewords of data to ecc.
func (t *gfTables) remainder(data, ecc []byte) {
	d := len(ecc)
	g := t.gen[d][:d]
	clear(ecc)
	for _, b := range data {
		f := b ^ ecc[0]
		copy(ecc, ecc[1:])
		ecc[d-1] = 0
		if f == 0 {
			continue
		}
		lf := int(t.log[f])
		for j, lg := range g {
			ecc[j] ^= t.exp[int(lg)+lf]
		}
	}
}
