package review

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/shopspring/decimal"
)

// Inventory tells how many units of a SKU are on hand. The host implements it;
// review calls it at most once per SKU and batch, from one goroutine.
type Inventory interface {
	// Available returns the units of sku that may be promised to new orders, and
	// whether the inventory knows sku.
	Available(ctx context.Context, sku string) (n int, ok bool, err error)
}

// Reserver is an optional interface of an [Inventory]: review calls Reserve for
// every SKU of every approved order, unless the review is a dry run.
type Reserver interface {
	Reserve(ctx context.Context, orderID, sku string, qty int) error
}

// PriceBook gives the list price of a SKU. The host implements it.
type PriceBook interface {
	// Price returns the unit list price of sku and whether the book knows sku.
	Price(ctx context.Context, sku string) (price decimal.Decimal, ok bool, err error)
}

// Seen tells whether an order id was received before. order stores implement it
// (the memory store has exactly this method).
type Seen interface {
	HasOrder(ctx context.Context, id string) (bool, error)
}

// SeenMany is a [Seen] that answers for many ids at once. The engine asks it
// once per Review call, at the identity rule's first order, for every id of
// the batch the rule checks, instead of once per order: a database store
// answers a batch in a query or two instead of one query an order. The order
// stores implement it.
type SeenMany interface {
	Seen
	// HasOrders reports for each of ids whether an order with that id is
	// stored: the result has one entry per id, in the order of ids.
	HasOrders(ctx context.Context, ids []string) ([]bool, error)
}

// ListKind is what a [Blacklist] entry is matched against.
type ListKind uint8

// Kinds of blacklist entries.
const (
	ListBuyer   ListKind = iota + 1 // the buyer's platform nick
	ListPhone                       // the recipient phone as [Phone.Full] gives it: 13800138000, 057187654321
	ListAddress                     // the recipient's full address without white space and punctuation
)

// Blacklist tells whether a buyer, phone or address is barred. The host implements it.
type Blacklist interface {
	Listed(ctx context.Context, kind ListKind, value string) (bool, error)
}

// StockMap is an in-memory [Inventory]: units on hand by SKU. It decodes from the
// JSON object of a stock file. It does not implement [Reserver].
type StockMap map[string]int

// Available returns m[sku].
func (m StockMap) Available(_ context.Context, sku string) (int, bool, error) {
	n, ok := m[sku]
	return n, ok, nil
}

// PriceMap is an in-memory [PriceBook]: list prices by SKU. It decodes from the
// JSON object of a price file (decimal strings).
type PriceMap map[string]decimal.Decimal

// Price returns m[sku].
func (m PriceMap) Price(_ context.Context, sku string) (decimal.Decimal, bool, error) {
	p, ok := m[sku]
	return p, ok, nil
}

var (
	_ Inventory = StockMap(nil)
	_ PriceBook = PriceMap(nil)
)

// DefaultKeywords returns the remark keywords that hold an order by default: the
// buyer or seller asks for something a person must do before printing (change the
// address, stop, refund, exchange, hurry, cash on delivery, a named courier, an
// invoice).
func DefaultKeywords() []string {
	return []string{
		"改地址", "修改地址", "换地址", "地址错", "地址有误", "不要发", "别发", "先别发", "暂不发", "暂停发货",
		"退款", "退货", "换货", "拦截", "加急", "急用", "急件", "到付", "顺丰", "发票",
	}
}

// DefaultHoldFlags returns the order flags that hold an order by default: the
// red flag, and "address_changed", which platform imports set when the buyer
// changed the address after paying.
func DefaultHoldFlags() []string { return []string{"red", "address_changed"} }

