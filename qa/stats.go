package qa

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"
)

// StatsOptions bounds the statistics: inspections in [From, To) (zero bounds are
// open), days and hours counted in Location (UTC when nil).
type StatsOptions struct {
	From, To time.Time
	Location *time.Location
	// CountPrinted also counts the orders printed in the period (a pass over
	// them), for the share inspected.
	CountPrinted bool
}

// Count is one group of defects or inspections.
type Count struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
	// Cumulative is the running share of all defects, in percent, for a Pareto
	// chart (sorted by Count, largest first).
	Cumulative float64 `json:"cumulative,omitempty"`
}

// CauseGroup counts the defects of one cause on one template version or printer,
// so that a bad template version or a failing printer stands out.
type CauseGroup struct {
	Cause Cause  `json:"cause"`
	Key   string `json:"key"` // "template@version" or a printer
	Count int    `json:"count"`
}

// PPoint is one day of a p-chart: the share of inspected orders with a defect,
// with 3-sigma control limits for that day's sample size.
type PPoint struct {
	Day       string  `json:"day"` // 2006-01-02
	Inspected int     `json:"inspected"`
	Defective int     `json:"defective"`
	P         float64 `json:"p"`
	UCL       float64 `json:"ucl"`
	LCL       float64 `json:"lcl"`
	Out       bool    `json:"out"` // outside the control limits
}

// PChart is the p-chart of the daily defective rate.
type PChart struct {
	Center float64  `json:"center"` // p̄: all defective over all inspected
	Points []PPoint `json:"points"`
}

// WeekPoint is one ISO week of an operator's scorecard.
type WeekPoint struct {
	Week          string  `json:"week"` // 2006-W01
	Inspected     int     `json:"inspected"`
	Defects       int     `json:"defects"`
	DefectsPer100 float64 `json:"defects_per_100"`
}

// Scorecard is one operator's quality (§四(二)3).
type Scorecard struct {
	Operator  string `json:"operator"`
	Inspected int    `json:"inspected"`
	Failed    int    `json:"failed"`
	// Defects per 100 inspected orders, by severity.
	Critical float64 `json:"critical_per_100"`
	Major    float64 `json:"major_per_100"`
	Minor    float64 `json:"minor_per_100"`
	// ReworkRate is the share of inspected orders sent back for rework, in percent.
	ReworkRate float64     `json:"rework_rate"`
	ReworkOpen int         `json:"rework_open"`
	Weeks      []WeekPoint `json:"weeks"`
}

// LotPoint is one lot of the switching history.
type LotPoint struct {
	Seq      int64  `json:"seq"`
	Time     string `json:"time"`
	Regime   Regime `json:"severity"`
	Code     string `json:"code"`
	Sample   int    `json:"sample"`
	Defects  int    `json:"defects"`
	Accepted bool   `json:"accepted"`
	Next     Regime `json:"next_severity"`
	Resume   bool   `json:"resume,omitempty"`
}

// Stats are the statistics of a period (§四(三)). Defect counts are of the
// first-round (sampling) inspections; re-inspections count as rework.
type Stats struct {
	From            string       `json:"from,omitempty"`
	To              string       `json:"to,omitempty"`
	Printed         int          `json:"printed"` // with CountPrinted
	Inspected       int          `json:"inspected"`
	Passed          int          `json:"passed"`
	Failed          int          `json:"failed"`
	Defects         int          `json:"defects"`
	BySeverity      []Count      `json:"by_severity"`
	ByType          []Count      `json:"by_type"` // Pareto order
	ByCause         []Count      `json:"by_cause"`
	ByDay           []Count      `json:"by_day"`  // defects per day of printing
	ByHour          []Count      `json:"by_hour"` // defects per hour of day of printing, 00–23
	ByOperator      []Count      `json:"by_operator"`
	ByTemplate      []Count      `json:"by_template"`
	ByPrinter       []Count      `json:"by_printer"`
	CauseByTemplate []CauseGroup `json:"cause_by_template"`
	CauseByPrinter  []CauseGroup `json:"cause_by_printer"`
	PChart          PChart       `json:"p_chart"`
	Scorecards      []Scorecard  `json:"scorecards"`
	Rework          ReworkStats  `json:"rework"`
	Switching       []LotPoint   `json:"switching"`
}

