// Package platform reads the order exports and API responses of the e-commerce
// platforms into dadan orders: Taobao/Tmall 订单报表 with 宝贝报表 (CSV, GBK or
// UTF-8), the TOP trade JSON (taobao.trades.sold.get), Pinduoduo's order list
// JSON (pdd.order.list.get), Douyin's order JSON, and any CSV with a column
// mapping.
//
// Money is read exactly (decimal strings, Douyin's fen as integers); times
// without a zone are in Asia/Shanghai. A row or record that cannot be mapped is
// refused with its line (or record number) and the reason, the others are read.
// Masked and encrypted recipients are kept: masked display values in the
// recipient fields, ciphertexts and references in [order.Protected].
package platform

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dadanhq/dadan/address"
	"github.com/dadanhq/dadan/order"
	"github.com/shopspring/decimal"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Format names an export format.
type Format string

// Formats.
const (
	Taobao Format = "taobao" // 订单报表 CSV (+ 宝贝报表 for items)
	TOP    Format = "top"    // taobao.trades.sold.get JSON
	PDD    Format = "pdd"    // pdd.order.list.get JSON
	Douyin Format = "douyin" // Douyin order JSON (order.searchList / orderDetail)
	CSV    Format = "csv"    // any CSV with a Mapping
)

// Formats lists the formats Import reads.
func Formats() []Format { return []Format{Taobao, TOP, PDD, Douyin, CSV} }

// Source is what Import reads.
type Source struct {
	Orders     []byte   // the order file
	OrdersName string   // its name, for errors
	Items      []byte   // the item file (Taobao 宝贝报表), nil if none
	ItemsName  string   // its name
	Mapping    *Mapping // the column mapping of a CSV import
}

// ErrFormat is wrapped by the errors of Import about a whole file.
var ErrFormat = errors.New("platform: bad input")

// RowError refuses one row or record: the file, its line (1-based; for JSON the
// record's number in the list), the order id when known, and why.
type RowError struct {
	File   string
	Line   int
	ID     string
	Reason string
}

// Error returns "file:line: id: reason".
func (e *RowError) Error() string {
	s := fmt.Sprintf("%s:%d: ", e.File, e.Line)
	if e.ID != "" {
		s += e.ID + ": "
	}
	return s + e.Reason
}

// Import reads src in format f. It returns the orders it could map, in input
// order, and a [*RowError] for each row it refused; err is for a file it cannot
// read at all.
func Import(f Format, src Source) (orders []*order.Order, refused []error, err error) {
	if src.OrdersName == "" {
		src.OrdersName = "orders"
	}
	if src.ItemsName == "" {
		src.ItemsName = "items"
	}
	switch f {
	case Taobao:
		return importTaobao(src)
	case TOP:
		return importTOP(src)
	case PDD:
		return importPDD(src)
	case Douyin:
		return importDouyin(src)
	case CSV:
		if src.Mapping == nil {
			return nil, nil, fmt.Errorf("%w: a CSV import needs a mapping", ErrFormat)
		}
		return importMapped(src)
	}
	return nil, nil, fmt.Errorf("%w: unknown format %q", ErrFormat, f)
}

// shanghai is China Standard Time; China has no daylight saving time.
var shanghai = time.FixedZone("CST", 8*3600)

// timeLayouts are the zoneless layouts platforms export.
var timeLayouts = [...]string{
	"2006-01-02 15:04:05", "2006/01/02 15:04:05", "2006-01-02 15:04", "2006/01/02 15:04",
	"2006/1/2 15:04:05", "2006/1/2 15:04", "2006-1-2 15:04:05", "2006-01-02T15:04:05", "2006-01-02",
}

// parseTime reads a time; without a zone it is in Asia/Shanghai. Empty is zero.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, shanghai); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q is not in a known layout", s)
}

// unixTime reads Unix seconds (Douyin, PDD timestamps); 0 is zero.
func unixTime(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).In(shanghai)
}

