package order

import (
	"bufio"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// MarshalJSON encodes o in the order JSON format, unknown members included.
func (o *Order) MarshalJSON() ([]byte, error) { return AppendJSON(nil, o), nil }

// UnmarshalJSON decodes o from the order JSON format; see [Unmarshal].
func (o *Order) UnmarshalJSON(data []byte) error { return Unmarshal(data, o) }

// AppendJSON appends o's JSON encoding (one line, no newline) to dst.
func AppendJSON(dst []byte, o *Order) []byte {
	w := jw{b: dst}
	w.open()
	w.str("id", o.ID)
	w.str("platform", string(o.Platform))
	w.str("shop", o.Shop)
	w.time("created_at", o.CreatedAt)
	w.time("paid_at", o.PaidAt)
	w.key("buyer")
	w.open()
	w.str("nick", o.Buyer.Nick)
	w.extra(o.Buyer.Extra)
	w.close()
	w.key("recipient")
	w.party(&o.Recipient)
	w.key("sender")
	w.party(&o.Sender)
	w.key("items")
	w.b = append(w.b, '[')
	for i := range o.Items {
		it := &o.Items[i]
		if i > 0 {
			w.b = append(w.b, ',', ' ')
		}
		w.first = true
		w.open()
		w.str("sku", it.SKU)
		w.str("barcode", it.Barcode)
		w.str("name", it.Name)
		w.str("spec", it.Spec)
		w.key("qty")
		w.b = strconv.AppendInt(w.b, int64(it.Qty), 10)
		w.money("unit_price", it.UnitPrice)
		w.optStr("location", it.Location)
		w.extra(it.Extra)
		w.close()
	}
	w.b = append(w.b, ']')
	w.money("shipping_fee", o.ShippingFee)
	w.money("discount", o.Discount)
	w.money("total", o.Total)
	w.str("carrier", o.Carrier)
	w.key("remark")
	w.open()
	w.str("buyer", o.Remark.Buyer)
	w.str("seller", o.Remark.Seller)
	w.extra(o.Remark.Extra)
	w.close()
	w.key("flags")
	w.b = append(w.b, '[')
	for i, f := range o.Flags {
		if i > 0 {
			w.b = append(w.b, ',', ' ')
		}
		w.b = appendString(w.b, f)
	}
	w.b = append(w.b, ']')
	if wb := o.Waybill; wb != nil {
		w.key("waybill")
		w.waybill(wb)
	}
	w.optStr("status", string(o.Status))
	if o.Revision != 0 {
		w.key("revision")
		w.b = strconv.AppendInt(w.b, int64(o.Revision), 10)
	}
	w.time("erased_at", o.ErasedAt)
	w.extra(o.Extra)
	w.close()
	return w.b
}

// AppendWaybillJSON appends w as the JSON object AppendJSON writes for an
// order's waybill, or null for nil; [UnmarshalWaybill] reads it back.
func AppendWaybillJSON(dst []byte, wb *Waybill) []byte {
	if wb == nil {
		return append(dst, "null"...)
	}
	w := jw{b: dst}
	w.waybill(wb)
	return w.b
}

// waybill appends wb as an object.
func (w *jw) waybill(wb *Waybill) {
	w.open()
	w.str("tracking_no", wb.TrackingNo)
	w.optStr("parent_no", wb.ParentNo)
	if wb.Pieces > 0 {
		w.key("piece")
		w.b = strconv.AppendInt(w.b, int64(wb.Piece), 10)
		w.key("pieces")
		w.b = strconv.AppendInt(w.b, int64(wb.Pieces), 10)
	}
	w.optStr("sort_code", wb.SortCode)
	w.optStr("mark", wb.Mark)
	w.optStr("bag_addr", wb.BagAddr)
	w.optStr("service", wb.Service)
	w.optStr("payment", wb.Payment)
	if !wb.InsuredValue.IsZero() {
		w.money("insured_value", wb.InsuredValue)
	}
	w.extra(wb.Extra)
	w.close()
}

// jw appends JSON members; first tracks whether a comma is due.
type jw struct {
	b     []byte
	first bool
}

func (w *jw) open()  { w.b = append(w.b, '{'); w.first = true }
func (w *jw) close() { w.b = append(w.b, '}'); w.first = false }

func (w *jw) key(k string) {
	if !w.first {
		w.b = append(w.b, ',', ' ')
	}
	w.first = false
	w.b = appendString(w.b, k)
	w.b = append(w.b, ':', ' ')
}

func (w *jw) str(k, v string) {
	w.key(k)
	w.b = appendString(w.b, v)
}

func (w *jw) optStr(k, v string) {
	if v != "" {
		w.str(k, v)
	}
}

func (w *jw) time(k string, t time.Time) {
	if t.IsZero() {
		return
	}
	w.key(k)
	w.b = append(w.b, '"')
	w.b = t.AppendFormat(w.b, time.RFC3339Nano)
	w.b = append(w.b, '"')
}

func (w *jw) money(k string, d decimal.Decimal) {
	w.key(k)
	w.b = append(w.b, '"')
	w.b = AppendMoney(w.b, d)
	w.b = append(w.b, '"')
}

func (w *jw) party(p *Party) {
	w.open()
	w.str("name", p.Name)
	w.str("phone", p.Phone)
	w.str("province", p.Province)
	w.str("city", p.City)
	w.str("district", p.District)
	w.optStr("street", p.Street)
	w.str("address", p.Address)
	w.optStr("postcode", p.Postcode)
	if p.Protected != nil {
		w.key("protected")
		w.open()
		w.optStr("ref", p.Protected.Ref)
		w.optStr("name", p.Protected.Name)
		w.optStr("phone", p.Protected.Phone)
		w.optStr("address", p.Protected.Address)
		w.extra(p.Protected.Extra)
		w.close()
	}
	w.extra(p.Extra)
	w.close()
}

func (w *jw) extra(e Extra) {
	for _, f := range e {
		w.key(f.Key)
		w.b = append(w.b, f.Value...)
	}
}

// AppendMoney appends d with at least two decimal places and the scale it was
// written with: "59.90", "0.005", "59.900".
func AppendMoney(dst []byte, d decimal.Decimal) []byte {
	exp := d.Exponent()
	if exp > 0 || exp < -18 || d.NumDigits() > 18 {
		return append(dst, d.StringFixed(max(2, -exp))...)
	}
	// The coefficient fits an int64: place the point in its digits.
	c := d.CoefficientInt64()
	if c < 0 {
		dst = append(dst, '-')
		c = -c
	}
	scale := int(-exp)
	var buf [24]byte
	ds := strconv.AppendInt(buf[:0], c, 10)
	if len(ds) > scale {
		dst = append(dst, ds[:len(ds)-scale]...)
		ds = ds[len(ds)-scale:]
	} else {
		dst = append(dst, '0')
	}
	dst = append(dst, '.')
	for i := len(ds); i < scale; i++ {
		dst = append(dst, '0') // 0.05
	}
	dst = append(dst, ds...)
	for i := scale; i < 2; i++ {
		dst = append(dst, '0')
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string. s is valid UTF-8 when it came from the
// decoder; invalid bytes from other sources become U+FFFD.
func appendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += n
			start = i
			continue
		}
		i += n
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// Encoder writes orders as JSON Lines.
type Encoder struct {
	w   *bufio.Writer
	buf []byte
}

// NewEncoder returns an encoder writing to w. Call Flush when done.
func NewEncoder(w io.Writer) *Encoder { return &Encoder{w: bufio.NewWriter(w)} }

// Encode writes o as one line.
func (e *Encoder) Encode(o *Order) error {
	e.buf = AppendJSON(e.buf[:0], o)
	e.buf = append(e.buf, '\n')
	_, err := e.w.Write(e.buf)
	return err
}

// Flush writes buffered data to the underlying writer.
func (e *Encoder) Flush() error { return e.w.Flush() }
