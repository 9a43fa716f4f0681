package platform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/shopspring/decimal"
)

// text is a JSON value platforms send as a string or a number (ids, amounts,
// counts); it keeps the exact text.
type text string

func (t *text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = text(s)
	case string(b) == "null":
		*t = ""
	case len(b) > 0 && (b[0] == '-' || b[0] >= '0' && b[0] <= '9'):
		*t = text(b)
	case string(b) == "true" || string(b) == "false":
		*t = text(b)
	default:
		return fmt.Errorf("want a string or a number, got %s", b)
	}
	return nil
}

func (t text) String() string { return strings.TrimSpace(string(t)) }

func (t text) money() (decimal.Decimal, error) { return parseMoney(t.String()) }

func (t text) int() (int64, error) {
	s := t.String()
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	return n, nil
}

func (t text) bool() bool { s := t.String(); return s == "true" || s == "1" }

// records finds the list of records in a response: under one of paths (each a
// chain of object keys), or the top-level array itself.
func records(name string, data []byte, paths ...[]string) ([]json.RawMessage, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	text = bytes.TrimSpace(text)
	var list []json.RawMessage
	if len(text) > 0 && text[0] == '[' {
		if err := json.Unmarshal(text, &list); err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrFormat, name, err)
		}
		return list, nil
	}
	for _, path := range paths {
		cur := json.RawMessage(text)
		found := true
		for _, k := range path {
			var obj map[string]json.RawMessage
			if json.Unmarshal(cur, &obj) != nil {
				found = false
				break
			}
			next, ok := obj[k]
			if !ok {
				found = false
				break
			}
			cur = next
		}
		if found && json.Unmarshal(cur, &list) == nil {
			return list, nil
		}
	}
	var probe any
	if err := json.Unmarshal(text, &probe); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrFormat, name, err)
	}
	if m, ok := probe.(map[string]any); ok {
		if e, ok := m["error_response"]; ok {
			return nil, fmt.Errorf("%w: %s: the platform answered with an error: %v", ErrFormat, name, e)
		}
	}
	return nil, fmt.Errorf("%w: %s: no order list found", ErrFormat, name)
}

// TOP: taobao.trades.sold.get.

type topTrade struct {
	Tid              text   `json:"tid"`
	TidStr           text   `json:"tid_str"`
	Status           string `json:"status"`
	SellerNick       string `json:"seller_nick"`
	BuyerNick        string `json:"buyer_nick"`
	Created          string `json:"created"`
	PayTime          string `json:"pay_time"`
	Payment          text   `json:"payment"`
	PostFee          text   `json:"post_fee"`
	TotalFee         text   `json:"total_fee"`
	DiscountFee      text   `json:"discount_fee"`
	ReceiverName     string `json:"receiver_name"`
	ReceiverMobile   string `json:"receiver_mobile"`
	ReceiverPhone    string `json:"receiver_phone"`
	ReceiverState    string `json:"receiver_state"`
	ReceiverCity     string `json:"receiver_city"`
	ReceiverDistrict string `json:"receiver_district"`
	ReceiverTown     string `json:"receiver_town"`
	ReceiverAddress  string `json:"receiver_address"`
	ReceiverZip      string `json:"receiver_zip"`
	BuyerMessage     string `json:"buyer_message"`
	SellerMemo       string `json:"seller_memo"`
	SellerFlag       text   `json:"seller_flag"`
	OAID             string `json:"oaid"`
	AddressChanged   text   `json:"lm"` // "1": the buyer changed the address (收货地址有变更)
	Type             string `json:"type"`
	Orders           struct {
		Order []topOrder `json:"order"`
	} `json:"orders"`
}

type topOrder struct {
	Oid         text   `json:"oid"`
	OuterSkuID  string `json:"outer_sku_id"`
	OuterIid    string `json:"outer_iid"`
	Title       string `json:"title"`
	SkuProps    string `json:"sku_properties_name"`
	Num         text   `json:"num"`
	Price       text   `json:"price"`
	RefundState string `json:"refund_status"`
}

// topShippable are the trade states a shop prints for.
var topShippable = map[string]bool{"WAIT_SELLER_SEND_GOODS": true, "SELLER_CONSIGNED_PART": true}

