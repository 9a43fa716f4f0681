package storetest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/supplies"
)

// Stores are the stores of one open location. A backend that keeps everything
// in one object sets every field to it.
type Stores struct {
	Orders   order.Store
	Jobs     printer.JobStore
	Ledger   printer.LedgerStore
	Supplies supplies.Store
	// Close releases the location, so that it can be opened again.
	Close func() error
}

// Backend is a store that keeps its data at a location: a file path for SQLite,
// a DSN (with its own schema) for PostgreSQL.
type Backend struct {
	// Location returns a new, empty location for one test.
	Location func(t *testing.T) string
	// Open opens the stores at location, creating what is missing. The suite
	// closes them.
	Open func(t *testing.T, location string) Stores
}

// crashEnv names, in a helper process of the crash test, the location to write to.
const crashEnv = "DADAN_STORETEST_CRASH_LOCATION"

// Durable runs the durability tests of stores that keep their data: state that
// survives Close and reopening, a process killed right after acknowledged writes,
// concurrent writers, large payloads, equal timestamps and journal sequence
// numbers. The memory store cannot run it.
//
// The crash test runs the test binary again as a helper process (selected with
// -test.run and an environment variable) that writes until it is killed with
// SIGKILL; so Durable must be called from the test function directly, the same
// way in every run.
func Durable(t *testing.T, b Backend, f Features) {
	if loc := os.Getenv(crashEnv); loc != "" {
		t.Run("Crash", func(t *testing.T) { crashWriter(t, b, loc) })
		return
	}
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	reopen := func(t *testing.T, loc string, st Stores) Stores {
		t.Helper()
		require.NoError(t, st.Close())
		return b.Open(t, loc)
	}

	t.Run("Reopen", func(t *testing.T) {
		loc := b.Location(t)
		st := b.Open(t, loc)

		o := bigOrder("R1", at, 3)
		o.Waybill = &order.Waybill{TrackingNo: "756123456789", SortCode: "200-E01-08", Piece: 1, Pieces: 2,
			InsuredValue: decimal.RequireFromString("100.00")}
		o.Revision = 2
		require.NoError(t, st.Orders.CreateOrder(ctx, o, received(o, at)))
		require.NoError(t, st.Orders.UpdateOrder(ctx, "R1", func(o *order.Order) ([]order.Event, error) {
			ev, err := order.Move(o, order.Approved, at.Add(time.Second), "alice", order.ActReviewed, "R001,R002")
			return []order.Event{ev}, err
		}))
		want, err := st.Orders.GetOrder(ctx, "R1")
		require.NoError(t, err)

		job := printer.Job{Key: printer.JobKey{Order: "R1", Doc: printer.Waybill, Template: "waybill-76x130", Version: "3", Copy: 2},
			Printer: "p1", Data: []byte("^XA^FD张三^FS^XZ\x00\xff"), MediaLength: 130.5, CreatedAt: at, UpdatedAt: at,
			Hash: "sha256:0f", Revision: 2}
		j, err := st.Jobs.AddJob(ctx, job)
		require.NoError(t, err)
		c, err := st.Jobs.ClaimJob(ctx, "p1", "st1", at.Add(time.Minute))
		require.NoError(t, err)
		c.State, c.PrintCount, c.PrintedAt, c.UpdatedAt = printer.Unconfirmed, 1, at.Add(2*time.Minute), at.Add(2*time.Minute)
		c.Reprint, c.ReprintReason, c.Rerender, c.LastError = true, "operator: smudged", true, "no status"
		require.NoError(t, st.Jobs.UpdateJob(ctx, c, printer.Sending))
		wantJob, err := st.Jobs.Job(ctx, j.ID)
		require.NoError(t, err)
		assert.Equal(t, printer.Unconfirmed, wantJob.State)
		done, err := st.Jobs.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "R1", Doc: printer.PackingList, Copy: 1}, Printer: "p2", CreatedAt: at})
		require.NoError(t, err)

		dev := printer.Device{ID: "P1", Name: "面单机", Model: "ZD421", SerialNumber: "SN1", Department: "仓储",
			Location: "打包台 3", PurchasedAt: at.AddDate(-1, 0, 0), URL: "tcp://10.0.0.7:9100", Status: printer.DeviceActive}
		require.NoError(t, st.Ledger.AddDevice(ctx, dev))
		require.NoError(t, st.Ledger.AddUsage(ctx, "P1", 7, 910.5, at))
		m, err := st.Ledger.AddMaintenance(ctx, printer.MaintenanceRecord{Device: "P1", At: at, Kind: printer.Cleaning, By: "王五", Notes: "打印头"})
		require.NoError(t, err)
		fl, err := st.Ledger.AddFault(ctx, printer.FaultRecord{Device: "P1", Symptom: "卡纸", ReportedAt: at, ReportedBy: "赵六"})
		require.NoError(t, err)
		require.NoError(t, st.Ledger.UpdateFault(ctx, fl.ID, func(f *printer.FaultRecord) error {
			f.RepairedAt, f.Technician, f.Result, f.TestedOK = at.Add(time.Hour), "孙八", "换胶辊", true
			return nil
		}))
		wantDev, err := st.Ledger.Device(ctx, "P1")
		require.NoError(t, err)
		wantFaults, err := st.Ledger.Faults(ctx, "P1")
		require.NoError(t, err)

		spec := "76x130 热敏 500张/卷"
		item := supplies.Item{Spec: spec, Kind: supplies.LabelRoll, Name: "面单", WidthMM: 76, PerPack: 500, LeadTimeDays: 3, SafetyStock: 1000}
		require.NoError(t, st.Supplies.PutSupply(ctx, item))
		mv, _, err := st.Supplies.AddMovement(ctx, supplies.Movement{Spec: spec, Type: supplies.Receipt, Qty: 5000, Actor: "王五", At: at, Ref: "PO-1"})
		require.NoError(t, err)
		require.NoError(t, st.Supplies.AddPrintUse(ctx, supplies.PrintUse{Spec: spec, Docs: 10, Units: 11, At: at}))
		stk, err := st.Supplies.AddStocktake(ctx, supplies.Stocktake{Spec: spec, At: at, Actor: "赵六", Counted: 4990, Book: 5000})
		require.NoError(t, err)
		post, err := st.Supplies.PostStocktake(ctx, stk.ID, supplies.Movement{Spec: spec, Type: supplies.Adjust, Qty: -10, Actor: "钱七", At: at.Add(time.Hour), Reason: "stocktake", Ref: stk.ID})
		require.NoError(t, err)
		wantEvs := journal(t, st.Orders, 0)
		require.Len(t, wantEvs, 2)

		st = reopen(t, loc, st)
		defer func() { assert.NoError(t, st.Close()) }()

		got, err := st.Orders.GetOrder(ctx, "R1")
		require.NoError(t, err)
		assertSameOrder(t, want, got)
		ids := listIDs(t, st.Orders)
		assert.Equal(t, []string{"R1"}, ids)
		assertEvents(t, wantEvs, journal(t, st.Orders, 0))

		gotJob, err := st.Jobs.Job(ctx, j.ID)
		require.NoError(t, err)
		assertSameJob(t, wantJob, gotJob)
		gotDone, err := st.Jobs.Job(ctx, done.ID)
		require.NoError(t, err)
		assert.Nil(t, gotDone.Data, "a job without bytes stores none")
		byOrder, err := st.Jobs.Jobs(ctx, printer.JobFilter{Order: "R1"})
		require.NoError(t, err)
		require.Len(t, byOrder, 2)
		// Seq goes on above every Seq before the reopen.
		next, err := st.Jobs.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "R2", Doc: printer.Waybill, Copy: 1}, Printer: "p1", Data: []byte("x")})
		require.NoError(t, err)
		assert.Greater(t, next.Seq, byOrder[1].Seq)
		assert.NotEqual(t, j.ID, next.ID)
		_, err = st.Jobs.AddJob(ctx, job)
		assert.ErrorIs(t, err, printer.ErrDuplicate, "keys survive a reopen")

		gotDev, err := st.Ledger.Device(ctx, "P1")
		require.NoError(t, err)
		assertDevice(t, wantDev, gotDev)
		assert.Equal(t, int64(7), gotDev.Usage.Documents)
		ms, err := st.Ledger.Maintenance(ctx, "P1")
		require.NoError(t, err)
		require.Len(t, ms, 1)
		assertMaintenance(t, m, ms[0])
		fs, err := st.Ledger.Faults(ctx, "P1")
		require.NoError(t, err)
		require.Len(t, fs, 1)
		assertFault(t, wantFaults[0], fs[0])
		assert.True(t, fs[0].TestedOK)
		f2, err := st.Ledger.AddFault(ctx, printer.FaultRecord{Device: "P1", Symptom: "打印浅", ReportedAt: at})
		require.NoError(t, err)
		assert.NotEqual(t, fl.ID, f2.ID, "record IDs are not reused after a reopen")

		gotItem, err := st.Supplies.Supply(ctx, spec)
		require.NoError(t, err)
		assert.Equal(t, item, gotItem)
		n, err := st.Supplies.OnHand(ctx, spec)
		require.NoError(t, err)
		assert.Equal(t, int64(4990), n)
		mvs, err := st.Supplies.Movements(ctx, spec, at.AddDate(-1, 0, 0), at.AddDate(1, 0, 0))
		require.NoError(t, err)
		assertMovements(t, []supplies.Movement{mv, post}, mvs)
		tot, err := st.Supplies.PrintTotals(ctx, spec, at, at.Add(time.Second))
		require.NoError(t, err)
		assert.Equal(t, supplies.Totals{Docs: 10, Units: 11}, tot)
		gotStk, err := st.Supplies.Stocktake(ctx, stk.ID)
		require.NoError(t, err)
		assert.True(t, gotStk.Posted)
		assert.Equal(t, post.ID, gotStk.Movement)
		_, err = st.Supplies.PostStocktake(ctx, stk.ID, supplies.Movement{Spec: spec, Type: supplies.Adjust, Qty: -10, Actor: "x", At: at})
		assert.ErrorIs(t, err, supplies.ErrAlreadyPosted, "posted survives a reopen")

		// The journal goes on after the last Seq, without a gap.
		require.NoError(t, st.Orders.UpdateOrder(ctx, "R1", func(o *order.Order) ([]order.Event, error) {
			return []order.Event{order.Note(o, at, "bob", order.ActNote, "after reopen")}, nil
		}))
		evs := journal(t, st.Orders, 0)
		require.Len(t, evs, 3)
		assertGapFree(t, evs)
		after := journal(t, st.Orders, wantEvs[1].Seq)
		require.Len(t, after, 1)
		assert.Equal(t, "after reopen", after[0].Detail)
	})

	if !f.NoCrash {
		t.Run("Crash", func(t *testing.T) { crashTest(t, b) })
	}

	if !f.NoConcurrency {
		t.Run("ConcurrentWriters", func(t *testing.T) {
			loc := b.Location(t)
			st := b.Open(t, loc)
			const writers, perWriter, jobsPerPrinter = 8, 40, 60
			var wg sync.WaitGroup
			for w := range writers {
				wg.Go(func() {
					for i := range perWriter {
						id := fmt.Sprintf("W%d-%03d", w, i)
						o := bigOrder(id, at.Add(time.Duration(i)*time.Second), 1)
						if !assert.NoError(t, st.Orders.CreateOrder(ctx, o, received(o, at))) {
							return
						}
						for _, to := range []order.Status{order.Approved, order.Printed} {
							assert.NoError(t, st.Orders.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
								ev, err := order.Move(o, to, at, fmt.Sprint("w", w), order.ActNote, "")
								return []order.Event{ev}, err
							}))
						}
					}
				})
			}
			for p := range 2 {
				for i := range jobsPerPrinter {
					_, err := st.Jobs.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: fmt.Sprintf("J%d-%03d", p, i), Doc: printer.Waybill, Copy: 1},
						Printer: fmt.Sprint("p", p), Data: []byte(fmt.Sprint(i)), CreatedAt: at})
					require.NoError(t, err)
				}
			}
			var mu sync.Mutex
			claimed := map[string][]string{}
			for c := range 4 {
				wg.Go(func() {
					prn := fmt.Sprint("p", c%2)
					for {
						j, err := st.Jobs.ClaimJob(ctx, prn, fmt.Sprint("st", c), at)
						if err != nil {
							mu.Lock()
							n := len(claimed[prn])
							mu.Unlock()
							if n == jobsPerPrinter {
								return
							}
							time.Sleep(100 * time.Microsecond)
							continue
						}
						mu.Lock()
						claimed[prn] = append(claimed[prn], j.Key.Order)
						mu.Unlock()
						j.State, j.PrintCount, j.Data = printer.Printed, 1, nil
						assert.NoError(t, st.Jobs.UpdateJob(ctx, j, printer.Sending))
					}
				})
			}
			wg.Wait()
			check := func(st Stores) {
				evs := journal(t, st.Orders, 0)
				assert.Len(t, evs, writers*perWriter*3)
				assertGapFree(t, evs)
				per := map[string][]order.Status{}
				for _, ev := range evs {
					per[ev.OrderID] = append(per[ev.OrderID], ev.To)
				}
				assert.Len(t, per, writers*perWriter)
				for id, to := range per {
					assert.Equal(t, []order.Status{order.Received, order.Approved, order.Printed}, to, "events of %s in order", id)
				}
				n := 0
				for o, err := range st.Orders.ListOrders(ctx, order.Printed) {
					require.NoError(t, err)
					n++
					assert.Equal(t, order.Printed, o.Status)
				}
				assert.Equal(t, writers*perWriter, n, "no update lost")
				for p := range 2 {
					js, err := st.Jobs.Jobs(ctx, printer.JobFilter{Printer: fmt.Sprint("p", p), States: []printer.JobState{printer.Printed}})
					require.NoError(t, err)
					assert.Len(t, js, jobsPerPrinter)
					for _, j := range js {
						assert.Equal(t, 1, j.Attempts, "each job claimed once: %s", j.Key)
						assert.Nil(t, j.Data)
					}
				}
			}
			check(st)
			for p, list := range claimed {
				assert.True(t, slices.IsSorted(list), "printer %s got its jobs in order", p)
			}
			st = reopen(t, loc, st)
			check(st)
			assert.NoError(t, st.Close())
		})
	}

	t.Run("LargePayloads", func(t *testing.T) {
		loc := b.Location(t)
		st := b.Open(t, loc)
		data := make([]byte, 4<<20)
		rng := rand.New(rand.NewPCG(1, 2))
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		j, err := st.Jobs.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "L1", Doc: printer.PackingList, Copy: 1}, Printer: "a4", Data: data, CreatedAt: at})
		require.NoError(t, err)
		o := bigOrder("L1", at, 2000)
		require.NoError(t, st.Orders.CreateOrder(ctx, o, received(o, at)))
		long := strings.Repeat("长字段𠮷🙂é\u0301\t\"\\^XA~JA\x1b@", 2000)
		require.NoError(t, st.Orders.UpdateOrder(ctx, "L1", func(o *order.Order) ([]order.Event, error) {
			o.Remark.Buyer = long
			return []order.Event{order.Note(o, at, "客服", order.ActNote, long)}, nil
		}))
		want, err := st.Orders.GetOrder(ctx, "L1")
		require.NoError(t, err)
		require.Len(t, want.Items, 2000)
		assert.Equal(t, long, want.Remark.Buyer)
		assertSameOrder(t, o, want, "Remark")

		st = reopen(t, loc, st)
		defer func() { assert.NoError(t, st.Close()) }()
		got, err := st.Jobs.Job(ctx, j.ID)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(data, got.Data), "4 MiB of job data survive")
		c, err := st.Jobs.ClaimJob(ctx, "a4", "st", at)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(data, c.Data))
		c.State, c.Data = printer.Printed, nil
		require.NoError(t, st.Jobs.UpdateJob(ctx, c, printer.Sending))
		got, err = st.Jobs.Job(ctx, j.ID)
		require.NoError(t, err)
		assert.Nil(t, got.Data, "a done job drops its bytes")
		back, err := st.Orders.GetOrder(ctx, "L1")
		require.NoError(t, err)
		assertSameOrder(t, want, back)
		evs := journal(t, st.Orders, 0)
		require.Len(t, evs, 2)
		assert.Equal(t, long, evs[1].Detail)
	})

	t.Run("EqualTimesOrderByID", func(t *testing.T) {
		st := b.Open(t, b.Location(t))
		defer func() { assert.NoError(t, st.Close()) }()
		// More orders at one paid-at time than a page of a streaming store holds.
		const n = 700
		rng := rand.New(rand.NewPCG(3, 4))
		var ids []string
		for _, i := range rng.Perm(n) {
			id := fmt.Sprintf("E%04d", i)
			ids = append(ids, id)
			o := bigOrder(id, at, 1)
			require.NoError(t, st.Orders.CreateOrder(ctx, o, received(o, at)))
			if i%3 == 0 {
				require.NoError(t, st.Orders.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
					ev, err := order.Move(o, order.OnHold, at, "r", order.ActReviewed, "")
					return []order.Event{ev}, err
				}))
			}
		}
		step := max(f.TimeResolution, time.Nanosecond)
		early := bigOrder("Z-early", at.Add(-step), 1)
		require.NoError(t, st.Orders.CreateOrder(ctx, early, received(early, at)))
		late := bigOrder("A-late", at.Add(step), 1)
		require.NoError(t, st.Orders.CreateOrder(ctx, late, received(late, at)))
		slices.Sort(ids)
		all := append(append([]string{"Z-early"}, ids...), "A-late")
		assert.Equal(t, all, listIDs(t, st.Orders), "paid-at time to the store's resolution, then id")
		var held, recv []string
		for _, id := range ids {
			var i int
			fmt.Sscanf(id, "E%04d", &i)
			if i%3 == 0 {
				held = append(held, id)
			} else {
				recv = append(recv, id)
			}
		}
		assert.Equal(t, held, listIDs(t, st.Orders, order.OnHold))
		assert.Equal(t, append(append([]string{"Z-early"}, recv...), "A-late"), listIDs(t, st.Orders, order.Received))
		assert.Equal(t, all, listIDs(t, st.Orders, order.OnHold, order.Received, order.OnHold), "several statuses merge in order")
		assert.Empty(t, listIDs(t, st.Orders, order.Shipped))
		// Stopping early is allowed.
		for o, err := range st.Orders.ListOrders(ctx) {
			require.NoError(t, err)
			assert.Equal(t, "Z-early", o.ID)
			break
		}
		evs := journal(t, st.Orders, 0)
		assertGapFree(t, evs)
		assert.Len(t, evs, n+n/3+1+2)
	})
}

