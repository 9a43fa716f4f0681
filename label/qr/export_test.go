package qr

// EncodeMask is Encode with a fixed version (0 = smallest) and mask.
func EncodeMask(data string, level Level, version, mask int) (Code, error) {
	return encode(data, level, version, mask)
}

// DataCodewords exposes the capacity table to tests.
func DataCodewords(ver int, lv Level) int { return dataCodewords(ver, lv) }

// GeneratorHasZero reports whether a generator polynomial of degree d has a zero
// coefficient (the log-form table could not hold it).
func GeneratorHasZero(d int) bool {
	var c [30]byte
	c[d-1] = 1
	root := byte(1)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			c[j] = gf.mul(c[j], root)
			if j+1 < d {
				c[j] ^= c[j+1]
			}
		}
		root = gf.mul(root, 2)
	}
	for _, v := range c[:d] {
		if v == 0 {
			return true
		}
	}
	return false
}
