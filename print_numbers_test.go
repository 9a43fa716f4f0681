package dadan_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/zpl"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// raceCarrier issues numbers and holds each allocation until the other station
// allocates for the same order (or a moment passes), so two stations printing at
// once both hold a number for every order.
type raceCarrier struct {
	prefix string
	shared *raceShared
	n      int
}

type raceShared struct {
	mu        sync.Mutex
	cond      *sync.Cond
	arrived   map[string]int
	issued    map[string][]string // per order
	cancelled map[string]bool
}

func (c *raceCarrier) Allocate(_ context.Context, req shipment.AllocateRequest) (shipment.Waybill, error) {
	sh := c.shared
	sh.mu.Lock()
	defer sh.mu.Unlock()
	c.n++
	no := fmt.Sprintf("%s%06d", c.prefix, c.n)
	sh.issued[req.OrderID] = append(sh.issued[req.OrderID], no)
	sh.arrived[req.OrderID]++
	sh.cond.Broadcast()
	deadline := time.Now().Add(time.Second)
	t := time.AfterFunc(time.Second, func() { sh.mu.Lock(); sh.cond.Broadcast(); sh.mu.Unlock() })
	defer t.Stop()
	for sh.arrived[req.OrderID] < 2 && time.Now().Before(deadline) {
		sh.cond.Wait()
	}
	return shipment.Waybill{TrackingNo: no, SortCode: "021"}, nil
}

func (c *raceCarrier) Cancel(_ context.Context, no string) error {
	c.shared.mu.Lock()
	defer c.shared.mu.Unlock()
	c.shared.cancelled[no] = true
	return nil
}

// Two stations on one store print the same orders at once, each allocating a
// number for every order: each order keeps one number, the other is cancelled
// with the carrier, its documents are queued once, and what prints carries the
// number kept.
func TestTwoStationsAllocateAtOnce(t *testing.T) {
	for _, c := range []struct {
		name string
		open func(t *testing.T) order.Store
	}{
		{"memstore", func(*testing.T) order.Store { return memstore.New() }},
		{"sqlite", func(t *testing.T) order.Store {
			s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "d.db"), nil)
			require.NoError(t, err)
			t.Cleanup(func() { _ = s.Close() })
			return s
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			store := c.open(t)
			_, ok := store.(dadan.OrderJobStore)
			require.True(t, ok, "the store queues documents and stores numbers in one step")
			sh := &raceShared{arrived: map[string]int{}, issued: map[string][]string{}, cancelled: map[string]bool{}}
			sh.cond = sync.NewCond(&sh.mu)
			waybill, err := label.Standard("waybill-76x130")
			require.NoError(t, err)
			packing, err := label.Standard("packing-a4")
			require.NoError(t, err)
			zr, err := zpl.New(nil)
			require.NoError(t, err)
			recs := []*recorder{{}, {}}
			var sts []*dadan.Station
			for i, prefix := range []string{"SFA", "SFB"} {
				st, err := dadan.New(&dadan.Options{
					Store:    store,
					Printers: map[string]printer.Printer{"p": printer.PrinterFunc(recs[i].print)},
					Routes:   bothRoutes,
					Documents: []dadan.Document{
						{Kind: printer.Waybill, Template: waybill, Renderer: zr},
						{Kind: printer.PackingList, Template: packing, Renderer: zr},
					},
					Carrier: &raceCarrier{prefix: prefix, shared: sh},
				})
				require.NoError(t, err)
				sts = append(sts, st)
			}
			const n = 24
			var in strings.Builder
			for i := range n {
				fmt.Fprintf(&in, `{"id":"R%02d","carrier":"SF","recipient":{"name":"张三","phone":"13800138000","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路%d号"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}`+"\n", i, i)
			}
			_, err = sts[0].Ingest(ctx, strings.NewReader(in.String()), nil)
			require.NoError(t, err)

			sums := make([]dadan.PrintSummary, 2)
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, st := range sts {
				wg.Go(func() { sums[i], errs[i] = st.Print(ctx) })
			}
			wg.Wait()
			require.NoError(t, errs[0])
			require.NoError(t, errs[1])
			assert.Empty(t, sums[0].Failed)
			assert.Empty(t, sums[1].Failed)
			assert.Equal(t, n, sums[0].Orders+sums[1].Orders, "each order queued by one station")
			require.NoError(t, sts[0].Drain(ctx))

			kept := map[string]string{}
			both := 0
			for i := range n {
				id := fmt.Sprintf("R%02d", i)
				o, err := store.GetOrder(ctx, id)
				require.NoError(t, err)
				require.NotNil(t, o.Waybill, id)
				kept[id] = o.Waybill.TrackingNo
				issued := sh.issued[id]
				require.Contains(t, issued, o.Waybill.TrackingNo, id)
				assert.False(t, sh.cancelled[o.Waybill.TrackingNo], "%s: the number kept was cancelled", id)
				for _, no := range issued {
					if no != o.Waybill.TrackingNo {
						assert.True(t, sh.cancelled[no], "%s: %s not cancelled", id, no)
					}
				}
				if len(issued) == 2 {
					both++
				}
				js, err := store.(printer.JobStore).Jobs(ctx, printer.JobFilter{Order: id})
				require.NoError(t, err)
				assert.Len(t, js, 2, id)
				for _, j := range js {
					assert.True(t, j.State.Done(), "%s: %s", id, j.State)
				}
				var allocated int
				for ev, err := range store.Journal(ctx, 0) {
					require.NoError(t, err)
					if ev.OrderID == id && ev.Action == order.ActNote && strings.HasPrefix(ev.Detail, "waybill ") {
						allocated++
						assert.Equal(t, "waybill "+o.Waybill.TrackingNo+" allocated", ev.Detail)
					}
				}
				assert.Equal(t, 1, allocated, id)
			}
			assert.Positive(t, both, "the stations never raced")
			var printed [][]byte
			for _, r := range recs {
				printed = append(printed, r.printed()...)
			}
			require.Len(t, printed, 2*n)
			for no := range sh.cancelled {
				for _, b := range printed {
					assert.False(t, bytes.Contains(b, []byte(no)), "a cancelled number printed: %s", no)
				}
			}
			for id, no := range kept {
				found := 0
				for _, b := range printed {
					if bytes.Contains(b, []byte(no)) {
						found++
					}
				}
				assert.Positive(t, found, "%s: its number %s not printed", id, no)
			}
		})
	}
}

