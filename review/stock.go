package review

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"

	"github.com/dadanhq/dadan/order"
)

// plan notes what approved order i needs from stock, while the order is still
// in cache from the rules: its paid-at key, and per line the batch's entry for
// the SKU with the units of the SKU over the order (at the SKU's first line;
// later lines of the SKU get no entry). The inventory is not asked yet.
func (b *batch) plan(i int, o *order.Order) {
	k := paidKey{sec: math.MaxInt64, i: int32(i)}
	if t := o.PaidAt; !t.IsZero() {
		k.sec, k.ns = t.Unix(), int32(t.Nanosecond())
	}
	if n := len(b.queue); n > 0 && cmpPaid(b.queue[n-1], k) > 0 {
		b.unsorted = true
	}
	b.queue = append(b.queue, k)
	lines := o.Items
	b.span[i] = span{lo: int32(len(b.reqs)), n: int32(len(lines))}
	many := len(lines) > 16
	if many {
		if b.sums == nil {
			b.sums = make(map[string]int, 32)
		}
		clear(b.sums)
		for j := range lines {
			b.sums[lines[j].SKU] += lines[j].Qty
		}
	}
	for li := range lines {
		sku := lines[li].SKU
		n := 0
		if many {
			// The first line of a SKU takes its sum out of the map.
			var first bool
			if n, first = b.sums[sku]; !first {
				b.reqs = append(b.reqs, stockReq{entry: -1})
				continue
			}
			delete(b.sums, sku)
		} else {
			if seenSKU(lines[:li], sku) {
				b.reqs = append(b.reqs, stockReq{entry: -1})
				continue
			}
			for j := li; j < len(lines); j++ {
				if lines[j].SKU == sku {
					n += lines[j].Qty
				}
			}
		}
		x, ok := b.stock[sku]
		if !ok {
			x = int32(len(b.entries))
			b.entries = append(b.entries, stockEntry{sku: sku})
			b.stock[sku] = x
		}
		b.reqs = append(b.reqs, stockReq{entry: x, n: n})
	}
}

// reserve hands out stock across the batch in paid-at order to the orders the
// rules approved (as [batch.plan] noted them), and holds those it cannot serve
// in full. The inventory is asked about a SKU when the first order needing it
// comes.
func (e *Engine) reserve(ctx context.Context, b *batch, orders []*order.Order, results []Result, dryRun bool) error {
	queue := b.queue
	if b.unsorted {
		// The index breaks ties, so an unstable sort keeps input order.
		slices.SortFunc(queue, cmpPaid)
	}
	for _, k := range queue {
		qi := k.i
		sp := b.span[qi]
		reqs := b.reqs[sp.lo : sp.lo+sp.n]
		var add []Finding
		for li, rq := range reqs {
			if rq.entry < 0 {
				continue
			}
			se := &b.entries[rq.entry]
			if !se.asked {
				free, ok, err := e.inv.Available(ctx, se.sku)
				if err != nil {
					return &OrderError{OrderID: orders[qi].ID, Op: "inventory", Err: err}
				}
				se.free, se.known, se.asked = free, ok, true
			}
			switch {
			case se.known && se.free < 0:
				// Reservations never take free below 0: the inventory said so.
				add = append(add, Finding{Code: CodeStockNegative, Field: itemField(li, "sku"), Severity: SeverityHold, Args: []any{se.sku, se.free}})
			case !se.known:
				add = append(add, Finding{Code: CodeStockUnknown, Field: itemField(li, "sku"), Severity: SeverityHold, Args: []any{se.sku}})
			case rq.n > se.free:
				add = append(add, Finding{Code: CodeStockShort, Field: itemField(li, "qty"), Severity: SeverityHold, Args: []any{se.sku, rq.n, max(se.free, 0)}})
			}
		}
		if add == nil {
			for _, rq := range reqs {
				if rq.entry >= 0 {
					b.entries[rq.entry].free -= rq.n
				}
			}
			if e.reserver != nil && !dryRun {
				o := orders[qi]
				for li, rq := range reqs {
					if rq.entry < 0 {
						continue
					}
					sku := b.entries[rq.entry].sku
					if err := e.reserver.Reserve(ctx, o.ID, sku, rq.n); err != nil {
						if ctx.Err() != nil {
							return ctx.Err()
						}
						e.log.WarnContext(ctx, "review: reservation failed", "order", o.ID, "sku", sku, "qty", rq.n, "err", err)
						add = append(add, Finding{Code: CodeReserveFailed, Field: itemField(li, "qty"), Severity: SeverityHold, Args: []any{sku, err.Error()}})
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
	sku   string
	free  int  // units not yet promised in this batch
	known bool // the inventory knows the SKU
	asked bool // the inventory was asked
}

// stockReq is what one order line needs: entry -1 for a line whose SKU came on
// an earlier line of the order.
type stockReq struct {
	entry int32
	n     int // units of the SKU over the order
}

// span locates an order's lines in batch.reqs.
type span struct{ lo, n int32 }

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
