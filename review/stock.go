package review

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"

	"github.com/dadanhq/dadan/order"
)

// reserve hands out stock across the batch in paid-at order to the orders the
// rules approved, and holds those it cannot serve in full.
func (e *Engine) reserve(ctx context.Context, b *batch, orders []*order.Order, results []Result, dryRun bool) error {
	queue := b.queue[:0]
	defer func() { b.queue = queue[:0] }()
	sorted := true
	for i := range results {
		if results[i].Outcome != Approve {
			continue
		}
		k := paidKey{sec: math.MaxInt64, i: int32(i)}
		if t := orders[i].PaidAt; !t.IsZero() {
			k.sec, k.ns = t.Unix(), int32(t.Nanosecond())
		}
		if n := len(queue); n > 0 && cmpPaid(queue[n-1], k) > 0 {
			sorted = false
		}
		queue = append(queue, k)
	}
	if !sorted {
		// The index breaks ties, so an unstable sort keeps input order.
		slices.SortFunc(queue, cmpPaid)
	}
	b.stock = fresh(b.stock, 64)
	b.entries = b.entries[:0]
	sums := b.sums // per-order totals for orders with many lines
	for _, k := range queue {
		qi := k.i
		o := orders[qi]
		var add []Finding
		lines := o.Items
		if len(lines) > 16 {
			if sums == nil {
				sums = make(map[string]int, 32)
				b.sums = sums
			}
			clear(sums)
			for i := range lines {
				sums[lines[i].SKU] += lines[i].Qty
			}
		}
		// need returns the units of line i's SKU over the order, at its first line.
		need := func(i int) (int, bool) {
			sku := lines[i].SKU
			for j := 0; j < i; j++ {
				if lines[j].SKU == sku {
					return 0, false
				}
			}
			if len(lines) > 16 {
				return sums[sku], true
			}
			n := 0
			for j := i; j < len(lines); j++ {
				if lines[j].SKU == sku {
					n += lines[j].Qty
				}
			}
			return n, true
		}
		b.lineStock = grow(b.lineStock, len(lines))
		for i := range lines {
			b.lineStock[i] = -1
			n, first := need(i)
			if !first {
				continue
			}
			sku := lines[i].SKU
			x, asked := b.stock[sku]
			if !asked {
				free, ok, err := e.inv.Available(ctx, sku)
				if err != nil {
					return &OrderError{OrderID: o.ID, Op: "inventory", Err: err}
				}
				x = int32(len(b.entries))
				b.entries = append(b.entries, stockEntry{free: free, known: ok})
				b.stock[sku] = x
			}
			b.lineStock[i] = x
			switch se := &b.entries[x]; {
			case !se.known:
				add = append(add, Finding{Code: CodeStockUnknown, Field: itemField(i, "sku"), Severity: SeverityHold, Args: []any{sku}})
			case n > se.free:
				add = append(add, Finding{Code: CodeStockShort, Field: itemField(i, "qty"), Severity: SeverityHold, Args: []any{sku, n, max(se.free, 0)}})
			}
		}
		if add == nil {
			for i := range lines {
				if x := b.lineStock[i]; x >= 0 {
					n, _ := need(i)
					b.entries[x].free -= n
				}
			}
			if e.reserver != nil && !dryRun {
				for i := range lines {
					if b.lineStock[i] < 0 {
						continue
					}
					n, _ := need(i)
					if err := e.reserver.Reserve(ctx, o.ID, lines[i].SKU, n); err != nil {
						if ctx.Err() != nil {
							return ctx.Err()
						}
						e.log.WarnContext(ctx, "review: reservation failed", "order", o.ID, "sku", lines[i].SKU, "qty", n, "err", err)
						add = append(add, Finding{Code: CodeReserveFailed, Field: itemField(i, "qty"), Severity: SeverityHold, Args: []any{lines[i].SKU, err.Error()}})
						break
					}
				}
			}
		}
		if add != nil {
			r := &results[qi]
			r.Findings = append(r.Findings, add...)
			r.Outcome = Hold
		}
	}
	return nil
}

// stockEntry is what the batch knows of a SKU's stock.
type stockEntry struct {
	free  int  // units not yet promised in this batch
	known bool // the inventory knows the SKU
}

// paidKey orders the stock queue: paid-at time (orders without one last), then
// input position.
type paidKey struct {
	sec   int64
	ns, i int32
}

func cmpPaid(a, b paidKey) int {
	if c := cmp.Compare(a.sec, b.sec); c != 0 {
		return c
	}
	if c := cmp.Compare(a.ns, b.ns); c != 0 {
		return c
	}
	return cmp.Compare(a.i, b.i)
}

// itemField returns the JSON path of a member of item line i.
func itemField(i int, member string) string {
	return "items[" + strconv.Itoa(i) + "]." + member
}
