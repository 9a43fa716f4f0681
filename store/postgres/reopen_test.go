package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/store/postgres"
	"github.com/dadanhq/dadan/supplies"
)

// TestReopen closes a store and opens the schema again: everything written is
// there, field for field, and numbering goes on after the old numbers.
func TestReopen(t *testing.T) {
	d := dsn(t)
	ctx := context.Background()
	schema := freshSchema(t)
	s, err := postgres.Open(ctx, d, &postgres.Options{Schema: schema})
	require.NoError(t, err)
	cst := time.FixedZone("CST", 8*3600)
	at := time.Date(2026, 11, 11, 9, 30, 15, 123456000, cst) // microseconds survive

	o := &order.Order{
		ID: "TB2026111100001", Platform: order.Tmall, Shop: "旗舰店", CreatedAt: at.Add(-time.Minute), PaidAt: at,
		Buyer:     order.Buyer{Nick: "tb_buyer", Extra: order.Extra{{Key: "vip", Value: []byte(`true`)}}},
		Recipient: order.Party{Name: "张三", Phone: "13800138000", Province: "浙江省", City: "杭州市", District: "余杭区", Street: "五常街道", Address: "文一西路969号", Postcode: "311121"},
		Sender:    order.Party{Name: "某某旗舰店", Phone: "0571-88888888"},
		Items: []order.Item{{SKU: "CUP-500-W", Barcode: "6901234567892", Name: "保温杯\x1b^XZ", Spec: "500ml", Qty: 2,
			UnitPrice: decimal.RequireFromString("59.905"), Location: "A-01", Extra: order.Extra{{Key: "gift", Value: []byte(`{"a":[1,2]}`)}}}},
		ShippingFee: decimal.RequireFromString("0.00"), Discount: decimal.RequireFromString("10.00"), Total: decimal.RequireFromString("109.81"),
		Carrier: "ZTO", Remark: order.Remark{Buyer: "请尽快发货", Seller: "~HS"}, Flags: []string{"red", "vip"},
		Waybill: &order.Waybill{TrackingNo: "756123456789", ParentNo: "756123456700", Piece: 1, Pieces: 2, SortCode: "200-E01-08",
			Mark: "杭州余杭", BagAddr: "杭州转运中心", Service: "标快", Payment: "寄付", InsuredValue: decimal.RequireFromString("100.00")},
		Status: order.Received, Revision: 2, Extra: order.Extra{{Key: "z_last", Value: []byte(`"kept"`)}, {Key: "a_first", Value: []byte(`null`)}},
	}
	require.NoError(t, s.CreateOrder(ctx, o,
		order.Event{Time: at, Actor: "ingest", OrderID: o.ID, Action: order.ActReceived, To: order.Received, Detail: "批次 7"}))
	require.NoError(t, s.UpdateOrder(ctx, o.ID, func(o *order.Order) ([]order.Event, error) {
		ev, err := order.Move(o, order.Approved, at.Add(time.Second), "审核员", order.ActReviewed, "ok")
		return []order.Event{ev}, err
	}))
	want, err := s.GetOrder(ctx, o.ID)
	require.NoError(t, err)
	wantJournal := journal(t, s)

	job := printer.Job{
		ID: "", Key: printer.JobKey{Order: o.ID, Doc: printer.Waybill, Template: "waybill-76x130", Version: "3", Copy: 2},
		Printer: "wb-1", Data: []byte("^XA^FD张三^FS^XZ"), MediaLength: 130.5, Owner: "st-1", Attempts: 3, PrintCount: 2,
		Reprint: true, ReprintReason: "卡纸", Rerender: true, Hash: "sha256:abc", Revision: 2,
		CreatedAt: at, UpdatedAt: at.Add(time.Second), SentAt: at.Add(2 * time.Second), PrintedAt: at.Add(3 * time.Second), LastError: "paper out",
	}
	added, err := s.AddJob(ctx, job)
	require.NoError(t, err)
	claimed, err := s.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: o.ID, Doc: printer.PackingList, Copy: 1}, Printer: "pl", Data: []byte("x")})
	require.NoError(t, err)
	claimed, err = s.ClaimJob(ctx, "pl", "st-2", at)
	require.NoError(t, err)
	wantJobs, err := s.Jobs(ctx, printer.JobFilter{})
	require.NoError(t, err)

	dev := printer.Device{ID: "P1", Name: "面单机", Model: "ZD421", SerialNumber: "SN1", Department: "仓储", Location: "打包台 3",
		PurchasedAt: at.AddDate(-1, 0, 0), URL: "tcp://10.0.0.7:9100", Status: printer.DeviceRetired, RetiredAt: at}
	require.NoError(t, s.AddDevice(ctx, dev))
	require.NoError(t, s.AddUsage(ctx, "P1", 7, 910.25, at))
	m, err := s.AddMaintenance(ctx, printer.MaintenanceRecord{Device: "P1", At: at, Kind: printer.Cleaning, By: "王五", Notes: "打印头"})
	require.NoError(t, err)
	f, err := s.AddFault(ctx, printer.FaultRecord{Device: "P1", Symptom: "卡纸", ReportedAt: at, ReportedBy: "赵六",
		RepairedAt: at.Add(time.Hour), Technician: "孙八", Result: "换胶辊", TestedOK: true})
	require.NoError(t, err)
	wantDev, err := s.Device(ctx, "P1")
	require.NoError(t, err)

	item := supplies.Item{Spec: "76x130", Kind: supplies.LabelRoll, Name: "面单", WidthMM: 76, PerPack: 500, LeadTimeDays: 3, SafetyStock: 1000}
	require.NoError(t, s.PutSupply(ctx, item))
	mv, _, err := s.AddMovement(ctx, supplies.Movement{Spec: "76x130", Type: supplies.Receipt, Qty: 1000, Actor: "王五", At: at, Ref: "PO-1"})
	require.NoError(t, err)
	require.NoError(t, s.AddPrintUse(ctx, supplies.PrintUse{Spec: "76x130", Docs: 3, Units: 4, At: at}))
	st, err := s.AddStocktake(ctx, supplies.Stocktake{Spec: "76x130", At: at, Actor: "钱七", Counted: 990, Book: 1000})
	require.NoError(t, err)
	post, err := s.PostStocktake(ctx, st.ID, supplies.Movement{Spec: "76x130", Type: supplies.Adjust, Qty: -10, Actor: "钱七", At: at, Reason: "盘亏", Ref: st.ID})
	require.NoError(t, err)
	s.Close()

	// Open again, as the station does after a restart.
	r := open(t, schema, nil)
	got, err := r.GetOrder(ctx, o.ID)
	require.NoError(t, err)
	assert.Equal(t, string(order.AppendJSON(nil, want)), string(order.AppendJSON(nil, got)), "the order, unknown members and their order included")
	assert.Equal(t, order.Approved, got.Status)
	assert.True(t, got.PaidAt.Equal(at))
	assert.Equal(t, "保温杯\x1b^XZ", got.Items[0].Name, "printer-command bytes are data")
	assert.Equal(t, "59.905", got.Items[0].UnitPrice.String())
	gotJournal := journal(t, r)
	require.Len(t, gotJournal, len(wantJournal))
	for i := range wantJournal {
		assert.True(t, wantJournal[i].Time.Equal(gotJournal[i].Time))
		wantJournal[i].Time, gotJournal[i].Time = time.Time{}, time.Time{}
	}
	assert.Equal(t, wantJournal, gotJournal)
	assert.Equal(t, "批次 7", gotJournal[0].Detail)

	gotJobs, err := r.Jobs(ctx, printer.JobFilter{})
	require.NoError(t, err)
	require.Len(t, gotJobs, 2)
	for i := range wantJobs {
		assertJob(t, wantJobs[i], gotJobs[i])
	}
	j0 := gotJobs[0]
	assert.Equal(t, added.ID, j0.ID)
	in := job
	in.ID, in.Seq, in.State = added.ID, added.Seq, printer.Queued
	assertJob(t, in, j0) // every field as it went in
	assert.Equal(t, claimed.ID, gotJobs[1].ID)
	assert.Equal(t, printer.Sending, gotJobs[1].State, "a claim survives the restart")
	assert.Equal(t, "st-2", gotJobs[1].Owner)

	gotDev, err := r.Device(ctx, "P1")
	require.NoError(t, err)
	assertTimesEqual(t, []time.Time{wantDev.PurchasedAt, wantDev.RetiredAt, wantDev.Usage.LastUsedAt},
		[]time.Time{gotDev.PurchasedAt, gotDev.RetiredAt, gotDev.Usage.LastUsedAt})
	wantDev.PurchasedAt, wantDev.RetiredAt, wantDev.Usage.LastUsedAt = gotDev.PurchasedAt, gotDev.RetiredAt, gotDev.Usage.LastUsedAt
	assert.Equal(t, wantDev, gotDev)
	assert.Equal(t, int64(7), gotDev.Usage.Documents)
	ms, err := r.Maintenance(ctx, "P1")
	require.NoError(t, err)
	require.Len(t, ms, 1)
	assert.Equal(t, m.ID, ms[0].ID)
	assert.Equal(t, "打印头", ms[0].Notes)
	fs, err := r.Faults(ctx, "")
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, f.ID, fs[0].ID)
	assert.True(t, fs[0].RepairedAt.Equal(at.Add(time.Hour)))
	assert.Equal(t, "换胶辊", fs[0].Result)
	assert.True(t, fs[0].TestedOK)

	gotItem, err := r.Supply(ctx, "76x130")
	require.NoError(t, err)
	assert.Equal(t, item, gotItem)
	n, err := r.OnHand(ctx, "76x130")
	require.NoError(t, err)
	assert.Equal(t, int64(990), n)
	mvs, err := r.Movements(ctx, "", at.AddDate(-1, 0, 0), at.AddDate(1, 0, 0))
	require.NoError(t, err)
	require.Len(t, mvs, 2)
	assert.Equal(t, []string{mv.ID, post.ID}, []string{mvs[0].ID, mvs[1].ID})
	assert.Equal(t, "盘亏", mvs[1].Reason)
	tot, err := r.PrintTotals(ctx, "76x130", at, at.Add(time.Second))
	require.NoError(t, err)
	assert.Equal(t, supplies.Totals{Docs: 3, Units: 4}, tot)
	gotSt, err := r.Stocktake(ctx, st.ID)
	require.NoError(t, err)
	assert.True(t, gotSt.Posted)
	assert.Equal(t, post.ID, gotSt.Movement)

	// Numbers go on: a new job and a new event come after the old ones.
	more, err := r.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "NEXT", Doc: printer.Waybill, Copy: 1}, Printer: "wb-1", Data: []byte("x")})
	require.NoError(t, err)
	assert.Greater(t, more.Seq, gotJobs[1].Seq)
	require.NoError(t, r.CreateOrder(ctx, &order.Order{ID: "NEXT", Status: order.Received},
		order.Event{OrderID: "NEXT", Action: order.ActReceived, To: order.Received}))
	all := journal(t, r)
	assert.Greater(t, all[len(all)-1].Seq, gotJournal[len(gotJournal)-1].Seq)
	assert.True(t, all[len(all)-1].Time.IsZero(), "a zero time comes back zero")
}

