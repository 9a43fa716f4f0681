package platform

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dadanhq/dadan/order"
	"github.com/shopspring/decimal"
)

// table is a CSV file with a header row.
type table struct {
	name   string
	header map[string]int
	rows   [][]string
	lines  []int // the line each row starts on
	errs   []error
}

// readTable reads a CSV file in UTF-8 (with or without BOM) or GBK. Rows the
// CSV reader cannot read (a stray quote) are refused with their line; rows with
// the wrong number of cells are kept and checked by the caller.
func readTable(name string, data []byte) (*table, error) {
	text, err := decodeText(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	t := &table{name: name, header: map[string]int{}}
	// Read record by record so a broken row costs only itself.
	r := csv.NewReader(bytes.NewReader(text))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true // 淘宝 writes ="3618…" to keep Excel from rounding ids
	first := true
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if first {
					return nil, fmt.Errorf("%w: %s: header: %v", ErrFormat, name, err)
				}
				t.errs = append(t.errs, &RowError{File: name, Line: pe.StartLine, Reason: "unreadable CSV row: " + pe.Err.Error()})
				continue
			}
			return nil, err
		}
		line, _ := r.FieldPos(0)
		if first {
			first = false
			for i, h := range rec {
				t.header[cell(h)] = i
			}
			continue
		}
		blank := true
		for _, c := range rec {
			if strings.TrimSpace(c) != "" {
				blank = false
				break
			}
		}
		if blank {
			continue
		}
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
	}
	if first {
		return nil, fmt.Errorf("%w: %s: empty file", ErrFormat, name)
	}
	return t, nil
}

// col returns the index of the first of names present in the header, -1 if none.
func (t *table) col(names ...string) int {
	for _, n := range names {
		if i, ok := t.header[n]; ok {
			return i
		}
	}
	return -1
}

// get returns row's cell at column i, cleaned; "" when i < 0 or the row is short.
func get(row []string, i int) string {
	if i < 0 || i >= len(row) {
		return ""
	}
	return cell(row[i])
}

// Taobao 订单报表 and 宝贝报表 columns; where the column was renamed, both
// generations are listed, newest first.
var (
	tbID        = []string{"订单编号", "订单号"}
	tbNick      = []string{"买家会员名", "买家昵称"}
	tbTotal     = []string{"买家实付金额", "买家实际支付金额"}
	tbShipping  = []string{"买家应付邮费", "邮费"}
	tbStatus    = []string{"订单状态"}
	tbBuyerMemo = []string{"买家留言"}
	tbName      = []string{"收货人姓名", "收货人"}
	tbAddress   = []string{"收货地址"}
	tbNewAddr   = []string{"修改后的收货地址"}
	tbMobile    = []string{"联系手机", "手机"}
	tbPhone     = []string{"联系电话"}
	tbCreated   = []string{"订单创建时间", "创建时间"}
	tbPaid      = []string{"订单付款时间", "付款时间"}
	tbTracking  = []string{"运单号", "物流单号"}
	tbCarrier   = []string{"物流公司"}
	tbSellerMem = []string{"订单备注", "卖家备注"}
	tbShop      = []string{"店铺名称"}
	tbItemTitle = []string{"标题", "宝贝标题"}
	tbItemPrice = []string{"价格", "单价"}
	tbItemQty   = []string{"购买数量", "数量"}
	tbItemSKU   = []string{"商家编码", "外部系统编号", "商品编码"}
	tbItemSpec  = []string{"商品属性", "销售属性"}
)

// tbShippable are the order states a shop prints for.
var tbShippable = map[string]bool{"买家已付款，等待卖家发货": true, "等待卖家发货": true, "买家已付款,等待卖家发货": true, "等待发货": true}

