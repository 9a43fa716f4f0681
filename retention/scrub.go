package retention

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/shipment"
)

// erasedJSON is the JSON value an erased unknown member gets.
var erasedJSON = []byte(strconv.Quote(order.ErasedValue))

// pii is the personal data of one order, for finding copies of it in free text.
type pii struct {
	values []string // longest first, so a full address goes before its parts
}

// collect gathers o's personal values of two characters or more (a
// one-character value would match too much text).
func collect(o *order.Order) *pii {
	r := &o.Recipient
	vals := []string{r.Name, r.Phone, digits(r.Phone), r.Address, r.Street + r.Address, r.FullAddress(), o.Buyer.Nick}
	if p := r.Protected; p != nil {
		vals = append(vals, p.Ref, p.Name, p.Phone, p.Address)
	}
	var out []string
	for _, v := range vals {
		v = strings.TrimSpace(v)
		if utf8.RuneCountInString(v) < 2 || strings.Contains(v, order.ErasedValue) || slices.Contains(out, v) {
			continue
		}
		out = append(out, v)
	}
	slices.SortStableFunc(out, func(a, b string) int { return len(b) - len(a) })
	return &pii{values: out}
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// scrub replaces the order's personal values in free text with
// [order.ErasedValue] and masks what else looks like a phone number
// ([access.MaskText]). It is idempotent.
func (p *pii) scrub(s string) string {
	if s == "" {
		return s
	}
	for _, v := range p.values {
		s = strings.ReplaceAll(s, v, order.ErasedValue)
	}
	return access.MaskText(s)
}

// in reports whether a raw JSON value holds one of the personal values or a
// mobile number, as written or as a JSON string decodes. (Not every number:
// an unknown member with a price or a count stays.)
func (p *pii) in(raw []byte) bool {
	texts := [][]byte{raw}
	// The value decoded and written again: strings as they read, whatever
	// escapes (\u0031) the platform used; a bare string without its quotes.
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) == nil {
		if s, ok := v.(string); ok {
			texts = append(texts, []byte(s))
		} else if b, err := json.Marshal(v); err == nil {
			texts = append(texts, b)
		}
	}
	for _, t := range texts {
		for _, v := range p.values {
			if bytes.Contains(t, []byte(v)) {
				return true
			}
		}
		if hasMobile(t) {
			return true
		}
	}
	return false
}

// hasMobile reports whether b holds a run of digits that is a mobile number:
// 11 digits from 1, or 13 from 861.
func hasMobile(b []byte) bool {
	for i := 0; i < len(b); {
		if b[i] < '0' || b[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		if run := b[i:j]; len(run) == 11 && run[0] == '1' || len(run) == 13 && bytes.HasPrefix(run, []byte("861")) {
			return true
		}
		i = j
	}
	return false
}

// eraseOrder erases o's personal data in place and returns the JSON paths of
// the fields it changed. Fields erased already, and empty ones, are not named.
func eraseOrder(o *order.Order, p *pii) []string {
	var fields []string
	set := func(path string, v *string) {
		if *v != "" && *v != order.ErasedValue {
			*v = order.ErasedValue
			fields = append(fields, path)
		}
	}
	drop := func(prefix string, e *order.Extra) {
		for _, f := range *e {
			fields = append(fields, prefix+p.scrub(f.Key))
		}
		*e = nil
	}
	scrubExtra := func(prefix string, e order.Extra) {
		for i := range e {
			key := p.scrub(e[i].Key) // a member may be named by a phone number
			if key != e[i].Key || !bytes.Equal(e[i].Value, erasedJSON) && p.in(e[i].Value) {
				e[i].Key, e[i].Value = key, bytes.Clone(erasedJSON)
				fields = append(fields, prefix+key)
			}
		}
	}
	r := &o.Recipient
	set("recipient.name", &r.Name)
	set("recipient.phone", &r.Phone)
	set("recipient.province", &r.Province)
	set("recipient.city", &r.City)
	set("recipient.district", &r.District)
	set("recipient.street", &r.Street)
	set("recipient.address", &r.Address)
	set("recipient.postcode", &r.Postcode)
	if !r.Protected.Empty() {
		fields = append(fields, "recipient.protected")
	}
	r.Protected = nil
	drop("recipient.", &r.Extra)
	set("buyer.nick", &o.Buyer.Nick)
	drop("buyer.", &o.Buyer.Extra)
	set("remark.buyer", &o.Remark.Buyer)
	if s := p.scrub(o.Remark.Seller); s != o.Remark.Seller {
		o.Remark.Seller = s
		fields = append(fields, "remark.seller")
	}
	drop("remark.", &o.Remark.Extra)
	scrubExtra("sender.", o.Sender.Extra)
	for i := range o.Items {
		scrubExtra("items["+strconv.Itoa(i)+"].", o.Items[i].Extra)
	}
	if o.Waybill != nil {
		scrubExtra("waybill.", o.Waybill.Extra)
	}
	scrubExtra("", o.Extra)
	return fields
}

// scrubProblem erases personal values in a courier problem's free text and
// returns the fields it changed.
func scrubProblem(pr *shipment.Problem, p *pii) []string {
	var fields []string
	sc := func(name string, v *string) {
		if s := p.scrub(*v); s != *v {
			*v = s
			fields = append(fields, name)
		}
	}
	sc("detail", &pr.Detail)
	sc("resolution", &pr.Resolution)
	if pr.Claim != nil {
		sc("claim.note", &pr.Claim.Note)
	}
	return fields
}

// scrubJob drops a job's rendered bytes (they show the recipient) and erases
// personal values in its texts; it returns the fields it changed. A job not
// done yet is marked to be rendered again, from the erased order, should it
// ever be sent.
func scrubJob(j *printer.Job, p *pii) []string {
	var fields []string
	if len(j.Data) > 0 {
		j.Data = nil
		if !j.State.Done() {
			j.Rerender = true
		}
		fields = append(fields, "data")
	}
	if s := p.scrub(j.ReprintReason); s != j.ReprintReason {
		j.ReprintReason = s
		fields = append(fields, "reprint_reason")
	}
	if s := p.scrub(j.LastError); s != j.LastError {
		j.LastError = s
		fields = append(fields, "last_error")
	}
	return fields
}

// scrubInspection erases personal values in what an inspector wrote and
// returns the fields it changed. The photo's path is scrubbed like the notes;
// the photo itself is the host's file.
func scrubInspection(in *qa.Inspection, p *pii) []string {
	var fields []string
	sc := func(name string, v *string) {
		if s := p.scrub(*v); s != *v {
			*v = s
			fields = append(fields, name)
		}
	}
	sc("note", &in.Note)
	sc("photo", &in.Photo)
	for i := range in.Checks {
		sc("checks["+strconv.Itoa(i)+"].note", &in.Checks[i].Note)
	}
	for i := range in.Defects {
		sc("defects["+strconv.Itoa(i)+"].note", &in.Defects[i].Note)
	}
	return fields
}
