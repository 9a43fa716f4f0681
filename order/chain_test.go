package order_test

import (
	"errors"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chain seals n events.
func chain(n int) []order.Event {
	var evs []order.Event
	var head order.Head
	at := time.Date(2026, 11, 11, 9, 0, 0, 999, time.UTC)
	for i := range n {
		ev := order.Event{Time: at.Add(time.Duration(i) * time.Second), Actor: "a", OrderID: fmt.Sprint("T", i%3), Action: order.ActNote, Detail: fmt.Sprint(i)}
		head = order.Seal(&ev, head)
		evs = append(evs, ev)
	}
	return evs
}

func events(evs []order.Event) iter.Seq2[order.Event, error] {
	return func(yield func(order.Event, error) bool) {
		for _, ev := range evs {
			if !yield(ev, nil) {
				return
			}
		}
	}
}

func TestVerify(t *testing.T) {
	good := chain(6)
	head, err := order.Verify(events(good), &order.Head{Seq: 6, Hash: good[5].Hash})
	require.NoError(t, err)
	assert.Equal(t, uint64(6), head.Seq)
	assert.Equal(t, good[4].Hash, good[5].Prev)

	// The hash keeps microseconds, so a copy through a store that keeps only those verifies.
	trunc := append([]order.Event(nil), good...)
	trunc[2].Time = trunc[2].Time.Truncate(time.Microsecond).In(time.FixedZone("CST", 8*3600))
	_, err = order.Verify(events(trunc), nil)
	assert.NoError(t, err)

	for _, c := range []struct {
		name string
		mod  func([]order.Event) []order.Event
		head *order.Head
		seq  uint64
	}{
		{"edited", func(e []order.Event) []order.Event { e[3].Detail = "x"; return e }, nil, 4},
		{"edited order", func(e []order.Event) []order.Event { e[0].OrderID = "T9"; return e }, nil, 1},
		{"removed", func(e []order.Event) []order.Event { return append(e[:2], e[3:]...) }, nil, 3},
		{"swapped", func(e []order.Event) []order.Event { e[2], e[3] = e[3], e[2]; return e }, nil, 3},
		{"swapped with their numbers", func(e []order.Event) []order.Event {
			e[2], e[3] = e[3], e[2]
			e[2].Seq, e[3].Seq = 3, 4
			return e
		}, nil, 3},
		{"truncated", func(e []order.Event) []order.Event { return e[:4] }, &order.Head{Seq: 6, Hash: good[5].Hash}, 5},
		{"repeated", func(e []order.Event) []order.Event { return append(e[:3], e[2:]...) }, nil, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			evs := c.mod(append([]order.Event(nil), good...))
			_, err := order.Verify(events(evs), c.head)
			var te *order.TamperError
			require.ErrorAs(t, err, &te)
			assert.ErrorIs(t, err, order.ErrTampered)
			assert.Equal(t, c.seq, te.Seq, "%v", err)
		})
	}

	boom := errors.New("disk")
	_, err = order.Verify(func(yield func(order.Event, error) bool) { yield(order.Event{}, boom) }, nil)
	assert.ErrorIs(t, err, boom)
	assert.NotErrorIs(t, err, order.ErrTampered)
}

func TestHashEventCoversEveryField(t *testing.T) {
	base := chain(2)[1]
	h := order.HashEvent(&base)
	for name, mod := range map[string]func(*order.Event){
		"seq": func(e *order.Event) { e.Seq++ }, "time": func(e *order.Event) { e.Time = e.Time.Add(time.Microsecond) },
		"actor": func(e *order.Event) { e.Actor += "x" }, "order": func(e *order.Event) { e.OrderID += "x" },
		"action": func(e *order.Event) { e.Action = order.ActDenied }, "from": func(e *order.Event) { e.From = order.Approved },
		"to": func(e *order.Event) { e.To = order.Approved }, "detail": func(e *order.Event) { e.Detail += "x" },
		"prev":      func(e *order.Event) { e.Prev = "" },
		"field cut": func(e *order.Event) { e.Actor, e.OrderID = e.Actor+e.OrderID[:1], e.OrderID[1:] },
	} {
		ev := base
		mod(&ev)
		assert.NotEqual(t, h, order.HashEvent(&ev), name)
	}
}

func ExampleVerify() {
	var head order.Head
	var journal []order.Event
	for i, d := range []string{"received", "reviewed", "printed"} {
		ev := order.Event{Time: time.Unix(int64(i), 0), Actor: "system", OrderID: "T1", Action: order.ActNote, Detail: d}
		head = order.Seal(&ev, head)
		journal = append(journal, ev)
	}
	journal[1].Detail = "approved by the boss" // an edit
	_, err := order.Verify(func(yield func(order.Event, error) bool) {
		for _, ev := range journal {
			if !yield(ev, nil) {
				return
			}
		}
	}, &head)
	var te *order.TamperError
	fmt.Println(errors.As(err, &te), te.Seq, te.Reason)
	// Output: true 2 edited
}
