package qa

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCodeLetters checks Table 1 at both ends of every lot size range.
func TestCodeLetters(t *testing.T) {
	// lot size range → letters for S-1 S-2 S-3 S-4 I II III
	table := []struct {
		lo, hi  int
		letters string
	}{
		{2, 8, "A A A A A A B"},
		{9, 15, "A A A A A B C"},
		{16, 25, "A A B B B C D"},
		{26, 50, "A B B C C D E"},
		{51, 90, "B B C C C E F"},
		{91, 150, "B B C D D F G"},
		{151, 280, "B C D E E G H"},
		{281, 500, "B C D E F H J"},
		{501, 1200, "C C E F G J K"},
		{1201, 3200, "C D E G H K L"},
		{3201, 10000, "C D F G J L M"},
		{10001, 35000, "C D F H K M N"},
		{35001, 150000, "D E G J L N P"},
		{150001, 500000, "D E G J M P Q"},
		{500001, 1 << 40, "D E H K N Q R"},
	}
	for _, row := range table {
		want := strings.Fields(row.letters)
		for i, lv := range []Level{"S-1", "S-2", "S-3", "S-4", "I", "II", "III"} {
			for _, n := range []int{row.lo, row.hi} {
				got, err := CodeLetter(n, lv)
				require.NoError(t, err)
				assert.Equal(t, want[i], got, "lot %d level %s", n, lv)
			}
		}
	}
	_, err := CodeLetter(1, II)
	assert.ErrorIs(t, err, ErrLot)
	_, err = CodeLetter(100, "IV")
	assert.ErrorIs(t, err, ErrLevel)
}

// masterRule is the shape of each master table, written out independently of
// the table data: the cell of code letter row r and AQL column c lies on the
// diagonal r+c; each diagonal carries one plan or one arrow.
type masterRule struct {
	zero  int      // the diagonal of Ac 0, Re 1
	gap   string   // the arrows between 0/1 and 1/2
	seq   []string // the plans from 1/2 on
	small int      // the last row (index) allowed plans with Ac above max
	max   int      // the largest Ac of the other rows
}

var rules = map[Regime]masterRule{
	Normal:    {14, "^v", strings.Fields("1/2 2/3 3/4 5/6 7/8 10/11 14/15 21/22 30/31 44/45"), 3, 21},
	Tightened: {15, "vv", strings.Fields("1/2 2/3 3/4 5/6 8/9 12/13 18/19 27/28 41/42"), 3, 18},
	Reduced:   {16, "^v", strings.Fields("1/2 2/3 3/4 5/6 6/7 8/9 10/11 14/15 21/22 30/31 44/45"), 5, 21},
}

func (m masterRule) want(r, c int) string {
	s := r + c
	switch {
	case s < m.zero:
		return "v"
	case s == m.zero:
		return "0/1"
	case s-m.zero <= len(m.gap):
		return m.gap[s-m.zero-1 : s-m.zero]
	}
	k := s - m.zero - 1 - len(m.gap)
	if k >= len(m.seq) {
		return "^"
	}
	var ac int
	fmt.Sscanf(m.seq[k], "%d/", &ac)
	if r > m.small && ac > m.max {
		return "^"
	}
	return m.seq[k]
}

func cellString(c cell) string {
	switch {
	case c.hasPlan:
		return fmt.Sprintf("%d/%d", c.ac, c.re)
	case c.arrow != 0:
		return string(c.arrow)
	}
	return ""
}

// TestMasterTables checks every entry of Tables 2-A, 2-B and 2-C.
func TestMasterTables(t *testing.T) {
	for regime, rule := range rules {
		g := grids()[regime]
		for r := range len(Letters) {
			for c := range AQLs {
				want := rule.want(r, c)
				if regime == Reduced && r < 2 {
					want = rule.want(2, c) // A and B sample 2 items, as C does: the same row
				}
				assert.Equal(t, want, cellString(g[r][c]), "%s %c AQL %v", regime, Letters[r], AQLs[c])
			}
		}
	}
	// Tightened letter S: 3150 items, Ac 1 Re 2, reached from row R's arrows.
	s := grids()[Tightened][len(Letters)]
	for c := range AQLs {
		want := ""
		if c == 1 || c == 2 {
			want = "1/2"
		}
		assert.Equal(t, want, cellString(s[c]), "tightened S AQL %v", AQLs[c])
	}
	assert.Len(t, grids()[Normal], 16)
	assert.Len(t, grids()[Reduced], 16)
}