func importTaobao(src Source) ([]*order.Order, []error, error) {
	t, err := readTable(src.OrdersName, src.Orders)
	if err != nil {
		return nil, nil, err
	}
	refused := t.errs
	idCol := t.col(tbID...)
	if idCol < 0 {
		return nil, nil, fmt.Errorf("%w: %s: no 订单编号 column: not a 订单报表", ErrFormat, t.name)
	}
	items := map[string][]order.Item{}
	if src.Items != nil {
		it, err := readTable(src.ItemsName, src.Items)
		if err != nil {
			return nil, nil, err
		}
		refused = append(refused, it.errs...)
		iid, title, price, qty, sku, spec := it.col(tbID...), it.col(tbItemTitle...), it.col(tbItemPrice...), it.col(tbItemQty...), it.col(tbItemSKU...), it.col(tbItemSpec...)
		if iid < 0 || qty < 0 || price < 0 {
			return nil, nil, fmt.Errorf("%w: %s: needs 订单编号, 价格 and 购买数量 columns: not a 宝贝报表", ErrFormat, it.name)
		}
		for i, row := range it.rows {
			fail := func(reason string) {
				refused = append(refused, &RowError{File: it.name, Line: it.lines[i], ID: get(row, iid), Reason: reason})
			}
			n, err := atoi(get(row, qty))
			if err != nil {
				fail("购买数量: " + err.Error())
				continue
			}
			p, err := parseMoney(get(row, price))
			if err != nil {
				fail("价格: " + err.Error())
				continue
			}
			id := get(row, iid)
			items[id] = append(items[id], order.Item{SKU: get(row, sku), Name: get(row, title), Spec: get(row, spec), Qty: n, UnitPrice: p})
		}
	}
	c := struct{ nick, total, ship, status, bmemo, name, addr, newAddr, mobile, phone, created, paid, track, carrier, smemo, shop int }{
		t.col(tbNick...), t.col(tbTotal...), t.col(tbShipping...), t.col(tbStatus...), t.col(tbBuyerMemo...), t.col(tbName...),
		t.col(tbAddress...), t.col(tbNewAddr...), t.col(tbMobile...), t.col(tbPhone...), t.col(tbCreated...), t.col(tbPaid...),
		t.col(tbTracking...), t.col(tbCarrier...), t.col(tbSellerMem...), t.col(tbShop...),
	}
	if c.total < 0 || c.name < 0 || c.addr < 0 {
		return nil, nil, fmt.Errorf("%w: %s: needs 买家实付金额 (or 买家实际支付金额), 收货人姓名 and 收货地址 columns", ErrFormat, t.name)
	}
	var out []*order.Order
	for i, row := range t.rows {
		id := get(row, idCol)
		fail := func(reason string) {
			refused = append(refused, &RowError{File: t.name, Line: t.lines[i], ID: id, Reason: reason})
		}
		if len(row) != len(t.header) {
			fail(fmt.Sprintf("%d cells, the header has %d", len(row), len(t.header)))
			continue
		}
		if st := get(row, c.status); st != "" && !tbShippable[st] {
			fail("订单状态 " + st + ": not waiting to ship")
			continue
		}
		o := &order.Order{ID: id, Platform: order.Taobao, Shop: get(row, c.shop)}
		o.Buyer.Nick = get(row, c.nick)
		var err error
		if o.Total, err = parseMoney(get(row, c.total)); err != nil {
			fail("买家实付金额: " + err.Error())
			continue
		}
		if o.ShippingFee, err = parseMoney(get(row, c.ship)); err != nil {
			fail("买家应付邮费: " + err.Error())
			continue
		}
		if o.CreatedAt, err = parseTime(get(row, c.created)); err != nil {
			fail("订单创建时间: " + err.Error())
			continue
		}
		if o.PaidAt, err = parseTime(get(row, c.paid)); err != nil {
			fail("订单付款时间: " + err.Error())
			continue
		}
		o.Remark = order.Remark{Buyer: get(row, c.bmemo), Seller: get(row, c.smemo)}
		o.Recipient.Name = get(row, c.name)
		o.Recipient.Phone = get(row, c.mobile)
		if o.Recipient.Phone == "" {
			o.Recipient.Phone = get(row, c.phone)
		}
		addr := get(row, c.addr)
		if na := get(row, c.newAddr); na != "" {
			addr = na
			o.Flags = append(o.Flags, "address_changed")
		}
		fillAddress(&o.Recipient, addr)
		if tn := get(row, c.track); tn != "" && tn != "No Value" {
			o.Waybill = &order.Waybill{TrackingNo: tn}
			o.Carrier = get(row, c.carrier)
		}
		o.Items = items[id]
		if src.Items == nil {
			fail("the 订单报表 lists no items: give the 宝贝报表 with the items file")
			continue
		}
		discountFrom(o)
		if err := finish(o); err != nil {
			fail(err.Error())
			continue
		}
		out = append(out, o)
	}
	return out, refused, nil
}