func importTOP(src Source) ([]*order.Order, []error, error) {
	list, err := records(src.OrdersName, src.Orders, []string{"trades_sold_get_response", "trades", "trade"}, []string{"trades", "trade"}, []string{"trades"})
	if err != nil {
		return nil, nil, err
	}
	var out []*order.Order
	var refused []error
	for i, raw := range list {
		var t topTrade
		id := ""
		fail := func(reason string) {
			refused = append(refused, &RowError{File: src.OrdersName, Line: i + 1, ID: id, Reason: reason})
		}
		if err := json.Unmarshal(raw, &t); err != nil {
			fail("unreadable trade: " + err.Error())
			continue
		}
		id = t.TidStr.String()
		if id == "" {
			id = t.Tid.String()
		}
		if t.Status != "" && !topShippable[t.Status] {
			fail("status " + t.Status + ": not waiting to ship")
			continue
		}
		o, err := t.order(id)
		if err != nil {
			fail(err.Error())
			continue
		}
		out = append(out, o)
	}
	return out, refused, nil
}

func (t *topTrade) order(id string) (*order.Order, error) {
	o := &order.Order{ID: id, Platform: order.Taobao, Shop: t.SellerNick, Buyer: order.Buyer{Nick: t.BuyerNick}}
	if t.Type == "tmall" || strings.Contains(t.Type, "tmall") {
		o.Platform = order.Tmall
	}
	var err error
	if o.CreatedAt, err = parseTime(t.Created); err != nil {
		return nil, fmt.Errorf("created: %v", err)
	}
	if o.PaidAt, err = parseTime(t.PayTime); err != nil {
		return nil, fmt.Errorf("pay_time: %v", err)
	}
	if o.Total, err = t.Payment.money(); err != nil {
		return nil, fmt.Errorf("payment: %v", err)
	}
	if o.ShippingFee, err = t.PostFee.money(); err != nil {
		return nil, fmt.Errorf("post_fee: %v", err)
	}
	o.Remark = order.Remark{Buyer: t.BuyerMessage, Seller: t.SellerMemo}
	if n, err := t.SellerFlag.int(); err == nil && n != 0 {
		if f, ok := sellerFlags[int(n)]; ok {
			o.Flags = append(o.Flags, f)
		}
	}
	if t.AddressChanged.bool() {
		o.Flags = append(o.Flags, "address_changed")
	}
	r := &o.Recipient
	r.Name, r.Phone = t.ReceiverName, t.ReceiverMobile
	if r.Phone == "" {
		r.Phone = t.ReceiverPhone
	}
	r.Province, r.City, r.District, r.Street = t.ReceiverState, t.ReceiverCity, t.ReceiverDistrict, t.ReceiverTown
	if r.City == "" && r.District != "" {
		// TOP puts a county-level unit the province administers directly
		// (河南 济源) in receiver_district and leaves receiver_city empty.
		r.City, r.District = r.District, ""
	}
	r.Address, r.Postcode = t.ReceiverAddress, t.ReceiverZip
	if r.Province == "" {
		fillAddress(r, t.ReceiverAddress)
	}
	if t.OAID != "" {
		r.Protected = &order.Protected{Ref: t.OAID}
	}
	for j, line := range t.Orders.Order {
		if line.RefundState != "" && line.RefundState != "NO_REFUND" {
			return nil, fmt.Errorf("line %d (%s): refund %s", j+1, line.Oid, line.RefundState)
		}
		n, err := line.Num.int()
		if err != nil {
			return nil, fmt.Errorf("line %d: num: %v", j+1, err)
		}
		p, err := line.Price.money()
		if err != nil {
			return nil, fmt.Errorf("line %d: price: %v", j+1, err)
		}
		sku := line.OuterSkuID
		if sku == "" {
			sku = line.OuterIid
		}
		o.Items = append(o.Items, order.Item{SKU: sku, Name: line.Title, Spec: line.SkuProps, Qty: int(n), UnitPrice: p})
	}
	if d, err := t.DiscountFee.money(); err == nil && !t.DiscountFee.isEmpty() {
		o.Discount = d
		if !o.ItemsTotal().Sub(o.Discount).Add(o.ShippingFee).Equal(o.Total) {
			discountFrom(o) // discount_fee leaves out the coupons that payment reflects
		}
	} else {
		discountFrom(o)
	}
	return o, finish(o)
}

