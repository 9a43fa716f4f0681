package label

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/shopspring/decimal"
)

// A template text binds data with placeholders, "{field|filter|filter:arg}"; "{{" and
// "}}" are literal braces. Texts are parsed once per template (see prepared) into a
// binding, which layout expands against the data.

// filterKind is a binding filter.
type filterKind uint8

const (
	filterMaskName filterKind = iota + 1
	filterMaskPhone
	filterPrivateName
	filterPrivatePhone
	filterMoney
	filterDate
	filterDatetime
	filterUpper
	filterLower
	filterTrim
	filterDefault
	filterPrefix
	filterSuffix
)

// filterByName maps filter names to kinds; takesArg tells which take an argument.
func filterByName(name string) (k filterKind, takesArg bool) {
	switch name {
	case "mask_name":
		return filterMaskName, false
	case "mask_phone":
		return filterMaskPhone, false
	case "private_name":
		return filterPrivateName, false
	case "private_phone":
		return filterPrivatePhone, false
	case "money":
		return filterMoney, false
	case "date":
		return filterDate, false
	case "datetime":
		return filterDatetime, false
	case "upper":
		return filterUpper, false
	case "lower":
		return filterLower, false
	case "trim":
		return filterTrim, false
	case "default":
		return filterDefault, true
	case "prefix":
		return filterPrefix, true
	case "suffix":
		return filterSuffix, true
	}
	return 0, false
}

type filter struct {
	kind filterKind
	arg  string
}

// segment is a literal run of text (field == "") or one placeholder.
type segment struct {
	lit        string
	field      string
	id         FieldID // field's number in the standard set, 0 for another name
	filters    []filter
	hasDefault bool // a default filter makes an absent field empty, not an error
}

// binding is a parsed placeholder text.
type binding struct {
	static bool   // no placeholders: the text is lit
	lit    string // the text of a static binding, "{{" and "}}" unescaped
	single bool   // exactly one placeholder without filters and nothing else
	segs   []segment
	name   string // see field
}

// field returns the first field b binds, or "" for a static text: the name errors
// and warnings give (a table column's is prefixed with the table, "items.name").
func (b *binding) field() string { return b.name }

// firstField returns the first field of segs, or "".
func firstField(segs []segment) string {
	for _, seg := range segs {
		if seg.field != "" {
			return seg.field
		}
	}
	return ""
}

// parseBinding parses a placeholder text; errors wrap ErrTemplate.
func parseBinding(s string) (binding, error) {
	var b binding
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			b.segs = append(b.segs, segment{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			if i+1 < len(s) && s[i+1] == '{' {
				lit.WriteByte('{')
				i++
				continue
			}
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return binding{}, fmt.Errorf("%w: unclosed { in %q", ErrTemplate, s)
			}
			seg, err := parsePlaceholder(s[i+1 : i+j])
			if err != nil {
				return binding{}, err
			}
			flush()
			b.segs = append(b.segs, seg)
			i += j
		case '}':
			if i+1 < len(s) && s[i+1] == '}' {
				lit.WriteByte('}')
				i++
				continue
			}
			return binding{}, fmt.Errorf("%w: unmatched } in %q", ErrTemplate, s)
		default:
			lit.WriteByte(s[i])
		}
	}
	flush()
	b.name = firstField(b.segs)
	switch {
	case len(b.segs) == 0:
		b.static = true
	case len(b.segs) == 1 && b.segs[0].field == "":
		b.static, b.lit = true, b.segs[0].lit
	case len(b.segs) == 1 && len(b.segs[0].filters) == 0:
		b.single = true
	}
	return b, nil
}

func parsePlaceholder(p string) (segment, error) {
	field, rest, _ := strings.Cut(p, "|")
	if field == "" || strings.ContainsAny(field, " {") {
		return segment{}, fmt.Errorf("%w: bad field name %q", ErrTemplate, field)
	}
	seg := segment{field: field}
	seg.id, _ = FieldByName(field)
	for rest != "" {
		var f string
		f, rest, _ = strings.Cut(rest, "|")
		name, arg, hasArg := strings.Cut(f, ":")
		kind, takes := filterByName(name)
		if kind == 0 {
			return segment{}, fmt.Errorf("%w: unknown filter %q", ErrTemplate, name)
		}
		if takes != hasArg {
			return segment{}, fmt.Errorf("%w: filter %q argument", ErrTemplate, name)
		}
		seg.filters = append(seg.filters, filter{kind, arg})
		seg.hasDefault = seg.hasDefault || kind == filterDefault
	}
	return seg, nil
}

// checkBinding validates the placeholders of a text.
func checkBinding(s string) error {
	_, err := parseBinding(s)
	return err
}

// binder resolves fields for one layout. Expanded texts are built in buf, an
// append-only arena: a finished string aliases bytes of buf that are never written
// again (a full buffer is replaced, not reused), so one allocation serves many texts.
type binder struct {
	d        *Data
	mask     bool
	now      string
	pageNo   string
	pageCnt  string
	row      Row
	items    []Row
	hasItems bool
	summary  string // items.summary, computed on first use in sum
	summed   bool
	sum      []byte
	buf      []byte
	tmp      [2][]byte // scratch for filter chains
}

