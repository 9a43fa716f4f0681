package qa

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

// Errors of sampling plans.
var (
	// ErrLevel is wrapped by the error for an inspection level that is not one of
	// S-1, S-2, S-3, S-4, I, II, III.
	ErrLevel = errors.New("qa: unknown inspection level")
	// ErrAQL is wrapped by the error for an AQL that is not one of the standard's
	// preferred values (0.010 … 1000).
	ErrAQL = errors.New("qa: AQL is not a preferred value")
	// ErrLot is wrapped by the error for a lot size below 2 (ISO 2859-1 starts at 2).
	ErrLot = errors.New("qa: lot size out of range")
	// ErrRegime is wrapped by the error for an unknown severity of inspection.
	ErrRegime = errors.New("qa: unknown severity of inspection")
	// ErrDiscontinued is returned for a plan while lot inspection is discontinued
	// (five lots not accepted on tightened inspection): the supplier must improve
	// before inspection resumes, on tightened inspection.
	ErrDiscontinued = errors.New("qa: lot inspection discontinued")
)

// Level is an inspection level of ISO 2859-1 (GB/T 2828.1) Table 1.
type Level string

// The inspection levels: special S-1 … S-4 and general I, II, III.
const (
	S1  Level = "S-1"
	S2  Level = "S-2"
	S3  Level = "S-3"
	S4  Level = "S-4"
	I   Level = "I"
	II  Level = "II"
	III Level = "III"
)

// Levels lists the inspection levels in the order of Table 1's columns.
var Levels = []Level{S1, S2, S3, S4, I, II, III}

// Regime is the severity of lot inspection: normal, tightened or reduced, or
// discontinued once the switching rules stop inspection.
type Regime string

// Severities of inspection.
const (
	Normal       Regime = "normal"
	Tightened    Regime = "tightened"
	Reduced      Regime = "reduced"
	Discontinued Regime = "discontinued"
)

// ParseRegime returns the regime named s.
func ParseRegime(s string) (Regime, error) {
	switch r := Regime(s); r {
	case Normal, Tightened, Reduced, Discontinued:
		return r, nil
	}
	return "", fmt.Errorf("%w: %q", ErrRegime, s)
}

// AQLs are the preferred acceptance quality limits of the master tables, in
// percent nonconforming (up to 10) or nonconformities per 100 items.
var AQLs = []float64{0.010, 0.015, 0.025, 0.040, 0.065, 0.10, 0.15, 0.25, 0.40, 0.65,
	1.0, 1.5, 2.5, 4.0, 6.5, 10, 15, 25, 40, 65, 100, 150, 250, 400, 650, 1000}

// Letters are the sample size code letters A … R, and SampleSizes their sample
// sizes under normal and tightened inspection. Letter S (3150) is reached only by
// the arrows of the tightened table.
const Letters = "ABCDEFGHJKLMNPQR"

// SampleSizes are the sample sizes of the code letters A … R, in order.
var SampleSizes = []int{2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000}

// reducedSizes are the sample sizes of A … R under reduced inspection (Table 2-C).
var reducedSizes = []int{2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800}

// lotBounds are the upper lot sizes of Table 1's rows; the last row is open.
var lotBounds = []int{8, 15, 25, 50, 90, 150, 280, 500, 1200, 3200, 10000, 35000, 150000, 500000, math.MaxInt}

// codeTable is Table 1 of ISO 2859-1: a row per lot size range, a letter per
// level in the order of [Levels].
var codeTable = [...]string{
	/*        2–8 */ "AAAAAAB",
	/*       9–15 */ "AAAAABC",
	/*      16–25 */ "AABBBCD",
	/*      26–50 */ "ABBCCDE",
	/*      51–90 */ "BBCCCEF",
	/*     91–150 */ "BBCDDFG",
	/*    151–280 */ "BCDEEGH",
	/*    281–500 */ "BCDEFHJ",
	/*   501–1200 */ "CCEFGJK",
	/*  1201–3200 */ "CDEGHKL",
	/* 3201–10000 */ "CDFGJLM",
	/* 10001–35000 */ "CDFHKMN",
	/* 35001–150000 */ "DEGJLNP",
	/* 150001–500000 */ "DEGJMPQ",
	/* 500001 and over */ "DEHKNQR",
}

