package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/dadanhq/dadan/shipment"
)

// problemLine is one line of `dadan problems --json`.
type problemLine struct {
	ID         string `json:"id"`
	TrackingNo string `json:"tracking_no"`
	Order      string `json:"order"`
	Carrier    string `json:"carrier"`
	Kind       string `json:"kind"`
	OpenedAt   string `json:"opened_at"`
	OpenedBy   string `json:"opened_by"`
	Resolved   bool   `json:"resolved"`
	Claim      string `json:"claim"` // claim status, "" when none
	Amount     string `json:"amount,omitempty"`
	Paid       string `json:"paid,omitempty"`
	Link       string `json:"link,omitempty"`
	Detail     string `json:"detail"`
}

// reportLine is one line of `dadan problems report --json`: one carrier.
type reportLine struct {
	Carrier         string             `json:"carrier"`
	Parcels         int                `json:"parcels"`
	Problems        map[string]int     `json:"problems"`
	PerThousand     map[string]float64 `json:"per_1000"`
	Resolved        int                `json:"resolved"`
	AvgResolveHours float64            `json:"avg_resolve_hours"`
	Claims          int                `json:"claims"`
	Claimed         string             `json:"claimed"`
	Paid            string             `json:"paid"`
	Rejected        int                `json:"rejected"`
}