// TestPlans checks plans the arrows lead to against the standard's worked cases.
func TestPlans(t *testing.T) {
	cases := []struct {
		lot    int
		level  Level
		aql    float64
		regime Regime
		code   string
		n      int
		ac, re int
	}{
		{1000, II, 2.5, Normal, "J", 80, 5, 6},
		{1000, II, 1.0, Normal, "J", 80, 2, 3},
		{1000, II, 0.65, Normal, "J", 80, 1, 2},
		{1000, II, 4.0, Normal, "J", 80, 7, 8},
		{1000, II, 0.15, Normal, "J", 80, 0, 1},
		{1000, II, 0.25, Normal, "H", 50, 0, 1},  // ↑
		{1000, II, 0.40, Normal, "K", 125, 1, 2}, // ↓
		{1000, II, 0.10, Normal, "K", 125, 0, 1},
		{1000, II, 0.065, Normal, "L", 200, 0, 1},
		{500, II, 2.5, Normal, "H", 50, 3, 4},
		{500, II, 6.5, Normal, "H", 50, 7, 8},
		{3000, II, 1.0, Normal, "K", 125, 3, 4},
		{3000, II, 2.5, Normal, "K", 125, 7, 8},
		{3000, II, 10, Normal, "K", 125, 21, 22},
		{3000, II, 15, Normal, "J", 80, 21, 22}, // ↑
		{50, II, 1.5, Normal, "D", 8, 0, 1},
		{50, II, 2.5, Normal, "C", 5, 0, 1},  // ↑
		{50, II, 4.0, Normal, "E", 13, 1, 2}, // ↓
		{50, II, 6.5, Normal, "D", 8, 1, 2},
		{100000, II, 0.65, Normal, "N", 500, 7, 8},
		{100000, II, 1.5, Normal, "N", 500, 14, 15},
		{100000, II, 2.5, Normal, "N", 500, 21, 22},
		{100000, II, 4.0, Normal, "M", 315, 21, 22},
		{8, II, 6.5, Normal, "A", 2, 0, 1},
		{8, II, 4.0, Normal, "B", 3, 0, 1},
		{8, II, 1000, Normal, "A", 2, 30, 31},
		{15, II, 1000, Normal, "B", 3, 44, 45},
		{25, II, 1000, Normal, "B", 3, 44, 45}, // C is ↑
		{8, II, 10, Normal, "C", 5, 1, 2},      // row A's ↑ has no plan above: the plan below
		{1 << 20, III, 0.015, Normal, "P", 800, 0, 1},
		{1 << 20, III, 0.010, Normal, "Q", 1250, 0, 1},
		{1 << 20, III, 0.65, Normal, "R", 2000, 21, 22},
		{1000, II, 2.5, Tightened, "J", 80, 3, 4},
		{1000, II, 1.0, Tightened, "J", 80, 1, 2},
		{1000, II, 0.65, Tightened, "K", 125, 1, 2}, // ↓↓
		{1000, II, 0.25, Tightened, "J", 80, 0, 1},
		{1000, II, 6.5, Tightened, "J", 80, 8, 9},
		{1000, II, 10, Tightened, "J", 80, 12, 13},
		{8, II, 6.5, Tightened, "B", 3, 0, 1},
		{1 << 20, III, 0.015, Tightened, "S", 3150, 1, 2},
		{1 << 20, III, 0.010, Tightened, "R", 2000, 0, 1},
		{1000, II, 2.5, Reduced, "J", 32, 2, 3},
		{1000, II, 1.0, Reduced, "K", 50, 1, 2},
		{3000, II, 2.5, Reduced, "K", 50, 3, 4},
		{3000, II, 6.5, Reduced, "K", 50, 6, 7},
		{3000, II, 10, Reduced, "K", 50, 8, 9},
		{1 << 20, III, 0.010, Reduced, "R", 800, 0, 1},
	}
	for _, c := range cases {
		p, err := PlanFor(c.lot, c.level, c.aql, c.regime)
		require.NoError(t, err)
		name := fmt.Sprintf("%s lot %d %s AQL %v", c.regime, c.lot, c.level, c.aql)
		assert.Equal(t, c.code, p.Code, name)
		assert.Equal(t, min(c.n, c.lot), p.Sample, name)
		assert.Equal(t, c.n >= c.lot, p.Full, name)
		assert.Equal(t, [2]int{c.ac, c.re}, [2]int{p.Accept, p.Reject}, name)
	}
}