// Mapping maps the columns of any CSV export to order fields. Its JSON form:
//
//	{"platform": "own", "columns": {"id": "订单号", "recipient.name": "收件人", …}}
//
// Field names: id, platform, shop, created_at, paid_at, buyer.nick,
// recipient.name, recipient.phone, recipient.province, recipient.city,
// recipient.district, recipient.street, recipient.address, recipient.postcode,
// recipient.full_address (a one-line address to split), item.sku, item.barcode,
// item.name, item.spec, item.qty, item.unit_price, shipping_fee, discount,
// total, remark.buyer, remark.seller, carrier, tracking_no, flags (separated by
// commas). Rows with the same id are the lines of one order; the order fields are
// taken from its first row.
type Mapping struct {
	Platform string            `json:"platform"` // the platform of every order, when no column gives it
	Columns  map[string]string `json:"columns"`  // field → column header
}

// mappingFields are the fields a Mapping may name.
var mappingFields = map[string]bool{
	"id": true, "platform": true, "shop": true, "created_at": true, "paid_at": true, "buyer.nick": true,
	"recipient.name": true, "recipient.phone": true, "recipient.province": true, "recipient.city": true,
	"recipient.district": true, "recipient.street": true, "recipient.address": true, "recipient.postcode": true,
	"recipient.full_address": true, "item.sku": true, "item.barcode": true, "item.name": true, "item.spec": true,
	"item.qty": true, "item.unit_price": true, "shipping_fee": true, "discount": true, "total": true,
	"remark.buyer": true, "remark.seller": true, "carrier": true, "tracking_no": true, "flags": true,
}

// ParseMapping reads a mapping file and checks its field names.
func ParseMapping(data []byte) (*Mapping, error) {
	var m Mapping
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: mapping: %v", ErrFormat, err)
	}
	for f := range m.Columns {
		if !mappingFields[f] {
			return nil, fmt.Errorf("%w: mapping: unknown field %q", ErrFormat, f)
		}
	}
	for _, need := range []string{"id", "item.sku", "item.qty"} {
		if m.Columns[need] == "" {
			return nil, fmt.Errorf("%w: mapping: no column for %s", ErrFormat, need)
		}
	}
	if m.Platform != "" && !order.Platform(m.Platform).Valid() {
		return nil, fmt.Errorf("%w: mapping: unknown platform %q", ErrFormat, m.Platform)
	}
	return &m, nil
}