// bigOrder is an order with items lines and a few unknown members.
func bigOrder(id string, paid time.Time, items int) *order.Order {
	o := &order.Order{ID: id, Platform: order.Taobao, Shop: "旗舰店", CreatedAt: paid.Add(-time.Minute), PaidAt: paid,
		Buyer:     order.Buyer{Nick: "tb_buyer_01"},
		Recipient: order.Party{Name: "张三", Phone: "13800138000", Province: "浙江省", City: "杭州市", District: "余杭区", Address: "文一西路969号"},
		Sender:    order.Party{Name: "某某旗舰店", Phone: "0571-88888888", Province: "浙江省", City: "杭州市", Address: "xx路1号"},
		Total:     decimal.RequireFromString("109.80"), Carrier: "ZTO", Flags: []string{"red"}, Status: order.Received,
		Extra: order.Extra{{Key: "platform_extra", Value: []byte(`{"a":[1,2]}`)}}}
	for i := range items {
		o.Items = append(o.Items, order.Item{SKU: fmt.Sprintf("SKU-%04d", i), Name: "保温杯 " + strings.Repeat("大", i%50), Spec: "500ml 白色",
			Qty: i%5 + 1, UnitPrice: decimal.RequireFromString("59.90")})
	}
	return o
}

func received(o *order.Order, at time.Time) order.Event {
	return order.Event{Time: at, Actor: "ingest", OrderID: o.ID, Action: order.ActReceived, To: order.Received}
}

