package review

import (
	"errors"
	"unicode/utf8"
)

// PhoneKind says what kind of number a [Phone] is.
type PhoneKind uint8

// Phone kinds.
const (
	Mobile   PhoneKind = iota + 1 // 11 digits, 1[3-9]xxxxxxxxx
	Landline                      // 0 + area code + 7 or 8 digits, maybe with an extension
	Virtual                       // a platform privacy number: a mobile with a 4-digit extension
)

// String returns "mobile", "landline" or "virtual".
func (k PhoneKind) String() string {
	switch k {
	case Mobile:
		return "mobile"
	case Landline:
		return "landline"
	case Virtual:
		return "virtual"
	}
	return "invalid"
}

// Phone is a normalised mainland China phone number.
type Phone struct {
	Kind      PhoneKind
	AreaCode  string // landlines only: "0571", "010"
	Number    string // the mobile number, or the landline's local number without area code
	Extension string // the extension of a virtual number or a landline, "" if none
}

// Full returns the number without extension as dialled inside China:
// "13800138000" or "057187654321".
func (p Phone) Full() string { return p.AreaCode + p.Number }

// String returns the canonical form: "13800138000", "0571-87654321",
// "13800138000-1234", "0571-87654321-88".
func (p Phone) String() string {
	s := p.Number
	if p.AreaCode != "" {
		s = p.AreaCode + "-" + s
	}
	if p.Extension != "" {
		s += "-" + p.Extension
	}
	return s
}

// ErrPhone is wrapped by every error of [NormalizePhone].
var ErrPhone = errors.New("review: invalid phone number")

// PhoneError says why a phone number was refused.
type PhoneError struct {
	Input  string
	Reason string
}

func (e *PhoneError) Error() string { return "review: phone " + quote(e.Input) + ": " + e.Reason }

// Unwrap returns [ErrPhone].
func (e *PhoneError) Unwrap() error { return ErrPhone }

func quote(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	b = append(b, s...)
	return string(append(b, '"'))
}

// NormalizePhone parses a mainland China phone number as buyers and platforms
// write it: a mobile (13800138000), a landline with area code (0571-87654321,
// 010 12345678, (0571)87654321, with an optional extension 0571-87654321-88) or a
// platform virtual number (13800138000-1234, 13800138000转1234, 13800138000,1234,
// 13800138000#1234). Country prefixes +86, 0086 and 86, spaces, dashes, full-width
// digits and brackets are normalised away. A clean 11-digit mobile is parsed
// without allocating.
func NormalizePhone(s string) (Phone, error) {
	// Fast path: a plain mobile number.
	if len(s) == 11 && isMobile(s) {
		return Phone{Kind: Mobile, Number: s}, nil
	}
	var buf [40]byte
	digits, ext, err := splitPhone(s, buf[:0])
	if err != nil {
		return Phone{}, err
	}
	// Country prefix.
	switch {
	case hasPrefix(digits, "+86"):
		digits = digits[3:]
		if len(digits) > 0 && digits[0] != '1' && digits[0] != '0' {
			digits = append([]byte{'0'}, digits...)
		}
	case hasPrefix(digits, "0086"):
		digits = digits[4:]
		if len(digits) > 0 && digits[0] != '1' && digits[0] != '0' {
			digits = append([]byte{'0'}, digits...)
		}
	case len(digits) == 13 && hasPrefix(digits, "861"):
		digits = digits[2:]
	case len(digits) > 0 && digits[0] == '+':
		return Phone{}, &PhoneError{Input: s, Reason: "not a Chinese number"}
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return Phone{}, &PhoneError{Input: s, Reason: "unexpected character"}
		}
	}
	switch {
	case len(digits) == 11 && isMobile(string(digits)):
		if ext == "" {
			return Phone{Kind: Mobile, Number: string(digits)}, nil
		}
		if len(ext) != 4 {
			return Phone{}, &PhoneError{Input: s, Reason: "a virtual number's extension has 4 digits"}
		}
		return Phone{Kind: Virtual, Number: string(digits), Extension: ext}, nil
	case len(digits) > 0 && digits[0] == '0':
		area := 4
		if len(digits) > 1 && (digits[1] == '1' || digits[1] == '2') {
			area = 3 // 010, 020-029
		}
		local := len(digits) - area
		if local < 7 || local > 8 || digits[area] == '0' {
			return Phone{}, &PhoneError{Input: s, Reason: "a landline has an area code and 7 or 8 digits"}
		}
		if len(ext) > 6 {
			return Phone{}, &PhoneError{Input: s, Reason: "extension too long"}
		}
		d := string(digits)
		return Phone{Kind: Landline, AreaCode: d[:area], Number: d[area:], Extension: ext}, nil
	case len(digits) == 0:
		return Phone{}, &PhoneError{Input: s, Reason: "no digits"}
	}
	return Phone{}, &PhoneError{Input: s, Reason: "not a mobile or landline number"}
}

