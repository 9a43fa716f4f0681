package qa

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// statsFixture: 3 days, 2 operators, a bad template version and a bad printer.
func statsFixture() []Inspection {
	var ins []Inspection
	add := func(order, op string, day, hour int, ver, prn string, defects ...Defect) {
		res := Pass
		for _, d := range defects {
			if d.Severity != Minor {
				res = Fail
			}
		}
		at := t0.Add(time.Duration(day)*24*time.Hour + time.Duration(hour-8)*time.Hour)
		ins = append(ins, Inspection{ID: order, Seq: int64(len(ins) + 1), Order: order, Time: at.Add(time.Hour), PrintedAt: at,
			Round: 1, Result: res, Operator: op, Defects: defects,
			Docs: []Doc{{Kind: "waybill", Template: "waybill-76x130", Version: ver, Printer: prn}}})
	}
	addr := Defect{Type: "address", Severity: Major, Cause: CausePlatform}
	blur := Defect{Type: "blurred", Severity: Major, Cause: CausePrinter}
	cut := Defect{Type: "cut_off", Severity: Critical, Cause: CauseTemplate}
	smudge := Defect{Type: "smudge", Severity: Minor, Cause: CauseSupplies}
	for i := range 10 {
		add("A"+string(rune('0'+i)), "alice", 0, 9+i%3, "2", "zebra-1")
	}
	add("B0", "bob", 0, 14, "3", "zebra-2", cut)
	add("B1", "bob", 0, 14, "3", "zebra-2", cut, blur)
	add("B2", "bob", 1, 15, "3", "zebra-2", blur)
	add("B3", "bob", 1, 15, "2", "zebra-2", blur)
	add("A10", "alice", 1, 9, "2", "zebra-1", addr)
	add("A11", "alice", 2, 10, "2", "zebra-1", smudge)
	for i := range 4 {
		add("C"+string(rune('0'+i)), "alice", 2, 11, "2", "zebra-1")
	}
	// B0 reworked and passed; B1 reworked, failed again, still open.
	ins = append(ins, Inspection{ID: "B0r", Seq: 100, Order: "B0", Time: t0.Add(30 * time.Hour), Round: 2, Result: Pass, Operator: "bob"},
		Inspection{ID: "B1r", Seq: 101, Order: "B1", Time: t0.Add(30 * time.Hour), Round: 2, Result: Fail, Operator: "bob",
			Defects: []Defect{blur}})
	return ins
}