// ReworkStats counts the rework cases opened in the period.
type ReworkStats struct {
	Opened int `json:"opened"`
	Closed int `json:"closed"`
	Open   int `json:"open"`
}

// Collect reads the period's inspections and the lot history from s and
// analyzes them.
func Collect(ctx context.Context, s Store, opt StatsOptions) (Stats, error) {
	var ins []Inspection
	for in, err := range s.Inspections(ctx, Filter{From: opt.From, To: opt.To}) {
		if err != nil {
			return Stats{}, err
		}
		ins = append(ins, in)
	}
	var lots []Lot
	for l, err := range s.Lots(ctx) {
		if err != nil {
			return Stats{}, err
		}
		if (opt.From.IsZero() || !l.Time.Before(opt.From)) && (opt.To.IsZero() || l.Time.Before(opt.To)) {
			lots = append(lots, l)
		}
	}
	st := Analyze(ins, lots, opt)
	if c, ok := s.(Counter); ok && opt.CountPrinted {
		n, err := c.CountPrinted(ctx, opt.From, opt.To)
		if err != nil {
			return Stats{}, err
		}
		st.Printed = n
	} else if opt.CountPrinted {
		for _, err := range s.Printed(ctx, opt.From, opt.To) {
			if err != nil {
				return Stats{}, err
			}
			st.Printed++
		}
	}
	return st, nil
}

type counter map[string]int

