package qa

// Switching holds the state of the switching rules of ISO 2859-1 (GB/T 2828.1)
// clause 9 over a sequence of lots. The zero value starts on normal inspection.
//
//   - normal → tightened when 2 of 5 or fewer consecutive lots are not accepted;
//   - tightened → normal after 5 consecutive lots are accepted;
//   - normal → reduced when the switching score reaches 30;
//   - reduced → normal when a lot is not accepted;
//   - tightened → discontinued when the lots not accepted since tightened
//     inspection began reach 5; [Switching.Resume] starts tightened inspection
//     again once the supplier has improved.
type Switching struct {
	Regime Regime // severity of inspection of the next lot ("" means normal)
	// Score is the switching score under normal inspection (clause 9.3.3): add 3
	// for a lot that an AQL one step tighter would still accept when Ac ≥ 2, add
	// 2 for an accepted lot when Ac is 0 or 1, reset to 0 otherwise.
	Score int
	// Recent holds whether each of the last lots (at most 5) since normal
	// inspection began was accepted, oldest first.
	Recent []bool
	// Accepted counts the consecutive lots accepted on tightened inspection;
	// Rejected the lots not accepted since tightened inspection began.
	Accepted, Rejected int
}

// ReducedScore is the switching score at which normal inspection switches to
// reduced.
const ReducedScore = 30

// Current returns the severity of inspection of the next lot.
func (s *Switching) Current() Regime {
	if s.Regime == "" {
		return Normal
	}
	return s.Regime
}

// Record applies the outcome of a lot inspected under plan p with defects
// nonconforming items, and returns whether the lot was accepted and the severity
// of inspection of the next lot.
func (s *Switching) Record(p Plan, defects int) (accepted bool, next Regime) {
	accepted = p.Accepts(defects)
	switch s.Current() {
	case Normal:
		s.Recent = append(s.Recent, accepted)
		if len(s.Recent) > 5 {
			s.Recent = s.Recent[len(s.Recent)-5:]
		}
		rejected := 0
		for _, a := range s.Recent {
			if !a {
				rejected++
			}
		}
		switch {
		case rejected >= 2:
			s.enter(Tightened)
			return accepted, s.Current()
		case p.Accept >= 2 && defects <= tighterAccept(p):
			s.Score += 3
		case p.Accept < 2 && accepted:
			s.Score += 2
		default:
			s.Score = 0
		}
		if s.Score >= ReducedScore {
			s.enter(Reduced)
		}
	case Tightened:
		if accepted {
			s.Accepted++
			if s.Accepted >= 5 {
				s.enter(Normal)
			}
			break
		}
		s.Accepted = 0
		s.Rejected++
		if s.Rejected >= 5 {
			s.enter(Discontinued)
		}
	case Reduced:
		if !accepted {
			s.enter(Normal)
		}
	}
	return accepted, s.Current()
}

// Resume starts tightened inspection after a discontinuation.
func (s *Switching) Resume() {
	if s.Current() == Discontinued {
		s.enter(Tightened)
	}
}

func (s *Switching) enter(r Regime) {
	*s = Switching{Regime: r}
}
