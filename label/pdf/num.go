package pdf

import "strconv"

// appendNum appends v rounded to three decimals, without trailing zeros. Callers pass
// validated, finite values of sane magnitude.
func appendNum(b []byte, v float64) []byte {
	if v < 0 {
		n := int64(-v*1000 + 0.5)
		if n == 0 {
			return append(b, '0')
		}
		b = append(b, '-')
		return appendMilli(b, n)
	}
	return appendMilli(b, int64(v*1000+0.5))
}

func appendMilli(b []byte, n int64) []byte {
	b = strconv.AppendInt(b, n/1000, 10)
	f := n % 1000
	if f == 0 {
		return b
	}
	b = append(b, '.', byte('0'+f/100))
	if f%100 != 0 {
		b = append(b, byte('0'+f/10%10))
		if f%10 != 0 {
			b = append(b, byte('0'+f%10))
		}
	}
	return b
}

// appendNums appends each value followed by a space.
func appendNums(b []byte, vs ...float64) []byte {
	for _, v := range vs {
		b = appendNum(b, v)
		b = append(b, ' ')
	}
	return b
}
