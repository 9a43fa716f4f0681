package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/qa/report"
)

// qaCommands are the subcommands of `dadan qa`.
func qaCommands() []command {
	return []command{
		{"plan", "the ISO 2859-1 single sampling plan for a lot", runQAPlan},
		{"sample", "draw at least P % of the orders printed in a period for inspection", runQASample},
		{"inspect", "record the inspection of a printed order", runQAInspect},
		{"lot", "record a lot inspected by ISO 2859-1 single sampling", runQALot},
		{"report", "write the statistics as charts, report.html and summary.json", runQAReport},
	}
}

// runQA runs a subcommand of `dadan qa`.
func runQA(ctx context.Context, args []string, e *env) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, "usage: dadan qa SUBCOMMAND [flags]\n\nsubcommands:")
		for _, c := range qaCommands() {
			fmt.Fprintf(e.stderr, "  %-8s %s\n", c.name, c.summary)
		}
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range qaCommands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], e)
		}
	}
	e.errorf("qa: unknown subcommand %q", args[0])
	return exitUsage
}

// planLine is the output of `dadan qa plan --json`.
type planLine struct {
	Code   string `json:"code"`
	Sample int    `json:"sample"`
	Accept int    `json:"accept"`
	Reject int    `json:"reject"`
}

// aqlFlag parses --aql values such as 2.5 or 0.65.
type aqlFlag float64

func (a *aqlFlag) String() string { return strconv.FormatFloat(float64(*a), 'g', -1, 64) }
func (a *aqlFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	*a = aqlFlag(v)
	return nil
}

func runQAPlan(ctx context.Context, args []string, e *env) int {
	fs := newFlags("qa plan", e)
	lot := fs.Int("lot", 0, "lot size `N` (required)")
	var aql aqlFlag
	fs.Var(&aql, "aql", "acceptance quality limit `A`: 0.010 … 1000 (required)")
	level := fs.String("level", "II", "inspection `LEVEL`: S-1 … S-4, I, II, III")
	severity := fs.String("severity", "normal", "`SEVERITY` of inspection: normal, tightened or reduced")
	asJSON := fs.Bool("json", false, "print the plan as a JSON line")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *lot == 0 || aql == 0 {
		e.errorf("qa plan: --lot and --aql are required")
		return exitUsage
	}
	r, err := qa.ParseRegime(*severity)
	if err != nil || r == qa.Discontinued {
		e.errorf("qa plan: --severity %q: want normal, tightened or reduced", *severity)
		return exitUsage
	}
	p, err := qa.PlanFor(*lot, qa.Level(*level), float64(aql), r)
	if err != nil {
		e.errorf("qa plan: %v", err)
		return exitUsage
	}
	if *asJSON {
		return writeJSONLine(e, planLine{Code: p.Code, Sample: p.Sample, Accept: p.Accept, Reject: p.Reject})
	}
	full := ""
	if p.Full {
		full = " (100 % inspection)"
	}
	fmt.Fprintf(e.stdout, "code %s (lot %d, level %s, AQL %v, %s): inspect %d%s, accept with %d or fewer, reject with %d or more\n",
		p.Code, p.Lot, p.Level, p.AQL, p.Regime, p.Sample, full, p.Accept, p.Reject)
	return exitOK
}

func writeJSONLine(e *env, v any) int {
	if err := encodeLine(e.stdout, v); err != nil {
		e.errorf("%v", err)
		return exitRefused
	}
	return exitOK
}

func encodeLine(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// timeFlag parses --from and --to: RFC 3339, or a local date and time
// (2006-01-02, 2006-01-02T15:04, 2006-01-02 15:04:05). A date alone as an upper
// bound means the end of that day.
type timeFlag struct {
	t       time.Time
	dayOnly bool
}

func (f *timeFlag) String() string {
	if f.t.IsZero() {
		return ""
	}
	return f.t.Format(time.RFC3339)
}

func (f *timeFlag) Set(s string) error {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		f.t = t
		return nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, time.Local); err == nil {
			f.t, f.dayOnly = t, layout == "2006-01-02"
			return nil
		}
	}
	return fmt.Errorf("want RFC 3339 or 2006-01-02[ 15:04[:05]]")
}