func journal(t *testing.T, s order.Store, after uint64) []order.Event {
	t.Helper()
	var evs []order.Event
	for ev, err := range s.Journal(context.Background(), after) {
		require.NoError(t, err)
		evs = append(evs, ev)
	}
	return evs
}

func listIDs(t *testing.T, s order.Store, statuses ...order.Status) []string {
	t.Helper()
	var ids []string
	for o, err := range s.ListOrders(context.Background(), statuses...) {
		require.NoError(t, err)
		ids = append(ids, o.ID)
	}
	return ids
}

// assertGapFree checks that Seq starts above zero and goes up by one.
func assertGapFree(t *testing.T, evs []order.Event) {
	t.Helper()
	for i, ev := range evs {
		if i == 0 {
			assert.Positive(t, ev.Seq)
			continue
		}
		if !assert.Equal(t, evs[i-1].Seq+1, ev.Seq, "journal Seq after %d", evs[i-1].Seq) {
			return
		}
	}
}

func assertEvents(t *testing.T, want, got []order.Event) {
	t.Helper()
	if !assert.Len(t, got, len(want)) {
		return
	}
	for i := range want {
		assert.True(t, want[i].Time.Equal(got[i].Time), "event %d time %v, want %v", i, got[i].Time, want[i].Time)
		w, g := want[i], got[i]
		w.Time, g.Time = time.Time{}, time.Time{}
		assert.Equal(t, w, g)
	}
}

