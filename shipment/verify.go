package shipment

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
)

// Outcome is the verdict on one scanned parcel.
type Outcome string

// Verification outcomes.
const (
	OK       Outcome = "ok"       // the parcel holds what its order says: pack it
	Mismatch Outcome = "mismatch" // something is missing, extra, of the wrong quantity or weight
	Blocked  Outcome = "blocked"  // do not pack: the order was refunded, changed or its waybill voided
	Unknown  Outcome = "unknown"  // the number is not a waybill known here
)

// Line is a SKU and a quantity in a verification result.
type Line struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

// Result is the verdict on one parcel of a verification session.
type Result struct {
	TrackingNo string
	OrderID    string
	Outcome    Outcome
	// Reason says why a parcel is blocked, unknown or a mismatch beyond its lines.
	Reason  string
	Missing []Line // ordered but not scanned, or scanned too few times
	Extra   []Line // scanned but not ordered, or scanned too many times
	// Garbage counts scans that could not be read (control characters, far too
	// long); a parcel with one is a mismatch: scan it again.
	Garbage       int
	WeightGrams   int // the scale's reading, 0 when not weighed
	ExpectedGrams int // the items' weight, 0 when unknown
	Actor         string
	At            time.Time
}

// LabelInfo is what the print queue knows of an order's waybill label.
type LabelInfo struct {
	Printed  bool // the label was printed (or sent without confirmation)
	Revision int  // the order revision the label was made from
}

// Labels tells the verifier about the printed waybill of an order, so that a
// label made before the order changed is blocked. The root package adapts the
// print queue to it.
type Labels interface {
	// Label returns the state of orderID's waybill label; ok is false when the
	// order has no waybill print job.
	Label(ctx context.Context, orderID string) (info LabelInfo, ok bool, err error)
}

// Weights gives the weight of one unit of a SKU, for the weight check.
type Weights interface {
	// Weight returns the grams of one unit of sku; ok is false when unknown.
	Weight(ctx context.Context, sku string) (grams int, ok bool, err error)
}

// VerifyOptions wire a [Verifier]. Orders and Shipments are required.
type VerifyOptions struct {
	Orders    order.Store
	Shipments Store
	// Labels, if set, blocks parcels whose waybill label is out of date.
	Labels Labels
	// Weights, if set, enables the weight check on parcels weighed with a scale
	// line ("w:1234" in grams, or "w:1.234kg").
	Weights Weights
	// PackagingGrams is added to the items' weight; ToleranceGrams and
	// TolerancePercent bound the difference allowed (the larger bound wins).
	PackagingGrams   int
	ToleranceGrams   int
	TolerancePercent float64
	// IsWaybill tells a waybill number from an item code for a number the store
	// does not know; nil means a heuristic: 10 to 24 capital letters and digits
	// with at least 8 digits, and not a valid GTIN (EAN-13, UPC-A, ITF-14).
	IsWaybill func(code string) bool
	// Actor is who scans; journaled with every verified order.
	Actor string
	// Clock gives the time; nil means time.Now.
	Clock func() time.Time
	// Authorizer, if set, is asked at every [Verifier.Scan] and [Verifier.Close]
	// whether the principal the context carries may verify parcels
	// ([access.ShipVerify]); a refusal is a [*access.DeniedError], changes
	// nothing, and is journaled on the order of the parcel concerned (the open
	// one, else the one the scanned number names). Nil means no checks.
	Authorizer access.Authorizer
}

// MaxScan is the longest scan the verifier reads; a longer line is garbage.
const MaxScan = 128

// Verifier is one scan verification session at a packing station, fed one
// scan per line as a keyboard-wedge scanner types them: a waybill number opens
// a parcel; item scans (the item's barcode or its SKU; the product label
// carries the barcode) count items; the next waybill number, or a line ".",
// closes it. A Verifier is used by one goroutine at a time.
type Verifier struct {
	o    VerifyOptions
	now  func() time.Time
	cur  *parcel
	seen map[string]bool // numbers whose parcel closed in this session
}

// parcel is the parcel being scanned.
type parcel struct {
	res     Result
	o       *order.Order
	sh      *Shipment
	counts  map[string]int // by SKU
	extra   map[string]int // by the code scanned
	pieces  map[string]bool
	weighed bool
}