// runProblems lists courier problems; its subcommands open them, claim, resolve,
// find delays and report per carrier.
func runProblems(ctx context.Context, args []string, e *env) int {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		switch args[0] {
		case "report":
			return problemsReport(ctx, args[1:], e)
		case "open":
			return problemsOpen(ctx, args[1:], e)
		case "claim":
			return problemsClaim(ctx, args[1:], e)
		case "resolve":
			return problemsResolve(ctx, args[1:], e)
		case "delays":
			return problemsDelays(ctx, args[1:], e)
		}
		e.errorf("problems: unknown subcommand %q (want report, open, claim, resolve or delays)", args[0])
		return exitUsage
	}
	fs := newFlags("problems", e)
	db := dbFlag(fs)
	carrier := fs.String("carrier", "", "only problems of courier `CODE`")
	openOnly := fs.Bool("open", false, "only problems not resolved")
	asJSON := fs.Bool("json", false, "one JSON line per problem")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: dadan problems --db PATH [--carrier CODE] [--open] [--json]\n"+
			"       dadan problems report --db PATH [--from DATE] [--to DATE] [--json]\n"+
			"       dadan problems open --db PATH --tracking NO --kind lost|damaged|delay [--detail TEXT]\n"+
			"       dadan problems claim --db PATH --id ID (--start [--amount X] | --submit REF | --paid X | --reject) [--note TEXT]\n"+
			"       dadan problems resolve --db PATH --id ID --resolution TEXT [--link refund:ID|exchange:ID]\n"+
			"       dadan problems delays --db PATH [--after 48h] [--carrier-after CODE=DURATION]...")
		fs.PrintDefaults()
	}
	if code, ok := parse(fs, args); !ok {
		return code
	}
	store, closer, ok := openDB(ctx, e, "problems", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	ps, err := problemDesk(ctx, store).Problems(withActor(ctx), shipment.ProblemFilter{Carrier: *carrier, OpenOnly: *openOnly})
	if code, ok := refusal(e, err); ok {
		return code
	}
	if err != nil {
		e.errorf("problems: %v", err)
		return exitRefused
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for _, p := range ps {
		l := problemLine{ID: p.ID, TrackingNo: p.TrackingNo, Order: p.OrderID, Carrier: p.Carrier, Kind: string(p.Kind),
			OpenedAt: p.OpenedAt.Format(time.RFC3339), OpenedBy: p.OpenedBy, Resolved: !p.Open(), Link: p.Link, Detail: readableText(ctx, p.Detail)}
		if c := p.Claim; c != nil {
			l.Claim, l.Amount = string(c.Status), c.Amount.StringFixed(2)
			if c.Status == shipment.ClaimPaid {
				l.Paid = c.Paid.StringFixed(2)
			}
		}
		if *asJSON {
			enc.Encode(l)
			continue
		}
		state := "open"
		if l.Resolved {
			state = "resolved"
		}
		fmt.Fprintf(out, "%-6s %-18s %-6s %-8s %-8s %-9s %s\n", l.ID, l.TrackingNo, l.Carrier, l.Kind, state, l.Claim, l.Detail)
	}
	return exitOK
}

func problemsReport(ctx context.Context, args []string, e *env) int {
	fs := newFlags("problems report", e)
	db := dbFlag(fs)
	from := fs.String("from", "", "first `DATE` (2006-01-02) of the period; default: all")
	to := fs.String("to", "", "`DATE` after the period; default: open")
	asJSON := fs.Bool("json", false, "one JSON line per carrier")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	var fromT, toT time.Time
	for _, d := range []struct {
		s string
		t *time.Time
	}{{*from, &fromT}, {*to, &toT}} {
		if d.s == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", d.s, time.Local)
		if err != nil {
			e.errorf("problems report: date %q: want 2006-01-02", d.s)
			return exitUsage
		}
		*d.t = t
	}
	store, closer, ok := openDB(ctx, e, "problems report", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	stats, err := problemDesk(ctx, store).Analyze(withActor(ctx), fromT, toT)
	if code, ok := refusal(e, err); ok {
		return code
	}
	if err != nil {
		e.errorf("problems report: %v", err)
		return exitRefused
	}
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	if !*asJSON {
		fmt.Fprintf(out, "%-8s %8s %8s %8s %8s %10s %10s %10s\n", "carrier", "parcels", "delay‰", "lost‰", "damaged‰", "resolve_h", "claimed", "paid")
	}
	for _, s := range stats {
		l := reportLine{Carrier: s.Carrier, Parcels: s.Parcels, Problems: map[string]int{}, PerThousand: map[string]float64{},
			Resolved: s.Resolved, AvgResolveHours: s.AvgResolve.Hours(), Claims: s.Claims, Claimed: s.Claimed.StringFixed(2),
			Paid: s.Paid.StringFixed(2), Rejected: s.Rejected}
		for _, k := range shipment.Kinds {
			l.Problems[string(k)] = s.Problems[k]
			l.PerThousand[string(k)] = s.PerThousand[k]
		}
		if *asJSON {
			enc.Encode(l)
			continue
		}
		fmt.Fprintf(out, "%-8s %8d %8.2f %8.2f %8.2f %10.1f %10s %10s\n", l.Carrier, l.Parcels, l.PerThousand["delay"],
			l.PerThousand["lost"], l.PerThousand["damaged"], l.AvgResolveHours, l.Claimed, l.Paid)
	}
	return exitOK
}

func problemsOpen(ctx context.Context, args []string, e *env) int {
	fs := newFlags("problems open", e)
	db := dbFlag(fs)
	no := fs.String("tracking", "", "tracking `NO` of the parcel")
	kind := fs.String("kind", "", "`KIND`: lost, damaged or delay")
	detail := fs.String("detail", "", "what happened")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *no == "" || !shipment.ProblemKind(*kind).Valid() {
		e.errorf("problems open: --tracking and --kind lost|damaged|delay are required")
		return exitUsage
	}
	store, closer, ok := openDB(ctx, e, "problems open", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	ctx = withActor(ctx)
	p, err := problemDesk(ctx, store).ReportProblem(ctx, *no, shipment.ProblemKind(*kind), *detail)
	if code, ok := refusal(e, err); ok {
		return code
	}
	if err != nil {
		e.errorf("problems open: %v", err)
		return exitRefused
	}
	fmt.Fprintln(e.stdout, p.ID)
	return exitOK
}

func problemsClaim(ctx context.Context, args []string, e *env) int {
	fs := newFlags("problems claim", e)
	db := dbFlag(fs)
	id := fs.String("id", "", "problem `ID`")
	start := fs.Bool("start", false, "open a claim (for the insured value, else the declared value, unless --amount)")
	amount := fs.String("amount", "", "claim `AMOUNT` for --start")
	submit := fs.String("submit", "", "mark the claim claimed with the courier's `REF`")
	paid := fs.String("paid", "", "the courier paid `AMOUNT`")
	reject := fs.Bool("reject", false, "the courier rejected the claim")
	note := fs.String("note", "", "a note on the settlement")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	n := 0
	for _, set := range []bool{*start, *submit != "", *paid != "", *reject} {
		if set {
			n++
		}
	}
	if *id == "" || n != 1 {
		e.errorf("problems claim: --id and exactly one of --start, --submit, --paid, --reject are required")
		return exitUsage
	}
	dec := func(s string) (decimal.Decimal, bool) {
		if s == "" {
			return decimal.Zero, true
		}
		d, err := decimal.NewFromString(s)
		if err != nil || d.IsNegative() {
			e.errorf("problems claim: %q is not an amount", s)
			return d, false
		}
		return d, true
	}
	store, closer, ok := openDB(ctx, e, "problems claim", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	desk := problemDesk(ctx, store)
	ctx = withActor(ctx)
	var err error
	switch {
	case *start:
		a, ok := dec(*amount)
		if !ok {
			return exitUsage
		}
		_, err = desk.StartClaim(ctx, *id, a)
	case *submit != "":
		_, err = desk.SubmitClaim(ctx, *id, *submit)
	default:
		a, ok := dec(*paid)
		if !ok {
			return exitUsage
		}
		_, err = desk.SettleClaim(ctx, *id, !*reject, a, *note)
	}
	if code, ok := refusal(e, err); ok {
		return code
	}
	if err != nil {
		e.errorf("problems claim: %v", err)
		return exitRefused
	}
	return exitOK
}

func problemsResolve(ctx context.Context, args []string, e *env) int {
	fs := newFlags("problems resolve", e)
	db := dbFlag(fs)
	id := fs.String("id", "", "problem `ID`")
	res := fs.String("resolution", "", "how it was settled")
	link := fs.String("link", "", "the exchange or refund it led to: refund:`ID` or exchange:ID")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	if *id == "" || *res == "" {
		e.errorf("problems resolve: --id and --resolution are required")
		return exitUsage
	}
	store, closer, ok := openDB(ctx, e, "problems resolve", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	if _, err := problemDesk(ctx, store).Resolve(withActor(ctx), *id, *res, *link); err != nil {
		if code, ok := refusal(e, err); ok {
			return code
		}
		e.errorf("problems resolve: %v", err)
		return exitRefused
	}
	return exitOK
}

func problemsDelays(ctx context.Context, args []string, e *env) int {
	fs := newFlags("problems delays", e)
	db := dbFlag(fs)
	after := fs.Duration("after", 48*time.Hour, "a parcel without a tracking event for this long is delayed")
	var per multiFlag
	fs.Var(&per, "carrier-after", "`CODE=DURATION` (repeatable): the limit of one carrier")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	limits := shipment.DelayLimits{Default: *after, ByCarrier: map[string]time.Duration{}}
	for _, p := range per {
		c, d, ok := strings.Cut(p, "=")
		dur, err := time.ParseDuration(d)
		if !ok || c == "" || err != nil || dur <= 0 {
			e.errorf("problems delays: --carrier-after %q: want CODE=DURATION such as SF=24h", p)
			return exitUsage
		}
		limits.ByCarrier[c] = dur
	}
	store, closer, ok := openDB(ctx, e, "problems delays", *db)
	if !ok {
		return exitRefused
	}
	defer closer.Close()
	ps, err := problemDesk(ctx, store).FindDelays(withActor(ctx), limits)
	if code, ok := refusal(e, err); ok {
		return code
	}
	if err != nil {
		e.errorf("problems delays: %v", err)
		return exitRefused
	}
	for _, p := range ps {
		fmt.Fprintf(e.stdout, "%s %s %s %s\n", p.ID, p.TrackingNo, p.Carrier, readableText(ctx, p.Detail))
	}
	return exitOK
}

// problemDesk is the shipment.Desk of the problems commands: the store, checked
// against the user's policy.
func problemDesk(ctx context.Context, store dbStore) *shipment.Desk {
	return &shipment.Desk{Store: store, Orders: store, Authorizer: authorizer(ctx)}
}