// splitPhone copies the digits of s (and a leading '+') into buf, dropping
// separators, and splits off an extension.
func splitPhone(s string, buf []byte) (digits []byte, ext string, err error) {
	var extBuf [8]byte
	extN := -1 // digits of the extension seen; -1 while in the main number
	mainDigits := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return nil, "", &PhoneError{Input: s, Reason: "invalid UTF-8"}
		}
		i += size
		if r >= '０' && r <= '９' {
			r = r - '０' + '0'
		}
		switch {
		case r >= '0' && r <= '9':
			if extN >= 0 {
				if extN == len(extBuf) {
					return nil, "", &PhoneError{Input: s, Reason: "extension too long"}
				}
				extBuf[extN] = byte(r)
				extN++
				continue
			}
			if len(buf) == cap(buf) {
				return nil, "", &PhoneError{Input: s, Reason: "too long"}
			}
			buf = append(buf, byte(r))
			mainDigits++
		case r == '+' || r == '＋':
			if len(buf) > 0 || extN >= 0 {
				return nil, "", &PhoneError{Input: s, Reason: "misplaced +"}
			}
			buf = append(buf, '+')
		case r == ' ' || r == '\u3000' || r == '\u00a0' || r == '(' || r == ')' || r == '（' || r == '）' || r == '.':
			// separators inside the number
		case r == '-' || r == '－' || r == '—' || r == '–':
			// A dash after a complete mobile or landline starts the extension.
			if extN < 0 && completeNumber(buf) {
				extN = 0
			}
		case r == '转' || r == ',' || r == '，' || r == '#' || r == '＃' || r == 'x' || r == 'X' || r == '*' || r == '；' || r == ';':
			if extN >= 0 || mainDigits == 0 {
				return nil, "", &PhoneError{Input: s, Reason: "misplaced extension mark"}
			}
			extN = 0
		default:
			return nil, "", &PhoneError{Input: s, Reason: "unexpected character " + quote(string(r))}
		}
	}
	if extN == 0 {
		return nil, "", &PhoneError{Input: s, Reason: "empty extension"}
	}
	if extN > 0 {
		ext = string(extBuf[:extN])
	}
	return buf, ext, nil
}

// completeNumber reports whether the digits so far form a whole number, so that
// a following dash introduces an extension (13800138000-1234, 0571-87654321-88)
// rather than separating groups (0571-8765-4321, 138-0013-8000).
func completeNumber(b []byte) bool {
	for _, p := range [...]string{"+86", "0086"} {
		if hasPrefix(b, p) {
			b = b[len(p):]
			if len(b) > 0 && b[0] != '0' && b[0] != '1' {
				// +86 571 8765 4321: area code without its 0
				return len(b) >= 9
			}
			break
		}
	}
	switch {
	case len(b) == 11 && b[0] == '1':
		return true
	case len(b) >= 10 && b[0] == '0':
		area := 4
		if b[1] == '1' || b[1] == '2' {
			area = 3
		}
		return len(b)-area >= 7
	}
	return false
}

func hasPrefix(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }

// isMobile reports whether s is 11 ASCII digits matching 1[3-9]\d{9}.
func isMobile(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return false
	}
	for i := 2; i < 11; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