func (t text) isEmpty() bool { return t.String() == "" }

// PDD: pdd.order.list.get.

type pddOrder struct {
	OrderSN         string `json:"order_sn"`
	OrderStatus     text   `json:"order_status"`
	RefundStatus    text   `json:"refund_status"`
	PayAmount       text   `json:"pay_amount"`
	GoodsAmount     text   `json:"goods_amount"`
	Postage         text   `json:"postage"`
	DiscountAmount  text   `json:"discount_amount"`
	CreatedTime     string `json:"created_time"`
	PayTime         string `json:"pay_time"`
	ConfirmTime     string `json:"confirm_time"`
	BuyerMemo       string `json:"buyer_memo"`
	Remark          string `json:"remark"`
	ReceiverName    string `json:"receiver_name"`
	ReceiverPhone   string `json:"receiver_phone"`
	ReceiverAddress string `json:"receiver_address"`
	Address         string `json:"address"`
	Province        string `json:"province"`
	City            string `json:"city"`
	Town            string `json:"town"`
	NameMask        string `json:"receiver_name_mask"`
	PhoneMask       string `json:"receiver_phone_mask"`
	AddressMask     string `json:"receiver_address_mask"`
	TrackingNumber  string `json:"tracking_number"`
	ItemList        []struct {
		GoodsName    string `json:"goods_name"`
		GoodsSpec    string `json:"goods_spec"`
		GoodsCount   text   `json:"goods_count"`
		GoodsPrice   text   `json:"goods_price"`
		OuterID      string `json:"outer_id"`
		OuterGoodsID string `json:"outer_goods_id"`
	} `json:"item_list"`
}

func importPDD(src Source) ([]*order.Order, []error, error) {
	list, err := records(src.OrdersName, src.Orders, []string{"order_list_get_response", "order_list"}, []string{"order_list"})
	if err != nil {
		return nil, nil, err
	}
	var out []*order.Order
	var refused []error
	for i, raw := range list {
		var p pddOrder
		fail := func(reason string) {
			refused = append(refused, &RowError{File: src.OrdersName, Line: i + 1, ID: p.OrderSN, Reason: reason})
		}
		if err := json.Unmarshal(raw, &p); err != nil {
			fail("unreadable order: " + err.Error())
			continue
		}
		// order_status 1: 待发货; refund_status 1: no after-sale.
		if st := p.OrderStatus.String(); st != "" && st != "1" {
			fail("order_status " + st + ": not waiting to ship")
			continue
		}
		if rs := p.RefundStatus.String(); rs != "" && rs != "1" {
			fail("refund_status " + rs + ": an after-sale is open")
			continue
		}
		o, err := p.order()
		if err != nil {
			fail(err.Error())
			continue
		}
		out = append(out, o)
	}
	return out, refused, nil
}

func (p *pddOrder) order() (*order.Order, error) {
	o := &order.Order{ID: p.OrderSN, Platform: order.PDD}
	var err error
	if o.CreatedAt, err = parseTime(p.CreatedTime); err != nil {
		return nil, fmt.Errorf("created_time: %v", err)
	}
	paid := p.PayTime
	if paid == "" {
		paid = p.ConfirmTime
	}
	if o.PaidAt, err = parseTime(paid); err != nil {
		return nil, fmt.Errorf("pay_time: %v", err)
	}
	if o.Total, err = p.PayAmount.money(); err != nil {
		return nil, fmt.Errorf("pay_amount: %v", err)
	}
	if o.ShippingFee, err = p.Postage.money(); err != nil {
		return nil, fmt.Errorf("postage: %v", err)
	}
	o.Remark = order.Remark{Buyer: p.BuyerMemo, Seller: p.Remark}
	r := &o.Recipient
	r.Province, r.City, r.District = p.Province, p.City, p.Town
	// Encrypted fields (~…~) go to Protected; the masks are what prints.
	var prot order.Protected
	pick := func(plain, mask string, cipher *string) string {
		if encrypted(plain) {
			*cipher = plain
			return mask
		}
		if plain == "" {
			return mask
		}
		return plain
	}
	r.Name = pick(p.ReceiverName, p.NameMask, &prot.Name)
	r.Phone = pick(p.ReceiverPhone, p.PhoneMask, &prot.Phone)
	// receiver_address is the detail without province, city and district;
	// address may repeat them.
	detail := p.ReceiverAddress
	if detail == "" {
		detail = p.Address
	}
	r.Address = pick(detail, p.AddressMask, &prot.Address)
	if r.Province == "" {
		line := r.Address
		r.Address = ""
		fillAddress(r, line)
	} else {
		r.Address = stripDivisions(r.Address, r.Province, r.City, r.District)
	}
	if !prot.Empty() {
		r.Protected = &prot
	}
	for j, it := range p.ItemList {
		n, err := it.GoodsCount.int()
		if err != nil {
			return nil, fmt.Errorf("item %d: goods_count: %v", j+1, err)
		}
		price, err := it.GoodsPrice.money()
		if err != nil {
			return nil, fmt.Errorf("item %d: goods_price: %v", j+1, err)
		}
		sku := it.OuterID
		if sku == "" {
			sku = it.OuterGoodsID
		}
		o.Items = append(o.Items, order.Item{SKU: sku, Name: it.GoodsName, Spec: it.GoodsSpec, Qty: int(n), UnitPrice: price})
	}
	if p.TrackingNumber != "" {
		o.Waybill = &order.Waybill{TrackingNo: p.TrackingNumber}
	}
	if d, err := p.DiscountAmount.money(); err == nil && !p.DiscountAmount.isEmpty() {
		o.Discount = d
	} else {
		discountFrom(o)
	}
	return o, finish(o)
}

