// QA runs quality inspection on a week of printed orders in the memory store:
// it draws a 5 % sample stratified by operator and printer, inspects it (one
// printer prints blurred labels, one template version cuts the address off),
// sends the failures to rework and inspects them again, inspects lots by
// ISO 2859-1, and writes the report (report.html, charts, summary.json) to a
// temporary directory, or to the directory given as the first argument.
package main

import (
	"context"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/qa/report"
	"github.com/dadanhq/dadan/store/memstore"
)

func main() {
	ctx := context.Background()
	s := memstore.New()
	rng := rand.New(rand.NewPCG(2026, 11)) // seeded: the same run every time
	start := time.Date(2026, 11, 9, 8, 0, 0, 0, time.UTC)
	operators := []string{"王芳", "李强", "张伟", "刘洋"}
	printers := []string{"zebra-1", "zebra-2", "tsc-1"}

	// 1. A week of printed orders: the printed event's actor is the operator,
	// the job says which printer and which template version.
	for i := range 2000 {
		at := start.Add(time.Duration(i) * 5 * time.Minute)
		id := fmt.Sprintf("TB%08d", 26110000+i)
		op, prn := operators[rng.IntN(len(operators))], printers[rng.IntN(len(printers))]
		version := "3"
		if at.Day() >= 12 {
			version = "4" // the new version went live on the 12th
		}
		if err := printOrder(ctx, s, id, op, prn, version, at); err != nil {
			log.Fatal(err)
		}
	}

	// 2. Draw at least 5 % of the week.
	sample, err := qa.Sample(ctx, s, s, qa.SampleOptions{Percent: 5, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("printed %d, drawn %d (at least %d), %d operators and %d printers represented\n",
		sample.Population, len(sample.Orders), sample.Quota, sample.Operators, sample.Printers)

	// 3. Inspect the sample; failures go to rework and are inspected again.
	for _, d := range sample.Orders {
		p, err := s.PrintedOrder(ctx, d.Order)
		if err != nil {
			log.Fatal(err)
		}
		in := qa.Inspection{Order: d.Order, Time: d.Time.Add(2 * time.Hour), Inspector: "质检员", Result: qa.Pass,
			Checks: []qa.Check{{Item: qa.CheckAddress, OK: true}, {Item: qa.CheckClarity, OK: true}}}
		switch {
		case p.Docs[0].Printer == "zebra-2" && rng.IntN(4) == 0:
			in.Result, in.Defects = qa.Fail, []qa.Defect{{Type: "blurred", Severity: qa.Major, Cause: qa.CausePrinter, Note: "打印头脏污"}}
		case p.Docs[0].Version == "4" && rng.IntN(5) == 0:
			in.Result, in.Defects = qa.Fail, []qa.Defect{{Type: "address_cut_off", Severity: qa.Critical, Cause: qa.CauseTemplate}}
		case rng.IntN(30) == 0:
			in.Result, in.Defects = qa.Fail, []qa.Defect{{Type: "wrong_item", Severity: qa.Major, Cause: qa.CauseOperator}}
		case rng.IntN(20) == 0:
			in.Defects = []qa.Defect{{Type: "smudge", Severity: qa.Minor, Cause: qa.CauseSupplies}}
		}
		first, err := qa.Record(ctx, s, in)
		if err != nil {
			log.Fatal(err)
		}
		if first.Result == qa.Fail { // reworked by the operator, then inspected again
			if _, err := qa.Record(ctx, s, qa.Inspection{Order: d.Order, Time: in.Time.Add(time.Hour), Inspector: "质检员", Result: qa.Pass}); err != nil {
				log.Fatal(err)
			}
		}
	}

	// 4. Lots of 1000 labels from the supplier, AQL 2.5: the switching rules
	// follow the results.
	for i, defects := range []int{1, 6, 2, 7, 1, 0, 2, 1, 0, 3} {
		l, err := qa.RecordLot(ctx, s, qa.Lot{Time: start.Add(time.Duration(i) * 12 * time.Hour), Size: 1000, AQL: 2.5, Defects: defects})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("lot %2d: %-9s code %s n=%d Ac=%d: %d nonconforming, accepted %-5v → %s\n",
			l.Seq, l.Regime, l.Code, l.Sample, l.Accept, l.Defects, l.Accepted, l.Next)
	}

	// 5. Statistics and the report.
	st, err := qa.Collect(ctx, s, qa.StatsOptions{CountPrinted: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("inspected %d, failed %d, defects %d; rework opened %d, closed %d\n",
		st.Inspected, st.Failed, st.Defects, st.Rework.Opened, st.Rework.Closed)
	if len(st.CauseByPrinter) > 0 {
		fmt.Printf("worst printer by cause: %s %s (%d)\n", st.CauseByPrinter[0].Key, st.CauseByPrinter[0].Cause, st.CauseByPrinter[0].Count)
	}
	if len(st.CauseByTemplate) > 0 {
		fmt.Printf("worst template by cause: %s %s (%d)\n", st.CauseByTemplate[0].Key, st.CauseByTemplate[0].Cause, st.CauseByTemplate[0].Count)
	}
	dir := ""
	if len(os.Args) > 1 {
		dir = os.Args[1]
	} else if dir, err = os.MkdirTemp("", "dadan-qa-"); err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	fonts, err := report.LoadFonts()
	if err != nil {
		fmt.Println("no font found: the PNG charts have no text:", err)
	}
	if err := report.Write(report.Dir(dir), st, report.Chinese, fonts); err != nil {
		log.Fatal(err)
	}
	fmt.Println("report:", dir+"/report.html")
}

// printOrder stores an order as the station leaves it once printed: status
// printed, the printed journal event, a done print job for its waybill.
func printOrder(ctx context.Context, s *memstore.Store, id, operator, prn, version string, at time.Time) error {
	o := &order.Order{ID: id, Platform: order.Taobao, PaidAt: at.Add(-time.Hour), Status: order.Printed,
		Recipient: order.Party{Name: "收件人"}, Total: decimal.RequireFromString("59.00")}
	hash := fmt.Sprintf("sha256:%064x", len(id)*7919+at.Minute())
	ev := order.Event{Time: at, Actor: operator, OrderID: id, Action: order.ActPrinted, From: order.Approved, To: order.Printed,
		Detail: fmt.Sprintf("waybill waybill-76x130@%s %.19s", version, hash)}
	if err := s.CreateOrder(ctx, o, ev); err != nil {
		return err
	}
	_, err := s.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: id, Doc: printer.Waybill, Template: "waybill-76x130", Version: version, Copy: 1},
		Printer: prn, Data: []byte("^XA^XZ"), Hash: hash, CreatedAt: at})
	return err
}