// lookup returns the field name, whose number in the standard set is id (0 for
// another name).
func (b *binder) lookup(name string, id FieldID) (string, bool) {
	if id != 0 && b.row == nil && b.d != nil && len(b.d.Fields) == 0 {
		// The common case: the data holds its fields by number.
		if v, ok := b.d.Std.Get(id); ok {
			return v, true
		}
		if id == FieldPrintTime && b.now != "" {
			return b.now, true
		}
		return "", false
	}
	switch name {
	case "page.no":
		return b.pageNo, true
	case "page.count":
		return b.pageCnt, true
	case "items.summary":
		if !b.hasItems {
			return "", false
		}
		if !b.summed {
			// The summary's own buffer: lookup never writes to buf, where bind
			// may be building a text.
			b.sum = appendItemsSummary(b.sum[:0], b.items)
			b.summary, b.summed = "", true
			if len(b.sum) > 0 {
				b.summary = unsafe.String(&b.sum[0], len(b.sum))
			}
		}
		return b.summary, true
	case "items.qty", "items.count":
		if !b.hasItems {
			return "", false
		}
		n := len(b.items)
		if name == "items.qty" {
			n = itemsQty(b.items)
		}
		return strconv.Itoa(n), true
	}
	if b.row != nil {
		if v, ok := b.row[name]; ok {
			return v, true
		}
	}
	if b.d != nil {
		if v, ok := b.d.Fields[name]; ok {
			return v, true
		}
		if v, ok := b.d.Std.Get(id); ok {
			return v, true
		}
	}
	if name == "print.time" && b.now != "" {
		return b.now, true
	}
	return "", false
}

// finish returns buf[start:] as a string that aliases the arena.
func (b *binder) finish(start int) string {
	n := len(b.buf) - start
	if n == 0 {
		return ""
	}
	// Bytes before len(buf) are never written again: bind truncates the arena only
	// back to the start of the text it is building, and a full arena is replaced by
	// append, the old array staying with the strings that alias it.
	return unsafe.String(&b.buf[start], n)
}

// bind expands a binding. optional makes absent fields empty; oneLine turns line
// breaks in field values into spaces (see cleanField).
func (b *binder) bind(bnd *binding, optional, oneLine bool) (string, error) {
	if bnd.static {
		return bnd.lit, nil
	}
	if bnd.single {
		f := bnd.segs[0].field
		v, ok := b.lookup(f, bnd.segs[0].id)
		if !ok && !optional {
			return "", fmt.Errorf("%w: %s", ErrMissingField, f)
		}
		return cleanField(v, oneLine), nil
	}
	start := len(b.buf)
	for i := range bnd.segs {
		seg := &bnd.segs[i]
		if seg.field == "" {
			b.buf = append(b.buf, seg.lit...)
			continue
		}
		v, ok := b.lookup(seg.field, seg.id) // never writes to the arena
		if !ok && !optional && !seg.hasDefault {
			b.buf = b.buf[:start]
			return "", fmt.Errorf("%w: %s", ErrMissingField, seg.field)
		}
		var err error
		b.buf, err = b.appendFiltered(b.buf, cleanField(v, oneLine), seg.filters)
		if err != nil {
			b.buf = b.buf[:start]
			return "", fmt.Errorf("field %s: %w", seg.field, err)
		}
	}
	return b.finish(start), nil
}

// appendFiltered appends v after the filters fs to dst.
func (b *binder) appendFiltered(dst []byte, v string, fs []filter) ([]byte, error) {
	var err error
	for i, f := range fs {
		if i == len(fs)-1 {
			return b.appendFilter(dst, f, v)
		}
		t := &b.tmp[i%2]
		if *t, err = b.appendFilter((*t)[:0], f, v); err != nil {
			return dst, err
		}
		v = string(*t) // intermediate results are short; a copy keeps the buffers simple
	}
	return append(dst, v...), nil
}