// NewVerifier starts a session.
func NewVerifier(opts VerifyOptions) (*Verifier, error) {
	if opts.Orders == nil || opts.Shipments == nil {
		return nil, errors.New("shipment: a verifier needs Orders and Shipments")
	}
	if opts.ToleranceGrams < 0 || opts.TolerancePercent < 0 || math.IsNaN(opts.TolerancePercent) {
		return nil, errors.New("shipment: negative weight tolerance")
	}
	v := &Verifier{o: opts, now: opts.Clock, seen: map[string]bool{}}
	if v.now == nil {
		v.now = time.Now
	}
	if v.o.IsWaybill == nil {
		v.o.IsWaybill = LooksLikeWaybill
	}
	return v, nil
}

// Scan feeds one line. It returns the result of the parcel the line closed, if
// any, or of a line that is no parcel at all (an unknown number, a scan
// outside a parcel). Errors are the stores' only: the session can go on.
func (v *Verifier) Scan(ctx context.Context, line string) (*Result, error) {
	line = strings.TrimSpace(line)
	if err := v.allow(ctx, line); err != nil {
		return nil, err
	}
	if line == "" {
		return nil, nil
	}
	if len(line) > MaxScan || !readable(line) {
		if v.cur != nil {
			v.cur.res.Garbage++
			return nil, nil
		}
		return v.lone("", "unreadable scan"), nil
	}
	if line == "." {
		return v.Close(ctx)
	}
	if w, ok := parseWeight(line); ok {
		if v.cur == nil {
			return v.lone("", "weight without a parcel"), nil
		}
		v.cur.res.WeightGrams, v.cur.weighed = w, true
		return nil, nil
	}
	if p := v.cur; p != nil {
		if line == p.res.TrackingNo {
			return nil, nil // the scanner read the label twice
		}
		if _, ok := p.pieces[line]; ok {
			p.pieces[line] = true
			return nil, nil
		}
		if p.o != nil {
			if sku, ok := itemSKU(p.o, line); ok {
				p.counts[sku]++
				return nil, nil
			}
		}
	}
	sh, err := v.o.Shipments.GetShipment(ctx, line)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	if sh == nil && !v.o.IsWaybill(line) {
		if v.cur == nil {
			return v.lone(line, "not a waybill number, and no parcel is open"), nil
		}
		v.cur.extra[line]++
		return nil, nil
	}
	res, err := v.Close(ctx)
	if err != nil {
		return res, err
	}
	return res, v.open(ctx, line, sh)
}

// Close closes the open parcel, if any, and returns its result.
func (v *Verifier) Close(ctx context.Context) (*Result, error) {
	if err := v.allow(ctx, ""); err != nil {
		return nil, err
	}
	p := v.cur
	if p == nil {
		return nil, nil
	}
	v.cur = nil
	v.seen[p.res.TrackingNo] = true
	res := &p.res
	res.At = v.now()
	if res.Outcome != "" { // blocked or unknown when opened
		return res, nil
	}
	v.compare(ctx, p)
	if res.Outcome == Mismatch {
		return res, nil
	}
	if err := v.weigh(ctx, p); err != nil {
		return res, err
	}
	if res.Outcome == Mismatch {
		return res, nil
	}
	return res, v.pass(ctx, p)
}

// allow checks [access.ShipVerify]; a refusal is journaled on the open parcel's
// order, else on the order of the shipment line names.
func (v *Verifier) allow(ctx context.Context, line string) error {
	if v.o.Authorizer == nil {
		return nil
	}
	err := access.Check(ctx, v.o.Authorizer, access.ShipVerify)
	if err == nil || !errors.Is(err, access.ErrDenied) {
		return err
	}
	id := ""
	if v.cur != nil && v.cur.o != nil {
		id = v.cur.o.ID
	} else if line != "" && len(line) <= MaxScan && readable(line) {
		if sh, gerr := v.o.Shipments.GetShipment(ctx, line); gerr == nil {
			id = sh.OrderID
		}
	}
	return access.JournalRefusal(ctx, err, access.ShipVerify, v.o.Orders, id, v.now)
}

func (v *Verifier) lone(code, reason string) *Result {
	return &Result{TrackingNo: code, Outcome: Unknown, Reason: reason, Actor: v.o.Actor, At: v.now(),
		Missing: []Line{}, Extra: []Line{}}
}