// stripDivisions cuts the province, city and district a platform repeats at
// the start of its full address line.
func stripDivisions(line string, parts ...string) string {
	rest := strings.TrimSpace(line)
	for _, p := range parts {
		if p != "" {
			rest = strings.TrimSpace(strings.TrimPrefix(rest, p))
		}
	}
	if rest == "" {
		return line
	}
	return rest
}

// Douyin: order.searchList / order.orderDetail.

type dyName struct {
	Name string `json:"name"`
}

type dyAddr struct {
	Province      dyName `json:"province"`
	City          dyName `json:"city"`
	Town          dyName `json:"town"`
	Street        dyName `json:"street"`
	Detail        string `json:"detail"`
	EncryptDetail string `json:"encrypt_detail"`
}

type dyOrder struct {
	OrderID             text   `json:"order_id"`
	OrderStatus         text   `json:"order_status"`
	ShopName            string `json:"shop_name"`
	PayAmount           text   `json:"pay_amount"` // fen
	PostAmount          text   `json:"post_amount"`
	CreateTime          text   `json:"create_time"` // Unix seconds
	PayTime             text   `json:"pay_time"`
	BuyerWords          string `json:"buyer_words"`
	SellerWords         string `json:"seller_words"`
	SellerRemarkStars   text   `json:"seller_remark_stars"`
	PostReceiver        string `json:"post_receiver"`
	PostTel             string `json:"post_tel"`
	PostAddr            dyAddr `json:"post_addr"`
	EncryptPostReceiver string `json:"encrypt_post_receiver"`
	EncryptPostTel      string `json:"encrypt_post_tel"`
	MaskPostReceiver    string `json:"mask_post_receiver"`
	MaskPostTel         string `json:"mask_post_tel"`
	MaskPostAddr        dyAddr `json:"mask_post_addr"`
	OpenAddressID       string `json:"open_address_id"`
	SkuOrderList        []struct {
		Code        string `json:"code"`
		OutSkuID    string `json:"out_sku_id"`
		ProductName string `json:"product_name"`
		Spec        []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"spec"`
		ItemNum      text `json:"item_num"`
		OriginAmount text `json:"origin_amount"` // fen, for item_num units
	} `json:"sku_order_list"`
}

func importDouyin(src Source) ([]*order.Order, []error, error) {
	list, err := records(src.OrdersName, src.Orders, []string{"data", "shop_order_list"}, []string{"shop_order_list"}, []string{"data", "list"})
	if err != nil {
		return nil, nil, err
	}
	var out []*order.Order
	var refused []error
	for i, raw := range list {
		var d dyOrder
		fail := func(reason string) {
			refused = append(refused, &RowError{File: src.OrdersName, Line: i + 1, ID: d.OrderID.String(), Reason: reason})
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			fail("unreadable order: " + err.Error())
			continue
		}
		// order_status 2: 待发货 (备货中).
		if st := d.OrderStatus.String(); st != "" && st != "2" {
			fail("order_status " + st + ": not waiting to ship")
			continue
		}
		o, err := d.order()
		if err != nil {
			fail(err.Error())
			continue
		}
		out = append(out, o)
	}
	return out, refused, nil
}

func (d *dyOrder) order() (*order.Order, error) {
	o := &order.Order{ID: d.OrderID.String(), Platform: order.Douyin, Shop: d.ShopName}
	for _, f := range []struct {
		name string
		v    text
		dst  *decimal.Decimal
	}{{"pay_amount", d.PayAmount, &o.Total}, {"post_amount", d.PostAmount, &o.ShippingFee}} {
		n, err := f.v.int()
		if err != nil {
			return nil, fmt.Errorf("%s (fen): %v", f.name, err)
		}
		*f.dst = fen(n)
	}
	for _, f := range []struct {
		name string
		v    text
		dst  *time.Time
	}{{"create_time", d.CreateTime, &o.CreatedAt}, {"pay_time", d.PayTime, &o.PaidAt}} {
		n, err := f.v.int()
		if err != nil {
			t, terr := parseTime(f.v.String())
			if terr != nil {
				return nil, fmt.Errorf("%s: %v", f.name, err)
			}
			*f.dst = t
			continue
		}
		*f.dst = unixTime(n)
	}
	o.Remark = order.Remark{Buyer: d.BuyerWords, Seller: d.SellerWords}
	if n, err := d.SellerRemarkStars.int(); err == nil && n != 0 {
		if f, ok := douyinStars[int(n)]; ok {
			o.Flags = append(o.Flags, f)
		}
	}
	r := &o.Recipient
	addr := d.PostAddr
	if addr.Province.Name == "" {
		addr = d.MaskPostAddr
	}
	r.Province, r.City, r.District, r.Street = addr.Province.Name, addr.City.Name, addr.Town.Name, addr.Street.Name
	var prot order.Protected
	prot.Ref = d.OpenAddressID
	r.Name, r.Phone, r.Address = d.PostReceiver, d.PostTel, addr.Detail
	if d.EncryptPostReceiver != "" || encrypted(r.Name) {
		prot.Name = firstNonEmpty(d.EncryptPostReceiver, r.Name)
		r.Name = d.MaskPostReceiver
	}
	if d.EncryptPostTel != "" || encrypted(r.Phone) {
		prot.Phone = firstNonEmpty(d.EncryptPostTel, r.Phone)
		r.Phone = d.MaskPostTel
	}
	if enc := firstNonEmpty(d.PostAddr.EncryptDetail, d.MaskPostAddr.EncryptDetail); enc != "" || encrypted(r.Address) {
		prot.Address = firstNonEmpty(enc, r.Address)
		r.Address = d.MaskPostAddr.Detail
	}
	if !prot.Empty() {
		r.Protected = &prot
	}
	for j, it := range d.SkuOrderList {
		n, err := it.ItemNum.int()
		if err != nil {
			return nil, fmt.Errorf("sku %d: item_num: %v", j+1, err)
		}
		amount, err := it.OriginAmount.int()
		if err != nil {
			return nil, fmt.Errorf("sku %d: origin_amount: %v", j+1, err)
		}
		if n <= 0 {
			return nil, fmt.Errorf("sku %d: item_num %d", j+1, n)
		}
		if amount%n != 0 {
			return nil, fmt.Errorf("sku %d: origin_amount %d fen does not divide into %d units", j+1, amount, n)
		}
		var spec []string
		for _, s := range it.Spec {
			spec = append(spec, s.Value)
		}
		o.Items = append(o.Items, order.Item{SKU: firstNonEmpty(it.Code, it.OutSkuID), Name: it.ProductName, Spec: strings.Join(spec, " "), Qty: int(n), UnitPrice: fen(amount / n)})
	}
	discountFrom(o)
	return o, finish(o)
}

// douyinStars maps Douyin's seller_remark_stars (旗帜: 0 grey, 1 purple, 2 cyan,
// 3 green, 4 orange, 5 red) to the order flags.
var douyinStars = map[int]string{1: "purple", 2: "cyan", 3: "green", 4: "orange", 5: "red"}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
