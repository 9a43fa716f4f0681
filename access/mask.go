package access

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/order"
)

// masked replaces a value that must not show at all.
const masked = "****"

// MaskName masks a personal name: 张三→张*, 欧阳娜娜→欧阳**, 李→李*,
// 阿依古丽·买买提→阿*·买* (the rules of [label.MaskName]).
// An erased value ([order.ErasedValue]) shows as it is.
func MaskName(s string) string {
	if s == order.ErasedValue {
		return s
	}
	return label.MaskName(s)
}

// MaskPhone masks a phone number: 13800138000→138****8000 (the rules of
// [label.MaskPhone]).
// An erased value shows as it is.
func MaskPhone(s string) string {
	if s == order.ErasedValue {
		return s
	}
	return label.MaskPhone(s)
}

// MaskAddress masks the detail line of an address (road, number, building, room):
// it is replaced by "****"; an empty line stays empty. Province, city, district and
// street of a [order.Party] are kept by [MaskParty]. An erased value
// ([order.ErasedValue]) shows as it is.
func MaskAddress(s string) string {
	if strings.TrimSpace(s) == "" || s == order.ErasedValue {
		return s
	}
	return masked
}

// MaskText masks what looks like a phone number in free text (a remark, a journal
// detail): a mobile number (11 digits from 1, also after 86) keeps its first three
// and last four digits; a landline (10 to 12 digits from 0) and a local number (7
// or 8 digits) keep their last four. Other digit runs, such as tracking numbers,
// stay.
func MaskText(s string) string {
	var b strings.Builder
	i := 0
	for i < len(s) {
		if s[i] < '0' || s[i] > '9' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		run := s[i:j]
		switch n := len(run); {
		case n == 13 && strings.HasPrefix(run, "861"):
			b.WriteString(run[:5] + "****" + run[9:])
		case n == 11 && run[0] == '1':
			b.WriteString(run[:3] + "****" + run[7:])
		case n >= 10 && n <= 12 && run[0] == '0', n == 7 || n == 8:
			b.WriteString(strings.Repeat("*", n-4) + run[n-4:])
		default:
			b.WriteString(run)
		}
		i = j
	}
	return b.String()
}

// MaskParty returns p with name, phone and detail address masked and the platform's
// ciphertexts and unknown fields dropped; province, city, district, street and
// postcode stay, so the parcel's destination still shows.
func MaskParty(p order.Party) order.Party {
	p.Name = MaskName(p.Name)
	p.Phone = MaskPhone(p.Phone)
	p.Address = MaskAddress(p.Address)
	if p.Protected != nil {
		p.Protected = &order.Protected{Ref: maskOpaque(p.Protected.Ref), Name: maskOpaque(p.Protected.Name),
			Phone: maskOpaque(p.Protected.Phone), Address: maskOpaque(p.Protected.Address)}
	}
	p.Extra = nil
	return p
}

func maskOpaque(s string) string {
	if s == "" {
		return ""
	}
	return masked
}

// MaskOrder returns a copy of o with the personal data of the recipient and the
// buyer masked: the recipient by [MaskParty], the buyer's nick by [MaskName], phone
// numbers in the remarks by [MaskText]; unknown fields are dropped. The sender (the
// shop) stays. o is not changed.
func MaskOrder(o *order.Order) *order.Order {
	if o == nil {
		return nil
	}
	c := *o
	c.Recipient = MaskParty(o.Recipient)
	c.Buyer.Nick = MaskName(o.Buyer.Nick)
	c.Buyer.Extra = nil
	c.Extra = nil // unknown fields may hold anything
	c.Remark.Buyer = MaskText(o.Remark.Buyer)
	c.Remark.Seller = MaskText(o.Remark.Seller)
	c.Items = append([]order.Item(nil), o.Items...)
	c.Flags = append([]string(nil), o.Flags...)
	return &c
}

// ForReader returns o as the principal ctx carries may read it: o itself when it may
// read personal data ([OrderReadPII]) under a, a masked copy ([MaskOrder]) when not.
// A nil a reads everything unmasked.
func ForReader(ctx context.Context, a Authorizer, o *order.Order) *order.Order {
	if Allowed(ctx, a, OrderReadPII) {
		return o
	}
	return MaskOrder(o)
}

// MaskTextOf masks the personal data of o wherever it appears in free text (a
// review finding, an error, a journal detail): the recipient's name, phone and
// detail address and the buyer's nick become their masked forms, then other phone
// numbers are masked by [MaskText]. A nil o masks by MaskText alone.
func MaskTextOf(o *order.Order, s string) string {
	if o != nil {
		var pairs []string
		add := func(v, m string) {
			if v = strings.TrimSpace(v); utf8.RuneCountInString(v) > 1 && v != m && strings.Contains(s, v) {
				pairs = append(pairs, v, m)
			}
		}
		r := o.Recipient
		add(r.Phone, MaskPhone(r.Phone))
		add(r.Address, MaskAddress(r.Address))
		add(r.Name, MaskName(r.Name))
		add(o.Buyer.Nick, MaskName(o.Buyer.Nick))
		if p := r.Protected; p != nil {
			for _, v := range []string{p.Ref, p.Name, p.Phone, p.Address} {
				add(v, maskOpaque(v))
			}
		}
		if len(pairs) > 0 {
			s = strings.NewReplacer(pairs...).Replace(s)
		}
	}
	return MaskText(s)
}