func TestAnalyze(t *testing.T) {
	ins := statsFixture()
	st := Analyze(ins, nil, StatsOptions{})
	assert.Equal(t, 20, st.Inspected, "first rounds only")
	assert.Equal(t, 5, st.Failed)
	assert.Equal(t, 15, st.Passed)
	assert.Equal(t, 7, st.Defects)
	assert.Equal(t, []Count{{Key: "critical", Count: 2}, {Key: "major", Count: 4}, {Key: "minor", Count: 1}}, st.BySeverity)
	require.Len(t, st.ByType, 4)
	assert.Equal(t, Count{Key: "blurred", Count: 3, Cumulative: 42.86}, st.ByType[0], "Pareto: largest first")
	assert.Equal(t, "cut_off", st.ByType[1].Key)
	assert.Equal(t, 100.0, st.ByType[3].Cumulative)
	assert.Equal(t, []Count{{Key: "2026-11-11", Count: 3}, {Key: "2026-11-12", Count: 3}, {Key: "2026-11-13", Count: 1}}, st.ByDay)
	assert.Equal(t, 3, st.ByHour[14].Count)
	assert.Equal(t, 2, st.ByHour[15].Count)
	assert.Equal(t, []Count{{Key: "bob", Count: 5, Cumulative: 71.43}, {Key: "alice", Count: 2, Cumulative: 100}}, st.ByOperator)
	assert.Equal(t, "waybill-76x130@3", st.ByTemplate[0].Key)
	assert.Equal(t, 4, st.ByTemplate[0].Count)
	assert.Equal(t, Count{Key: "zebra-2", Count: 5, Cumulative: 71.43}, st.ByPrinter[0])
	// the failing printer and the bad template version stand out by cause
	assert.Equal(t, CauseGroup{Cause: CausePrinter, Key: "zebra-2", Count: 3}, st.CauseByPrinter[0])
	assert.Contains(t, st.CauseByTemplate, CauseGroup{Cause: CauseTemplate, Key: "waybill-76x130@3", Count: 2})
	assert.NotContains(t, st.CauseByTemplate, CauseGroup{Cause: CauseTemplate, Key: "waybill-76x130@2", Count: 1})

	// p-chart: 6 defective of 20
	assert.Equal(t, 0.3, st.PChart.Center)
	require.Len(t, st.PChart.Points, 3)
	d0 := st.PChart.Points[0]
	assert.Equal(t, PPoint{Day: "2026-11-11", Inspected: 12, Defective: 2, P: 0.1667,
		UCL: round4(0.3 + 3*math.Sqrt(0.3*0.7/12)), LCL: round4(math.Max(0, 0.3-3*math.Sqrt(0.3*0.7/12)))}, d0)
	d1 := st.PChart.Points[1]
	assert.Equal(t, 3, d1.Defective)
	assert.Equal(t, 3, d1.Inspected)
	assert.Equal(t, 1.0, d1.UCL, "clamped to 1")
	assert.False(t, d1.Out)

	require.Len(t, st.Scorecards, 2)
	alice, bob := st.Scorecards[0], st.Scorecards[1]
	assert.Equal(t, "alice", alice.Operator)
	assert.Equal(t, 16, alice.Inspected)
	assert.Equal(t, 6.25, alice.Major)
	assert.Equal(t, 6.25, alice.Minor)
	assert.Equal(t, 6.25, alice.ReworkRate)
	assert.Equal(t, 4, bob.Inspected)
	assert.Equal(t, 50.0, bob.Critical)
	assert.Equal(t, 75.0, bob.Major)
	assert.Equal(t, 100.0, bob.ReworkRate)
	assert.Equal(t, 3, bob.ReworkOpen)
	require.Len(t, bob.Weeks, 1)
	assert.Equal(t, "2026-W46", bob.Weeks[0].Week)
	assert.Equal(t, 125.0, bob.Weeks[0].DefectsPer100)
	assert.Equal(t, ReworkStats{Opened: 5, Closed: 1, Open: 4}, st.Rework)

	// Days follow the location: 23:30 UTC is the next day in Shanghai.
	late := []Inspection{{Order: "X", Round: 1, Result: Fail, PrintedAt: time.Date(2026, 11, 11, 23, 30, 0, 0, time.UTC),
		Defects: []Defect{{Type: "t", Severity: Major, Cause: CauseOther}}}}
	sh := time.FixedZone("CST", 8*3600)
	assert.Equal(t, "2026-11-12", Analyze(late, nil, StatsOptions{Location: sh}).ByDay[0].Key)
	assert.Equal(t, 1, Analyze(late, nil, StatsOptions{Location: sh}).ByHour[7].Count)

	empty := Analyze(nil, nil, StatsOptions{})
	assert.Zero(t, empty.Inspected)
	assert.NotNil(t, empty.PChart.Points)
	assert.Len(t, empty.ByHour, 24)
}

func TestPChartOutOfControl(t *testing.T) {
	var ins []Inspection
	for d := range 5 {
		for i := range 50 {
			in := Inspection{Order: "o", Round: 1, Result: Pass, PrintedAt: t0.Add(time.Duration(d) * 24 * time.Hour)}
			if i < 2 || d == 3 && i < 20 {
				in.Result, in.Defects = Fail, []Defect{{Type: "x", Severity: Major, Cause: CauseOther}}
			}
			ins = append(ins, in)
		}
	}
	pc := Analyze(ins, nil, StatsOptions{}).PChart
	assert.Equal(t, 0.112, pc.Center) // (4×2 + 20) / 250
	for i, p := range pc.Points {
		sd := math.Sqrt(0.112 * 0.888 / 50)
		assert.InDelta(t, 0.112+3*sd, p.UCL, 1e-4)
		assert.InDelta(t, math.Max(0, 0.112-3*sd), p.LCL, 1e-4)
		assert.Equal(t, i == 3, p.Out, p.Day)
	}
}