func journal(t testing.TB, s order.Store) []order.Event {
	t.Helper()
	var out []order.Event
	for ev, err := range s.Journal(context.Background(), 0) {
		require.NoError(t, err)
		out = append(out, ev)
	}
	return out
}

func assertTimesEqual(t *testing.T, want, got []time.Time) {
	t.Helper()
	for i := range want {
		assert.True(t, want[i].Equal(got[i]), "time %d: got %v, want %v", i, got[i], want[i])
	}
}

func assertJob(t *testing.T, want, got printer.Job) {
	t.Helper()
	assertTimesEqual(t, []time.Time{want.CreatedAt, want.UpdatedAt, want.SentAt, want.PrintedAt},
		[]time.Time{got.CreatedAt, got.UpdatedAt, got.SentAt, got.PrintedAt})
	want.CreatedAt, want.UpdatedAt, want.SentAt, want.PrintedAt = got.CreatedAt, got.UpdatedAt, got.SentAt, got.PrintedAt
	assert.Equal(t, want, got)
}

// TestOpenConcurrently: stations starting at once on a new schema migrate it
// once between them.
func TestOpenConcurrently(t *testing.T) {
	d := dsn(t)
	schema := freshSchema(t)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() {
			s, err := postgres.Open(context.Background(), d, &postgres.Options{Schema: schema, MaxConns: 2})
			errs[i] = err
			if err == nil {
				s.Close()
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
	var versions []int
	rows, err := admin(t).Query(context.Background(), `SELECT version FROM `+schema+`.schema_migrations ORDER BY version`)
	require.NoError(t, err)
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		versions = append(versions, v)
	}
	require.NoError(t, rows.Err())
	want := make([]int, postgres.SchemaVersion())
	for i := range want {
		want[i] = i + 1
	}
	assert.Equal(t, want, versions, "each migration applied once")
}

// TestNewerSchema: a database migrated by a newer program is refused with a
// SchemaError, and nothing in it changes.
func TestNewerSchema(t *testing.T) {
	schema := freshSchema(t)
	open(t, schema, nil).Close()
	ctx := context.Background()
	c := admin(t)
	newer := postgres.SchemaVersion() + 1
	_, err := c.Exec(ctx, `INSERT INTO `+schema+`.schema_migrations (version, name) VALUES ($1, 'from the future')`, newer)
	require.NoError(t, err)
	_, err = postgres.Open(ctx, dsn(t), &postgres.Options{Schema: schema})
	require.ErrorIs(t, err, postgres.ErrNewerSchema)
	var se *postgres.SchemaError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, newer, se.Have)
	assert.Equal(t, postgres.SchemaVersion(), se.Want)
	assert.Equal(t, schema, se.Schema)
	assert.Contains(t, err.Error(), fmt.Sprint(newer))
}

func TestOptionsValidate(t *testing.T) {
	for _, bad := range []postgres.Options{
		{Schema: "Dadan"}, {Schema: "1st"}, {Schema: `x"; DROP TABLE orders; --`}, {Schema: "a-b"},
		{Schema: "pg_catalog"}, {Schema: "s_" + string(slices.Repeat([]byte("x"), 47))},
		{Lease: -time.Second}, {MaxConns: -1},
	} {
		err := bad.Validate()
		assert.ErrorIs(t, err, postgres.ErrInvalidOptions, "%+v", bad)
		_, err = postgres.Open(context.Background(), "postgres://nowhere.invalid/x", &bad)
		assert.ErrorIs(t, err, postgres.ErrInvalidOptions, "Open validates before connecting")
	}
	for _, good := range []*postgres.Options{nil, {}, {Schema: "dadan_2", Lease: time.Second, MaxConns: 8, Retries: -1}} {
		assert.NoError(t, good.Validate())
	}
}
