package qr

// Data is split into segments of numeric, alphanumeric and byte mode so that the
// encoded bits are fewest: a run of digits inside text costs 10 bits per 3 digits
// instead of 24, at the price of a segment header. The split depends on the width of
// the character count fields, which differs in versions 1-9, 10-26 and 27-40.

// modeIndex orders the modes for the segmentation tables.
var modeByIndex = [3]Mode{Byte, Alphanumeric, Numeric}

// versionClass returns 0, 1 or 2 for versions 1-9, 10-26 and 27-40.
func versionClass(ver int) int {
	switch {
	case ver >= 27:
		return 2
	case ver >= 10:
		return 1
	}
	return 0
}

// classVersion is a version of each class.
var classVersion = [3]int{1, 10, 27}

// segment splits data for versions of class, writing the mode of every byte of data
// to modes; from is scratch of 3 × len(data). It returns the number of data bits.
func segment(modes []Mode, from []int8, data string, class int) int {
	ver := classVersion[class]
	if modeOf(data) == Numeric {
		for i := range modes {
			modes[i] = Numeric
		}
		return segmentsBits(modes, ver)
	}
	// Costs in sixths of a bit: a byte 8 bits, an alphanumeric character 5.5, a digit
	// 10/3. cost[m] is the least cost of the data so far with a segment of mode
	// modeByIndex[m] open at the end.
	const inf = 1 << 40
	var head [3]int
	for m, mode := range modeByIndex {
		head[m] = (4 + countBits(mode, ver)) * 6
	}
	cost := head
	for i := 0; i < len(data); i++ {
		c := data[i]
		var ext [3]int
		f := from[3*i : 3*i+3]
		ext[0], f[0] = cost[0]+48, 0
		ext[1], f[1] = inf, -1
		if alnumValue[c] >= 0 {
			ext[1], f[1] = cost[1]+33, 1
		}
		ext[2], f[2] = inf, -1
		if c >= '0' && c <= '9' {
			ext[2], f[2] = cost[2]+20, 2
		}
		// Or end the segment after this character (whole bits) and open another.
		cost = ext
		for to := 0; to < 3; to++ {
			for fm := 0; fm < 3; fm++ {
				if fm == to || ext[fm] >= inf {
					continue
				}
				if c := (ext[fm]+5)/6*6 + head[to]; c < cost[to] {
					cost[to], f[to] = c, int8(fm)
				}
			}
		}
	}
	m := 0
	for k := 1; k < 3; k++ {
		if cost[k] < cost[m] {
			m = k
		}
	}
	for i := len(data) - 1; i >= 0; i-- {
		m = int(from[3*i+m])
		modes[i] = modeByIndex[m]
	}
	return segmentsBits(modes, ver)
}

// segmentsBits is the number of bits of the segments that modes describe (runs of
// one mode; a run longer than the count field allows takes several segments).
func segmentsBits(modes []Mode, ver int) int {
	if len(modes) == 0 {
		return 4 + countBits(Numeric, ver) // an empty numeric segment
	}
	bits := 0
	for i := 0; i < len(modes); {
		j := i + 1
		for j < len(modes) && modes[j] == modes[i] {
			j++
		}
		mode := modes[i]
		maxN := 1<<countBits(mode, ver) - 1
		for n := j - i; n > 0; n -= maxN {
			bits += segmentBits(mode, min(n, maxN), ver)
		}
		i = j
	}
	return bits
}

// segmentBits is the length of one segment (mode, count and data bits) of n
// characters.
func segmentBits(mode Mode, n, ver int) int {
	bits := 4 + countBits(mode, ver)
	switch mode {
	case Numeric:
		bits += n/3*10 + [3]int{0, 4, 7}[n%3]
	case Alphanumeric:
		bits += n/2*11 + n%2*6
	default:
		bits += n * 8
	}
	return bits
}