// assertSameOrder compares orders by their JSON, which is what an order is;
// the fields named in skip are left out.
func assertSameOrder(t *testing.T, want, got *order.Order, skip ...string) {
	t.Helper()
	w, g := want.Clone(), got.Clone()
	for _, f := range skip {
		if f == "Remark" {
			w.Remark, g.Remark = order.Remark{}, order.Remark{}
		}
	}
	assert.True(t, w.PaidAt.Equal(g.PaidAt))
	w.PaidAt, w.CreatedAt = w.PaidAt.UTC(), w.CreatedAt.UTC()
	g.PaidAt, g.CreatedAt = g.PaidAt.UTC(), g.CreatedAt.UTC()
	assert.Equal(t, string(order.AppendJSON(nil, w)), string(order.AppendJSON(nil, g)))
}

func assertSameJob(t *testing.T, want, got printer.Job) {
	t.Helper()
	for _, p := range [][2]time.Time{{want.CreatedAt, got.CreatedAt}, {want.UpdatedAt, got.UpdatedAt}, {want.SentAt, got.SentAt}, {want.PrintedAt, got.PrintedAt}} {
		assert.True(t, p[0].Equal(p[1]), "job time %v, want %v", p[1], p[0])
	}
	want.CreatedAt, want.UpdatedAt, want.SentAt, want.PrintedAt = got.CreatedAt, got.UpdatedAt, got.SentAt, got.PrintedAt
	assert.Equal(t, want, got)
}

