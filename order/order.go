package order

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Platform is the sales channel an order came from.
type Platform string

// Platforms in the order JSON.
const (
	Taobao   Platform = "taobao"
	Tmall    Platform = "tmall"
	JD       Platform = "jd"
	PDD      Platform = "pdd"
	Douyin   Platform = "douyin"
	Kuaishou Platform = "kuaishou"
	Own      Platform = "own"
	Other    Platform = "other"
)

// Valid reports whether p is one of the known platforms.
func (p Platform) Valid() bool {
	switch p {
	case Taobao, Tmall, JD, PDD, Douyin, Kuaishou, Own, Other:
		return true
	}
	return false
}

// Order is one platform order as the warehouse receives it. Its JSON form is the
// interchange format of DESIGN.md; fields dadan does not know are kept in Extra and
// written back unchanged.
type Order struct {
	ID          string
	Platform    Platform
	Shop        string
	CreatedAt   time.Time
	PaidAt      time.Time
	Buyer       Buyer
	Recipient   Party
	Sender      Party
	Items       []Item
	ShippingFee decimal.Decimal
	Discount    decimal.Decimal
	Total       decimal.Decimal
	Carrier     string
	Remark      Remark
	Flags       []string
	Waybill     *Waybill // nil when the carrier allocates the number
	Status      Status   // empty in platform input; set by the station
	// Revision counts changes to what the order's documents show (a resolution,
	// a new recipient) after it was first reviewed; set by the station. A document
	// made from an older revision is out of date.
	Revision int
	// ErasedAt is when the order's personal data was erased (package retention);
	// zero while it is kept. Erased fields hold [ErasedValue].
	ErasedAt time.Time
	Extra    Extra
}

// ErasedValue is what an erased personal field holds: a clear marker, never a
// value that could be mistaken for data.
const ErasedValue = "[erased]"

// Erased reports whether the order's personal data was erased.
func (o *Order) Erased() bool { return !o.ErasedAt.IsZero() }

// Buyer identifies the platform account that placed the order.
type Buyer struct {
	Nick  string
	Extra Extra
}

// Party is a recipient or sender: a person and a postal address.
type Party struct {
	Name     string
	Phone    string
	Province string
	City     string
	District string
	Street   string
	Address  string // the detail line: road, number, building, room
	Postcode string
	// Protected is what the platform gives instead of the readable recipient
	// when it keeps the buyer's data to itself (淘宝 oaid, 拼多多 and 抖音
	// ciphertexts); nil for plain data. Name, Phone and Address then hold the
	// masked display values the platform shows (张*, 138****8000), which is what
	// documents print; the waybill itself is printed through the platform's
	// print component, which decrypts.
	Protected *Protected
	Extra     Extra
}

// Protected holds a platform's encrypted recipient: an opaque reference and
// the ciphertexts of the fields, for the platform's decrypt and print APIs. dadan
// never decrypts them.
type Protected struct {
	Ref     string // "ref": the platform's reference to the recipient: 淘宝/天猫 oaid, 抖音 open_address_id
	Name    string // "name": the recipient's name, encrypted (拼多多 receiver_name, 抖音 encrypt_post_receiver)
	Phone   string // "phone": the phone, encrypted (拼多多 receiver_phone, 抖音 encrypt_post_tel)
	Address string // "address": the detail address, encrypted (拼多多 address, 抖音 encrypt_detail)
	Extra   Extra
}

// Empty reports whether p holds nothing.
func (p *Protected) Empty() bool {
	return p == nil || p.Ref == "" && p.Name == "" && p.Phone == "" && p.Address == "" && len(p.Extra) == 0
}

// FullAddress joins the address parts in Chinese postal order without separators,
// skipping a city equal to its province (北京市北京市 reads 北京市).
func (p *Party) FullAddress() string {
	var b strings.Builder
	b.Grow(p.fullAddressLen())
	b.WriteString(p.Province)
	if p.City != p.Province {
		b.WriteString(p.City)
	}
	b.WriteString(p.District)
	b.WriteString(p.Street)
	b.WriteString(p.Address)
	return b.String()
}

func (p *Party) fullAddressLen() int {
	n := len(p.Province) + len(p.District) + len(p.Street) + len(p.Address)
	if p.City != p.Province {
		n += len(p.City)
	}
	return n
}

