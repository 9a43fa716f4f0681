package supplies

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/dadanhq/dadan/access"
)

// Options configure an [Inventory]. The zero value means defaults.
type Options struct {
	// Now is the clock. Default time.Now.
	Now func() time.Time
	// Window is the trailing period daily use is averaged over. Default 14 days.
	Window time.Duration
	// CoverDays is how many days of use an order should cover beyond the
	// reorder point. Default 30.
	CoverDays int
	// Tolerance is the share of printed use that issues may exceed before
	// [Inventory.Alerts] reports it. Default 0.05; it is never less than one
	// pack (a roll loaded in a printer is issued but not yet printed).
	Tolerance float64
	// Authorizer, if set, is asked whether the principal the context carries may
	// do each change: defining items, receipts, issues, adjustments and
	// stocktakes need [access.SuppliesManage]; recording prints
	// ([Inventory.RecordPrint], [Recorder.RecordUsage]) needs [access.Print].
	// A refusal is a [*access.DeniedError] and changes nothing. Reads (items,
	// stock, movements, reorder suggestions, alerts) hold no personal data and
	// need no permission. Nil means no checks.
	Authorizer access.Authorizer
}

// Validate reports whether o is usable.
func (o *Options) Validate() error {
	switch {
	case o == nil:
		return nil
	case o.Window < 0 || (o.Window > 0 && o.Window < 24*time.Hour):
		return &FieldError{Field: "Window", Reason: "must be at least a day"}
	case o.CoverDays < 0:
		return &FieldError{Field: "CoverDays", Reason: "must not be negative"}
	case o.Tolerance < 0 || math.IsNaN(o.Tolerance):
		return &FieldError{Field: "Tolerance", Reason: "must not be negative"}
	}
	return nil
}

// Inventory is the consumables ledger over a [Store]. It is safe for
// concurrent use.
type Inventory struct {
	store Store
	opts  Options
}

// New returns an inventory over store.
func New(store Store, opts *Options) (*Inventory, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	inv := &Inventory{store: store}
	if opts != nil {
		inv.opts = *opts
	}
	o := &inv.opts
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Window == 0 {
		o.Window = 14 * 24 * time.Hour
	}
	if o.CoverDays == 0 {
		o.CoverDays = 30
	}
	if o.Tolerance == 0 {
		o.Tolerance = 0.05
	}
	return inv, nil
}

// Define creates or updates an item.
func (inv *Inventory) Define(ctx context.Context, it Item) error {
	if err := access.Check(ctx, inv.opts.Authorizer, access.SuppliesManage); err != nil {
		return err
	}
	if err := it.Validate(); err != nil {
		return err
	}
	return inv.store.PutSupply(ctx, it)
}

// Item returns the item with spec.
func (inv *Inventory) Item(ctx context.Context, spec string) (Item, error) {
	return inv.store.Supply(ctx, spec)
}

// OnHand returns the stock of spec in base units.
func (inv *Inventory) OnHand(ctx context.Context, spec string) (int64, error) {
	if _, err := inv.store.Supply(ctx, spec); err != nil {
		return 0, err
	}
	return inv.store.OnHand(ctx, spec)
}

// Receive journals qty base units coming in.
func (inv *Inventory) Receive(ctx context.Context, spec string, qty int64, actor, ref string) (Movement, error) {
	if err := access.Check(ctx, inv.opts.Authorizer, access.SuppliesManage); err != nil {
		return Movement{}, err
	}
	if qty <= 0 {
		return Movement{}, &FieldError{Field: "qty", Reason: "must be positive"}
	}
	return inv.move(ctx, Movement{Spec: spec, Type: Receipt, Qty: qty, Actor: actor, Ref: ref})
}

// Issue journals qty base units leaving the store, for instance to a packing
// station given as ref. Issuing more than is on hand gives a [*StockError].
func (inv *Inventory) Issue(ctx context.Context, spec string, qty int64, actor, ref string) (Movement, error) {
	if err := access.Check(ctx, inv.opts.Authorizer, access.SuppliesManage); err != nil {
		return Movement{}, err
	}
	if qty <= 0 {
		return Movement{}, &FieldError{Field: "qty", Reason: "must be positive"}
	}
	return inv.move(ctx, Movement{Spec: spec, Type: Issue, Qty: -qty, Actor: actor, Ref: ref})
}

// Adjust journals a correction of delta base units (negative for loss or
// damage) with its reason.
func (inv *Inventory) Adjust(ctx context.Context, spec string, delta int64, actor, reason string) (Movement, error) {
	if err := access.Check(ctx, inv.opts.Authorizer, access.SuppliesManage); err != nil {
		return Movement{}, err
	}
	switch {
	case delta == 0:
		return Movement{}, &FieldError{Field: "delta", Reason: "is zero"}
	case strings.TrimSpace(reason) == "":
		return Movement{}, &FieldError{Field: "reason", Reason: "is required for an adjustment"}
	}
	return inv.move(ctx, Movement{Spec: spec, Type: Adjust, Qty: delta, Actor: actor, Reason: reason})
}

