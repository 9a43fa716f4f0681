package review

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/dadanhq/dadan/address"
	"github.com/dadanhq/dadan/order"
)

// CheckIdentity rejects an order without an id, an order whose id appears
// earlier in the batch ("order.duplicate") and, when the engine has a [Seen],
// a new order (empty status) whose id the store already holds. Orders that carry
// a status come from the store and are being reviewed again, so the store is not
// asked about them.
func CheckIdentity(c *Context, o *order.Order, r *Report) {
	if blank(o.ID) {
		r.Add(Finding{Code: CodeIDMissing, Field: "id", Severity: SeverityReject})
		return
	}
	if _, dup := c.b.duplicateOf(c.i); dup {
		r.Add(Finding{Code: CodeDuplicate, Field: "id", Severity: SeverityReject, Args: []any{o.ID}, variant: "batch"})
		return
	}
	if c.e.seen != nil && o.Status == "" {
		seen, err := c.hasOrder()
		if err != nil {
			c.Fail("seen", err)
			return
		}
		if seen {
			r.Add(Finding{Code: CodeDuplicate, Field: "id", Severity: SeverityReject, Args: []any{o.ID}, variant: "store"})
		}
	}
}

// CheckRecipient rejects a recipient without name, phone, province, city,
// district or address (blank counts as missing) or with an unknown province;
// checks the province, city and district against the national division data
// ([address]): it holds a city of another province or a district of another city
// (naming where it belongs), a name unknown at its level, and a near miss such
// as 广西省 (naming the official 广西壮族自治区); it notes former names of renamed
// and merged units (江干区 is now 上城区). A city without county level (东莞市),
// a county-level unit written in the city field (仙桃市) and Hong Kong, Macao and
// Taiwan addresses need no district. It holds a recipient whose fields hold
// control characters or printer commands ("recipient.suspicious").
func CheckRecipient(c *Context, o *order.Order, r *Report) {
	p := &o.Recipient
	required := [...]struct {
		v     string
		code  Code
		field string
	}{
		{p.Name, CodeNameMissing, "recipient.name"},
		{p.Phone, CodePhoneMissing, "recipient.phone"},
		{p.Address, CodeAddressMissing, "recipient.address"},
	}
	for _, f := range required {
		if blank(f.v) {
			r.Add(Finding{Code: f.code, Field: f.field, Severity: SeverityReject})
		}
	}
	texts := [...]struct{ v, field string }{
		{p.Name, "recipient.name"}, {p.Phone, "recipient.phone"}, {p.Province, "recipient.province"},
		{p.City, "recipient.city"}, {p.District, "recipient.district"}, {p.Street, "recipient.street"},
		{p.Address, "recipient.address"}, {p.Postcode, "recipient.postcode"},
	}
	for _, t := range texts {
		if s, bad := suspicious(t.v); bad {
			f := Finding{Code: CodeSuspicious, Field: t.field, Severity: SeverityHold, variant: s.variant}
			if s.what != "" {
				f.Args = []any{s.what}
			}
			r.Add(f)
		}
	}
	checkDivisions(c, p, r)
}

