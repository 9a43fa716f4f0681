package label

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Data is what a template binds: plain fields and tables of rows. The host fills it
// from its order; label knows nothing about orders. Values are printed as given
// (after the filters a template asks for); invalid UTF-8 is replaced by U+FFFD.
//
// Field names used by the standard templates:
//
//	recipient.name, recipient.phone, recipient.address (full address line)
//	sender.name, sender.phone, sender.address
//	waybill.tracking_no  tracking (waybill) number, encoded as Code 128 and QR
//	waybill.sort_code    三段码, e.g. "200-E01-08"
//	waybill.mark         大头笔, e.g. "杭州余杭"
//	waybill.bag_addr     集包地, e.g. "杭州转运中心"
//	waybill.service      e.g. "标快"
//	waybill.payment      e.g. "寄付", "到付", "月结"
//	order.id, order.platform, order.shop
//	order.remark         buyer and seller remarks in one line
//	order.total          decimal string, e.g. "109.80"
//	print.time           RFC 3339; filled from [LayoutOptions.Now] when absent
//	print.mark           empty normally; a reprint mark such as "补打 #2"
//
// Layout provides these itself (data may not override them):
//
//	page.no, page.count  page n of m, from 1
//	items.summary        "name spec ×qty" of every row of table items, joined by "；"
//	items.qty            total quantity of table items
//	items.count          number of rows of table items
//
// Table items has one row per order line with the fields sku, barcode, name, spec, qty,
// location and unit_price (a decimal string).
//
// All fields the standard templates use are optional except waybill.tracking_no on
// waybills, items on packing lists and sku on product labels: an absent optional field
// prints as empty.
type Data struct {
	Fields map[string]string
	Tables map[string][]Row
}

// Row is one row of a data table: field name to value.
type Row map[string]string

// LayoutOptions adjust one layout. The zero value (and nil) means defaults.
type LayoutOptions struct {
	// Mask masks privacy fields (filters private_name and private_phone) even when
	// the template does not ask for it.
	Mask bool
	// SortItems orders table rows by "sku", "location" or "name" (stable); "" keeps
	// the data's order.
	SortItems string
	// Now is the print time used for print.time when the data has none.
	Now time.Time
}

// Validate reports whether the options are usable.
func (o *LayoutOptions) Validate() error {
	if o == nil {
		return nil
	}
	switch o.SortItems {
	case "", "sku", "location", "name":
		return nil
	}
	return fmt.Errorf("%w: unknown SortItems %q", ErrTemplate, o.SortItems)
}

// filters known to bindings; the value tells whether it takes an argument.
var filterNames = map[string]bool{
	"mask_name": false, "mask_phone": false, "private_name": false, "private_phone": false,
	"money": false, "date": false, "datetime": false, "upper": false, "lower": false,
	"trim": false, "default": true, "prefix": true, "suffix": true,
}

// checkBinding validates the placeholders of a text: "{field|filter|filter:arg}";
// "{{" and "}}" are literal braces.
func checkBinding(s string) error {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{':
			if i+1 < len(s) && s[i+1] == '{' {
				i++
				continue
			}
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return fmt.Errorf("%w: unclosed { in %q", ErrTemplate, s)
			}
			if err := checkPlaceholder(s[i+1 : i+j]); err != nil {
				return err
			}
			i += j
		case '}':
			if i+1 < len(s) && s[i+1] == '}' {
				i++
				continue
			}
			return fmt.Errorf("%w: unmatched } in %q", ErrTemplate, s)
		}
	}
	return nil
}

func checkPlaceholder(p string) error {
	field, rest, _ := strings.Cut(p, "|")
	if field == "" || strings.ContainsAny(field, " {") {
		return fmt.Errorf("%w: bad field name %q", ErrTemplate, field)
	}
	for rest != "" {
		var f string
		f, rest, _ = strings.Cut(rest, "|")
		name, _, hasArg := strings.Cut(f, ":")
		takes, ok := filterNames[name]
		if !ok {
			return fmt.Errorf("%w: unknown filter %q", ErrTemplate, name)
		}
		if takes != hasArg {
			return fmt.Errorf("%w: filter %q argument", ErrTemplate, name)
		}
	}
	return nil
}

// binder resolves fields for one page.
type binder struct {
	d        *Data
	mask     bool
	now      string
	derived  map[string]string
	pageNo   string
	pageCnt  string
	row      Row
	items    []Row
	hasItems bool
}

func (b *binder) lookup(name string) (string, bool) {
	switch name {
	case "page.no":
		return b.pageNo, true
	case "page.count":
		return b.pageCnt, true
	case "items.summary", "items.qty", "items.count":
		if !b.hasItems {
			return "", false
		}
		return itemsField(name, b.items), true
	}
	if b.row != nil {
		if v, ok := b.row[name]; ok {
			return v, true
		}
	}
	if v, ok := b.derived[name]; ok {
		return v, true
	}
	if b.d != nil {
		if v, ok := b.d.Fields[name]; ok {
			return v, true
		}
	}
	if name == "print.time" && b.now != "" {
		return b.now, true
	}
	return "", false
}

