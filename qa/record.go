package qa

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrInvalid is wrapped by the error for an inspection or lot record that is
// incomplete or inconsistent.
var ErrInvalid = errors.New("qa: invalid record")

// ErrNotPrinted is wrapped by the error for an order that has no printed event.
var ErrNotPrinted = errors.New("qa: order not printed")

// Severity is how serious a defect is.
type Severity string

// Severities of defects.
const (
	Critical Severity = "critical" // the parcel goes wrong: wrong address, wrong goods
	Major    Severity = "major"    // a fault the customer or courier meets
	Minor    Severity = "minor"    // cosmetic
)

// Severities lists the severities, most serious first.
var Severities = []Severity{Critical, Major, Minor}

// Cause is where a defect came from.
type Cause string

// Causes of defects.
const (
	CauseOperator Cause = "operator" // the operator's mistake
	CauseSystem   Cause = "system"   // a fault of the software
	CauseTemplate Cause = "template" // the label template
	CausePrinter  Cause = "printer"  // the printer
	CauseSupplies Cause = "supplies" // labels, ribbon, paper
	CausePlatform Cause = "platform" // data as the platform sent it
	CauseOther    Cause = "other"
)

// Causes lists the causes.
var Causes = []Cause{CauseOperator, CauseSystem, CauseTemplate, CausePrinter, CauseSupplies, CausePlatform, CauseOther}

// Result is the outcome of an inspection.
type Result string

// Results of an inspection.
const (
	Pass Result = "pass"
	Fail Result = "fail"
)

// The items an inspection checks (§四(一)2).
const (
	CheckName         = "name"
	CheckAddress      = "address"
	CheckPhone        = "phone"
	CheckItems        = "items"
	CheckPrices       = "prices"
	CheckClarity      = "clarity"      // print clarity
	CheckCompleteness = "completeness" // nothing cut off or missing
	CheckPlacement    = "placement"    // label placement on the parcel
	CheckPackingList  = "packing_list" // packing list against the order
)

// Checklist lists the standard checks in the order an inspector goes through them.
var Checklist = []string{CheckName, CheckAddress, CheckPhone, CheckItems, CheckPrices, CheckClarity,
	CheckCompleteness, CheckPlacement, CheckPackingList}

// Check is one item checked and whether it was right.
type Check struct {
	Item string
	OK   bool
	Note string
}

// Defect is one fault found.
type Defect struct {
	Type     string // what is wrong, e.g. "address", "blurred", "misplaced"
	Severity Severity
	Cause    Cause
	Doc      string // the document kind it is on (printer.DocKind), "" for the order's first
	Note     string
}

// Doc is one document of a printed order: its template and the printer that
// printed it.
type Doc struct {
	Kind     string // printer.DocKind
	Template string
	Version  string
	Hash     string // content hash of the document, "sha256:…"
	Printer  string
}

// Printed is an order as it was printed: the operator is the actor of its
// printed journal event, the documents come from its print jobs.
type Printed struct {
	Order    string
	Time     time.Time // of the printed event
	Operator string
	Docs     []Doc
}

// Printers returns the distinct printers of p's documents, in document order.
func (p Printed) Printers() []string {
	var out []string
	for _, d := range p.Docs {
		if d.Printer != "" && !slices.Contains(out, d.Printer) {
			out = append(out, d.Printer)
		}
	}
	return out
}

// Inspection is one inspection of one printed order (§四(一)2). Round 1 is the
// sampling inspection; later rounds inspect the rework.
type Inspection struct {
	ID        string // assigned by the store when empty
	Seq       int64  // assigned by the store, increasing
	Order     string
	Time      time.Time
	Inspector string
	Round     int
	Result    Result
	Checks    []Check
	Defects   []Defect
	// What the order was printed with, from its [Printed] record.
	Operator  string
	PrintedAt time.Time
	Docs      []Doc
	Note      string
	Photo     string // path of a photo of the parcel or label
}

// Doc returns the document a defect is on: the one of kind, else the first.
func (in *Inspection) Doc(kind string) Doc {
	for _, d := range in.Docs {
		if d.Kind == kind {
			return d
		}
	}
	if len(in.Docs) > 0 {
		return in.Docs[0]
	}
	return Doc{}
}

// Validate checks in is complete and consistent: an order, a time, a result, a
// failure with a defect, a pass without critical or major ones, known
// severities and causes.
func (in *Inspection) Validate() error {
	bad := func(f string, a ...any) error {
		return fmt.Errorf("%w: inspection of %q: %s", ErrInvalid, in.Order, fmt.Sprintf(f, a...))
	}
	switch {
	case strings.TrimSpace(in.Order) == "":
		return bad("no order")
	case in.Time.IsZero():
		return bad("no time")
	case in.Result != Pass && in.Result != Fail:
		return bad("result %q: want pass or fail", in.Result)
	case in.Result == Fail && len(in.Defects) == 0:
		return bad("a failed inspection names its defects")
	case in.Round < 0:
		return bad("round %d", in.Round)
	}
	for _, d := range in.Defects {
		if strings.TrimSpace(d.Type) == "" {
			return bad("a defect without a type")
		}
		if !slices.Contains(Severities, d.Severity) {
			return bad("defect %q: severity %q: want critical, major or minor", d.Type, d.Severity)
		}
		if !slices.Contains(Causes, d.Cause) {
			return bad("defect %q: cause %q", d.Type, d.Cause)
		}
		if in.Result == Pass && d.Severity != Minor {
			return bad("a pass with a %s defect", d.Severity)
		}
	}
	return nil
}

// Lot is one lot inspected by ISO 2859-1 single sampling: its plan, the
// nonconforming items found and what the switching rules made of it. A Lot with
// Resume set records the restart of a discontinued inspection instead.
type Lot struct {
	ID        string // assigned by the store when empty
	Seq       int64  // assigned by the store, increasing
	Time      time.Time
	Inspector string
	Name      string // the lot's name or batch number, free text
	Size      int
	Level     Level
	AQL       float64
	Regime    Regime // severity of inspection the lot was inspected under
	Code      string
	Sample    int
	Accept    int
	Reject    int
	Defects   int
	Accepted  bool
	Next      Regime // severity of inspection of the next lot
	Resume    bool
}