// checkDivisions checks province, city and district.
func checkDivisions(c *Context, p *order.Party, r *Report) {
	if blank(p.Province) && blank(p.City) && blank(p.District) && !blank(p.Address) {
		if inferDivisions(c, p, r) {
			return
		}
	}
	if blank(p.Province) {
		r.Add(Finding{Code: CodeProvinceMissing, Field: "recipient.province", Severity: SeverityReject})
		if blank(p.City) {
			r.Add(Finding{Code: CodeCityMissing, Field: "recipient.city", Severity: SeverityReject})
		}
		if blank(p.District) {
			r.Add(Finding{Code: CodeDistrictMissing, Field: "recipient.district", Severity: SeverityReject})
		}
		return
	}
	prov, m := address.LookupProvince(p.Province)
	switch m {
	case address.NoMatch:
		r.Add(Finding{Code: CodeProvinceInvalid, Field: "recipient.province", Severity: SeverityReject, Args: []any{strings.TrimSpace(p.Province)}})
		return
	case address.Near:
		r.Add(Finding{Code: CodeProvinceNear, Field: "recipient.province", Severity: SeverityHold, Args: []any{strings.TrimSpace(p.Province), prov.Name()}})
	}
	if blank(p.City) {
		r.Add(Finding{Code: CodeCityMissing, Field: "recipient.city", Severity: SeverityReject})
		if blank(p.District) && prov.Mainland() {
			r.Add(Finding{Code: CodeDistrictMissing, Field: "recipient.district", Severity: SeverityReject})
		}
		return
	}
	city, m := address.LookupCity(prov, p.City)
	switch m {
	case address.NoMatch:
		name := strings.TrimSpace(p.City)
		if where := address.FindCities(name); len(where) > 0 {
			r.Add(Finding{Code: CodeCityMismatch, Field: "recipient.city", Severity: SeverityHold, Args: []any{name, prov.Name(), joinParents(where)}, variant: "elsewhere"})
		} else if where := address.FindCounties(name); len(where) > 0 {
			// 浙江省/余杭区: a county in the city field.
			r.Add(Finding{Code: CodeCityMismatch, Field: "recipient.city", Severity: SeverityHold, Args: []any{name, prov.Name(), joinParents(where)}, variant: "county"})
		} else {
			r.Add(Finding{Code: CodeCityMismatch, Field: "recipient.city", Severity: SeverityHold, Args: []any{name, prov.Name()}})
		}
		if blank(p.District) && prov.Mainland() {
			r.Add(Finding{Code: CodeDistrictMissing, Field: "recipient.district", Severity: SeverityReject})
		}
		return
	case address.Near:
		r.Add(Finding{Code: CodeCityNear, Field: "recipient.city", Severity: SeverityHold, Args: []any{strings.TrimSpace(p.City), city.Name()}})
	case address.Former:
		r.Add(Finding{Code: CodeRenamed, Field: "recipient.city", Severity: SeverityInfo, Args: []any{strings.TrimSpace(p.City), city.Name()}})
	}
	if blank(p.District) {
		if !city.NoCounties() && city.HasCounties() && prov.Mainland() {
			r.Add(Finding{Code: CodeDistrictMissing, Field: "recipient.district", Severity: SeverityReject})
		}
		return
	}
	if city.NoCounties() || !city.HasCounties() {
		// 东莞市, 仙桃市, JD's 北京/朝阳区/三环以内: the district field holds a town.
		return
	}
	name := strings.TrimSpace(p.District)
	dist, m := address.LookupCounty(city, name)
	defer func() { checkConflict(p, prov, city, dist, r) }()
	if m == address.NoMatch {
		// 杭州市余杭区 in the district field.
		if rest, ok := cutDivisionPrefix(name, city); ok {
			dist, m = address.LookupCounty(city, rest)
		}
	}
	switch m {
	case address.NoMatch:
		if where := address.FindCounties(name); len(where) > 0 {
			r.Add(Finding{Code: CodeDistrictMismatch, Field: "recipient.district", Severity: SeverityHold, Args: []any{name, city.Name(), joinParents(where)}})
		} else {
			r.Add(Finding{Code: CodeDistrictUnknown, Field: "recipient.district", Severity: SeverityHold, Args: []any{name, city.Name()}})
		}
	case address.Near:
		r.Add(Finding{Code: CodeDistrictNear, Field: "recipient.district", Severity: SeverityHold, Args: []any{name, dist.Name()}})
	case address.Former:
		r.Add(Finding{Code: CodeRenamed, Field: "recipient.district", Severity: SeverityInfo, Args: []any{name, dist.Name()}})
	}
}

// joinParents names where the divisions ds are: their parents' paths, "、" between.
func joinParents(ds []address.Division) string {
	var b strings.Builder
	for i, d := range ds {
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteString(d.Parent().Path())
	}
	return b.String()
}

