package review

//go:generate go run ./internal/phonegen -out phone_areas_gen.go

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// PhoneKind says what kind of number a [Phone] is.
type PhoneKind uint8

// Phone kinds.
const (
	Mobile   PhoneKind = iota + 1 // a mainland mobile of an assigned number block, or a HK/MO/TW mobile
	Landline                      // area code + local number of the length that area uses, maybe with an extension
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

// Regions of a phone number outside the mainland numbering plan.
const (
	RegionHK = "HK" // Hong Kong, +852
	RegionMO = "MO" // Macao, +853
	RegionTW = "TW" // Taiwan, +886
)

// Phone is a normalised phone number: a mainland number, or one of Hong Kong,
// Macao or Taiwan (Region set).
type Phone struct {
	Kind      PhoneKind
	Region    string // "" for the mainland, or RegionHK, RegionMO, RegionTW
	AreaCode  string // mainland and Taiwan landlines: "0571", "010", "02"
	Number    string // the mobile number, or the landline's local number without area code
	Extension string // the extension of a virtual number or a landline, "" if none
}

// Full returns the number without extension as dialled inside the mainland:
// "13800138000", "057187654321"; numbers of Hong Kong, Macao and Taiwan with
// their country code: "+85291234567", "+886223456789".
func (p Phone) Full() string {
	switch p.Region {
	case RegionHK:
		return "+852" + p.Number
	case RegionMO:
		return "+853" + p.Number
	case RegionTW:
		area := p.AreaCode
		if area != "" {
			area = area[1:]
		}
		return "+886" + area + p.Number
	}
	return p.AreaCode + p.Number
}

// String returns the canonical form: "13800138000", "0571-87654321",
// "13800138000-1234", "0571-87654321-88", "+852 91234567", "+886 2-23456789".
func (p Phone) String() string {
	s := p.Number
	if p.AreaCode != "" {
		area := p.AreaCode
		if p.Region == RegionTW {
			area = area[1:] // +886 2-23456789: no trunk 0 after the country code
		}
		s = area + "-" + s
	}
	switch p.Region {
	case RegionHK:
		s = "+852 " + s
	case RegionMO:
		s = "+853 " + s
	case RegionTW:
		s = "+886 " + s
	}
	if p.Extension != "" {
		if p.Region != "" {
			s += "转" + p.Extension // a dash could be read as a separator of a shorter number
		} else {
			s += "-" + p.Extension
		}
	}
	return s
}

// ErrPhone is wrapped by every error of [NormalizePhone].
var ErrPhone = errors.New("review: invalid phone number")

// ErrPhoneMasked is wrapped by the error of [NormalizePhone] for a number a
// platform masked (138****8000): it is not invalid, only not readable.
var ErrPhoneMasked = errors.New("review: masked phone number")

// PhoneError says why a phone number was refused.
type PhoneError struct {
	Input  string
	Reason string
	Masked bool // the number is masked (138****8000), not wrong
}

func (e *PhoneError) Error() string { return "review: phone " + quote(e.Input) + ": " + e.Reason }

// Unwrap returns [ErrPhoneMasked] for a masked number, [ErrPhone] otherwise.
func (e *PhoneError) Unwrap() error {
	if e.Masked {
		return ErrPhoneMasked
	}
	return ErrPhone
}

func quote(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	b = append(b, s...)
	return string(append(b, '"'))
}

// mobileBlocks marks the assigned three-digit mobile prefixes 130–199 (index
// prefix−130): 13x, 145, 147, 15x but 154, 162, 165–167, 17x but 179, 18x and
// 19x but 194. 140–144 (13-digit IoT numbers), 146, 148, 149, 154, 160, 161,
// 163, 164, 168, 169, 179 and 194 are not assigned to subscriber mobiles.
var mobileBlocks = func() (b [70]bool) {
	for p := 130; p <= 199; p++ {
		b[p-130] = true
	}
	for _, p := range [...]int{140, 141, 142, 143, 144, 146, 148, 149, 154, 160, 161, 163, 164, 168, 169, 179, 194} {
		b[p-130] = false
	}
	return b
}()

// isMobile reports whether s is 11 ASCII digits of an assigned mobile block.
func isMobile(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' || s[2] < '0' || s[2] > '9' {
		return false
	}
	if !mobileBlocks[int(s[1]-'0')*10+int(s[2]-'0')-30] {
		return false
	}
	for i := 3; i < 11; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// NormalizePhone parses a mainland China phone number as buyers and platforms
// write it: a mobile of an assigned number block (13800138000, also with the
// trunk 0: 013800138000), a landline with area code whose local number has the
// length that area uses (0571-87654321, 0991-1234567, 010 6552 9988,
// (010)65529988, +86 10 6552 9988, with an optional extension
// 0571-87654321-88, 0571-87654321转88, 0571-87654321分机88) or a platform virtual
// number (13800138000-1234, 13800138000转1234, 13800138000-转1234,
// 13800138000,1234, 13800138000#1234). Numbers with the country code of Hong
// Kong (+852), Macao (+853) or Taiwan (+886) are accepted too. Country prefixes
// +86, 0086 and 86, spaces, dashes, full-width digits and brackets are
// normalised away. A masked number (138****8000) is refused with an error
// wrapping [ErrPhoneMasked]. A clean 11-digit mobile is parsed without
// allocating.
func NormalizePhone(s string) (Phone, error) { return NormalizePhoneIn(s, "") }

// NormalizePhoneIn is [NormalizePhone] for an address in region (RegionHK,
// RegionMO, RegionTW; "" is the mainland): local numbers of that region are
// accepted without their country code (9123 4567 in Hong Kong, 0912 345 678 in
// Taiwan), and so are mainland numbers.
func NormalizePhoneIn(s, region string) (Phone, error) {
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
	for _, cc := range [...]struct{ prefix, region string }{
		{"+852", RegionHK}, {"00852", RegionHK}, {"+853", RegionMO}, {"00853", RegionMO}, {"+886", RegionTW}, {"00886", RegionTW},
	} {
		if hasPrefix(digits, cc.prefix) {
			return regionPhone(s, cc.region, digits[len(cc.prefix):], ext, true)
		}
	}
	switch {
	case hasPrefix(digits, "+86"), hasPrefix(digits, "0086"):
		if digits[0] == '+' {
			digits = digits[3:]
		} else {
			digits = digits[4:]
		}
		if len(digits) > 0 && digits[0] != '0' && !(len(digits) == 11 && digits[0] == '1' && digits[1] != '0') {
			// +86 571 8765 4321, +86 10 6552 9988: the area code without its 0.
			digits = append([]byte{'0'}, digits...)
		}
	case len(digits) == 13 && hasPrefix(digits, "861"):
		digits = digits[2:]
	case len(digits) > 0 && digits[0] == '+':
		return Phone{}, &PhoneError{Input: s, Reason: "not a Chinese number"}
	case region != "" && !(len(digits) == 11 && digits[0] == '1'):
		if p, err := regionPhone(s, region, digits, ext, false); err == nil {
			return p, nil
		}
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return Phone{}, &PhoneError{Input: s, Reason: "unexpected character"}
		}
	}
	if len(digits) == 12 && digits[0] == '0' && digits[1] == '1' && digits[2] != '0' {
		digits = digits[1:] // 013800138000: a mobile dialled with the trunk 0
	}
	switch {
	case len(digits) == 11 && digits[0] == '1' && digits[1] != '0':
		if !isMobile(string(digits)) {
			return Phone{}, &PhoneError{Input: s, Reason: "number block " + string(digits[:3]) + " is not assigned to mobiles"}
		}
		if ext == "" {
			return Phone{Kind: Mobile, Number: string(digits)}, nil
		}
		if len(ext) != 4 {
			return Phone{}, &PhoneError{Input: s, Reason: "a virtual number's extension has 4 digits"}
		}
		return Phone{Kind: Virtual, Number: string(digits), Extension: ext}, nil
	case len(digits) > 0 && digits[0] == '0':
		return landline(s, digits, ext)
	case len(digits) == 0:
		return Phone{}, &PhoneError{Input: s, Reason: "no digits"}
	}
	return Phone{}, &PhoneError{Input: s, Reason: "not a mobile or landline number"}
}