// Config wires an [Engine]. The zero Config reviews with the built-in rules and no
// stock, price, store or blacklist checks.
type Config struct {
	Inventory Inventory // nil: no stock check
	Prices    PriceBook // nil: no price check
	Seen      Seen      // nil: duplicates only within the batch
	Blacklist Blacklist // nil: no blacklist

	// Rules are the per-order rules, run in order; nil means DefaultRules().
	Rules RuleSet
	// Keywords hold an order when a remark contains one (case-insensitive); nil
	// means DefaultKeywords(), an empty non-nil slice means none.
	Keywords []string
	// HoldFlags hold an order that carries one; nil means DefaultHoldFlags(), an
	// empty non-nil slice means none.
	HoldFlags []string
	// MergeSeverity is the severity of "order.merge_candidate"; zero means
	// SeverityHold. SeverityInfo notes candidates without holding them.
	MergeSeverity Severity
	// MaxPaidAge holds an order paid longer ago than this by the engine's clock
	// ("order.paid_at.old"); zero means no limit.
	MaxPaidAge time.Duration

	Now    func() time.Time // the clock rules may read; nil means time.Now
	Logger *slog.Logger     // nil discards
}

// ErrConfig is wrapped by the errors of [Config.Validate].
var ErrConfig = errors.New("review: bad config")

// Validate reports a config New would refuse.
func (c *Config) Validate() error {
	if c.MergeSeverity > SeverityReject {
		return fmt.Errorf("%w: merge severity %d", ErrConfig, c.MergeSeverity)
	}
	if c.MaxPaidAge < 0 {
		return fmt.Errorf("%w: negative MaxPaidAge", ErrConfig)
	}
	for _, k := range c.Keywords {
		if strings.TrimSpace(k) == "" {
			return fmt.Errorf("%w: blank keyword", ErrConfig)
		}
	}
	for i, r := range c.Rules {
		if r == nil {
			return fmt.Errorf("%w: rule %d is nil", ErrConfig, i)
		}
	}
	return nil
}

// Engine reviews batches of orders. It is safe for concurrent use if the host's
// Inventory, PriceBook, Seen and Blacklist are; concurrent reviews do not see each
// other's reservations.
type Engine struct {
	inv        Inventory
	reserver   Reserver
	prices     PriceBook
	seen       Seen
	blacklist  Blacklist
	rules      RuleSet
	keywords   []string
	holdFlags  []string
	mergeSev   Severity
	maxPaidAge time.Duration
	now        func() time.Time
	log        *slog.Logger
	pool       sync.Pool // of *batch
	seed       maphash.Seed
}

// New returns an engine for cfg.
func New(cfg Config) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := &Engine{
		inv:        cfg.Inventory,
		prices:     cfg.Prices,
		seen:       cfg.Seen,
		blacklist:  cfg.Blacklist,
		rules:      cfg.Rules,
		keywords:   cfg.Keywords,
		holdFlags:  cfg.HoldFlags,
		mergeSev:   cfg.MergeSeverity,
		maxPaidAge: cfg.MaxPaidAge,
		now:        cfg.Now,
		log:        cfg.Logger,
		seed:       maphash.MakeSeed(),
	}
	if r, ok := cfg.Inventory.(Reserver); ok {
		e.reserver = r
	}
	if e.rules == nil {
		e.rules = DefaultRules()
	}
	if e.keywords == nil {
		e.keywords = DefaultKeywords()
	} else {
		e.keywords = append([]string(nil), e.keywords...)
	}
	if e.holdFlags == nil {
		e.holdFlags = DefaultHoldFlags()
	} else {
		e.holdFlags = append([]string(nil), e.holdFlags...)
	}
	if e.mergeSev == 0 {
		e.mergeSev = SeverityHold
	}
	if e.now == nil {
		e.now = time.Now
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	return e, nil
}

// Options tune one review. Nil options mean the defaults.
type Options struct {
	// DryRun returns the findings without reserving stock (no Reserver calls).
	DryRun bool
	// Pending are orders already accepted and not yet shipped: a batch order with
	// the same shop, buyer and recipient as one of them is a merge candidate.
	Pending []*order.Order
}

// Result is the review of one order.
type Result struct {
	OrderID  string
	Outcome  Outcome
	Findings []Finding // nil when there are none
}

// ErrNilOrder is returned when a batch holds a nil order.
var ErrNilOrder = errors.New("review: nil order")

// OrderError reports a host interface that failed while an order was reviewed.
type OrderError struct {
	OrderID string
	Op      string // "inventory", "reserve", "price book", "seen", "blacklist", or a rule's name
	Err     error
}

func (e *OrderError) Error() string {
	return "review: order " + e.OrderID + ": " + e.Op + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *OrderError) Unwrap() error { return e.Err }