// cutDivisionPrefix cuts city's name or a short form of it from the start of s.
func cutDivisionPrefix(s string, city address.Division) (string, bool) {
	for _, pre := range [...]string{city.Name(), strings.TrimSuffix(city.Name(), "市")} {
		if rest, ok := strings.CutPrefix(s, pre); ok && pre != "" && rest != "" {
			return rest, true
		}
	}
	return "", false
}

// CheckPrinted holds an order whose printed fields other than the recipient's
// hold control characters, printer commands (ZPL ^XZ, ~JA; ESC/POS ESC and GS
// are control characters) or invalid UTF-8 ("order.suspicious"): the shop, the
// buyer's nick, the remarks, every item's SKU, barcode, name, spec and bin, the
// sender, the carrier and the waybill's tracking number, parent number, sort
// code, mark, bag address, service and payment. The id is limited to printable
// text: a control character, a printer command or invalid UTF-8 in it rejects
// the order ("order.id.invalid").
func CheckPrinted(c *Context, o *order.Order, r *Report) {
	if s, bad := suspicious(o.ID); bad {
		r.Add(Finding{Code: CodeIDInvalid, Field: "id", Severity: SeverityReject, Args: []any{suspicionText(s)}})
	}
	checkItem := func(v string, i int, field string) {
		if v == "" {
			return
		}
		if s, bad := suspicious(v); bad {
			if i >= 0 {
				field = itemField(i, field)
			}
			r.Add(Finding{Code: CodeFieldSuspicious, Field: field, Severity: SeverityHold, Args: []any{suspicionText(s), field}, variant: s.variant})
		}
	}
	check := func(v, field string) { checkItem(v, -1, field) }
	check(o.Shop, "shop")
	check(o.Buyer.Nick, "buyer.nick")
	check(o.Remark.Buyer, "remark.buyer")
	check(o.Remark.Seller, "remark.seller")
	check(o.Carrier, "carrier")
	for i := range o.Items {
		it := &o.Items[i]
		if it.SKU == "" && it.Barcode == "" && it.Name == "" && it.Spec == "" && it.Location == "" {
			continue
		}
		checkItem(it.SKU, i, "sku")
		checkItem(it.Barcode, i, "barcode")
		checkItem(it.Name, i, "name")
		checkItem(it.Spec, i, "spec")
		checkItem(it.Location, i, "location")
	}
	sp := &o.Sender
	check(sp.Name, "sender.name")
	check(sp.Phone, "sender.phone")
	check(sp.Province, "sender.province")
	check(sp.City, "sender.city")
	check(sp.District, "sender.district")
	check(sp.Street, "sender.street")
	check(sp.Address, "sender.address")
	if w := o.Waybill; w != nil {
		check(w.TrackingNo, "waybill.tracking_no")
		check(w.ParentNo, "waybill.parent_no")
		check(w.SortCode, "waybill.sort_code")
		check(w.Mark, "waybill.mark")
		check(w.BagAddr, "waybill.bag_addr")
		check(w.Service, "waybill.service")
		check(w.Payment, "waybill.payment")
	}
}

// suspicionText names what suspicious found: the control character, the
// command, or "invalid UTF-8".
func suspicionText(s suspicion) string {
	if s.what != "" {
		return s.what
	}
	return "invalid UTF-8"
}