// open starts the parcel of waybill number no; sh is its shipment, nil if none.
func (v *Verifier) open(ctx context.Context, no string, sh *Shipment) error {
	p := &parcel{res: Result{TrackingNo: no, Actor: v.o.Actor, Missing: []Line{}, Extra: []Line{}},
		counts: map[string]int{}, extra: map[string]int{}, pieces: map[string]bool{}, sh: sh}
	v.cur = p
	block := func(format string, a ...any) error {
		p.res.Outcome, p.res.Reason = Blocked, fmt.Sprintf(format, a...)
		return nil
	}
	if sh == nil {
		p.res.Outcome, p.res.Reason = Unknown, "no shipment with this number"
		return nil
	}
	p.res.OrderID = sh.OrderID
	o, err := v.o.Orders.GetOrder(ctx, sh.OrderID)
	if errors.Is(err, order.ErrNotFound) {
		return block("order %s not found", sh.OrderID)
	}
	if err != nil {
		return err
	}
	p.o = o
	if reason := blocked(o, sh); reason != "" {
		return block("%s", reason)
	}
	if v.seen[no] {
		return block("scanned twice in this session: two labels with one number?")
	}
	if v.o.Labels != nil {
		info, ok, err := v.o.Labels.Label(ctx, o.ID)
		if err != nil {
			return err
		}
		switch {
		case ok && info.Revision != o.Revision:
			return block("order changed after printing: label of revision %d, order at %d", info.Revision, o.Revision)
		case ok && !info.Printed:
			return block("the waybill label is queued for a reprint")
		}
	}
	// The pieces of a multi-piece parcel are scanned with it.
	parent := cmp.Or(sh.ParentNo, sh.TrackingNo)
	if sh.Multi() {
		sibs, err := v.o.Shipments.ListShipments(ctx, Filter{OrderID: sh.OrderID})
		if err != nil {
			return err
		}
		for _, s := range sibs {
			if s.TrackingNo != no && cmp.Or(s.ParentNo, s.TrackingNo) == parent && s.State != Voided {
				p.pieces[s.TrackingNo] = false
			}
		}
	}
	return nil
}

// blocked says why a parcel must not be packed, "" if it may.
func blocked(o *order.Order, sh *Shipment) string {
	switch {
	case sh.State == Voided:
		return "waybill " + sh.TrackingNo + " is voided"
	case o.Status == order.Cancelled:
		return "order " + o.ID + " is cancelled (refunded): intercept it"
	case o.Waybill == nil || (o.Waybill.TrackingNo != sh.TrackingNo && o.Waybill.TrackingNo != sh.ParentNo):
		now := "none"
		if o.Waybill != nil {
			now = o.Waybill.TrackingNo
		}
		return "waybill " + sh.TrackingNo + " was replaced (the order's number is now " + now + ")"
	case sh.Revision < o.Revision:
		return fmt.Sprintf("order changed after printing (revision %d, label of %d)", o.Revision, sh.Revision)
	case sh.State.Rank() > Packed.Rank():
		return "parcel was handed over already (" + string(sh.State) + ")"
	case o.Status == order.Shipped:
		return "order " + o.ID + " was shipped already"
	case o.Status != order.Printed && o.Status != order.Verified:
		return "order " + o.ID + " is " + string(o.Status) + ", not printed"
	}
	return ""
}

// compare sets the parcel's missing and extra lines.
func (v *Verifier) compare(ctx context.Context, p *parcel) {
	res := &p.res
	want := map[string]int{}
	var skus []string
	for _, it := range p.o.Items {
		if _, ok := want[it.SKU]; !ok {
			skus = append(skus, it.SKU)
		}
		want[it.SKU] += it.Qty
	}
	for _, sku := range skus {
		got := p.counts[sku]
		switch {
		case got < want[sku]:
			res.Missing = append(res.Missing, Line{SKU: sku, Qty: want[sku] - got})
		case got > want[sku]:
			res.Extra = append(res.Extra, Line{SKU: sku, Qty: got - want[sku]})
		}
	}
	codes := make([]string, 0, len(p.extra))
	for c := range p.extra {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		res.Extra = append(res.Extra, Line{SKU: c, Qty: p.extra[c]})
	}
	var pieces []string
	for no, scanned := range p.pieces {
		if !scanned {
			pieces = append(pieces, no)
		}
	}
	slices.Sort(pieces)
	for _, no := range pieces {
		res.Missing = append(res.Missing, Line{SKU: "piece " + no, Qty: 1})
	}
	switch {
	case res.Garbage > 0:
		res.Outcome, res.Reason = Mismatch, strconv.Itoa(res.Garbage)+" unreadable scans: scan the parcel again"
	case len(res.Missing) > 0 || len(res.Extra) > 0:
		res.Outcome = Mismatch
	}
}