// period returns [from, to) of --from and --to.
func period(from, to *timeFlag) (time.Time, time.Time) {
	end := to.t
	if to.dayOnly {
		end = end.AddDate(0, 0, 1)
	}
	return from.t, end
}

// sampleLine is one line of `dadan qa sample --json`.
type sampleLine struct {
	Order    string `json:"order"`
	Operator string `json:"operator"`
	Printer  string `json:"printer"`
}

func runQASample(ctx context.Context, args []string, e *env) int {
	fs := newFlags("qa sample", e)
	db := dbFlag(fs)
	pct := fs.Float64("percent", 0, "draw at least `P` percent of the orders printed in the period (required)")
	seed := fs.Uint64("seed", 1, "`SEED` of the draw: the same seed draws the same orders")
	var from, to timeFlag
	fs.Var(&from, "from", "orders printed at or after `T`")
	fs.Var(&to, "to", "orders printed before `T` (a date alone: up to the end of that day)")
	asJSON := fs.Bool("json", false, "one JSON line per order drawn")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if !(*pct > 0 && *pct <= 100) {
		e.errorf("qa sample: --percent %v: want more than 0 and at most 100", *pct)
		return exitUsage
	}
	store, closer, ok := openDB(ctx, e, "qa sample", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	lo, hi := period(&from, &to)
	r, err := qaDesk(ctx, store).Sample(withActor(ctx), qa.SampleOptions{Percent: *pct, Seed: *seed, From: lo, To: hi})
	if code, ok := refusal(e, err); ok {
		return code
	}
	if err != nil {
		e.errorf("qa sample: %v", err)
		return exitRefused
	}
	if !*asJSON {
		fmt.Fprintf(e.stdout, "%d orders printed, %d inspected before, %d drawn (at least %d = %v %%; %d operators, %d printers)\n",
			r.Population, r.Inspected, len(r.Orders), r.Quota, *pct, r.Operators, r.Printers)
	}
	for _, d := range r.Orders {
		if *asJSON {
			if err := encodeLine(e.stdout, sampleLine{Order: d.Order, Operator: d.Operator, Printer: d.Printer()}); err != nil {
				return exitRefused
			}
			continue
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", d.Order, d.Time.Local().Format("2006-01-02 15:04:05"), d.Operator, strings.Join(d.Printers, ","))
	}
	return exitOK
}

// defectFlags collects --defect TYPE:CAUSE:SEVERITY.
type defectFlags []qa.Defect

func (d *defectFlags) String() string { return fmt.Sprint(len(*d), " defects") }

func (d *defectFlags) Set(s string) error {
	parts := strings.Split(s, ":")
	if len(parts) != 3 || strings.TrimSpace(parts[0]) == "" {
		return fmt.Errorf("want TYPE:CAUSE:SEVERITY")
	}
	df := qa.Defect{Type: strings.TrimSpace(parts[0]), Cause: qa.Cause(strings.ToLower(parts[1])), Severity: qa.Severity(strings.ToLower(parts[2]))}
	if !containsCause(df.Cause) {
		return fmt.Errorf("cause %q: want operator, system, template, printer, supplies, platform or other", parts[1])
	}
	switch df.Severity {
	case qa.Critical, qa.Major, qa.Minor:
	default:
		return fmt.Errorf("severity %q: want critical, major or minor", parts[2])
	}
	*d = append(*d, df)
	return nil
}

func containsCause(c qa.Cause) bool {
	for _, x := range qa.Causes {
		if x == c {
			return true
		}
	}
	return false
}

// inspectLine is the output of `dadan qa inspect --json`.
type inspectLine struct {
	ID       string `json:"id"`
	Order    string `json:"order"`
	Round    int    `json:"round"`
	Result   string `json:"result"`
	Operator string `json:"operator"`
	Printer  string `json:"printer"`
	Template string `json:"template"`
	Rework   string `json:"rework"` // open, closed or none
}

func runQAInspect(ctx context.Context, args []string, e *env) int {
	fs := newFlags("qa inspect", e)
	db := dbFlag(fs)
	id := fs.String("order", "", "the order `ID` inspected (required)")
	result := fs.String("result", "", "`pass` or fail (required)")
	var defects defectFlags
	fs.Var(&defects, "defect", "a defect found, `TYPE:CAUSE:SEVERITY` (cause: operator, system, template, printer, supplies, platform, other; severity: critical, major, minor); repeatable")
	inspector := fs.String("inspector", "", "the inspector's `NAME` (default $DADAN_USER, else the login name)")
	note := fs.String("note", "", "a `NOTE` on the inspection")
	photo := fs.String("photo", "", "`PATH` of a photo of the parcel or label")
	asJSON := fs.Bool("json", false, "print the record as a JSON line")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *id == "" || (*result != "pass" && *result != "fail") {
		e.errorf("qa inspect: --order and --result pass|fail are required")
		return exitUsage
	}
	if *inspector == "" {
		if p, ok := access.FromContext(withActor(ctx)); ok {
			*inspector = p.ID
		}
	}
	store, closer, ok := openDB(ctx, e, "qa inspect", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	desk := qaDesk(ctx, store)
	ctx = withActor(ctx)
	in, err := desk.Record(ctx, qa.Inspection{Order: *id, Time: time.Now(), Inspector: *inspector, Result: qa.Result(*result),
		Defects: defects, Note: *note, Photo: *photo})
	if code, ok := refusal(e, err); ok {
		return code
	}
	if err != nil {
		e.errorf("qa inspect: %v", err)
		return exitRefused
	}
	var all []qa.Inspection
	for x, err := range desk.Inspections(ctx, qa.Filter{Order: in.Order}) {
		if err != nil {
			e.errorf("qa inspect: %v", err)
			return exitRefused
		}
		all = append(all, x)
	}
	rework := "none"
	if cs := qa.Cases(all); len(cs) > 0 {
		rework = "closed"
		if cs[0].Open() {
			rework = "open"
		}
	}
	doc := in.Doc("")
	l := inspectLine{ID: in.ID, Order: in.Order, Round: in.Round, Result: string(in.Result), Operator: in.Operator,
		Printer: doc.Printer, Template: doc.Template + "@" + doc.Version, Rework: rework}
	if *asJSON {
		return writeJSONLine(e, l)
	}
	fmt.Fprintf(e.stdout, "%s: %s, round %d (operator %s, printer %s, template %s); rework %s\n",
		l.Order, l.Result, l.Round, l.Operator, l.Printer, l.Template, l.Rework)
	return exitOK
}

// lotLine is the output of `dadan qa lot --json`.
type lotLine struct {
	Severity     string `json:"severity"`
	Code         string `json:"code"`
	Sample       int    `json:"sample"`
	Accept       int    `json:"accept"`
	Reject       int    `json:"reject"`
	Accepted     bool   `json:"accepted"`
	NextSeverity string `json:"next_severity"`
}

func runQALot(ctx context.Context, args []string, e *env) int {
	fs := newFlags("qa lot", e)
	db := dbFlag(fs)
	size := fs.Int("lot-size", 0, "items in the lot, `N` (required)")
	var aql aqlFlag
	fs.Var(&aql, "aql", "acceptance quality limit `A` (required)")
	defects := fs.Int("defects", -1, "nonconforming items found in the sample, `D` (required)")
	level := fs.String("level", "II", "inspection `LEVEL`: S-1 … S-4, I, II, III")
	name := fs.String("name", "", "the lot's `NAME` or batch number")
	resume := fs.Bool("resume", false, "resume a discontinued inspection (on tightened inspection) instead")
	asJSON := fs.Bool("json", false, "print the outcome as a JSON line")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if !*resume && (*size == 0 || aql == 0 || *defects < 0) {
		e.errorf("qa lot: --lot-size, --aql and --defects are required")
		return exitUsage
	}
	store, closer, ok := openDB(ctx, e, "qa lot", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	who := ""
	if p, ok := access.FromContext(withActor(ctx)); ok {
		who = p.ID
	}
	l, err := qaDesk(ctx, store).RecordLot(withActor(ctx), qa.Lot{Time: time.Now(), Inspector: who, Name: *name, Size: *size,
		Level: qa.Level(*level), AQL: float64(aql), Defects: max(*defects, 0), Resume: *resume})
	if code, ok := refusal(e, err); ok {
		return code
	}
	switch {
	case errors.Is(err, qa.ErrAQL) || errors.Is(err, qa.ErrLevel) || errors.Is(err, qa.ErrLot):
		e.errorf("qa lot: %v", err)
		return exitUsage
	case err != nil:
		e.errorf("qa lot: %v", err)
		return exitRefused
	}
	out := lotLine{Severity: string(l.Regime), Code: l.Code, Sample: l.Sample, Accept: l.Accept, Reject: l.Reject,
		Accepted: l.Accepted, NextSeverity: string(l.Next)}
	if *asJSON {
		return writeJSONLine(e, out)
	}
	if l.Resume {
		fmt.Fprintf(e.stdout, "inspection resumed: next lot %s\n", l.Next)
		return exitOK
	}
	verdict := "accepted"
	if !l.Accepted {
		verdict = "not accepted"
	}
	fmt.Fprintf(e.stdout, "%s inspection, code %s: %d nonconforming in %d (Ac %d, Re %d): %s; next lot %s\n",
		l.Regime, l.Code, l.Defects, l.Sample, l.Accept, l.Reject, verdict, l.Next)
	return exitOK
}

func runQAReport(ctx context.Context, args []string, e *env) int {
	fs := newFlags("qa report", e)
	db := dbFlag(fs)
	out := fs.String("out", "", "the `DIR` to write report.html, the charts and summary.json to (required)")
	var from, to timeFlag
	fs.Var(&from, "from", "inspections at or after `T` (and the orders printed since, for the share inspected)")
	fs.Var(&to, "to", "inspections before `T` (a date alone: up to the end of that day)")
	lang := fs.String("lang", "zh", "report `LANGUAGE`: zh or en")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *out == "" {
		e.errorf("qa report: --out is required")
		return exitUsage
	}
	tag, err := langTag(*lang)
	if err != nil {
		e.errorf("qa report: %v", err)
		return exitUsage
	}
	l := report.Chinese
	if base, _ := tag.Base(); base.String() == "en" {
		l = report.English
	}
	store, closer, ok := openDB(ctx, e, "qa report", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	lo, hi := period(&from, &to)
	st, err := qaDesk(ctx, store).Collect(withActor(ctx), qa.StatsOptions{From: lo, To: hi, Location: time.Local, CountPrinted: true})
	if code, ok := refusal(e, err); ok {
		return code
	}
	if err != nil {
		e.errorf("qa report: %v", err)
		return exitRefused
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		e.errorf("qa report: %v", err)
		return exitRefused
	}
	fonts, err := report.LoadFonts()
	if err != nil {
		e.errorf("qa report: %v; the PNG charts have no text", err)
	}
	if err := report.Write(report.Dir(*out), st, l, fonts); err != nil {
		e.errorf("qa report: %v", err)
		return exitRefused
	}
	fmt.Fprintf(e.stdout, "%s: %d inspected, %d defects\n", *out, st.Inspected, st.Defects)
	return exitOK
}

// qaDesk is the qa.Desk of the qa commands: the store, checked against the
// user's policy.
func qaDesk(ctx context.Context, store dbStore) *qa.Desk {
	return &qa.Desk{Store: store, Orders: store, Authorizer: authorizer(ctx)}
}