// oldest is the earliest paid-at time review accepts without a hold: earlier
// times are data errors (a zero Unix time, a two-digit year read as 19xx).
var oldest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// CheckOrder holds an order from a platform dadan does not know
// ("order.platform.unknown": xiaohongshu), an order paid before 2000 or more
// than a day in the future by the engine's clock ("order.paid_at.implausible"),
// an order paid longer ago than [Config.MaxPaidAge] when that is set
// ("order.paid_at.old"), and money with fractions of a fen (59.995) in a unit
// price or the total ("money.precision").
func CheckOrder(c *Context, o *order.Order, r *Report) {
	if o.Platform != "" && !o.Platform.Valid() {
		r.Add(Finding{Code: CodePlatformUnknown, Field: "platform", Severity: SeverityHold, Args: []any{string(o.Platform)}})
	}
	if t := o.PaidAt; !t.IsZero() {
		now := c.Now()
		switch {
		case t.Before(oldest), t.After(now.Add(24 * time.Hour)):
			r.Add(Finding{Code: CodePaidImplausible, Field: "paid_at", Severity: SeverityHold, Args: []any{t.Format(time.RFC3339)}})
		case c.e.maxPaidAge > 0 && now.Sub(t) > c.e.maxPaidAge:
			r.Add(Finding{Code: CodePaidOld, Field: "paid_at", Severity: SeverityHold, Args: []any{t.Format(time.RFC3339), int(now.Sub(t).Hours() / 24)}})
		}
	}
	for i := range o.Items {
		if p := o.Items[i].UnitPrice; p.Exponent() < -2 && !p.Equal(p.Round(2)) {
			r.Add(Finding{Code: CodeMoneyPrecision, Field: itemField(i, "unit_price"), Severity: SeverityHold, Args: []any{p.String()}})
		}
	}
	if t := o.Total; t.Exponent() < -2 && !t.Equal(t.Round(2)) {
		r.Add(Finding{Code: CodeMoneyPrecision, Field: "total", Severity: SeverityHold, Args: []any{t.String()}})
	}
}

// CheckPhone rejects a recipient phone that [NormalizePhoneIn] refuses for the
// recipient's region, and notes a phone the platform masked
// ("recipient.phone.masked"): info when the recipient carries the platform's
// encrypted data ([order.Protected]: the waybill is printed through the
// platform's own component, which knows the number), hold otherwise. A blank phone is left to
// [CheckRecipient].
func CheckPhone(c *Context, o *order.Order, r *Report) {
	if blank(o.Recipient.Phone) {
		return
	}
	_, err := c.Phone()
	switch {
	case err == nil:
	case errors.Is(err, ErrPhoneMasked):
		if o.Recipient.Protected.Empty() {
			r.Add(Finding{Code: CodePhoneMasked, Field: "recipient.phone", Severity: SeverityHold, Args: []any{o.Recipient.Phone}})
		} else {
			// The platform's print component knows the number.
			r.Add(Finding{Code: CodePhoneMasked, Field: "recipient.phone", Severity: SeverityInfo, Args: []any{o.Recipient.Phone}, variant: "protected"})
		}
	default:
		r.Add(Finding{Code: CodePhoneInvalid, Field: "recipient.phone", Severity: SeverityReject, Args: []any{o.Recipient.Phone}})
	}
}

// phoneRegion returns the phone region (RegionHK, RegionMO, RegionTW) of a
// province, "" for the mainland.
func phoneRegion(province string) string {
	d, m := address.LookupProvince(province)
	if m == address.NoMatch {
		return ""
	}
	switch d.Code() {
	case "81":
		return RegionHK
	case "82":
		return RegionMO
	case "71":
		return RegionTW
	}
	return ""
}