// IsFullAddress reports whether s is p.FullAddress(), without building it.
func (p *Party) IsFullAddress(s string) bool {
	if len(s) != p.fullAddressLen() {
		return false
	}
	parts := [5]string{p.Province, p.City, p.District, p.Street, p.Address}
	for i, part := range parts {
		if i == 1 && p.City == p.Province {
			continue
		}
		if !strings.HasPrefix(s, part) {
			return false
		}
		s = s[len(part):]
	}
	return true
}

// Item is one order line.
type Item struct {
	SKU       string
	Barcode   string
	Name      string
	Spec      string
	Qty       int
	UnitPrice decimal.Decimal
	Location  string // warehouse bin, optional; packing lists can sort by it
	Extra     Extra
}

// Amount is Qty x UnitPrice.
func (it *Item) Amount() decimal.Decimal {
	return it.UnitPrice.Mul(decimal.NewFromInt(int64(it.Qty)))
}

// Remark holds the buyer's and the seller's notes.
type Remark struct {
	Buyer  string
	Seller string
	Extra  Extra
}

// Waybill is a tracking number and routing data a carrier issued for the order.
type Waybill struct {
	TrackingNo   string // waybill_code
	ParentNo     string // 子母件: the parent number of a multi-piece parcel
	Piece        int    // piece n of Pieces
	Pieces       int
	SortCode     string // 三段码 / short_address
	Mark         string // 大头笔
	BagAddr      string // 集包地
	Service      string // 标快, 特快
	Payment      string // 寄付, 到付, 月结
	InsuredValue decimal.Decimal
	Extra        Extra
}

// HasFlag reports whether the order carries flag f.
func (o *Order) HasFlag(f string) bool {
	for _, g := range o.Flags {
		if g == f {
			return true
		}
	}
	return false
}

// ItemsTotal is the sum of Qty x UnitPrice over all items.
func (o *Order) ItemsTotal() decimal.Decimal {
	sum := decimal.Zero
	for i := range o.Items {
		sum = sum.Add(o.Items[i].Amount())
	}
	return sum
}

// Units is the total quantity over all items.
func (o *Order) Units() int {
	n := 0
	for i := range o.Items {
		n += o.Items[i].Qty
	}
	return n
}

// Clone returns a deep copy of o, so stores can hand out orders that callers may
// change freely.
func (o *Order) Clone() *Order {
	c := *o
	c.Buyer.Extra = o.Buyer.Extra.clone()
	c.Recipient.Extra = o.Recipient.Extra.clone()
	c.Recipient.Protected = o.Recipient.Protected.clone()
	c.Sender.Extra = o.Sender.Extra.clone()
	c.Sender.Protected = o.Sender.Protected.clone()
	c.Remark.Extra = o.Remark.Extra.clone()
	c.Extra = o.Extra.clone()
	if o.Items != nil {
		c.Items = make([]Item, len(o.Items))
		for i := range o.Items {
			c.Items[i] = o.Items[i]
			c.Items[i].Extra = o.Items[i].Extra.clone()
		}
	}
	if o.Flags != nil {
		c.Flags = append([]string(nil), o.Flags...)
	}
	c.Waybill = o.Waybill.Clone()
	return &c
}

// Clone returns a deep copy of w (nil for nil).
func (w *Waybill) Clone() *Waybill {
	if w == nil {
		return nil
	}
	c := *w
	c.Extra = w.Extra.clone()
	return &c
}

func (p *Protected) clone() *Protected {
	if p == nil {
		return nil
	}
	c := *p
	c.Extra = p.Extra.clone()
	return &c
}

// Extra holds JSON members dadan does not know, in input order, so they survive a
// decode and encode round trip.
type Extra []RawField

// RawField is one unknown JSON member: its key and its raw JSON value.
type RawField struct {
	Key   string
	Value []byte
}

// Get returns the raw JSON value of key and whether it is present.
func (e Extra) Get(key string) ([]byte, bool) {
	for _, f := range e {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

func (e Extra) clone() Extra {
	if e == nil {
		return nil
	}
	c := make(Extra, len(e))
	for i, f := range e {
		c[i] = RawField{Key: f.Key, Value: append([]byte(nil), f.Value...)}
	}
	return c
}
