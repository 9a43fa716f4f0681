package review

import (
	"context"
	"slices"
	"strconv"

	"github.com/dadanhq/dadan/order"
)

// reserve hands out stock across the batch in paid-at order to the orders the
// rules approved, and holds those it cannot serve in full.
func (e *Engine) reserve(ctx context.Context, b *batch, orders []*order.Order, results []Result, dryRun bool) error {
	queue := b.queue[:0]
	defer func() { b.queue = queue[:0] }()
	for i := range results {
		if results[i].Outcome == Approve {
			queue = append(queue, int32(i))
		}
	}
	slices.SortStableFunc(queue, func(a, b int32) int {
		ta, tb := orders[a].PaidAt, orders[b].PaidAt
		switch {
		case ta.IsZero() && tb.IsZero():
			return 0
		case ta.IsZero():
			return 1
		case tb.IsZero():
			return -1
		}
		return ta.Compare(tb)
	})
	b.left, b.known = fresh(b.left, 64), fresh(b.known, 64)
	left := b.left   // units still free by SKU; absent until asked
	known := b.known // whether the inventory knows the SKU
	sums := b.sums   // per-order totals for orders with many lines
	for _, qi := range queue {
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
		need := func(i int) (int, bool) {
			sku := lines[i].SKU
			for j := 0; j < i; j++ {
				if lines[j].SKU == sku {
					return 0, false // counted at its first line
				}
			}
			if sums != nil && len(lines) > 16 {
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
		for i := range lines {
			n, first := need(i)
			if !first {
				continue
			}
			sku := lines[i].SKU
			free, asked := left[sku]
			if !asked {
				var ok bool
				var err error
				free, ok, err = e.inv.Available(ctx, sku)
				if err != nil {
					return &OrderError{OrderID: o.ID, Op: "inventory", Err: err}
				}
				left[sku], known[sku] = free, ok
			}
			switch {
			case !known[sku]:
				add = append(add, Finding{Code: CodeStockUnknown, Field: itemField(i, "sku"), Severity: SeverityHold, Args: []any{sku}})
			case n > free:
				add = append(add, Finding{Code: CodeStockShort, Field: itemField(i, "qty"), Severity: SeverityHold, Args: []any{sku, n, max(free, 0)}})
			}
		}
		if add == nil {
			for i := range lines {
				if n, first := need(i); first {
					left[lines[i].SKU] -= n
				}
			}
			if e.reserver != nil && !dryRun {
				for i := range lines {
					n, first := need(i)
					if !first {
						continue
					}
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

// itemField returns the JSON path of a member of item line i.
func itemField(i int, member string) string {
	return "items[" + strconv.Itoa(i) + "]." + member
}