// TestEveryPlan follows the arrows of every cell and checks what it reaches.
func TestEveryPlan(t *testing.T) {
	lots := []int{2, 8, 9, 15, 16, 25, 26, 50, 51, 90, 91, 150, 151, 280, 281, 500, 501, 1200,
		1201, 3200, 3201, 10000, 10001, 35000, 35001, 150000, 150001, 500000, 500001, 1 << 30}
	for _, r := range []Regime{Normal, Tightened, Reduced} {
		for _, lv := range Levels {
			for _, lot := range lots {
				for _, a := range AQLs {
					p, err := PlanFor(lot, lv, a, r)
					require.NoError(t, err)
					assert.Equal(t, p.Accept+1, p.Reject)
					assert.LessOrEqual(t, p.Sample, lot)
					assert.Positive(t, p.Sample)
					assert.Equal(t, p.Sample == lot, p.Full || p.Sample == lot)
				}
			}
		}
	}
}

func TestPlanErrors(t *testing.T) {
	_, err := PlanFor(100, II, 3, Normal)
	assert.ErrorIs(t, err, ErrAQL)
	_, err = PlanFor(100, II, 2.5, "strict")
	assert.ErrorIs(t, err, ErrRegime)
	_, err = PlanFor(100, II, 2.5, Discontinued)
	assert.ErrorIs(t, err, ErrDiscontinued)
	_, err = PlanFor(0, II, 2.5, Normal)
	assert.True(t, errors.Is(err, ErrLot))
	p, err := PlanFor(100, II, 0.0100000001, Normal)
	require.NoError(t, err)
	assert.Equal(t, 0.010, p.AQL)
}

// refSwitch is the switching rules written from the whole history of lots, as
// the standard states them, to check [Switching] over random histories.
func refSwitch(t *testing.T, hist []struct {
	plan Plan
	d    int
}) Regime {
	regime := Normal
	var since []bool // results since the current regime began
	score := 0
	for _, h := range hist {
		acc := h.d <= h.plan.Accept
		since = append(since, acc)
		switch regime {
		case Normal:
			last := since[max(0, len(since)-5):]
			n := 0
			for _, a := range last {
				if !a {
					n++
				}
			}
			if n >= 2 {
				regime, since, score = Tightened, nil, 0
				continue
			}
			tighter := h.plan
			if h.plan.Accept >= 2 {
				// one AQL step tighter, same code letter: the previous Ac of the row
				prev, err := PlanFor(h.plan.Lot, h.plan.Level, AQLs[h.plan.col-1], Normal)
				require.NoError(t, err)
				tighter = prev
				if prev.Code != h.plan.Code { // an arrow: read the row itself
					tighter.Accept = grids()[Normal][h.plan.row][h.plan.col-1].ac
				}
				if h.d <= tighter.Accept {
					score += 3
				} else {
					score = 0
				}
			} else if acc {
				score += 2
			} else {
				score = 0
			}
			if score >= 30 {
				regime, since, score = Reduced, nil, 0
			}
		case Tightened:
			run, rejected := 0, 0
			for _, a := range since {
				if a {
					run++
				} else {
					run, rejected = 0, rejected+1
				}
			}
			if run >= 5 {
				regime, since = Normal, nil
			} else if rejected >= 5 {
				regime = Discontinued
			}
		case Reduced:
			if !acc {
				regime, since = Normal, nil
			}
		}
		if regime == Discontinued {
			break
		}
	}
	return regime
}