func (inv *Inventory) move(ctx context.Context, m Movement) (Movement, error) {
	if strings.TrimSpace(m.Actor) == "" {
		return Movement{}, &FieldError{Field: "actor", Reason: "is empty"}
	}
	if _, err := inv.store.Supply(ctx, m.Spec); err != nil {
		return Movement{}, err
	}
	m.At = inv.opts.Now()
	m, _, err := inv.store.AddMovement(ctx, m)
	return m, err
}

// Movements returns the journal of spec (every item when empty) for
// from <= At < to, oldest first.
func (inv *Inventory) Movements(ctx context.Context, spec string, from, to time.Time) ([]Movement, error) {
	return inv.store.Movements(ctx, spec, from, to)
}

// RecordPrint records that docs documents were printed on spec using mediaMM
// millimetres of media in all. The base units used are mediaMM for paper
// rolls and ribbons (rounded to whole mm), and docs for label rolls, toner
// and ink. Stock does not change: see the package comment.
func (inv *Inventory) RecordPrint(ctx context.Context, spec string, docs int, mediaMM float64) error {
	if err := access.Check(ctx, inv.opts.Authorizer, access.Print); err != nil {
		return err
	}
	if docs < 0 {
		return &FieldError{Field: "docs", Reason: "must not be negative"}
	}
	if mediaMM < 0 || math.IsNaN(mediaMM) || math.IsInf(mediaMM, 0) {
		return &FieldError{Field: "mediaMM", Reason: fmt.Sprintf("is %v", mediaMM)}
	}
	it, err := inv.store.Supply(ctx, spec)
	if err != nil {
		return err
	}
	units := int64(docs)
	if it.Kind.Unit() == MM {
		units = int64(math.Round(mediaMM))
	}
	return inv.store.AddPrintUse(ctx, PrintUse{Spec: spec, Docs: int64(docs), Units: units, At: inv.opts.Now()})
}

// Recorder records prints per device for the specs loaded in each; its
// RecordUsage method has the signature of printer.UsageRecorder, so a
// spooler can feed the inventory directly.
type Recorder struct {
	inv    *Inventory
	loaded map[string][]string
}

// Recorder returns a [Recorder]; loaded maps a device name to the specs it
// uses per print (a label roll and a ribbon, say).
func (inv *Inventory) Recorder(loaded map[string][]string) *Recorder {
	c := make(map[string][]string, len(loaded))
	for d, specs := range loaded {
		c[d] = append([]string(nil), specs...)
	}
	return &Recorder{inv: inv, loaded: c}
}

// RecordUsage calls [Inventory.RecordPrint] for each spec loaded in device.
// A device with nothing loaded is not tracked: it records nothing.
func (r *Recorder) RecordUsage(ctx context.Context, device string, docs int, mediaMM float64) error {
	for _, spec := range r.loaded[device] {
		if err := r.inv.RecordPrint(ctx, spec, docs, mediaMM); err != nil {
			return fmt.Errorf("supplies: device %s: %w", device, err)
		}
	}
	return nil
}

// Count records a physical count of spec and returns the stocktake with the
// book quantity at this moment; see [Stocktake.Variance].
func (inv *Inventory) Count(ctx context.Context, spec string, counted int64, actor string) (Stocktake, error) {
	if err := access.Check(ctx, inv.opts.Authorizer, access.SuppliesManage); err != nil {
		return Stocktake{}, err
	}
	switch {
	case counted < 0:
		return Stocktake{}, &FieldError{Field: "counted", Reason: "must not be negative"}
	case strings.TrimSpace(actor) == "":
		return Stocktake{}, &FieldError{Field: "actor", Reason: "is empty"}
	}
	if _, err := inv.store.Supply(ctx, spec); err != nil {
		return Stocktake{}, err
	}
	book, err := inv.store.OnHand(ctx, spec)
	if err != nil {
		return Stocktake{}, err
	}
	return inv.store.AddStocktake(ctx, Stocktake{Spec: spec, At: inv.opts.Now(), Actor: actor, Counted: counted, Book: book})
}

// PostStocktake posts the variance of stocktake id as an adjustment (also
// when it is zero, so the journal shows the count confirmed the book).
// Posting twice gives [ErrAlreadyPosted].
func (inv *Inventory) PostStocktake(ctx context.Context, id, actor string) (Movement, error) {
	if err := access.Check(ctx, inv.opts.Authorizer, access.SuppliesManage); err != nil {
		return Movement{}, err
	}
	if strings.TrimSpace(actor) == "" {
		return Movement{}, &FieldError{Field: "actor", Reason: "is empty"}
	}
	st, err := inv.store.Stocktake(ctx, id)
	if err != nil {
		return Movement{}, err
	}
	return inv.store.PostStocktake(ctx, id, Movement{
		Spec: st.Spec, Type: Adjust, Qty: st.Variance(), Actor: actor, At: inv.opts.Now(),
		Reason: fmt.Sprintf("stocktake: counted %d, book %d", st.Counted, st.Book), Ref: id,
	})
}