// landline checks a mainland landline: trunk 0, area code, local number.
func landline(s string, digits []byte, ext string) (Phone, error) {
	area := 4
	if len(digits) > 1 && (digits[1] == '1' || digits[1] == '2') {
		area = 3 // 010, 020-029
	}
	if len(digits) <= area {
		return Phone{}, &PhoneError{Input: s, Reason: "a landline has an area code and 7 or 8 digits"}
	}
	code, _ := strconv.Atoi(string(digits[1:area]))
	mask, ok := areaCodes[uint16(code)]
	if !ok {
		return Phone{}, &PhoneError{Input: s, Reason: "area code " + string(digits[:area]) + " is not in use"}
	}
	local := len(digits) - area
	if local < 7 || local > 8 || digits[area] == '0' {
		return Phone{}, &PhoneError{Input: s, Reason: "a landline has an area code and 7 or 8 digits"}
	}
	if mask&(1<<(uint(local-7)*10+uint(digits[area]-'0'))) == 0 {
		want := "8"
		if mask&(0x3ff<<10) == 0 {
			want = "7"
		} else if mask&0x3ff != 0 {
			want = "7 or 8"
		}
		return Phone{}, &PhoneError{Input: s, Reason: "local numbers of area code " + string(digits[:area]) + " have " + want + " digits"}
	}
	if len(ext) > 6 {
		return Phone{}, &PhoneError{Input: s, Reason: "extension too long"}
	}
	d := string(digits)
	return Phone{Kind: Landline, AreaCode: d[:area], Number: d[area:], Extension: ext}, nil
}

