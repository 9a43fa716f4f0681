package pool

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
)

var ctx = context.Background()

func alloc(t *testing.T, p *Pool, carrier string) string {
	t.Helper()
	w, err := p.Allocate(ctx, shipment.AllocateRequest{Carrier: carrier})
	require.NoError(t, err)
	assert.Equal(t, carrier, w.Carrier)
	return w.TrackingNo
}

func TestAllocateFormatsAndExhausts(t *testing.T) {
	p, err := New([]Range{
		{Carrier: "ZTO", Prefix: "75", Start: 98, End: 100, Width: 10},
		{Carrier: "ZTO", Prefix: "78", Start: 1, End: 1, Width: 10},
		{Carrier: "EMS", Prefix: "EE", Suffix: "CN", Start: 12345678, End: 12345679, Width: 8, S10: true},
	}, nil)
	require.NoError(t, err)
	assert.Equal(t, uint64(4), p.Remaining("ZTO"))

	assert.Equal(t, "750000000098", alloc(t, p, "ZTO"))
	assert.Equal(t, "EE123456785CN", alloc(t, p, "EMS"))
	assert.Equal(t, "750000000099", alloc(t, p, "ZTO"))
	assert.Equal(t, "750000000100", alloc(t, p, "ZTO"))
	assert.Equal(t, "780000000001", alloc(t, p, "ZTO")) // next range
	ems := alloc(t, p, "EMS")
	assert.NoError(t, ValidateS10(ems))
	assert.Equal(t, "EE12345679", ems[:10])

	_, err = p.Allocate(ctx, shipment.AllocateRequest{Carrier: "ZTO"})
	assert.ErrorIs(t, err, shipment.ErrExhausted)
	_, err = p.Allocate(ctx, shipment.AllocateRequest{Carrier: "EMS"})
	assert.ErrorIs(t, err, shipment.ErrExhausted)
	_, err = p.Allocate(ctx, shipment.AllocateRequest{Carrier: "SF"})
	assert.ErrorIs(t, err, shipment.ErrUnknownCarrier)
	assert.Equal(t, uint64(0), p.Remaining("ZTO"))
}

func TestCancelRules(t *testing.T) {
	p, err := New([]Range{{Carrier: "YTO", Prefix: "YT", Start: 1, End: 3, Width: 4}}, nil)
	require.NoError(t, err)
	a, b := alloc(t, p, "YTO"), alloc(t, p, "YTO")

	require.NoError(t, p.Cancel(ctx, a))
	require.NoError(t, p.Cancel(ctx, a), "cancelling twice is harmless")
	st, ok := p.State(a)
	assert.True(t, ok)
	assert.Equal(t, Cancelled, st)

	require.NoError(t, p.MarkCollected(b))
	err = p.Cancel(ctx, b)
	assert.ErrorIs(t, err, shipment.ErrCollected)
	var ne *shipment.NumberError
	require.True(t, errors.As(err, &ne))
	assert.Equal(t, b, ne.TrackingNo)

	assert.ErrorIs(t, p.Cancel(ctx, "YT0003"), shipment.ErrUnknownNumber, "not yet issued")
	assert.ErrorIs(t, p.Cancel(ctx, "nonsense"), shipment.ErrUnknownNumber)
	assert.Error(t, p.MarkCollected(a), "a cancelled number cannot be collected")

	// Not reused by default: the next number is fresh, then the pool is empty.
	assert.Equal(t, "YT0003", alloc(t, p, "YTO"))
	_, err = p.Allocate(ctx, shipment.AllocateRequest{Carrier: "YTO"})
	assert.ErrorIs(t, err, shipment.ErrExhausted)
}

func TestReuse(t *testing.T) {
	p, err := New([]Range{{Carrier: "STO", Start: 1, End: 2, Width: 3}}, &Options{Reuse: true})
	require.NoError(t, err)
	a := alloc(t, p, "STO")
	_ = alloc(t, p, "STO")
	_, err = p.Allocate(ctx, shipment.AllocateRequest{Carrier: "STO"})
	require.ErrorIs(t, err, shipment.ErrExhausted)
	require.NoError(t, p.Cancel(ctx, a))
	assert.Equal(t, uint64(1), p.Remaining("STO"))
	assert.Equal(t, a, alloc(t, p, "STO"))
	st, _ := p.State(a)
	assert.Equal(t, Issued, st)
}

