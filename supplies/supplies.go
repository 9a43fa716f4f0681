// Package supplies keeps the inventory of printing consumables: paper and
// label rolls, thermal-transfer ribbons, toner and ink.
//
// Each consumable is an [Item] known by its spec, such as
// "76x130 热敏 500张/卷". Quantities are whole base units of the item's
// [Kind]: labels for label rolls, millimetres for paper rolls and ribbons,
// pages for toner and ink. [Item.PerPack] converts packs (rolls,
// cartridges) to base units.
//
// Stock changes only through journaled [Movement]s (receipt, issue,
// adjustment), each with its actor and time. Printing is recorded apart with
// [Inventory.RecordPrint]: it does not change stock (the media left the store
// when it was issued) but it says how much media the printed documents
// explain, so [Inventory.Alerts] can flag use beyond that, and it is the
// steady demand from which [Inventory.Reorder] computes reorder points.
package supplies

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Kind is a kind of consumable.
type Kind string

// Kinds of consumables.
const (
	PaperRoll Kind = "paper_roll" // receipt paper, continuous thermal paper
	LabelRoll Kind = "label_roll" // die-cut labels, such as waybills
	Ribbon    Kind = "ribbon"     // thermal-transfer ribbon
	Toner     Kind = "toner"
	Ink       Kind = "ink"
)

// Unit is the base unit quantities of a kind are counted in.
type Unit string

// Units.
const (
	MM    Unit = "mm"
	Label Unit = "label"
	Page  Unit = "page"
)

// Unit returns the base unit of k, or "" for an unknown kind.
func (k Kind) Unit() Unit {
	switch k {
	case PaperRoll, Ribbon:
		return MM
	case LabelRoll:
		return Label
	case Toner, Ink:
		return Page
	}
	return ""
}

// Item is one consumable.
type Item struct {
	Spec    string // the key, such as "76x130 热敏 500张/卷"
	Kind    Kind
	Name    string
	WidthMM float64
	// PerPack is how many base units one pack holds: labels per roll, mm per
	// paper roll or ribbon, pages per cartridge.
	PerPack int64
	// LeadTimeDays is how long an order takes to arrive.
	LeadTimeDays int
	// SafetyStock is kept on top of the lead-time demand, in base units.
	SafetyStock int64
}

// Validate reports whether it is a usable item.
func (it Item) Validate() error {
	switch {
	case it.Spec == "":
		return &FieldError{Field: "Spec", Reason: "is empty"}
	case it.Kind.Unit() == "":
		return &FieldError{Field: "Kind", Reason: fmt.Sprintf("%q is not a consumable kind", it.Kind)}
	case it.PerPack <= 0:
		return &FieldError{Field: "PerPack", Reason: "must be positive"}
	case it.LeadTimeDays < 0 || it.SafetyStock < 0 || it.WidthMM < 0:
		return &FieldError{Field: "LeadTimeDays/SafetyStock/WidthMM", Reason: "must not be negative"}
	}
	return nil
}

// Packs returns q base units as whole packs, rounded up.
func (it Item) Packs(q int64) int64 {
	if q <= 0 {
		return 0
	}
	return (q + it.PerPack - 1) / it.PerPack
}

// MovementType is a kind of stock movement.
type MovementType string

// Movement types.
const (
	Receipt MovementType = "receipt" // goods in
	Issue   MovementType = "issue"   // out of the store, to a packing station
	Adjust  MovementType = "adjust"  // correction with a reason: stocktake, damage, loss
)

// Movement is one journaled change of stock.
type Movement struct {
	ID     string // set by the store
	Spec   string
	Type   MovementType
	Qty    int64 // base units; positive in, negative out
	Actor  string
	At     time.Time
	Reason string // required for adjustments
	Ref    string // purchase order, station, stocktake ID
}

// PrintUse is one record of printing: docs documents that used Units base
// units of the item.
type PrintUse struct {
	Spec  string
	Docs  int64
	Units int64
	At    time.Time
}