// regionPhone checks a number of Hong Kong, Macao or Taiwan, digits without the
// country code (intl) or as dialled locally.
func regionPhone(s, region string, digits []byte, ext string, intl bool) (Phone, error) {
	for _, c := range digits {
		if c < '0' || c > '9' {
			return Phone{}, &PhoneError{Input: s, Reason: "unexpected character"}
		}
	}
	bad := func() (Phone, error) {
		return Phone{}, &PhoneError{Input: s, Reason: "not a " + regionName(region) + " number"}
	}
	if len(ext) > 6 {
		return Phone{}, &PhoneError{Input: s, Reason: "extension too long"}
	}
	switch region {
	case RegionHK, RegionMO:
		if len(digits) != 8 {
			return bad()
		}
		kind := Landline
		switch c := digits[0]; {
		case region == RegionHK && (c == '5' || c == '6' || c == '9'), region == RegionMO && c == '6':
			kind = Mobile
		case region == RegionHK && (c == '2' || c == '3'), region == RegionMO && c == '2' && digits[1] == '8':
		default:
			return bad()
		}
		return Phone{Kind: kind, Region: region, Number: string(digits), Extension: ext}, nil
	case RegionTW:
		if intl {
			digits = append([]byte{'0'}, digits...)
		}
		if len(digits) < 9 || len(digits) > 10 || digits[0] != '0' {
			return bad()
		}
		if digits[1] == '9' {
			if len(digits) != 10 {
				return bad()
			}
			return Phone{Kind: Mobile, Region: region, Number: string(digits[1:]), Extension: ext}, nil
		}
		if digits[1] < '2' || digits[1] > '8' {
			return bad()
		}
		area := 2 // 02 台北, 04 台中, 07 高雄 …; 037, 049, 089 … are 3 digits
		switch string(digits[:3]) {
		case "037", "049", "082", "089":
			area = 3
		}
		if digits[area] == '0' {
			return bad()
		}
		d := string(digits)
		return Phone{Kind: Landline, Region: region, AreaCode: d[:area], Number: d[area:], Extension: ext}, nil
	}
	return bad()
}