func (c counter) sorted(pareto bool) []Count {
	out := make([]Count, 0, len(c))
	total := 0
	for k, n := range c {
		out = append(out, Count{Key: k, Count: n})
		total += n
	}
	if pareto {
		slices.SortFunc(out, func(a, b Count) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Key, b.Key)) })
		run := 0
		for i := range out {
			run += out[i].Count
			out[i].Cumulative = round2(100 * float64(run) / float64(total))
		}
		return out
	}
	slices.SortFunc(out, func(a, b Count) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
func round4(x float64) float64 { return math.Round(x*10000) / 10000 }

// Analyze computes the statistics of inspections (in Seq order) and lots.
func Analyze(ins []Inspection, lots []Lot, opt StatsOptions) Stats {
	loc := opt.Location
	if loc == nil {
		loc = time.UTC
	}
	var st Stats
	if !opt.From.IsZero() {
		st.From = opt.From.In(loc).Format(time.RFC3339)
	}
	if !opt.To.IsZero() {
		st.To = opt.To.In(loc).Format(time.RFC3339)
	}
	sev, typ, cause, day, op, tpl, prn := counter{}, counter{}, counter{}, counter{}, counter{}, counter{}, counter{}
	byTpl, byPrn := map[[2]string]int{}, map[[2]string]int{}
	hours := make([]int, 24)
	type dayN struct{ n, bad int }
	days := map[string]*dayN{}
	type opAcc struct {
		sc    Scorecard
		sev   [3]int
		weeks map[string]*WeekPoint
	}
	ops := map[string]*opAcc{}
	for i := range ins {
		in := &ins[i]
		if in.Round > 1 {
			continue
		}
		st.Inspected++
		if in.Result == Pass {
			st.Passed++
		} else {
			st.Failed++
		}
		at := in.PrintedAt
		if at.IsZero() {
			at = in.Time
		}
		at = at.In(loc)
		d := at.Format("2006-01-02")
		dn := days[d]
		if dn == nil {
			dn = &dayN{}
			days[d] = dn
		}
		dn.n++
		if len(in.Defects) > 0 {
			dn.bad++
		}
		a := ops[in.Operator]
		if a == nil {
			a = &opAcc{sc: Scorecard{Operator: in.Operator}, weeks: map[string]*WeekPoint{}}
			ops[in.Operator] = a
		}
		a.sc.Inspected++
		if in.Result == Fail {
			a.sc.Failed++
		}
		y, w := at.ISOWeek()
		wk := fmt.Sprintf("%04d-W%02d", y, w)
		wp := a.weeks[wk]
		if wp == nil {
			wp = &WeekPoint{Week: wk}
			a.weeks[wk] = wp
		}
		wp.Inspected++
		wp.Defects += len(in.Defects)
		for _, df := range in.Defects {
			st.Defects++
			sev[string(df.Severity)]++
			typ[df.Type]++
			cause[string(df.Cause)]++
			day[d]++
			hours[at.Hour()]++
			op[in.Operator]++
			doc := in.Doc(df.Doc)
			tk := doc.Template + "@" + doc.Version
			if doc.Template == "" {
				tk = "?"
			}
			tpl[tk]++
			pk := doc.Printer
			if pk == "" {
				pk = "?"
			}
			prn[pk]++
			byTpl[[2]string{string(df.Cause), tk}]++
			byPrn[[2]string{string(df.Cause), pk}]++
			a.sev[slices.Index(Severities, df.Severity)]++
		}
	}
	st.BySeverity = make([]Count, len(Severities))
	for i, s := range Severities {
		st.BySeverity[i] = Count{Key: string(s), Count: sev[string(s)]}
	}
	st.ByType = typ.sorted(true)
	st.ByCause = cause.sorted(true)
	st.ByDay = day.sorted(false)
	st.ByHour = make([]Count, 24)
	for h, n := range hours {
		st.ByHour[h] = Count{Key: fmt.Sprintf("%02d", h), Count: n}
	}
	st.ByOperator = op.sorted(true)
	st.ByTemplate = tpl.sorted(true)
	st.ByPrinter = prn.sorted(true)
	st.CauseByTemplate = groups(byTpl)
	st.CauseByPrinter = groups(byPrn)

	// p-chart
	var n, bad int
	for _, dn := range days {
		n, bad = n+dn.n, bad+dn.bad
	}
	if n > 0 {
		p := float64(bad) / float64(n)
		st.PChart.Center = round4(p)
		keys := make([]string, 0, len(days))
		for k := range days {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			dn := days[k]
			sd := math.Sqrt(p * (1 - p) / float64(dn.n))
			pt := PPoint{Day: k, Inspected: dn.n, Defective: dn.bad, P: round4(float64(dn.bad) / float64(dn.n)),
				UCL: round4(math.Min(1, p+3*sd)), LCL: round4(math.Max(0, p-3*sd))}
			pt.Out = pt.P > pt.UCL || pt.P < pt.LCL
			st.PChart.Points = append(st.PChart.Points, pt)
		}
	}
	if st.PChart.Points == nil {
		st.PChart.Points = []PPoint{}
	}

	// rework
	cases := Cases(ins)
	for _, c := range cases {
		st.Rework.Opened++
		if c.Open() {
			st.Rework.Open++
			if a := ops[c.Operator]; a != nil {
				a.sc.ReworkOpen++
			}
		} else {
			st.Rework.Closed++
		}
	}
	reworked := map[string]int{}
	for _, c := range cases {
		reworked[c.Operator]++
	}
	st.Scorecards = []Scorecard{}
	for _, a := range ops {
		sc := a.sc
		per := func(k int) float64 { return round2(100 * float64(k) / float64(sc.Inspected)) }
		sc.Critical, sc.Major, sc.Minor = per(a.sev[0]), per(a.sev[1]), per(a.sev[2])
		sc.ReworkRate = per(reworked[sc.Operator])
		sc.Weeks = []WeekPoint{}
		for _, w := range a.weeks {
			w.DefectsPer100 = round2(100 * float64(w.Defects) / float64(w.Inspected))
			sc.Weeks = append(sc.Weeks, *w)
		}
		slices.SortFunc(sc.Weeks, func(a, b WeekPoint) int { return cmp.Compare(a.Week, b.Week) })
		st.Scorecards = append(st.Scorecards, sc)
	}
	slices.SortFunc(st.Scorecards, func(a, b Scorecard) int { return cmp.Compare(a.Operator, b.Operator) })

	st.Switching = []LotPoint{}
	for _, l := range lots {
		st.Switching = append(st.Switching, LotPoint{Seq: l.Seq, Time: l.Time.In(loc).Format(time.RFC3339), Regime: l.Regime,
			Code: l.Code, Sample: l.Sample, Defects: l.Defects, Accepted: l.Accepted, Next: l.Next, Resume: l.Resume})
	}
	return st
}

func groups(m map[[2]string]int) []CauseGroup {
	out := make([]CauseGroup, 0, len(m))
	for k, n := range m {
		out = append(out, CauseGroup{Cause: Cause(k[0]), Key: k[1], Count: n})
	}
	slices.SortFunc(out, func(a, b CauseGroup) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Cause, b.Cause), cmp.Compare(a.Key, b.Key))
	})
	return out
}
