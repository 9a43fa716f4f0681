package supplies_test

import (
	"context"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/supplies"
)

// Waybill labels through a fortnight: received, issued to a packing station,
// printed, reordered, counted.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	inv, _ := supplies.New(memstore.New(), &supplies.Options{Now: func() time.Time { return now }})

	const spec = "76x130 热敏 500张/卷"
	_ = inv.Define(ctx, supplies.Item{Spec: spec, Kind: supplies.LabelRoll, WidthMM: 76,
		PerPack: 500, LeadTimeDays: 3, SafetyStock: 1000})
	_, _ = inv.Receive(ctx, spec, 20*500, "王五", "PO-118")

	start := now
	for range 14 {
		now = now.Add(24 * time.Hour)
		_, _ = inv.Issue(ctx, spec, 500, "王五", "打包台 3") // a roll a day
		_ = inv.RecordPrint(ctx, spec, 480, 480*130)    // 480 waybills a day
	}
	_, _ = inv.Issue(ctx, spec, 2*500, "王五", "打包台 3") // two more rolls, never printed
	onHand, _ := inv.OnHand(ctx, spec)
	fmt.Println("on hand:", onHand)

	sug, _ := inv.Reorder(ctx)
	for _, s := range sug {
		fmt.Printf("reorder %s: %d rolls (use %.0f/day, reorder point %d)\n", s.Spec, s.Packs, s.DailyUse, s.ReorderPoint)
	}
	alerts, _ := inv.Alerts(ctx, start, now.Add(time.Second))
	for _, a := range alerts {
		fmt.Println(a)
	}

	st, _ := inv.Count(ctx, spec, 1980, "赵六")
	fmt.Println("variance:", st.Variance())
	_, _ = inv.PostStocktake(ctx, st.ID, "钱七")
	onHand, _ = inv.OnHand(ctx, spec)
	fmt.Println("on hand after stocktake:", onHand)
	// Output:
	// on hand: 2000
	// reorder 76x130 热敏 500张/卷: 36 rolls (use 571/day, reorder point 2715)
	// excess_use 76x130 热敏 500张/卷: issued 8000, 6720 documents explain 6720, excess 1280 (allowed 500)
	// variance: -20
	// on hand after stocktake: 1980
}
