package escpos

import "github.com/dadanhq/dadan/label"

func evenDigits(b []byte) bool {
	if len(b) == 0 || len(b)%2 != 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// appendBarcode prints Code 128 with GS k (m = 73) in layout's code sets
// ([label.Code128Symbols]: B, with C for digit runs where that is shorter), no
// human-readable line (layout draws it as text). Data layout cannot encode goes in
// set B (or C for even digits) as before.
// The module m and height h in dots come from [label.Barcode.Dots].
func appendBarcode(s *scratch, dst []byte, b *label.Barcode, x, m, h int) ([]byte, int, error) {
	data := appendClean(s.clean[:0], b.Data)
	s.clean = data
	s.enc = s.enc[:0]
	var vals [2*label.MaxCode128 + 3]int
	if v, err := label.Code128Symbols(vals[:0], string(data)); err == nil && len(v) >= 3 {
		// Layout's own code sets, so the printer prints the modules Dots measured.
		i := 0
		setC := false
		for k, x := range v[:len(v)-2] { // without check and stop
			switch {
			case k == 0 && x == label.Code128StartC, x == label.Code128CodeC && !setC:
				s.enc = append(s.enc, '{', 'C')
				setC = true
			case k == 0, x == label.Code128CodeB && setC:
				s.enc = append(s.enc, '{', 'B')
				setC = false
			case setC:
				s.enc = append(s.enc, byte(x))
				i += 2
			default:
				if data[i] == '{' {
					s.enc = append(s.enc, '{') // a literal brace is sent twice
				}
				s.enc = append(s.enc, data[i])
				i++
			}
		}
	} else if evenDigits(data) {
		s.enc = append(s.enc, '{', 'C')
		for i := 0; i < len(data); i += 2 {
			s.enc = append(s.enc, (data[i]-'0')*10+data[i+1]-'0')
		}
	} else {
		s.enc = append(s.enc, '{', 'B')
		for _, c := range data {
			if c >= 0x7F {
				return dst, 0, ErrBarcodeData
			}
			if c == '{' {
				s.enc = append(s.enc, '{') // a literal brace is sent twice
			}
			s.enc = append(s.enc, c)
		}
	}
	if len(data) == 0 || len(s.enc) > 255 {
		return dst, 0, ErrBarcodeData
	}
	m = min(max(m, 2), 6) // GS w takes 2-6
	h = min(max(h, 1), 255)
	dst = appendMargin(dst, x)
	dst = append(dst, 0x1D, 'w', byte(m), 0x1D, 'h', byte(h), 0x1D, 'H', 0)
	dst = append(dst, 0x1D, 'k', 73, byte(len(s.enc)))
	dst = append(dst, s.enc...)
	return appendMargin(dst, 0), h, nil
}

// appendMargin sets the left margin (GS L), which places barcodes and QR codes.
func appendMargin(dst []byte, x int) []byte {
	x = min(max(x, 0), 0xFFFF)
	return append(dst, 0x1D, 'L', byte(x), byte(x>>8))
}

// appendQR prints a model 2 QR code with GS ( k.
func appendQR(s *scratch, dst []byte, q *label.QR, x int) ([]byte, int, error) {
	data := appendClean(s.clean[:0], q.Data)
	s.clean = data
	if len(data) == 0 || len(data) > 7089 {
		return dst, 0, ErrQRData
	}
	m := min(max(dots(q.Module), 1), 16)
	level := byte(49) // M
	switch q.Level {
	case label.QRLevelL:
		level = 48
	case label.QRLevelQ:
		level = 50
	case label.QRLevelH:
		level = 51
	}
	dst = appendMargin(dst, x)
	dst = append(dst, 0x1D, '(', 'k', 4, 0, 49, 65, 50, 0) // model 2
	dst = append(dst, 0x1D, '(', 'k', 3, 0, 49, 67, byte(m))
	dst = append(dst, 0x1D, '(', 'k', 3, 0, 49, 69, level)
	n := len(data) + 3
	dst = append(dst, 0x1D, '(', 'k', byte(n), byte(n>>8), 49, 80, 48)
	dst = append(dst, data...)
	dst = append(dst, 0x1D, '(', 'k', 3, 0, 49, 81, 48) // print
	return appendMargin(dst, 0), m * len(q.Modules), nil
}