func TestSnapshotRestore(t *testing.T) {
	ranges := []Range{
		{Carrier: "ZTO", Start: 1, End: 5, Width: 2},
		{Carrier: "EMS", Prefix: "EE", Suffix: "CN", Start: 1, End: 9, Width: 8, S10: true},
	}
	p, err := New(ranges, &Options{Reuse: true})
	require.NoError(t, err)
	z1, z2 := alloc(t, p, "ZTO"), alloc(t, p, "ZTO")
	e1 := alloc(t, p, "EMS")
	require.NoError(t, p.Cancel(ctx, z1))
	require.NoError(t, p.MarkCollected(e1))

	raw, err := json.Marshal(p.Snapshot())
	require.NoError(t, err)
	var snap Snapshot
	require.NoError(t, json.Unmarshal(raw, &snap))

	q, err := New(ranges, &Options{Reuse: true, Restore: &snap})
	require.NoError(t, err)
	assert.ErrorIs(t, q.Cancel(ctx, e1), shipment.ErrCollected)
	st, ok := q.State(z2)
	assert.True(t, ok)
	assert.Equal(t, Issued, st)
	assert.Equal(t, z1, alloc(t, q, "ZTO"), "the cancelled number is reused after restore")
	assert.Equal(t, "03", alloc(t, q, "ZTO"))
	assert.NotEqual(t, e1, alloc(t, q, "EMS"))

	_, err = New(ranges[:1], &Options{Restore: &snap})
	assert.ErrorIs(t, err, ErrBadRange)
	bad := Snapshot{Next: []uint64{1, 1}, Numbers: map[string]NumberState{"99": Issued}}
	_, err = New(ranges, &Options{Restore: &bad})
	assert.ErrorIs(t, err, ErrBadRange, "a number outside every range")
}

func TestBadRanges(t *testing.T) {
	for i, r := range [][]Range{
		{{Prefix: "X", Start: 1, End: 2}},
		{{Carrier: "ZTO", Start: 5, End: 4}},
		{{Carrier: "ZTO", Start: 1, End: 1000, Width: 3}},
		{{Carrier: "EMS", Prefix: "E", Suffix: "CN", Start: 1, End: 2, Width: 8, S10: true}},
		{{Carrier: "EMS", Prefix: "EE", Suffix: "CN", Start: 1, End: 2, Width: 9, S10: true}},
		{{Carrier: "ZTO", Start: 1, End: 10, Width: 4}, {Carrier: "ZTO", Start: 10, End: 20, Width: 4}},
	} {
		_, err := New(r, nil)
		assert.ErrorIs(t, err, ErrBadRange, "case %d", i)
	}
}

func TestContextCancelled(t *testing.T) {
	p, err := New([]Range{{Carrier: "ZTO", Start: 1, End: 9}}, nil)
	require.NoError(t, err)
	c, cancel := context.WithCancel(ctx)
	cancel()
	_, err = p.Allocate(c, shipment.AllocateRequest{Carrier: "ZTO"})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, uint64(9), p.Remaining("ZTO"))
}

