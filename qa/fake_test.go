package qa

import (
	"context"
	"fmt"
	"iter"
	"time"
)

// fakeStore is a Store over slices, for the package's own tests.
type fakeStore struct {
	printed []Printed
	ins     []Inspection
	lots    []Lot
}

func (f *fakeStore) Printed(ctx context.Context, from, to time.Time) iter.Seq2[Printed, error] {
	return func(yield func(Printed, error) bool) {
		for _, p := range f.printed {
			if (from.IsZero() || !p.Time.Before(from)) && (to.IsZero() || p.Time.Before(to)) {
				if !yield(p, nil) {
					return
				}
			}
		}
	}
}

func (f *fakeStore) PrintedOrder(ctx context.Context, id string) (Printed, error) {
	for _, p := range f.printed {
		if p.Order == id {
			return p, nil
		}
	}
	return Printed{}, fmt.Errorf("%w: %s", ErrNotPrinted, id)
}

func (f *fakeStore) AddInspection(ctx context.Context, in Inspection) (Inspection, error) {
	if err := in.Validate(); err != nil {
		return Inspection{}, err
	}
	in.Seq = int64(len(f.ins) + 1)
	if in.ID == "" {
		in.ID = fmt.Sprint("I", in.Seq)
	}
	f.ins = append(f.ins, in)
	return in, nil
}

func (f *fakeStore) Inspections(ctx context.Context, flt Filter) iter.Seq2[Inspection, error] {
	return func(yield func(Inspection, error) bool) {
		for i := range f.ins {
			if flt.Match(&f.ins[i]) && !yield(f.ins[i], nil) {
				return
			}
		}
	}
}

func (f *fakeStore) AddLot(ctx context.Context, l Lot) (Lot, error) {
	l.Seq = int64(len(f.lots) + 1)
	l.ID = fmt.Sprint("L", l.Seq)
	f.lots = append(f.lots, l)
	return l, nil
}

func (f *fakeStore) Lots(ctx context.Context) iter.Seq2[Lot, error] {
	return func(yield func(Lot, error) bool) {
		for _, l := range f.lots {
			if !yield(l, nil) {
				return
			}
		}
	}
}

// countingStore adds the Counter fast path to a fakeStore.
type countingStore struct{ *fakeStore }

func (c countingStore) CountPrinted(ctx context.Context, from, to time.Time) (int, error) {
	n := 0
	for range c.Printed(ctx, from, to) {
		n++
	}
	return n, nil
}