// CheckItems rejects an order without items, a line without SKU, with a
// quantity not above zero or a negative unit price; with a price book it holds
// lines whose SKU the book does not know ("item.sku.unknown", once per SKU) or
// whose unit price differs from the list price ("item.price.mismatch").
func CheckItems(c *Context, o *order.Order, r *Report) {
	if len(o.Items) == 0 {
		r.Add(Finding{Code: CodeItemsMissing, Field: "items", Severity: SeverityReject})
		return
	}
	for i := range o.Items {
		it := &o.Items[i]
		if blank(it.SKU) {
			r.Add(Finding{Code: CodeSKUMissing, Field: itemField(i, "sku"), Severity: SeverityReject, Args: []any{i + 1}})
			continue
		}
		if it.Qty <= 0 {
			r.Add(Finding{Code: CodeQtyInvalid, Field: itemField(i, "qty"), Severity: SeverityReject, Args: []any{it.SKU, it.Qty}})
		}
		if it.UnitPrice.Sign() < 0 {
			r.Add(Finding{Code: CodePriceNegative, Field: itemField(i, "unit_price"), Severity: SeverityReject, Args: []any{it.SKU, moneyString(it.UnitPrice)}})
			continue
		}
		if c.e.prices == nil {
			continue
		}
		list, ok, err := c.e.prices.Price(c.ctx, it.SKU)
		if err != nil {
			c.Fail("price book", err)
			return
		}
		if !ok {
			if !seenSKU(o.Items[:i], it.SKU) {
				r.Add(Finding{Code: CodeSKUUnknown, Field: itemField(i, "sku"), Severity: SeverityHold, Args: []any{it.SKU}})
			}
			continue
		}
		if cmpDecimal(it.UnitPrice, list) != 0 {
			r.Add(Finding{Code: CodePriceMismatch, Field: itemField(i, "unit_price"), Severity: SeverityHold, Args: []any{it.SKU, moneyString(it.UnitPrice), moneyString(list)}})
		}
	}
}

func seenSKU(lines []order.Item, sku string) bool {
	for i := range lines {
		if lines[i].SKU == sku {
			return true
		}
	}
	return false
}

// CheckTotal holds an order whose total is not exactly Σ qty × unit price −
// discount + shipping fee ("total.mismatch"). Orders without items are left to
// [CheckItems].
func CheckTotal(c *Context, o *order.Order, r *Report) {
	if len(o.Items) == 0 {
		return
	}
	if sum, ok := checkTotal(o); !ok {
		r.Add(Finding{Code: CodeTotalMismatch, Field: "total", Severity: SeverityHold, Args: []any{moneyString(o.Total), moneyString(sum)}})
	}
}

// CheckMerge raises "order.merge_candidate" (hold unless configured otherwise)
// on an order with the same shop, buyer nick and recipient (name, normalised
// phone, full address without white space and punctuation) as other orders of the
// batch or of [Options.Pending], naming them.
func CheckMerge(c *Context, o *order.Order, r *Report) {
	others, ok := c.b.merge[int32(c.i)]
	if !ok {
		return
	}
	r.Add(Finding{Code: CodeMergeCandidate, Field: "recipient", Severity: c.e.mergeSev, Args: []any{strings.Join(others, ", ")}})
}

// CheckRemarks holds an order whose buyer or seller remark contains a keyword
// ("remark.keyword", case-insensitive; the finding lists the keywords found)
// and notes emoji ("remark.emoji", info).
func CheckRemarks(c *Context, o *order.Order, r *Report) {
	remarks := [...]struct{ v, field string }{{o.Remark.Buyer, "remark.buyer"}, {o.Remark.Seller, "remark.seller"}}
	for _, rm := range remarks {
		if rm.v == "" {
			continue
		}
		var found []string
		for _, k := range c.e.keywords {
			if !containsFold(rm.v, k) {
				continue
			}
			covered := false
			for _, f := range found {
				if strings.Contains(f, k) {
					covered = true
					break
				}
			}
			if !covered {
				found = append(found, k)
			}
		}
		if found != nil {
			r.Add(Finding{Code: CodeRemarkKeyword, Field: rm.field, Severity: SeverityHold, Args: []any{strings.Join(found, "、")}})
		}
		if hasEmoji(rm.v) {
			r.Add(Finding{Code: CodeRemarkEmoji, Field: rm.field, Severity: SeverityInfo})
		}
	}
}

