package qa_test

import (
	"context"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/storetest"
)

func ExamplePlanFor() {
	for _, r := range []qa.Regime{qa.Normal, qa.Tightened, qa.Reduced} {
		p, err := qa.PlanFor(1000, qa.II, 2.5, r)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-9s code %s: inspect %d, accept ≤ %d, reject ≥ %d\n", r, p.Code, p.Sample, p.Accept, p.Reject)
	}
	small, _ := qa.PlanFor(10, qa.II, 0.065, qa.Normal)
	fmt.Println("lot of 10 at AQL 0.065:", small.Sample, "items, 100 % inspection:", small.Full)
	// Output:
	// normal    code J: inspect 80, accept ≤ 5, reject ≥ 6
	// tightened code J: inspect 80, accept ≤ 3, reject ≥ 4
	// reduced   code J: inspect 32, accept ≤ 2, reject ≥ 3
	// lot of 10 at AQL 0.065: 10 items, 100 % inspection: true
}

func ExampleSwitching() {
	var sw qa.Switching
	for _, defects := range []int{6, 0, 7, 0, 0, 0, 0, 0} {
		p, _ := qa.PlanFor(1000, qa.II, 2.5, sw.Current())
		accepted, next := sw.Record(p, defects)
		fmt.Printf("%s Ac %d, %d defects: accepted %v, next %s\n", p.Regime, p.Accept, defects, accepted, next)
	}
	// Output:
	// normal Ac 5, 6 defects: accepted false, next normal
	// normal Ac 5, 0 defects: accepted true, next normal
	// normal Ac 5, 7 defects: accepted false, next tightened
	// tightened Ac 3, 0 defects: accepted true, next tightened
	// tightened Ac 3, 0 defects: accepted true, next tightened
	// tightened Ac 3, 0 defects: accepted true, next tightened
	// tightened Ac 3, 0 defects: accepted true, next tightened
	// tightened Ac 3, 0 defects: accepted true, next normal
}

func ExampleSample() {
	ctx := context.Background()
	s := memstore.New()
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	for i := range 100 {
		op := []string{"alice", "bob"}[i%2]
		prn := []string{"zebra-1", "zebra-2", "tsc-1"}[i%3]
		_ = storetest.PrintOrder(ctx, s, fmt.Sprintf("T%03d", i), op, at.Add(time.Duration(i)*time.Minute),
			storetest.PrintedDoc{Kind: printer.Waybill, Template: "waybill-76x130", Version: "3", Printer: prn})
	}
	r, err := qa.Sample(ctx, s, s, qa.SampleOptions{Percent: 3, Seed: 7})
	if err != nil {
		panic(err)
	}
	// 3 % of 100 is 3, but 2 operators and 3 printers must all be in the sample.
	fmt.Println("population", r.Population, "quota", r.Quota, "drawn", len(r.Orders))
	again, _ := qa.Sample(ctx, s, s, qa.SampleOptions{Percent: 3, Seed: 7})
	fmt.Println("the same seed, the same sample:", fmt.Sprint(r.Orders) == fmt.Sprint(again.Orders))
	// Output:
	// population 100 quota 3 drawn 4
	// the same seed, the same sample: true
}

func ExampleRecord() {
	ctx := context.Background()
	s := memstore.New()
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	_ = storetest.PrintOrder(ctx, s, "T1", "alice", at, storetest.PrintedDoc{Kind: printer.Waybill, Template: "waybill-76x130", Version: "3", Printer: "zebra-1"})
	in, _ := qa.Record(ctx, s, qa.Inspection{Order: "T1", Time: at.Add(time.Hour), Result: qa.Fail,
		Defects: []qa.Defect{{Type: "blurred", Severity: qa.Major, Cause: qa.CausePrinter}}})
	fmt.Println(in.Round, in.Operator, in.Docs[0].Printer, in.Docs[0].Template+"@"+in.Docs[0].Version)
	again, _ := qa.Record(ctx, s, qa.Inspection{Order: "T1", Time: at.Add(2 * time.Hour), Result: qa.Pass})
	var all []qa.Inspection
	for x := range s.Inspections(ctx, qa.Filter{Order: "T1"}) {
		all = append(all, x)
	}
	c := qa.Cases(all)[0]
	fmt.Println("re-inspection round", again.Round, "case open:", c.Open())
	// Output:
	// 1 alice zebra-1 waybill-76x130@3
	// re-inspection round 2 case open: false
}