func importMapped(src Source) ([]*order.Order, []error, error) {
	t, err := readTable(src.OrdersName, src.Orders)
	if err != nil {
		return nil, nil, err
	}
	m := src.Mapping
	cols := map[string]int{}
	for f, h := range m.Columns {
		i, ok := t.header[h]
		if !ok {
			return nil, nil, fmt.Errorf("%w: %s: no column %q (for %s)", ErrFormat, t.name, h, f)
		}
		cols[f] = i
	}
	at := func(row []string, f string) string {
		i, ok := cols[f]
		if !ok {
			return ""
		}
		return get(row, i)
	}
	refused := t.errs
	byID := map[string]*order.Order{}
	bad := map[string]bool{}
	var out []*order.Order
	for i, row := range t.rows {
		id := at(row, "id")
		fail := func(reason string) {
			refused = append(refused, &RowError{File: t.name, Line: t.lines[i], ID: id, Reason: reason})
			bad[id] = true
		}
		if len(row) != len(t.header) {
			fail(fmt.Sprintf("%d cells, the header has %d", len(row), len(t.header)))
			continue
		}
		if id == "" {
			fail("no order id")
			continue
		}
		qty, err := atoi(at(row, "item.qty"))
		if err != nil {
			fail("item.qty: " + err.Error())
			continue
		}
		price, err := parseMoney(at(row, "item.unit_price"))
		if err != nil {
			fail("item.unit_price: " + err.Error())
			continue
		}
		item := order.Item{SKU: at(row, "item.sku"), Barcode: at(row, "item.barcode"), Name: at(row, "item.name"), Spec: at(row, "item.spec"), Qty: qty, UnitPrice: price}
		if o, ok := byID[id]; ok {
			o.Items = append(o.Items, item)
			continue
		}
		o := &order.Order{ID: id, Platform: order.Platform(m.Platform), Shop: at(row, "shop"), Carrier: at(row, "carrier"), Items: []order.Item{item}}
		if p := at(row, "platform"); p != "" {
			o.Platform = order.Platform(strings.ToLower(p))
		}
		if o.Platform == "" {
			o.Platform = order.Other
		}
		if !o.Platform.Valid() {
			fail(fmt.Sprintf("platform %q is not one dadan knows", o.Platform))
			continue
		}
		if o.CreatedAt, err = parseTime(at(row, "created_at")); err != nil {
			fail("created_at: " + err.Error())
			continue
		}
		if o.PaidAt, err = parseTime(at(row, "paid_at")); err != nil {
			fail("paid_at: " + err.Error())
			continue
		}
		var moneyErr error
		for _, f := range []struct {
			name string
			dst  *decimal.Decimal
		}{{"shipping_fee", &o.ShippingFee}, {"discount", &o.Discount}, {"total", &o.Total}} {
			if *f.dst, err = parseMoney(at(row, f.name)); err != nil {
				moneyErr = fmt.Errorf("%s: %v", f.name, err)
				break
			}
		}
		if moneyErr != nil {
			fail(moneyErr.Error())
			continue
		}
		o.Buyer.Nick = at(row, "buyer.nick")
		o.Remark = order.Remark{Buyer: at(row, "remark.buyer"), Seller: at(row, "remark.seller")}
		r := &o.Recipient
		r.Name, r.Phone, r.Province, r.City, r.District = at(row, "recipient.name"), at(row, "recipient.phone"), at(row, "recipient.province"), at(row, "recipient.city"), at(row, "recipient.district")
		r.Street, r.Address, r.Postcode = at(row, "recipient.street"), at(row, "recipient.address"), at(row, "recipient.postcode")
		if full := at(row, "recipient.full_address"); full != "" {
			fillAddress(r, full)
		}
		if tn := at(row, "tracking_no"); tn != "" {
			o.Waybill = &order.Waybill{TrackingNo: tn}
		}
		o.Flags = append(o.Flags, strings.FieldsFunc(at(row, "flags"), func(r rune) bool { return r == ',' || r == '，' || r == ' ' })...)
		byID[id] = o
		out = append(out, o)
	}
	kept := out[:0]
	for _, o := range out {
		if bad[o.ID] {
			continue // a line of it was refused: the order is incomplete
		}
		if err := finish(o); err != nil {
			refused = append(refused, &RowError{File: t.name, ID: o.ID, Reason: err.Error()})
			continue
		}
		kept = append(kept, o)
	}
	return kept, refused, nil
}
