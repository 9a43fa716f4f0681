package report_test

import (
	"bytes"
	"fmt"
	"image/png"
	"time"

	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/qa/report"
)

func ExampleCharts() {
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	ins := []qa.Inspection{
		{Order: "A", Round: 1, Result: qa.Fail, PrintedAt: at, Operator: "alice",
			Defects: []qa.Defect{{Type: "blurred", Severity: qa.Major, Cause: qa.CausePrinter}}},
		{Order: "B", Round: 1, Result: qa.Pass, PrintedAt: at, Operator: "bob"},
	}
	st := qa.Analyze(ins, nil, qa.StatsOptions{})
	for _, ch := range report.Charts(st, report.English)[:2] {
		fmt.Println(ch.Name, ch.Title, ch.Labels)
	}
	var b bytes.Buffer
	_ = report.Charts(st, report.English)[0].PNG(&b, nil)
	img, _ := png.Decode(&b)
	fmt.Println(img.Bounds().Size())
	// Output:
	// pareto Defects by type (Pareto) [blurred]
	// by_cause Defects by cause [printer]
	// (800,420)
}