// Review reviews orders as one batch and returns one result per order, in input
// order. It does not change the orders.
//
// The per-order rules run first. Then stock is reserved across the batch in
// paid-at order (stable: ties keep input order; orders without a paid-at time come
// last): an order that would otherwise be approved takes its units if all of them
// are left, else it is held with "stock.short" and takes nothing. Orders held or
// rejected for other reasons reserve nothing, so they do not starve later payers;
// they are reviewed again when resolved. Unless opts.DryRun, approved orders are
// reserved with the Inventory's Reserver.
//
// A failing host interface ends the review with an [*OrderError]; a cancelled ctx
// ends it with ctx.Err().
func (e *Engine) Review(ctx context.Context, orders []*order.Order, opts *Options) ([]Result, error) {
	var none Options
	if opts == nil {
		opts = &none
	}
	for _, o := range orders {
		if o == nil {
			return nil, ErrNilOrder
		}
	}
	b, _ := e.pool.Get().(*batch)
	if b == nil {
		b = new(batch)
	}
	defer func() {
		b.release()
		e.pool.Put(b)
	}()
	b.reset(e.seed, orders, opts)
	results := make([]Result, len(orders))
	rep := &b.rep
	c := &b.ctx
	*c = Context{ctx: ctx, e: e, b: b}
	for i, o := range orders {
		if i&255 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		c.reset(i, o)
		rep.next()
		e.rules.Check(c, o, rep)
		if c.err != nil {
			return nil, c.err
		}
		results[i] = Result{OrderID: o.ID, Outcome: OutcomeOf(rep.worst), Findings: rep.take()}
		if e.inv != nil && results[i].Outcome == Approve {
			b.plan(i, o)
		}
	}
	if b.merge != nil {
		e.dropRejectedMerges(b, orders, results)
	}
	if e.inv != nil {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := e.reserve(ctx, b, orders, results, opts.DryRun); err != nil {
			return nil, err
		}
	}
	if e.log.Enabled(ctx, slog.LevelDebug) {
		e.log.DebugContext(ctx, "review", "orders", len(orders), "dry_run", opts.DryRun)
	}
	return results, nil
}

// dropRejectedMerges takes rejected orders out of merge suggestions: a rejected
// order suggests no merge and is suggested to none. An order left without
// candidates loses its finding, and its outcome is worked out again.
func (e *Engine) dropRejectedMerges(b *batch, orders []*order.Order, results []Result) {
	rejected := map[string]bool{}
	for i := range results {
		if results[i].Outcome == Reject {
			rejected[orders[i].ID] = true
		}
	}
	if len(rejected) == 0 {
		return
	}
	for k, names := range b.merge {
		i := int(k)
		r := &results[i]
		kept := names[:0:0]
		if r.Outcome != Reject {
			for _, n := range names {
				if !rejected[n] {
					kept = append(kept, n)
				}
			}
		}
		if len(kept) == len(names) {
			continue
		}
		fs := r.Findings[:0]
		worst := Severity(0)
		for _, f := range r.Findings {
			if f.Code == CodeMergeCandidate {
				if len(kept) == 0 {
					continue
				}
				f.Args = []any{strings.Join(kept, ", ")}
			}
			worst = max(worst, f.Severity)
			fs = append(fs, f)
		}
		if len(fs) == 0 {
			fs = nil
		}
		before := r.Outcome
		r.Findings, r.Outcome = fs, OutcomeOf(worst)
		if e.inv != nil && before != Approve && r.Outcome == Approve {
			b.plan(i, orders[i])
		}
	}
}

// Rule checks one order and adds its findings to r. Rules must not change o;
// they report host failures with [Context.Fail].
type Rule interface {
	Check(c *Context, o *order.Order, r *Report)
}

// RuleFunc adapts a function to a [Rule].
type RuleFunc func(c *Context, o *order.Order, r *Report)

// Check calls f.
func (f RuleFunc) Check(c *Context, o *order.Order, r *Report) { f(c, o, r) }

// RuleSet is a rule that runs its rules in order, stopping at a failure.
type RuleSet []Rule