func TestSwitchingHistories(t *testing.T) {
	seen := map[Regime]int{}
	for seed := range uint64(400) {
		rng := rand.New(rand.NewPCG(seed, 7))
		var sw Switching
		var hist []struct {
			plan Plan
			d    int
		}
		quality := rng.Float64() * 0.08 // the supplier's nonconforming fraction
		for range 60 {
			if sw.Current() == Discontinued {
				break
			}
			lot := 50 + rng.IntN(5000)
			aql := []float64{0.65, 1.0, 2.5, 4.0}[rng.IntN(4)]
			p, err := PlanFor(lot, II, aql, sw.Current())
			require.NoError(t, err)
			d := 0
			for range p.Sample {
				if rng.Float64() < quality {
					d++
				}
			}
			hist = append(hist, struct {
				plan Plan
				d    int
			}{p, d})
			_, next := sw.Record(p, d)
			require.Equal(t, refSwitch(t, hist), next, "seed %d after %d lots", seed, len(hist))
			seen[next]++
		}
	}
	for _, r := range []Regime{Normal, Tightened, Reduced, Discontinued} {
		assert.Positive(t, seen[r], "histories reached %s", r)
	}
}

func TestSwitchingRules(t *testing.T) {
	p, err := PlanFor(1000, II, 2.5, Normal) // J 80 Ac 5; one step tighter (1.5) Ac 3
	require.NoError(t, err)
	var s Switching
	_, next := s.Record(p, 6)
	assert.Equal(t, Normal, next, "one lot not accepted")
	for range 3 {
		s.Record(p, 0)
	}
	_, next = s.Record(p, 6)
	assert.Equal(t, Tightened, next, "2 of 5 not accepted")

	s = Switching{}
	s.Record(p, 6)
	for range 4 {
		s.Record(p, 0)
	}
	_, next = s.Record(p, 6)
	assert.Equal(t, Normal, next, "2 not accepted, 6 lots apart")

	tp, err := PlanFor(1000, II, 2.5, Tightened)
	require.NoError(t, err)
	s = Switching{Regime: Tightened}
	for i := range 4 {
		_, next = s.Record(tp, 0)
		assert.Equal(t, Tightened, next, i)
	}
	_, next = s.Record(tp, 0)
	assert.Equal(t, Normal, next, "5 accepted on tightened")

	s = Switching{Regime: Tightened}
	for range 4 {
		_, next = s.Record(tp, 9)
		assert.Equal(t, Tightened, next)
	}
	_, next = s.Record(tp, 9)
	assert.Equal(t, Discontinued, next)
	s.Resume()
	assert.Equal(t, Tightened, s.Current())

	// Score: 4 defects (> Ac 3 of AQL 1.5) resets; 3 adds 3; 10 lots with 3 reach 30.
	s = Switching{}
	for i := range 9 {
		_, next = s.Record(p, 3)
		assert.Equal(t, Normal, next)
		assert.Equal(t, 3*(i+1), s.Score)
	}
	s.Record(p, 4)
	assert.Zero(t, s.Score)
	for range 9 {
		s.Record(p, 3)
	}
	_, next = s.Record(p, 0)
	assert.Equal(t, Reduced, next)
	rp, err := PlanFor(1000, II, 2.5, Reduced)
	require.NoError(t, err)
	_, next = s.Record(rp, rp.Accept)
	assert.Equal(t, Reduced, next)
	_, next = s.Record(rp, rp.Reject)
	assert.Equal(t, Normal, next, "reduced → normal on a lot not accepted")

	// Ac 0 or 1: 2 per accepted lot.
	p0, err := PlanFor(1000, II, 0.15, Normal)
	require.NoError(t, err)
	s = Switching{}
	for range 14 {
		s.Record(p0, 0)
	}
	assert.Equal(t, 28, s.Score)
	_, next = s.Record(p0, 0)
	assert.Equal(t, Reduced, next)
}