// Suggestion is an item to order.
type Suggestion struct {
	Spec         string
	OnHand       int64
	DailyUse     float64 // base units per day
	ReorderPoint int64   // lead-time use plus safety stock
	Qty          int64   // to order, in base units, whole packs
	Packs        int64
}

// Reorder returns the items whose stock is at or below their reorder point,
// ordered by spec. Daily use is the larger of what was issued and what was
// printed over the trailing window, so a station that does not record prints,
// or one that takes rolls in lumps, still reorders in time. The reorder point
// is daily use × lead time + safety stock; the suggested quantity brings
// stock up to the reorder point plus CoverDays of use, rounded up to packs.
func (inv *Inventory) Reorder(ctx context.Context) ([]Suggestion, error) {
	items, err := inv.store.Supplies(ctx)
	if err != nil {
		return nil, err
	}
	// The trailing window (now-Window, now]: what happened this instant counts.
	to := inv.opts.Now().Add(time.Nanosecond)
	from := to.Add(-inv.opts.Window)
	days := inv.opts.Window.Hours() / 24
	var out []Suggestion
	for _, it := range items {
		onHand, err := inv.store.OnHand(ctx, it.Spec)
		if err != nil {
			return nil, err
		}
		issued, printed, err := inv.use(ctx, it.Spec, from, to)
		if err != nil {
			return nil, err
		}
		daily := float64(max(issued, printed.Units)) / days
		rop := int64(math.Ceil(daily*float64(it.LeadTimeDays))) + it.SafetyStock
		if onHand > rop {
			continue
		}
		want := rop + int64(math.Ceil(daily*float64(inv.opts.CoverDays))) - onHand
		if want <= 0 {
			continue
		}
		packs := it.Packs(want)
		out = append(out, Suggestion{Spec: it.Spec, OnHand: onHand, DailyUse: daily, ReorderPoint: rop,
			Qty: packs * it.PerPack, Packs: packs})
	}
	return out, nil
}

// use returns the units issued and the print totals of spec in [from, to).
func (inv *Inventory) use(ctx context.Context, spec string, from, to time.Time) (issued int64, printed Totals, err error) {
	ms, err := inv.store.Movements(ctx, spec, from, to)
	if err != nil {
		return 0, Totals{}, err
	}
	for _, m := range ms {
		if m.Type == Issue {
			issued -= m.Qty
		}
	}
	printed, err = inv.store.PrintTotals(ctx, spec, from, to)
	return issued, printed, err
}

// AlertKind is a kind of [Alert].
type AlertKind string

// Alert kinds.
const (
	// ExcessUse: more media was issued than the printed documents explain.
	ExcessUse AlertKind = "excess_use"
	// UnissuedUse: more was printed than was issued, so issues go unrecorded.
	UnissuedUse AlertKind = "unissued_use"
)

// Alert is abnormal use of one item over a period.
type Alert struct {
	Kind      AlertKind
	Spec      string
	From, To  time.Time
	Issued    int64 // base units issued
	Docs      int64 // documents printed
	Explained int64 // base units the printed documents used
	Excess    int64 // Issued - Explained (negative for UnissuedUse)
	Allowed   int64 // the tolerance, in base units
}

// String describes the alert in one line.
func (a Alert) String() string {
	return fmt.Sprintf("%s %s: issued %d, %d documents explain %d, excess %d (allowed %d)",
		a.Kind, a.Spec, a.Issued, a.Docs, a.Explained, a.Excess, a.Allowed)
}

// Alerts compares, per item, what was issued in [from, to) with what the
// documents printed in that period explain. A difference beyond the
// tolerance (Options.Tolerance of the printed use, at least one pack) is an
// alert: [ExcessUse] for waste or loss, [UnissuedUse] for prints from stock
// that was never issued. Items are in spec order.
func (inv *Inventory) Alerts(ctx context.Context, from, to time.Time) ([]Alert, error) {
	items, err := inv.store.Supplies(ctx)
	if err != nil {
		return nil, err
	}
	var out []Alert
	for _, it := range items {
		issued, printed, err := inv.use(ctx, it.Spec, from, to)
		if err != nil {
			return nil, err
		}
		allowed := max(int64(math.Ceil(float64(printed.Units)*inv.opts.Tolerance)), it.PerPack)
		a := Alert{Spec: it.Spec, From: from, To: to, Issued: issued, Docs: printed.Docs,
			Explained: printed.Units, Excess: issued - printed.Units, Allowed: allowed}
		switch {
		case a.Excess > allowed:
			a.Kind = ExcessUse
		case -a.Excess > allowed:
			a.Kind = UnissuedUse
		default:
			continue
		}
		out = append(out, a)
	}
	return out, nil
}