// Check runs every rule of s.
func (s RuleSet) Check(c *Context, o *order.Order, r *Report) {
	for _, rule := range s {
		rule.Check(c, o, r)
		if c.err != nil {
			return
		}
	}
}

// DefaultRules returns the built-in per-order rules: [CheckIdentity],
// [CheckRecipient], [CheckPrinted], [CheckOrder], [CheckPhone], [CheckItems], [CheckTotal], [CheckMerge],
// [CheckRemarks], [CheckFlags] and [CheckBlacklist]. Stock is not a rule: the
// engine reserves it across the batch after the rules ran.
func DefaultRules() RuleSet {
	return RuleSet{
		RuleFunc(CheckIdentity),
		RuleFunc(CheckRecipient),
		RuleFunc(CheckPrinted),
		RuleFunc(CheckOrder),
		RuleFunc(CheckPhone),
		RuleFunc(CheckItems),
		RuleFunc(CheckTotal),
		RuleFunc(CheckMerge),
		RuleFunc(CheckRemarks),
		RuleFunc(CheckFlags),
		RuleFunc(CheckBlacklist),
	}
}

// Context is what a rule may use besides the order: the request context, the
// engine's host interfaces and settings, and what review knows about the batch.
// A Context is reused for every order of a batch; rules must not keep it.
type Context struct {
	ctx context.Context
	e   *Engine
	b   *batch
	i   int
	o   *order.Order
	err error

	phoneDone bool
	phone     Phone
	phoneErr  error
}

func (c *Context) reset(i int, o *order.Order) {
	c.i, c.o = i, o
	c.phoneDone = false
}

// Context returns the context of the review call.
func (c *Context) Context() context.Context { return c.ctx }

// Index returns the position of the current order in the batch.
func (c *Context) Index() int { return c.i }

// Now returns the engine clock's time.
func (c *Context) Now() time.Time { return c.e.now() }

// Logger returns the engine's logger.
func (c *Context) Logger() *slog.Logger { return c.e.log }

// DryRun reports whether the review is a dry run.
func (c *Context) DryRun() bool { return c.b.dryRun }

// Phone returns the current order's recipient phone normalised by
// [NormalizePhoneIn] for the recipient's region (Hong Kong, Macao and Taiwan
// addresses accept local numbers of those regions), computed once per order.
func (c *Context) Phone() (Phone, error) {
	if !c.phoneDone {
		s := c.o.Recipient.Phone
		if len(s) == 11 && isMobile(s) {
			c.phone, c.phoneErr = Phone{Kind: Mobile, Number: s}, nil
		} else {
			c.phone, c.phoneErr = NormalizePhoneIn(s, phoneRegion(c.o.Recipient.Province))
		}
		c.phoneDone = true
	}
	return c.phone, c.phoneErr
}

// hasOrder reports whether the current order's id is stored, through the
// engine's [Seen]. With a [SeenMany] the first call of a review asks for every
// order of the batch the identity rule checks: first occurrences of an id,
// orders without a status.
func (c *Context) hasOrder() (bool, error) {
	many, ok := c.e.seen.(SeenMany)
	if !ok {
		return c.e.seen.HasOrder(c.ctx, c.o.ID)
	}
	b := c.b
	if !b.storedAsked {
		b.storedAsked = true
		b.stored = grow(b.stored, len(b.orders))
		clear(b.stored)
		var ids []string
		var at []int
		for i, o := range b.orders {
			if !blank(o.ID) && o.Status == "" && int(b.first[i]) == i {
				ids, at = append(ids, o.ID), append(at, i)
			}
		}
		got, err := many.HasOrders(c.ctx, ids)
		switch {
		case err != nil:
			b.storedErr = err
		case len(got) != len(ids):
			b.storedErr = fmt.Errorf("review: HasOrders answered %d of %d ids", len(got), len(ids))
		default:
			for k, i := range at {
				b.stored[i] = got[k]
			}
		}
	}
	if b.storedErr != nil {
		return false, b.storedErr
	}
	return b.stored[c.i], nil
}

// Fail ends the review with err, which names the current order and op. The
// first failure wins.
func (c *Context) Fail(op string, err error) {
	if c.err == nil && err != nil {
		c.err = &OrderError{OrderID: c.o.ID, Op: op, Err: err}
	}
}