// parseMoney reads a decimal amount as exports write it: 59.90, ¥59.90,
// 1,059.90, 59.90元. Empty is zero.
func parseMoney(s string) (decimal.Decimal, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "¥￥")
	s = strings.TrimSuffix(s, "元")
	s = strings.ReplaceAll(s, ",", "")
	if s == "" {
		return decimal.Zero, nil
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && c != '.' && !(i == 0 && c == '-') {
			return decimal.Decimal{}, fmt.Errorf("amount %q is not a decimal", s)
		}
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, fmt.Errorf("amount %q is not a decimal", s)
	}
	return d, nil
}

// fen converts an amount in fen (分, Douyin) to yuan, exactly.
func fen(n int64) decimal.Decimal { return decimal.New(n, -2) }

// decodeText returns b as UTF-8: a UTF-8 BOM is dropped, valid UTF-8 is kept,
// anything else is read as GBK (GB18030, which 千牛 and Excel write).
func decodeText(b []byte) ([]byte, error) {
	if rest, ok := bytes.CutPrefix(b, []byte("\xef\xbb\xbf")); ok {
		return rest, nil
	}
	if utf8.Valid(b) {
		return b, nil
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		return nil, fmt.Errorf("%w: neither UTF-8 nor GBK: %v", ErrFormat, err)
	}
	return out, nil
}

// cell cleans an exported cell: Excel guards (="123", a leading ' or tab),
// white space.
func cell(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) && len(s) >= 3 {
		s = s[2 : len(s)-1]
	}
	s = strings.TrimPrefix(s, "'")
	return strings.TrimSpace(s)
}

// fillAddress fills p's divisions from a one-line address when they are empty,
// and keeps the rest of the line as the detail address.
func fillAddress(p *order.Party, line string) {
	line = strings.TrimSpace(line)
	if line == "" {
		return
	}
	// 淘宝: "浙江省 杭州市 余杭区 五常街道 文一西路969号(311121)"
	if i := strings.LastIndexAny(line, "(（"); i > 0 {
		zip := strings.TrimRight(line[i:], ")）")
		zip = strings.TrimLeft(zip, "(（")
		if len(zip) == 6 && isDigits(zip) {
			if p.Postcode == "" {
				p.Postcode = zip
			}
			line = strings.TrimSpace(line[:i])
		}
	}
	if p.Province != "" || p.City != "" || p.District != "" {
		if p.Address == "" {
			p.Address = line
		}
		return
	}
	a := address.Split(line)
	if a.Province == "" {
		p.Address = line
		return
	}
	p.Province, p.City, p.District = a.Province, a.City, a.District
	if p.Street == "" {
		p.Street = a.Street
	}
	p.Address = a.Detail
	if p.Address == "" {
		p.Address = line
	}
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// sellerFlags maps Taobao's seller_flag (旗帜) to the order flags.
var sellerFlags = map[int]string{1: "red", 2: "yellow", 3: "green", 4: "blue", 5: "purple"}

// encrypted reports whether a platform value is a ciphertext rather than a
// plain or masked value: PDD and Douyin wrap theirs in ~ (~AgAAAA…~) or #.
func encrypted(s string) bool {
	return len(s) > 8 && (s[0] == '~' || s[0] == '#') && (s[len(s)-1] == '~' || s[len(s)-1] == '#')
}

// finish checks what every importer needs of an order.
func finish(o *order.Order) error {
	if o.ID == "" {
		return errors.New("no order id")
	}
	if len(o.Items) == 0 {
		return errors.New("no items")
	}
	for i := range o.Items {
		if o.Items[i].Qty <= 0 {
			return fmt.Errorf("item %d: quantity %d", i+1, o.Items[i].Qty)
		}
	}
	if o.Flags == nil {
		o.Flags = []string{}
	}
	return nil
}

func atoi(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	return n, nil
}

// discountFrom sets o.Discount to items + shipping − total when the export
// gives no discount, so that the total adds up as the platform computed it.
func discountFrom(o *order.Order) {
	d := o.ItemsTotal().Add(o.ShippingFee).Sub(o.Total)
	if d.Sign() > 0 {
		o.Discount = d
	} else {
		o.Discount = decimal.Zero
	}
}
