package order

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/shopspring/decimal"
)

// fieldError carries the JSON path of a decoding error up to the record decoder.
type fieldError struct {
	field string
	err   error
}

func (e *fieldError) Error() string { return e.field + ": " + e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

// in prefixes err's field path with name.
func in(name string, err error) error {
	if err == nil {
		return nil
	}
	var fe *fieldError
	if errors.As(err, &fe) {
		sep := "."
		if len(fe.field) > 0 && fe.field[0] == '[' {
			sep = ""
		}
		return &fieldError{field: name + sep + fe.field, err: fe.err}
	}
	return &fieldError{field: name, err: err}
}

// Unmarshal decodes one order from its JSON object. Errors name the field
// (errors.As a [*DecodeError]); unknown members are kept in Extra.
func Unmarshal(data []byte, o *Order) error {
	l := lexer{data: data}
	err := l.order(o)
	if err == nil && l.more() {
		err = l.syntax("data after the order object")
	}
	if err != nil {
		return recordError(err, 0, o.ID, data)
	}
	return nil
}

// UnmarshalWaybill decodes a waybill from the JSON [AppendWaybillJSON] writes
// (an order's "waybill" member): nil for null. Errors are typed as Unmarshal's.
func UnmarshalWaybill(data []byte) (*Waybill, error) {
	l := lexer{data: data}
	var w *Waybill
	var err error
	switch {
	case l.null():
	case l.peek() != '{':
		err = l.wrongType("object")
	default:
		w = &Waybill{}
		err = in("waybill", l.waybill(w))
	}
	if err == nil && l.more() {
		err = l.syntax("data after the waybill")
	}
	if err != nil {
		return nil, recordError(err, 0, "", data)
	}
	return w, nil
}

func (l *lexer) order(o *Order) error {
	*o = Order{}
	if l.peek() != '{' {
		return l.wrongType("object")
	}
	return l.object(func(key []byte) error {
		var err error
		switch string(key) {
		case "id":
			o.ID, err = l.str()
		case "platform":
			var s string
			s, err = l.str()
			o.Platform = Platform(s)
		case "shop":
			o.Shop, err = l.str()
		case "created_at":
			o.CreatedAt, err = l.time()
		case "paid_at":
			o.PaidAt, err = l.time()
		case "buyer":
			err = l.object(func(k []byte) error {
				var err error
				switch string(k) {
				case "nick":
					o.Buyer.Nick, err = l.str()
				default:
					err = l.extra(&o.Buyer.Extra, k)
				}
				return in(string(k), err)
			})
		case "recipient":
			err = l.party(&o.Recipient)
		case "sender":
			err = l.party(&o.Sender)
		case "items":
			o.Items = o.Items[:0]
			err = l.array(func(i int) error {
				o.Items = append(o.Items, Item{})
				return in("["+strconv.Itoa(i)+"]", l.item(&o.Items[len(o.Items)-1]))
			})
			if o.Items == nil {
				o.Items = []Item{}
			}
		case "shipping_fee":
			o.ShippingFee, err = l.money()
		case "discount":
			o.Discount, err = l.money()
		case "total":
			o.Total, err = l.money()
		case "carrier":
			o.Carrier, err = l.str()
		case "remark":
			err = l.object(func(k []byte) error {
				var err error
				switch string(k) {
				case "buyer":
					o.Remark.Buyer, err = l.str()
				case "seller":
					o.Remark.Seller, err = l.str()
				default:
					err = l.extra(&o.Remark.Extra, k)
				}
				return in(string(k), err)
			})
		case "flags":
			o.Flags = []string{}
			err = l.array(func(i int) error {
				s, err := l.str()
				o.Flags = append(o.Flags, s)
				return in("["+strconv.Itoa(i)+"]", err)
			})
		case "waybill":
			if l.null() {
				break
			}
			o.Waybill = &Waybill{}
			err = l.waybill(o.Waybill)
		case "status":
			var s string
			s, err = l.str()
			o.Status = Status(s)
			if err == nil && s != "" && !o.Status.Valid() {
				err = errors.New("unknown status " + strconv.Quote(s))
			}
		case "revision":
			o.Revision, err = l.integer()
			if err == nil && o.Revision < 0 {
				err = errors.New("negative revision")
			}
		case "erased_at":
			o.ErasedAt, err = l.time()
		default:
			err = l.extra(&o.Extra, key)
		}
		return in(string(key), err)
	})
}

func (l *lexer) party(p *Party) error {
	return l.object(func(k []byte) error {
		var err error
		switch string(k) {
		case "name":
			p.Name, err = l.str()
		case "phone":
			p.Phone, err = l.str()
		case "province":
			p.Province, err = l.str()
		case "city":
			p.City, err = l.str()
		case "district":
			p.District, err = l.str()
		case "street":
			p.Street, err = l.str()
		case "address":
			p.Address, err = l.str()
		case "postcode":
			p.Postcode, err = l.str()
		case "protected":
			if l.null() {
				p.Protected = nil
				break
			}
			p.Protected = new(Protected)
			err = l.protected(p.Protected)
		default:
			err = l.extra(&p.Extra, k)
		}
		return in(string(k), err)
	})
}

func (l *lexer) protected(p *Protected) error {
	return l.object(func(k []byte) error {
		var err error
		switch string(k) {
		case "ref":
			p.Ref, err = l.str()
		case "name":
			p.Name, err = l.str()
		case "phone":
			p.Phone, err = l.str()
		case "address":
			p.Address, err = l.str()
		default:
			err = l.extra(&p.Extra, k)
		}
		return in(string(k), err)
	})
}

func (l *lexer) item(it *Item) error {
	if l.peek() != '{' {
		return l.wrongType("object")
	}
	return l.object(func(k []byte) error {
		var err error
		switch string(k) {
		case "sku":
			it.SKU, err = l.str()
		case "barcode":
			it.Barcode, err = l.str()
		case "name":
			it.Name, err = l.str()
		case "spec":
			it.Spec, err = l.str()
		case "qty":
			it.Qty, err = l.integer()
		case "unit_price":
			it.UnitPrice, err = l.money()
		case "location":
			it.Location, err = l.str()
		default:
			err = l.extra(&it.Extra, k)
		}
		return in(string(k), err)
	})
}

func (l *lexer) waybill(w *Waybill) error {
	return l.object(func(k []byte) error {
		var err error
		switch string(k) {
		case "tracking_no", "waybill_code":
			w.TrackingNo, err = l.str()
		case "parent_no":
			w.ParentNo, err = l.str()
		case "piece":
			w.Piece, err = l.integer()
		case "pieces":
			w.Pieces, err = l.integer()
		case "sort_code", "short_address":
			w.SortCode, err = l.str()
		case "mark":
			w.Mark, err = l.str()
		case "bag_addr":
			w.BagAddr, err = l.str()
		case "service":
			w.Service, err = l.str()
		case "payment":
			w.Payment, err = l.str()
		case "insured_value":
			w.InsuredValue, err = l.money()
		default:
			err = l.extra(&w.Extra, k)
		}
		return in(string(k), err)
	})
}

func (l *lexer) extra(e *Extra, key []byte) error {
	k := string(key) // copy before skip reuses scratch
	raw, err := l.skip()
	if err != nil {
		return err
	}
	*e = append(*e, RawField{Key: k, Value: compact(raw)})
	return nil
}

// compact copies a raw JSON value without the white space outside strings, so a
// member from pretty-printed input still encodes on one line.
func compact(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	inStr, esc := false, false
	for _, c := range raw {
		switch {
		case esc:
			esc = false
		case inStr && c == '\\':
			esc = true
		case c == '"':
			inStr = !inStr
		case !inStr && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			continue
		}
		out = append(out, c)
	}
	return out
}

// money reads a decimal from a JSON string (the format's form) or a number.
func (l *lexer) money() (decimal.Decimal, error) {
	if l.null() {
		return decimal.Zero, nil
	}
	var b []byte
	var err error
	if l.peek() == '"' {
		b, err = l.rawString()
	} else {
		b, err = l.number()
		if errors.Is(err, ErrType) {
			return decimal.Zero, l.wrongType("decimal string")
		}
	}
	if err != nil {
		return decimal.Zero, err
	}
	if d, ok := l.decs[string(b)]; ok {
		return d, nil
	}
	if !isDecimal(b) {
		return decimal.Zero, fmt.Errorf("%w: %q", ErrMoney, b)
	}
	d, err := decimal.NewFromString(string(b))
	if err != nil {
		return decimal.Zero, fmt.Errorf("%w: %v", ErrMoney, err)
	}
	if l.decs != nil && len(l.decs) < maxIntern {
		l.decs[string(b)] = d
	}
	return d, nil
}

// isDecimal accepts an optional minus sign, digits and an optional fraction: the
// plain form money takes. Exponents, signs like "+", spaces and "NaN" are refused.
func isDecimal(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		digits++
	}
	if i < len(b) && b[i] == '.' {
		i++
		frac := 0
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			frac++
		}
		if frac == 0 {
			return false
		}
	}
	return digits > 0 && i == len(b) && digits <= 30
}

func (l *lexer) time() (time.Time, error) {
	if l.null() {
		return time.Time{}, nil
	}
	b, err := l.rawString()
	if err != nil || len(b) == 0 {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q", ErrTime, b)
	}
	return t, nil
}
