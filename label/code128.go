package label

import (
	"fmt"
	"slices"
)

// code128Widths holds the bar and space widths, in modules, of every Code 128 symbol
// value 0-106 (106 is the stop pattern with its final bar).
var code128Widths = [107]string{
	"212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
	"221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
	"221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
	"212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
	"231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
	"231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
	"314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
	"112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
	"111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
	"214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
	"114131", "311141", "411131", "211412", "211214", "211232", "2331112",
}

// Code 128 control values.
const (
	c128CodeC  = 99
	c128CodeB  = 100
	c128StartB = 104
	c128StartC = 105
	c128Stop   = 106
)

// MaxCode128 is the longest data [EncodeCode128] accepts, in bytes.
const MaxCode128 = 80

// EncodeCode128 encodes data as Code 128 using subsets B and C, switching to C for
// digit runs where that makes the symbol shorter (the shortest encoding is chosen).
// It returns the modules (true = bar) from the start character to the stop
// character's final bar, without quiet zones. Data must be 1 to [MaxCode128]
// printable ASCII characters (0x20-0x7E); anything else is an [ErrEncode] error.
func EncodeCode128(data string) ([]bool, error) {
	return appendCode128(nil, data)
}

// appendCode128 appends the modules of data to dst; on error it returns dst
// unchanged.
func appendCode128(dst []bool, data string) ([]bool, error) {
	var vals [2*MaxCode128 + 3]int
	n, err := code128Values(vals[:0], data)
	if err != nil {
		return dst, err
	}
	total := 0
	for _, v := range n {
		total += len(code128Modules[v])
	}
	dst = slices.Grow(dst, total)
	for _, v := range n {
		dst = append(dst, code128Modules[v]...)
	}
	return dst, nil
}

// code128Modules holds the modules (true = bar) of every symbol value, from
// code128Widths.
var code128Modules = func() (t [107][]bool) {
	for v, ws := range code128Widths {
		bar := true
		for _, w := range ws {
			for k := 0; k < int(w-'0'); k++ {
				t[v] = append(t[v], bar)
			}
			bar = !bar
		}
	}
	return t
}()

// Code 128 symbol values [Code128Symbols] returns besides data characters.
const (
	Code128CodeC  = c128CodeC  // switch to code set C
	Code128CodeB  = c128CodeB  // switch to code set B
	Code128StartB = c128StartB // start in code set B
	Code128StartC = c128StartC // start in code set C
)

// Code128Symbols appends to dst the symbol values [EncodeCode128] encodes data
// with: the start character ([Code128StartB] or [Code128StartC]), the data and
// code-set switches ([Code128CodeC], [Code128CodeB]; in set B a value v is the
// character v+32, in set C the digit pair v), the check character and the stop
// character (106). Printer languages that encode Code 128 themselves (ZPL
// invocation codes, ESC/POS code-set switches) send this sequence, so the printed
// symbol has exactly the modules layout measured. A dst of capacity
// 2*[MaxCode128]+3 never grows.
func Code128Symbols(dst []int, data string) ([]int, error) { return code128Values(dst, data) }

// code128Values appends the symbol values of data (start, data, check, stop) to dst.
func code128Values(dst []int, data string) ([]int, error) {
	if data == "" {
		return nil, fmt.Errorf("%w: code128: empty data", ErrEncode)
	}
	if len(data) > MaxCode128 {
		return nil, fmt.Errorf("%w: code128: %d bytes, at most %d", ErrEncode, len(data), MaxCode128)
	}
	for i := 0; i < len(data); i++ {
		if c := data[i]; c < 0x20 || c > 0x7e {
			return nil, fmt.Errorf("%w: code128: byte %#x at %d is not printable ASCII", ErrEncode, c, i)
		}
	}
	// cost[s][i]: fewest symbols to encode data[i:] when the current subset is s
	// (0 = B, 1 = C).
	const inf = 1 << 20
	var cost [2][MaxCode128 + 1]int
	nd := len(data)
	pair := func(i int) bool { return i+1 < nd && isDigit(data[i]) && isDigit(data[i+1]) }
	for i := nd - 1; i >= 0; i-- {
		b := 1 + cost[0][i+1]
		if pair(i) {
			b = min(b, 2+cost[1][i+2])
		}
		c := inf
		if pair(i) {
			c = 1 + cost[1][i+2]
		}
		c = min(c, 2+cost[0][i+1])
		cost[0][i], cost[1][i] = b, c
	}
	set := 0
	if pair(0) && cost[1][0] < cost[0][0] {
		set = 1
		dst = append(dst, c128StartC)
	} else {
		dst = append(dst, c128StartB)
	}
	for i := 0; i < nd; {
		if set == 0 {
			if pair(i) && 2+cost[1][i+2] < 1+cost[0][i+1] {
				dst = append(dst, c128CodeC)
				set = 1
				continue
			}
			dst = append(dst, int(data[i])-32)
			i++
			continue
		}
		if pair(i) && 1+cost[1][i+2] <= 2+cost[0][i+1] {
			dst = append(dst, int(data[i]-'0')*10+int(data[i+1]-'0'))
			i += 2
			continue
		}
		dst = append(dst, c128CodeB)
		set = 0
	}
	sum := dst[0]
	for k := 1; k < len(dst); k++ {
		sum += k * dst[k]
	}
	dst = append(dst, sum%103, c128Stop)
	return dst, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