// The master tables of single sampling, a row per code letter A … R and a cell
// per AQL of [AQLs]: "Ac/Re", "v" (use the first plan below the arrow) or "^"
// (use the first plan above). Table 2-A is normal inspection, 2-B tightened,
// 2-C reduced (ISO 2859-1:1999, where reduced plans have Re = Ac + 1).
var normalTable = [...]string{
	/* A */ "v     v     v     v     v     v     v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31",
	/* B */ "v     v     v     v     v     v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45",
	/* C */ "v     v     v     v     v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45 ^",
	/* D */ "v     v     v     v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 30/31 44/45 ^     ^",
	/* E */ "v     v     v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ^     ^     ^     ^     ^",
	/* F */ "v     v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^",
	/* G */ "v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^",
	/* H */ "v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^",
	/* J */ "v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* K */ "v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* L */ "v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* M */ "v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* N */ "v     v     0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* P */ "v     0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* Q */ "0/1   ^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* R */ "^     v     1/2   2/3   3/4   5/6   7/8   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
}

var tightenedTable = [...]string{
	/* A */ "v     v     v     v     v     v     v     v     v     v     v     v     v     v     v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 27/28",
	/* B */ "v     v     v     v     v     v     v     v     v     v     v     v     v     v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 27/28 41/42",
	/* C */ "v     v     v     v     v     v     v     v     v     v     v     v     v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 27/28 41/42 ^",
	/* D */ "v     v     v     v     v     v     v     v     v     v     v     v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 27/28 41/42 ^     ^",
	/* E */ "v     v     v     v     v     v     v     v     v     v     v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ^     ^     ^     ^     ^",
	/* F */ "v     v     v     v     v     v     v     v     v     v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ^     ^     ^     ^     ^     ^",
	/* G */ "v     v     v     v     v     v     v     v     v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ^     ^     ^     ^     ^     ^     ^",
	/* H */ "v     v     v     v     v     v     v     v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ^     ^     ^     ^     ^     ^     ^     ^",
	/* J */ "v     v     v     v     v     v     v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* K */ "v     v     v     v     v     v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* L */ "v     v     v     v     v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* M */ "v     v     v     v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* N */ "v     v     v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* P */ "v     v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* Q */ "v     0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* R */ "0/1   v     v     1/2   2/3   3/4   5/6   8/9   12/13 18/19 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* S */ "      1/2   1/2",
}

var reducedTable = [...]string{
	/* A */ "v     v     v     v     v     v     v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22",
	/* B */ "v     v     v     v     v     v     v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22",
	/* C */ "v     v     v     v     v     v     v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22",
	/* D */ "v     v     v     v     v     v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22 30/31",
	/* E */ "v     v     v     v     v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22 30/31 44/45",
	/* F */ "v     v     v     v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22 30/31 44/45 ^",
	/* G */ "v     v     v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22 ^     ^     ^     ^",
	/* H */ "v     v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22 ^     ^     ^     ^     ^",
	/* J */ "v     v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^",
	/* K */ "v     v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^",
	/* L */ "v     v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^",
	/* M */ "v     v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* N */ "v     v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* P */ "v     v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* Q */ "v     v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
	/* R */ "v     0/1   ^     v     1/2   2/3   3/4   5/6   6/7   8/9   10/11 14/15 21/22 ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^     ^",
}

// cell is one entry of a master table.
type cell struct {
	arrow   byte // 'v', '^' or 0 for a plan
	ac, re  int
	hasPlan bool
	empty   bool
}

type grid [][]cell

func parseGrid(rows []string) grid {
	g := make(grid, len(rows))
	for i, r := range rows {
		g[i] = make([]cell, len(AQLs))
		for j := range g[i] {
			g[i][j].empty = true
		}
		// Cells are six columns wide, so a row may leave cells empty.
		for j := 0; j*6 < len(r) && j < len(AQLs); j++ {
			f := strings.TrimSpace(r[j*6 : min(len(r), j*6+6)])
			switch {
			case f == "":
			case f == "v" || f == "^":
				g[i][j] = cell{arrow: f[0]}
			default:
				a, b, ok := strings.Cut(f, "/")
				ac, err1 := strconv.Atoi(a)
				re, err2 := strconv.Atoi(b)
				if !ok || err1 != nil || err2 != nil {
					panic("qa: bad master table cell " + f)
				}
				g[i][j] = cell{ac: ac, re: re, hasPlan: true}
			}
		}
	}
	return g
}

var grids = sync.OnceValue(func() map[Regime]grid {
	return map[Regime]grid{
		Normal:    parseGrid(normalTable[:]),
		Tightened: parseGrid(tightenedTable[:]),
		Reduced:   parseGrid(reducedTable[:]),
	}
})