// CheckFlags holds an order that carries one of the hold flags ("order.flag").
func CheckFlags(c *Context, o *order.Order, r *Report) {
	for i, f := range o.Flags {
		for _, h := range c.e.holdFlags {
			if strings.EqualFold(strings.TrimSpace(f), h) {
				r.Add(Finding{Code: CodeFlag, Field: "flags[" + strconv.Itoa(i) + "]", Severity: SeverityHold, Args: []any{f}})
				break
			}
		}
	}
}

// CheckBlacklist rejects an order whose buyer, recipient phone or recipient
// address the engine's [Blacklist] lists. Without a blacklist it does nothing.
func CheckBlacklist(c *Context, o *order.Order, r *Report) {
	bl := c.e.blacklist
	if bl == nil {
		return
	}
	ask := func(kind ListKind, v string) bool {
		listed, err := bl.Listed(c.ctx, kind, v)
		if err != nil {
			c.Fail("blacklist", err)
		}
		return listed
	}
	if nick := strings.TrimSpace(o.Buyer.Nick); nick != "" && ask(ListBuyer, nick) {
		r.Add(Finding{Code: CodeBuyerListed, Field: "buyer.nick", Severity: SeverityReject, Args: []any{nick}})
	}
	if c.err != nil {
		return
	}
	if p, err := c.Phone(); err == nil && ask(ListPhone, p.Full()) {
		r.Add(Finding{Code: CodePhoneListed, Field: "recipient.phone", Severity: SeverityReject, Args: []any{p.Full()}})
	}
	if c.err != nil {
		return
	}
	if addr := CompactAddress(&o.Recipient); addr != "" && ask(ListAddress, addr) {
		r.Add(Finding{Code: CodeAddressListed, Field: "recipient.address", Severity: SeverityReject})
	}
}

// CompactAddress returns p's full address as the merge check and the blacklist
// compare it: canonical province, the city unless p is in a municipality,
// district, street and address, without white space and punctuation, ASCII
// letters in lower case.
func CompactAddress(p *order.Party) string {
	return string(appendAddress(nil, p))
}

// inferDivisions reads province, city and district from a one-line address in
// p.Address when the fields are empty, notes that it did
// ("recipient.address.inferred", naming what it read) and checks what it read.
// It returns false when the address names no province.
func inferDivisions(c *Context, p *order.Party, r *Report) bool {
	parsed := address.Parse(p.Address)
	if !parsed.ProvinceDiv.Valid() {
		return false
	}
	q := *p
	q.Province, q.City, q.District = parsed.Province, parsed.City, parsed.District
	if blank(q.Street) {
		q.Street = parsed.Street
	}
	r.Add(Finding{Code: CodeAddressInferred, Field: "recipient.address", Severity: SeverityInfo, Args: []any{joinParts(parsed.Address)}})
	checkDivisions(c, &q, r)
	return true
}

// checkConflict holds an order whose address line starts with a province,
// city or district other than its fields name ("recipient.address.conflict").
// Only lines that start with a division name are split.
func checkConflict(p *order.Party, prov, city, dist address.Division, r *Report) {
	if !address.StartsWithDivision(p.Address) {
		return
	}
	parsed := address.Parse(p.Address)
	conflict := parsed.Written[0] && parsed.ProvinceDiv != prov ||
		parsed.Written[1] && city.Valid() && parsed.CityDiv != city && parsed.CityDiv != prov ||
		parsed.Written[2] && dist.Valid() && parsed.CountyDiv != dist
	if conflict {
		fields := address.Address{Province: prov.Name(), City: city.String(), District: dist.String()}
		r.Add(Finding{Code: CodeAddressConflict, Field: "recipient.address", Severity: SeverityHold, Args: []any{joinParts(parsed.Address), joinParts(fields)}})
	}
}

// joinParts joins an address's division parts and street with "/".
func joinParts(a address.Address) string {
	var b strings.Builder
	for i, s := range [...]string{a.Province, a.City, a.District, a.Street} {
		if s == "" || i == 1 && s == a.Province {
			continue // 北京市/朝阳区, not 北京市/北京市/朝阳区
		}
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(s)
	}
	return b.String()
}