// cleanField is the one place where field values from data are made printable:
// invalid UTF-8 becomes U+FFFD; C0 controls, DEL, C1 controls and Unicode format
// characters (bidi marks, embeddings and isolates, zero-width spaces, the byte order
// mark, soft hyphens; not the joiners U+200C and U+200D, which hold emoji
// together) are removed; a tab is a space. A line break (CR, LF, CRLF, U+2028,
// U+2029) is a space in a one-line field, so the text after it is not lost, and a
// newline in a field that wraps. A clean value is returned as it is.
func cleanField(s string, oneLine bool) string {
	if isCleanField(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	nl := "\n"
	if oneLine {
		nl = " "
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		switch {
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			b.WriteString(nl)
		case r == '\n' || r == 0x2028 || r == 0x2029:
			b.WriteString(nl)
		case r == '\t':
			b.WriteByte(' ')
		case isFieldControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isCleanField reports whether s is valid UTF-8 without anything cleanField
// changes. Printable ASCII and three-byte sequences led by E3-EC (CJK, kana,
// Hangul) need no closer look.
func isCleanField(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return false
			}
			i++
			continue
		}
		if c >= 0xe3 && c <= 0xec && i+2 < len(s) && s[i+1]&0xc0 == 0x80 && s[i+2]&0xc0 == 0x80 {
			i += 3
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 || r == 0x2028 || r == 0x2029 || isFieldControl(r) {
			return false
		}
		i += n
	}
	return true
}

// isFieldControl reports the characters cleanField removes.
func isFieldControl(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r < 0xa0:
		return true
	case r == 0x200c || r == 0x200d:
		return false
	}
	return r >= 0xad && unicode.Is(unicode.Cf, r)
}

// Filter applies one binding filter by name ("money", "mask_phone", "prefix:¥" ...) to
// v, the way a template placeholder does. private_name and private_phone mask only
// when mask is true.
func Filter(name, v string, mask bool) (string, error) {
	n, arg, _ := strings.Cut(name, ":")
	kind, _ := filterByName(n)
	if kind == 0 {
		return "", fmt.Errorf("%w: unknown filter %q", ErrTemplate, n)
	}
	b := binder{mask: mask}
	out, err := b.appendFilter(nil, filter{kind, arg}, v)
	return string(out), err
}

func (b *binder) appendFilter(dst []byte, f filter, v string) ([]byte, error) {
	switch f.kind {
	case filterMaskName:
		return appendMaskName(dst, v), nil
	case filterMaskPhone:
		return appendMaskPhone(dst, v), nil
	case filterPrivateName:
		if b.mask {
			return appendMaskName(dst, v), nil
		}
	case filterPrivatePhone:
		if b.mask {
			return appendMaskPhone(dst, v), nil
		}
	case filterMoney:
		return appendMoney(dst, v)
	case filterDate, filterDatetime:
		s := strings.TrimSpace(v)
		if s == "" {
			return dst, nil
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return dst, fmt.Errorf("%w: date %q", ErrEncode, v)
		}
		if f.kind == filterDate {
			return t.AppendFormat(dst, "2006-01-02 15:04"), nil
		}
		return t.AppendFormat(dst, "2006-01-02 15:04:05"), nil
	case filterUpper:
		v = strings.ToUpper(v)
	case filterLower:
		v = strings.ToLower(v)
	case filterTrim:
		v = strings.TrimSpace(v)
	case filterDefault:
		if v == "" {
			v = f.arg
		}
	case filterPrefix:
		if v != "" {
			dst = append(dst, f.arg...)
		}
	case filterSuffix:
		if v != "" {
			return append(append(dst, v...), f.arg...), nil
		}
	}
	return append(dst, v...), nil
}

// appendMoney formats a decimal string as "¥12.30" (two places, "-¥" when negative).
func appendMoney(dst []byte, v string) ([]byte, error) {
	s := strings.TrimSpace(v)
	if s == "" {
		return dst, nil
	}
	// Fast path: plain digits with at most two places and no superfluous zeros.
	intPart, frac, hasDot := strings.Cut(s, ".")
	if allDigits(intPart) && (intPart == "0" || intPart[0] != '0') && len(frac) <= 2 &&
		(frac == "" || allDigits(frac)) && (!hasDot || frac != "") {
		dst = append(dst, "¥"...)
		dst = append(dst, intPart...)
		dst = append(dst, '.')
		dst = append(dst, frac...)
		for i := len(frac); i < 2; i++ {
			dst = append(dst, '0')
		}
		return dst, nil
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return dst, fmt.Errorf("%w: money %q", ErrEncode, v)
	}
	if d.IsNegative() {
		return append(append(dst, "-¥"...), d.Neg().StringFixed(2)...), nil
	}
	return append(append(dst, "¥"...), d.StringFixed(2)...), nil
}

// appendItemsSummary appends items.summary to dst: "name spec ×qty" of every
// row, joined by "；". When dst must grow, it grows once.
func appendItemsSummary(dst []byte, items []Row) []byte {
	n := 0
	for _, r := range items {
		n += len(r["name"]) + len(r["spec"]) + len(r["qty"]) + 8
	}
	if cap(dst)-len(dst) < n {
		dst = append(make([]byte, 0, len(dst)+n), dst...)
	}
	for i, r := range items {
		if i > 0 {
			dst = append(dst, "；"...)
		}
		dst = append(dst, r["name"]...)
		if sp := r["spec"]; sp != "" {
			dst = append(append(dst, ' '), sp...)
		}
		if q := r["qty"]; q != "" {
			dst = append(append(dst, " ×"...), q...)
		}
	}
	return dst
}

// itemsQty is the total quantity of the rows; unparsable quantities count 0.
func itemsQty(items []Row) int {
	total := 0
	for _, r := range items {
		n, err := strconv.Atoi(strings.TrimSpace(r["qty"]))
		if err == nil {
			total += n
		}
	}
	return total
}
