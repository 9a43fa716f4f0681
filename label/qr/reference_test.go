package qr

// A direct module-by-module implementation of masking and the penalty rules, the
// reference the bit-parallel evaluation is tested against.

// refApplyMask inverts the data modules that mask pattern k selects.
func (m *matrix) refApplyMask(k int) {
	n := m.size
	for y := 0; y < n; y++ {
		row := m.mod[y*n : (y+1)*n]
		for x := range row {
			if row[x]&function != 0 {
				continue
			}
			var inv bool
			switch k {
			case 0:
				inv = (x+y)%2 == 0
			case 1:
				inv = y%2 == 0
			case 2:
				inv = x%3 == 0
			case 3:
				inv = (x+y)%3 == 0
			case 4:
				inv = (x/3+y/2)%2 == 0
			case 5:
				inv = x*y%2+x*y%3 == 0
			case 6:
				inv = (x*y%2+x*y%3)%2 == 0
			case 7:
				inv = ((x+y)%2+x*y%3)%2 == 0
			}
			if inv {
				row[x] ^= dark
			}
		}
	}
}

// refPenalty scores the matrix by the four rules of ISO/IEC 18004 section 7.8.3.
func (m *matrix) refPenalty() int {
	n := m.size
	p := 0
	for y := 0; y < n; y++ {
		p += refLinePenalty(m.mod, y*n, 1, n)
	}
	for x := 0; x < n; x++ {
		p += refLinePenalty(m.mod, x, n, n)
	}
	darkCount := 0
	for y := 0; y < n; y++ {
		row := m.mod[y*n : (y+1)*n]
		var next []byte
		if y+1 < n {
			next = m.mod[(y+1)*n : (y+2)*n]
		}
		for x := 0; x < n; x++ {
			c := row[x] & dark
			darkCount += int(c)
			if next != nil && x+1 < n && row[x+1]&dark == c && next[x]&dark == c && next[x+1]&dark == c {
				p += penaltyBlock
			}
		}
	}
	total := n * n
	k := (abs(darkCount*20-total*10)+total-1)/total - 1
	return p + k*penaltyDark
}

// refLinePenalty scores one row or column for rules N1 and N3. Modules outside the
// symbol count as light, as the quiet zone is.
func refLinePenalty(mod []byte, start, step, n int) int {
	p := 0
	run := 0
	var last byte = 2
	var window uint32
	for i := 0; i < n+4; i++ {
		var c byte
		if i < n {
			c = mod[start+i*step] & dark
			if c == last {
				run++
			} else {
				if run >= 5 {
					p += penaltyRun + run - 5
				}
				last, run = c, 1
			}
		}
		window = (window<<1 | uint32(c)) & 0x7ff
		// dark:light:dark:light:dark 1:1:3:1:1 with four light modules after, or before.
		if window == 0b10111010000 || (i < n && window == 0b00001011101) {
			p += penaltyFinder
		}
	}
	if run >= 5 {
		p += penaltyRun + run - 5
	}
	return p
}

// placeData places the codewords on the data modules; remainder bits stay light.
func (m *matrix) placeData(cw []byte) {
	i, total := 0, len(cw)*8
	m.walkData(func(x, y int) {
		if i < total && cw[i>>3]>>(7-uint(i&7))&1 != 0 {
			m.mod[y*m.size+x] |= dark
		}
		i++
	})
}