// Totals sums print records.
type Totals struct {
	Docs  int64
	Units int64
}

// Stocktake is a physical count compared with the book.
type Stocktake struct {
	ID       string // set by the store
	Spec     string
	At       time.Time
	Actor    string
	Counted  int64
	Book     int64  // stock on hand in the book when counted
	Posted   bool   // the variance has been posted as an adjustment
	Movement string // the ID of the adjustment that posted it
}

// Variance is counted minus book: negative when stock is missing.
func (s Stocktake) Variance() int64 { return s.Counted - s.Book }

// Store keeps items, movements, print records and stocktakes. Methods are
// atomic and safe for concurrent use; records going in and out are copies.
type Store interface {
	// PutSupply creates or replaces an item.
	PutSupply(ctx context.Context, it Item) error
	// Supply returns the item with spec, or [ErrUnknownItem].
	Supply(ctx context.Context, spec string) (Item, error)
	// Supplies returns every item ordered by spec.
	Supplies(ctx context.Context) ([]Item, error)

	// AddMovement journals m with a new ID and returns it with the stock on
	// hand after it. A movement that would take stock below zero stores
	// nothing and returns a [*StockError].
	AddMovement(ctx context.Context, m Movement) (Movement, int64, error)
	// OnHand returns the stock of spec: the sum of its movements.
	OnHand(ctx context.Context, spec string) (int64, error)
	// Movements returns the movements of spec (all items when empty) with
	// from <= At < to, oldest first; equal times in the order they were added.
	Movements(ctx context.Context, spec string, from, to time.Time) ([]Movement, error)

	// AddPrintUse journals a print record.
	AddPrintUse(ctx context.Context, u PrintUse) error
	// PrintTotals sums the print records of spec with from <= At < to.
	PrintTotals(ctx context.Context, spec string, from, to time.Time) (Totals, error)

	// AddStocktake stores s with a new ID and returns it.
	AddStocktake(ctx context.Context, s Stocktake) (Stocktake, error)
	// Stocktake returns the stocktake with id, or [ErrUnknownStocktake].
	Stocktake(ctx context.Context, id string) (Stocktake, error)
	// PostStocktake journals m and marks stocktake id posted, in one step: if
	// the movement fails, the stocktake stays unposted. A posted stocktake gives
	// [ErrAlreadyPosted] and stores nothing; an unknown id gives
	// [ErrUnknownStocktake].
	PostStocktake(ctx context.Context, id string, m Movement) (Movement, error)
}

// Errors of the package.
var (
	ErrUnknownItem       = errors.New("supplies: unknown item")
	ErrUnknownStocktake  = errors.New("supplies: unknown stocktake")
	ErrAlreadyPosted     = errors.New("supplies: stocktake already posted")
	ErrInsufficientStock = errors.New("supplies: not enough stock")
	ErrInvalid           = errors.New("supplies: invalid input")
)

// FieldError names the input field that is wrong. It wraps [ErrInvalid].
type FieldError struct {
	Field  string
	Reason string
}

// Error implements error.
func (e *FieldError) Error() string { return fmt.Sprintf("%v: %s %s", ErrInvalid, e.Field, e.Reason) }

// Unwrap returns [ErrInvalid].
func (e *FieldError) Unwrap() error { return ErrInvalid }

// StockError is a movement that would take stock below zero. It wraps
// [ErrInsufficientStock].
type StockError struct {
	Spec   string
	OnHand int64
	Qty    int64 // the movement's quantity
}

// Error implements error.
func (e *StockError) Error() string {
	return fmt.Sprintf("%v: %s has %d, movement %d", ErrInsufficientStock, e.Spec, e.OnHand, e.Qty)
}

// Unwrap returns [ErrInsufficientStock].
func (e *StockError) Unwrap() error { return ErrInsufficientStock }