// weigh checks the scale's reading against the items' weight.
func (v *Verifier) weigh(ctx context.Context, p *parcel) error {
	if v.o.Weights == nil || !p.weighed {
		return nil
	}
	total := v.o.PackagingGrams
	for _, it := range p.o.Items {
		g, ok, err := v.o.Weights.Weight(ctx, it.SKU)
		if err != nil {
			return err
		}
		if !ok {
			return nil // unknown weight: no check
		}
		total += g * it.Qty
	}
	res := &p.res
	res.ExpectedGrams = total
	tol := max(float64(v.o.ToleranceGrams), float64(total)*v.o.TolerancePercent/100)
	if math.Abs(float64(res.WeightGrams-total)) > tol {
		res.Outcome = Mismatch
		res.Reason = fmt.Sprintf("weighs %d g, expected %d g ± %.0f g", res.WeightGrams, total, tol)
	}
	return nil
}

// pass records a parcel that checked out: the order moves to verified, the
// shipment to packed. A change to the order since the parcel opened blocks it.
func (v *Verifier) pass(ctx context.Context, p *parcel) error {
	res := &p.res
	at := res.At
	detail := fmt.Sprintf("scan verified %s: %d units", res.TrackingNo, p.o.Units())
	if res.WeightGrams > 0 {
		detail += fmt.Sprintf(", %d g", res.WeightGrams)
	}
	err := v.o.Orders.UpdateOrder(ctx, p.o.ID, func(o *order.Order) ([]order.Event, error) {
		if reason := blocked(o, p.sh); reason != "" || o.Revision != p.o.Revision {
			return nil, errChanged(cmp.Or(reason, "order changed while the parcel was scanned"))
		}
		if o.Status == order.Verified {
			return nil, nil // verified before: a parcel checked again
		}
		ev, err := order.Move(o, order.Verified, at, v.o.Actor, order.ActVerified, detail)
		return []order.Event{ev}, err
	})
	var ce errChanged
	if errors.As(err, &ce) {
		res.Outcome, res.Reason = Blocked, string(ce)
		return nil
	}
	if err != nil {
		return err
	}
	res.Outcome = OK
	err = v.o.Shipments.UpdateShipment(ctx, res.TrackingNo, func(sh *Shipment) error {
		if sh.State == WaybillAllocated {
			if err := Move(sh, LabelPrinted, at); err != nil {
				return err
			}
		}
		if sh.State == LabelPrinted {
			if err := Move(sh, Packed, at); err != nil {
				return err
			}
		}
		if res.WeightGrams > 0 {
			sh.WeightGrams = res.WeightGrams
		}
		return nil
	})
	if err != nil {
		return err
	}
	for no := range p.pieces {
		if err := v.o.Shipments.UpdateShipment(ctx, no, func(sh *Shipment) error {
			if sh.State == LabelPrinted || sh.State == WaybillAllocated {
				sh.State, sh.UpdatedAt = Packed, at
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

type errChanged string

func (e errChanged) Error() string { return string(e) }

// itemSKU finds the order line a scan names by its barcode or SKU.
func itemSKU(o *order.Order, code string) (string, bool) {
	for _, it := range o.Items {
		if it.Barcode != "" && it.Barcode == code {
			return it.SKU, true
		}
	}
	for _, it := range o.Items {
		if it.SKU == code {
			return it.SKU, true
		}
	}
	return "", false
}

// parseWeight reads a scale line: "w:1234" (grams), "w:1234g", "w:1.234kg".
func parseWeight(s string) (int, bool) {
	if len(s) < 3 || (s[0] != 'w' && s[0] != 'W') || (s[1] != ':' && s[1] != '=') {
		return 0, false
	}
	s = strings.ToLower(strings.TrimSpace(s[2:]))
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "kg"):
		s, mult = s[:len(s)-2], 1000
	case strings.HasSuffix(s, "g"):
		s = s[:len(s)-1]
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f*mult > 1e8 || math.IsNaN(f) {
		return 0, false
	}
	return int(math.Round(f * mult)), true
}

func readable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// LooksLikeWaybill reports whether code has the shape of a courier tracking
// number: 10 to 24 capital letters and digits, at least 8 of them digits, and
// not a valid GTIN (the barcode on a product).
func LooksLikeWaybill(code string) bool {
	if len(code) < 10 || len(code) > 24 {
		return false
	}
	digits := 0
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'A' && c <= 'Z':
		default:
			return false
		}
	}
	if digits < 8 {
		return false
	}
	return !(digits == len(code) && (len(code) == 12 || len(code) == 13 || len(code) == 14) && validGTIN(code))
}

// validGTIN checks the GS1 check digit.
func validGTIN(s string) bool {
	sum := 0
	for i := len(s) - 2; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-2-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return (10-sum%10)%10 == int(s[len(s)-1]-'0')
}