func TestConcurrentNoDuplicates(t *testing.T) {
	const n = 10000
	p, err := New([]Range{
		{Carrier: "ZTO", Prefix: "75", Start: 0, End: n/2 - 1, Width: 10},
		{Carrier: "ZTO", Prefix: "76", Start: 0, End: n/2 - 1, Width: 10},
		{Carrier: "EMS", Prefix: "EE", Suffix: "CN", Start: 10000000, End: 10000000 + n, Width: 8, S10: true},
	}, nil)
	require.NoError(t, err)

	var mu sync.Mutex
	seen := make(map[string]bool, 2*n)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			carrier := "ZTO"
			if g%2 == 1 {
				carrier = "EMS"
			}
			for i := range n / 8 {
				w, err := p.Allocate(ctx, shipment.AllocateRequest{Carrier: carrier})
				if err != nil {
					errs <- err
					return
				}
				if i%7 == 0 { // cancelled numbers must not come back either
					_ = p.Cancel(ctx, w.TrackingNo)
				}
				mu.Lock()
				if seen[w.TrackingNo] {
					mu.Unlock()
					errs <- fmt.Errorf("duplicate %s", w.TrackingNo)
					return
				}
				seen[w.TrackingNo] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assert.Len(t, seen, 2*n)
	assert.Equal(t, uint64(0), p.Remaining("ZTO"))
	assert.Equal(t, uint64(1), p.Remaining("EMS"))
	for no := range seen {
		if no[0] == 'E' {
			require.NoError(t, ValidateS10(no))
		}
	}
}

func BenchmarkAllocate(b *testing.B) {
	p, err := New([]Range{{Carrier: "ZTO", Prefix: "75", Start: 0, End: 1<<40 - 1, Width: 13}}, nil)
	require.NoError(b, err)
	req := shipment.AllocateRequest{Carrier: "ZTO"}
	for b.Loop() {
		if _, err := p.Allocate(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

func TestSequencePool(t *testing.T) {
	ctx := context.Background()
	seq := memstore.New()
	ranges := []Range{{Carrier: "ZTO", Prefix: "75", Start: 1, End: 2, Width: 4}, {Carrier: "ZTO", Prefix: "76", Start: 5, End: 5, Width: 4}}
	a, err := New(ranges, &Options{Sequence: seq})
	require.NoError(t, err)
	b, err := New(ranges, &Options{Sequence: seq}) // a second station, or a restart
	require.NoError(t, err)
	var got []string
	for _, p := range []*Pool{a, b, a, b} {
		w, err := p.Allocate(ctx, shipment.AllocateRequest{Carrier: "ZTO"})
		if err != nil {
			assert.ErrorIs(t, err, shipment.ErrExhausted)
			continue
		}
		got = append(got, w.TrackingNo)
	}
	assert.Equal(t, []string{"750001", "750002", "760005"}, got, "shared: no number twice")
	assert.NoError(t, a.Cancel(ctx, "750001"))
	assert.ErrorIs(t, a.Cancel(ctx, "999999"), shipment.ErrUnknownNumber)
	_, err = a.Allocate(ctx, shipment.AllocateRequest{Carrier: "YTO"})
	assert.ErrorIs(t, err, shipment.ErrUnknownCarrier)
	_, err = New(ranges, &Options{Sequence: seq, Reuse: true})
	assert.ErrorIs(t, err, ErrBadRange)
}

// onlyNext hides a store's blocks: a pool asked for blocks takes one serial at
// a time from it.
type onlyNext struct{ shipment.Sequence }

// With Block, a pool takes its serials in blocks: two stations sharing the
// store never issue one number twice, a pool started again goes on after the
// blocks taken (a gap, never a repeat), and the last serials of a range are
// issued before it is used up.
func TestSequenceBlocks(t *testing.T) {
	seq := memstore.New()
	ranges := []Range{{Carrier: "ZTO", Prefix: "75", Start: 1, End: 10, Width: 4}, {Carrier: "ZTO", Prefix: "76", Start: 1, End: 3, Width: 4}}
	a, err := New(ranges, &Options{Sequence: seq, Block: 4})
	require.NoError(t, err)
	b, err := New(ranges, &Options{Sequence: seq, Block: 4})
	require.NoError(t, err)
	seen := map[string]bool{}
	var order []string
	for _, p := range []*Pool{a, b, a, b, a} {
		no := alloc(t, p, "ZTO")
		assert.False(t, seen[no], "%s issued twice", no)
		seen[no] = true
		order = append(order, no)
	}
	assert.Equal(t, []string{"750001", "750005", "750002", "750006", "750003"}, order, "each pool issues from its own block")
	last, err := seq.NextValue(ctx, "pool/ZTO/75/1")
	require.NoError(t, err)
	assert.Equal(t, int64(9), last, "two blocks of 4 were taken")
	c, err := New(ranges, &Options{Sequence: seq, Block: 4}) // a restart
	require.NoError(t, err)
	assert.Equal(t, "750010", alloc(t, c, "ZTO"), "after the blocks taken")
	for range 3 {
		no := alloc(t, c, "ZTO")
		assert.Contains(t, []string{"760001", "760002", "760003"}, no, "the next range once the first is used up")
	}
	_, err = c.Allocate(ctx, shipment.AllocateRequest{Carrier: "ZTO"})
	assert.ErrorIs(t, err, shipment.ErrExhausted)

	one := memstore.New()
	d, err := New(ranges, &Options{Sequence: onlyNext{one}, Block: 4})
	require.NoError(t, err)
	assert.Equal(t, "750001", alloc(t, d, "ZTO"))
	n, err := one.NextValue(ctx, "pool/ZTO/75/1")
	require.NoError(t, err)
	assert.Equal(t, int64(2), n, "a sequence without blocks gives one serial per number")
	_, err = New(ranges, &Options{Sequence: seq, Block: -1})
	assert.ErrorIs(t, err, ErrBadRange)
}