// failingBatches is a store whose writes of several order updates without jobs
// (Confirm's batches) fail, as when one order of the batch cannot be updated.
type failingBatches struct {
	*memstore.Store
	mu      sync.Mutex
	batches int
	orders  int
}

func (s *failingBatches) AddJobsUpdating(ctx context.Context, jobs []printer.Job, ups []order.Update) ([]printer.Job, error) {
	if len(jobs) == 0 && len(ups) > 1 {
		s.mu.Lock()
		s.batches++
		s.orders += len(ups)
		s.mu.Unlock()
		// The updates run, as a store that meets the failure late runs them.
		for _, u := range ups {
			o, err := s.GetOrder(ctx, u.ID)
			if err != nil {
				return nil, err
			}
			if _, err := u.Fn(o); err != nil {
				return nil, err
			}
		}
		return nil, errors.New("disk full")
	}
	return s.Store.AddJobsUpdating(ctx, jobs, ups)
}

// Confirm writes several orders per write; when such a write fails, each order
// is confirmed on its own and none is lost or moved twice.
func TestConfirmBatchFallsBackOrderByOrder(t *testing.T) {
	ctx := context.Background()
	store := &failingBatches{Store: memstore.New()}
	waybill, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	zr, err := zpl.New(nil)
	require.NoError(t, err)
	rec := &recorder{}
	st, err := dadan.New(&dadan.Options{
		Store:     store,
		Printers:  map[string]printer.Printer{"p": printer.PrinterFunc(rec.print)},
		Routes:    map[printer.DocKind]string{printer.Waybill: "p"},
		Documents: []dadan.Document{{Kind: printer.Waybill, Template: waybill, Renderer: zr}},
		Carrier:   dadan.TestCarrier(),
	})
	require.NoError(t, err)
	const n = 40
	var in strings.Builder
	for i := range n {
		fmt.Fprintf(&in, `{"id":"C%02d","carrier":"ZTO","recipient":{"name":"张三","phone":"13800138000","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路%d号"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}`+"\n", i, i)
	}
	_, err = st.Ingest(ctx, strings.NewReader(in.String()), nil)
	require.NoError(t, err)
	// All documents are queued before the printer starts: orders end one
	// after the other faster than they are confirmed.
	sum, err := st.Print(ctx)
	require.NoError(t, err)
	require.Equal(t, n, sum.Orders)
	require.NoError(t, st.Drain(ctx))
	store.mu.Lock()
	assert.Positive(t, store.batches, "Confirm wrote no batch")
	store.mu.Unlock()
	printed := 0
	for ev, err := range store.Journal(ctx, 0) {
		require.NoError(t, err)
		if ev.Action == order.ActPrinted {
			printed++
		}
	}
	assert.Equal(t, n, printed, "each order moved to printed once")
	for i := range n {
		o, err := store.GetOrder(ctx, fmt.Sprintf("C%02d", i))
		require.NoError(t, err)
		assert.Equal(t, order.Printed, o.Status, o.ID)
	}
	assert.Len(t, rec.printed(), n)
}

// An order whose documents cannot be queued (no printer for one of them) goes
// on hold with the number it was given, stored as when the number was stored
// before the documents were made: the next print after the fix uses it.
func TestRefusedDocumentsKeepTheNumber(t *testing.T) {
	ctx := context.Background()
	st, store, _ := newRecorderStation(t, map[printer.DocKind]string{printer.Waybill: "p"})
	sum, err := st.Print(ctx)
	require.NoError(t, err)
	require.Len(t, sum.Failed, 2)
	for _, id := range []string{"A1", "B1"} {
		o, err := store.GetOrder(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, order.OnHold, o.Status, id)
		require.NotNil(t, o.Waybill, id)
		allocated := 0
		for ev, err := range store.Journal(ctx, 0) {
			require.NoError(t, err)
			if ev.OrderID == id && ev.Detail == "waybill "+o.Waybill.TrackingNo+" allocated" {
				allocated++
			}
		}
		assert.Equal(t, 1, allocated, id)
		js, err := store.Jobs(ctx, printer.JobFilter{Order: id})
		require.NoError(t, err)
		assert.Empty(t, js, id)
	}
}