// Plan is a single sampling plan: inspect Sample items of the lot, accept the lot
// with at most Accept nonconforming items (or nonconformities), do not accept it
// with Reject or more.
type Plan struct {
	Regime Regime  // severity of inspection the plan is for
	Level  Level   // inspection level
	AQL    float64 // acceptance quality limit
	Lot    int     // lot size
	// Letter is the code letter of the lot size and level (Table 1); Code the
	// letter of the plan the arrows lead to, whose sample size is used.
	Letter, Code string
	Sample       int  // items to inspect; never more than Lot
	Accept       int  // acceptance number Ac
	Reject       int  // rejection number Re
	Full         bool // the plan's sample reaches the lot size: 100 % inspection
	row, col     int  // the plan's cell in its master table
}

// Accepts reports whether a sample with defects nonconforming items accepts the lot.
func (p Plan) Accepts(defects int) bool { return defects <= p.Accept }

// aqlIndex returns the column of aql, which must equal a preferred value.
func aqlIndex(aql float64) (int, error) {
	for i, a := range AQLs {
		if math.Abs(aql-a) <= a*1e-6 {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%w: %v", ErrAQL, aql)
}

func levelIndex(l Level) (int, error) {
	for i, x := range Levels {
		if x == l {
			return i, nil
		}
	}
	return 0, fmt.Errorf("%w: %q", ErrLevel, l)
}

// CodeLetter returns the sample size code letter of Table 1 for a lot of lot
// items inspected at level.
func CodeLetter(lot int, level Level) (string, error) {
	li, err := levelIndex(level)
	if err != nil {
		return "", err
	}
	if lot < 2 {
		return "", fmt.Errorf("%w: %d", ErrLot, lot)
	}
	for i, b := range lotBounds {
		if lot <= b {
			return codeTable[i][li : li+1], nil
		}
	}
	panic("unreachable")
}

// PlanFor returns the single sampling plan of ISO 2859-1 (GB/T 2828.1) for a lot
// of lot items at an inspection level, an AQL and a severity of inspection,
// following the arrows of the master table. A plan whose sample is the lot or
// more means 100 % inspection: Sample is then Lot and Full is set.
//
// An arrow that would lead off the table (row A's up arrows, row R's down
// arrows) is followed the other way, as the nearest plan in its column; a
// column with no plan that way (reduced inspection, row R, AQL 0.010) takes the
// nearest plan of the row towards larger AQLs.
func PlanFor(lot int, level Level, aql float64, r Regime) (Plan, error) {
	letter, err := CodeLetter(lot, level)
	if err != nil {
		return Plan{}, err
	}
	col, err := aqlIndex(aql)
	if err != nil {
		return Plan{}, err
	}
	if r == Discontinued {
		return Plan{}, ErrDiscontinued
	}
	g, ok := grids()[r]
	if !ok {
		return Plan{}, fmt.Errorf("%w: %q", ErrRegime, r)
	}
	row := strings.Index(Letters, letter)
	pr, pc := follow(g, row, col), col
	for pr < 0 { // reduced 0.010 in row R: the nearest plan of the row, to the right
		pc++
		pr = follow(g, row, pc)
	}
	p := Plan{Regime: r, Level: level, AQL: AQLs[col], Lot: lot, Letter: letter, row: pr, col: pc}
	c := g[pr][pc]
	p.Accept, p.Reject = c.ac, c.re
	p.Code, p.Sample = codeOf(r, pr)
	if p.Sample >= lot {
		p.Sample, p.Full = lot, true
	}
	return p, nil
}

// follow returns the row of the plan the arrows at (row, col) lead to.
func follow(g grid, row, col int) int {
	c := g[row][col]
	if c.hasPlan {
		return row
	}
	dir := 1
	if c.arrow == '^' {
		dir = -1
	}
	for _, d := range []int{dir, -dir} {
		for i := row + d; i >= 0 && i < len(g); i += d {
			if g[i][col].hasPlan {
				return i
			}
		}
	}
	return -1 // a column without a plan: the caller looks along the row
}

func codeOf(r Regime, row int) (string, int) {
	switch {
	case row == len(Letters):
		return "S", 3150
	case r == Reduced:
		return Letters[row : row+1], reducedSizes[row]
	}
	return Letters[row : row+1], SampleSizes[row]
}

// tighterAccept returns the acceptance number the switching score compares with
// when Ac is 2 or more: that of the plan one AQL step tighter, in the same row of
// the normal table.
func tighterAccept(p Plan) int {
	if p.col == 0 {
		return p.Accept
	}
	c := grids()[Normal][p.row][p.col-1]
	if !c.hasPlan {
		return 0
	}
	return c.ac
}