func regionName(r string) string {
	switch r {
	case RegionHK:
		return "Hong Kong"
	case RegionMO:
		return "Macao"
	}
	return "Taiwan"
}

// splitPhone copies the digits of s (and a leading '+') into buf, dropping
// separators, and splits off an extension.
func splitPhone(s string, buf []byte) (digits []byte, ext string, err error) {
	var extBuf [8]byte
	extN := -1 // digits of the extension seen; -1 while in the main number
	mainDigits := 0
	stars := 0
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
		case r == '*' || r == '＊' || r == '×':
			stars++
			if stars == 1 && extN < 0 && completeNumber(buf) && i < len(s) && s[i] >= '0' && s[i] <= '9' {
				extN = 0 // 13800138000*1234
				continue
			}
			if stars >= 2 || extN < 0 {
				if extN > 0 {
					return nil, "", &PhoneError{Input: s, Reason: "misplaced *"}
				}
				extN = -1
				return nil, "", maskedOrInvalid(s)
			}
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
		case r == '分' && i < len(s) && s[i:] != "" && hasRunePrefix(s[i:], '机'):
			i += len("机")
			fallthrough
		case r == '转' || r == ',' || r == '，' || r == '#' || r == '＃' || r == 'x' || r == 'X' || r == '；' || r == ';':
			if extN > 0 || mainDigits == 0 {
				return nil, "", &PhoneError{Input: s, Reason: "misplaced extension mark"}
			}
			extN = 0 // 13800138000转1234, also after a dash: 13800138000-转1234
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

func hasRunePrefix(s string, r rune) bool {
	c, _ := utf8.DecodeRuneInString(s)
	return c == r
}

// maskedOrInvalid returns the error for a number with * in it: masked when the
// rest is digits, stars and separators (138****8000, 1**********, +86 138****8000).
func maskedOrInvalid(s string) error {
	digits, stars := 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= '０' && r <= '９':
			digits++
		case r == '*' || r == '＊' || r == '×':
			stars++
		case r == ' ' || r == '-' || r == '+' || r == '(' || r == ')' || r == '\u3000':
		default:
			return &PhoneError{Input: s, Reason: "unexpected character " + quote(string(r))}
		}
	}
	if stars >= 2 && digits+stars >= 7 && digits+stars <= 16 {
		return &PhoneError{Input: s, Reason: "masked by the platform", Masked: true}
	}
	return &PhoneError{Input: s, Reason: "misplaced *"}
}

// completeNumber reports whether the digits so far form a whole number, so that
// a following dash introduces an extension (13800138000-1234, 0571-87654321-88)
// rather than separating groups (0571-8765-4321, 138-0013-8000).
func completeNumber(b []byte) bool {
	for _, p := range [...]string{"+852", "+853", "00852", "00853"} {
		if hasPrefix(b, p) {
			return len(b)-len(p) >= 8
		}
	}
	for _, p := range [...]string{"+886", "00886"} {
		if hasPrefix(b, p) {
			return len(b)-len(p) >= 9
		}
	}
	for _, p := range [...]string{"+86", "0086"} {
		if hasPrefix(b, p) {
			b = b[len(p):]
			if len(b) > 0 && b[0] != '0' && !(b[0] == '1' && len(b) > 1 && b[1] != '0') {
				// +86 571 8765 4321: area code without its 0
				return len(b) >= 9
			}
			if len(b) > 1 && b[0] == '1' && b[1] == '0' {
				return len(b) >= 10 // +86 10 6552 9988
			}
			break
		}
	}
	switch {
	case len(b) == 11 && b[0] == '1':
		return true
	case len(b) == 12 && b[0] == '0' && b[1] == '1' && b[2] != '0':
		return true // 013800138000
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