// bind expands the placeholders of s. optional makes absent fields empty.
func (b *binder) bind(s string, optional bool) (string, error) {
	if strings.IndexByte(s, '{') < 0 && strings.IndexByte(s, '}') < 0 {
		return s, nil
	}
	// A text that is exactly one filterless placeholder needs no copy.
	if len(s) > 2 && s[0] == '{' && s[len(s)-1] == '}' && !strings.ContainsAny(s[1:len(s)-1], "{}|") {
		v, ok := b.lookup(s[1 : len(s)-1])
		if !ok && !optional {
			return "", fmt.Errorf("%w: %s", ErrMissingField, s[1:len(s)-1])
		}
		return sanitize(v), nil
	}
	var out strings.Builder
	out.Grow(len(s) + 32)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '{' && i+1 < len(s) && s[i+1] == '{', c == '}' && i+1 < len(s) && s[i+1] == '}':
			out.WriteByte(c)
			i++
		case c == '{':
			j := strings.IndexByte(s[i:], '}')
			if j < 0 {
				return "", fmt.Errorf("%w: unclosed { in %q", ErrTemplate, s)
			}
			v, err := b.placeholder(s[i+1:i+j], optional)
			if err != nil {
				return "", err
			}
			out.WriteString(v)
			i += j
		default:
			out.WriteByte(c)
		}
	}
	return out.String(), nil
}

func (b *binder) placeholder(p string, optional bool) (string, error) {
	field, rest, _ := strings.Cut(p, "|")
	v, ok := b.lookup(field)
	if !ok {
		if !optional && !strings.Contains(rest, "default:") {
			return "", fmt.Errorf("%w: %s", ErrMissingField, field)
		}
	}
	v = sanitize(v)
	for rest != "" {
		var f string
		f, rest, _ = strings.Cut(rest, "|")
		var err error
		v, err = b.filter(f, v)
		if err != nil {
			return "", fmt.Errorf("field %s: %w", field, err)
		}
	}
	return v, nil
}

func sanitize(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// Filter applies one binding filter by name ("money", "mask_phone", "prefix:¥" ...) to
// v, the way a template placeholder does. private_name and private_phone mask only
// when mask is true.
func Filter(name, v string, mask bool) (string, error) {
	b := binder{mask: mask}
	return b.filter(name, v)
}

func (b *binder) filter(f, v string) (string, error) {
	name, arg, _ := strings.Cut(f, ":")
	switch name {
	case "mask_name":
		return MaskName(v), nil
	case "mask_phone":
		return MaskPhone(v), nil
	case "private_name":
		if b.mask {
			return MaskName(v), nil
		}
		return v, nil
	case "private_phone":
		if b.mask {
			return MaskPhone(v), nil
		}
		return v, nil
	case "money":
		if strings.TrimSpace(v) == "" {
			return "", nil
		}
		d, err := decimal.NewFromString(strings.TrimSpace(v))
		if err != nil {
			return "", fmt.Errorf("%w: money %q", ErrEncode, v)
		}
		if d.IsNegative() {
			return "-¥" + d.Neg().StringFixed(2), nil
		}
		return "¥" + d.StringFixed(2), nil
	case "date", "datetime":
		if strings.TrimSpace(v) == "" {
			return "", nil
		}
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(v))
		if err != nil {
			return "", fmt.Errorf("%w: date %q", ErrEncode, v)
		}
		if name == "date" {
			return t.Format("2006-01-02 15:04"), nil
		}
		return t.Format("2006-01-02 15:04:05"), nil
	case "upper":
		return strings.ToUpper(v), nil
	case "lower":
		return strings.ToLower(v), nil
	case "trim":
		return strings.TrimSpace(v), nil
	case "default":
		if v == "" {
			return arg, nil
		}
		return v, nil
	case "prefix":
		if v == "" {
			return "", nil
		}
		return arg + v, nil
	case "suffix":
		if v == "" {
			return "", nil
		}
		return v + arg, nil
	}
	return "", fmt.Errorf("%w: unknown filter %q", ErrTemplate, name)
}

// itemsField computes the derived fields of table items.
func itemsField(name string, items []Row) string {
	switch name {
	case "items.count":
		return strconv.Itoa(len(items))
	case "items.qty":
		total := 0
		for _, r := range items {
			n, err := strconv.Atoi(strings.TrimSpace(r["qty"]))
			if err == nil {
				total += n
			}
		}
		return strconv.Itoa(total)
	}
	var b strings.Builder
	for i, r := range items {
		if i > 0 {
			b.WriteString("；")
		}
		b.WriteString(r["name"])
		if sp := r["spec"]; sp != "" {
			b.WriteByte(' ')
			b.WriteString(sp)
		}
		if q := r["qty"]; q != "" {
			b.WriteString(" ×")
			b.WriteString(q)
		}
	}
	return b.String()
}