// crashTest runs a helper process that writes orders and jobs, printing a line
// for each write that returned, kills it with SIGKILL while it writes, and
// checks that the location opens with every acknowledged write present and
// each order consistent with its journal.
func crashTest(t *testing.T, b Backend) {
	loc := b.Location(t)
	exe, err := os.Executable()
	require.NoError(t, err)
	var pat []string
	for _, p := range strings.Split(t.Name(), "/") {
		pat = append(pat, "^"+regexp.QuoteMeta(p)+"$")
	}
	cmd := exec.Command(exe, "-test.run="+strings.Join(pat, "/"), "-test.timeout=2m")
	cmd.Env = append(os.Environ(), crashEnv+"="+loc)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	acked := map[string]bool{}
	killed := false
	sc := bufio.NewScanner(out)
	deadline := time.Now().Add(30 * time.Second)
	for sc.Scan() {
		id, ok := strings.CutPrefix(sc.Text(), "ack ")
		if !ok {
			continue
		}
		acked[id] = true
		if !killed && (len(acked) >= 300 || time.Now().After(deadline)) {
			require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
			killed = true // lines already written were acknowledged too
		}
	}
	err = cmd.Wait()
	require.True(t, killed, "the helper stopped by itself: %v\n%s", err, stderr.String())
	require.Error(t, err, "the helper was killed")

	ctx := context.Background()
	st := b.Open(t, loc)
	defer func() { assert.NoError(t, st.Close()) }()
	evs := journal(t, st.Orders, 0)
	assertGapFree(t, evs)
	per := map[string][]order.Event{}
	for _, ev := range evs {
		per[ev.OrderID] = append(per[ev.OrderID], ev)
	}
	for id := range acked {
		o, err := st.Orders.GetOrder(ctx, id)
		if !assert.NoError(t, err, "acknowledged order %s", id) {
			continue
		}
		assert.Equal(t, order.Approved, o.Status, "acknowledged update of %s", id)
		js, err := st.Jobs.Jobs(ctx, printer.JobFilter{Order: id})
		require.NoError(t, err)
		assert.Len(t, js, 1, "acknowledged job of %s", id)
	}
	// Writes in flight at the kill are all there or not at all.
	n := 0
	for o, err := range st.Orders.ListOrders(ctx) {
		require.NoError(t, err)
		n++
		want := []order.Status{order.Received}
		if o.Status == order.Approved {
			want = append(want, order.Approved)
		}
		var got []order.Status
		for _, ev := range per[o.ID] {
			got = append(got, ev.To)
		}
		assert.Equal(t, want, got, "journal of %s matches its status", o.ID)
	}
	assert.Len(t, per, n, "no events without their order")
	assert.GreaterOrEqual(t, n, len(acked))
	t.Logf("%d writes acknowledged before the kill, %d orders after reopening", len(acked), n)
}

// crashWriter is the helper process of crashTest: four goroutines write until
// the process is killed.
func crashWriter(t *testing.T, b Backend, loc string) {
	ctx := context.Background()
	st := b.Open(t, loc)
	at := time.Date(2026, 11, 11, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var wg sync.WaitGroup
	stop := time.Now().Add(time.Minute) // a parent that died does not leave it running
	for w := range 4 {
		wg.Go(func() {
			for i := 0; time.Now().Before(stop); i++ {
				id := fmt.Sprintf("K%d-%06d", w, i)
				o := bigOrder(id, at.Add(time.Duration(i)*time.Millisecond), 3)
				if err := st.Orders.CreateOrder(ctx, o, received(o, at)); err != nil {
					t.Error(err)
					return
				}
				if err := st.Orders.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
					ev, err := order.Move(o, order.Approved, at, "crash", order.ActReviewed, "")
					return []order.Event{ev}, err
				}); err != nil {
					t.Error(err)
					return
				}
				if _, err := st.Jobs.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: id, Doc: printer.Waybill, Copy: 1},
					Printer: fmt.Sprint("p", w), Data: []byte("^XA^FD" + id + "^FS^XZ"), CreatedAt: at}); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "ack %s\n", id)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}
