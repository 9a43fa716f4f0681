package retention_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/retention"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/backup"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/store/postgres"
	"github.com/dadanhq/dadan/store/sqlite"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// store is every store the rule reaches.
type store interface {
	order.Store
	shipment.Store
	printer.JobStore
	qa.Store
	retention.Inspections
}

var (
	now = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	day = 24 * time.Hour
	ctx = access.NewContext(context.Background(), access.Principal{ID: "dpo"})
)

// person is one order's personal data, distinct per order so a grep finds
// exactly whose data is left.
type person struct{ name, phone, address string }

func personOf(id string) person {
	var n int
	for _, c := range id {
		n = n*31 + int(c)
	}
	n %= 10000
	return person{
		name:    []string{"欧阳娜娜", "阿依古丽·买买提", "司马相如", "诸葛孔明", "上官婉儿", "慕容复", "令狐冲"}[n%7] + id,
		phone:   fmt.Sprintf("139%08d", n*7919%100000000),
		address: "文一西路" + id + "号",
	}
}

// fixture is the scenario every backend runs: orders delivered 31 and 29 days
// ago, one in transit, one cancelled 31 and one 29 days ago, a two-piece
// parcel with a piece still travelling, one with an open courier problem.
type fixture struct {
	s      store
	orders []string
}

const (
	d31, d29, transit, c31, c29, multi, multi2, problem = "D31", "D29", "T1", "C31", "C29", "M40", "N40", "P40"
)

func newOrder(id string, st order.Status) *order.Order {
	p := personOf(id)
	return &order.Order{
		ID: id, Platform: order.Taobao, Shop: "旗舰店", PaidAt: now.Add(-60 * day), CreatedAt: now.Add(-60 * day),
		Buyer: order.Buyer{Nick: "tb_" + strings.ToLower(id) + "_nick", Extra: order.Extra{{Key: "buyer_mobile", Value: []byte(`"` + p.phone + `"`)}}},
		Recipient: order.Party{Name: p.name, Phone: p.phone, Province: "浙江省", City: "杭州市", District: "余杭区",
			Street: "五常街道", Address: p.address, Postcode: "311121",
			Protected: &order.Protected{Ref: "oaid-" + id}, Extra: order.Extra{{Key: "tel", Value: []byte(`"` + p.phone + `"`)}}},
		Sender: order.Party{Name: "某某旗舰店", Phone: "0571-88888888", Province: "浙江省", City: "杭州市", Address: "xx路1号"},
		Items:  []order.Item{{SKU: "CUP-500-W", Name: "保温杯", Qty: 2, UnitPrice: decimal.RequireFromString("59.90")}},
		Total:  decimal.RequireFromString("119.80"), Carrier: "ZTO",
		Remark:  order.Remark{Buyer: "请打 " + p.phone, Seller: "客户" + p.name + "要求周末送"},
		Waybill: &order.Waybill{TrackingNo: "75" + id, SortCode: "200-E01-08"},
		Status:  st,
		Extra:   order.Extra{{Key: "receiver_mobile", Value: []byte(`"` + p.phone + `"`)}, {Key: "trade_no", Value: []byte(`"TN-` + id + `"`)}},
	}
}

func setup(t *testing.T, s store) *fixture {
	t.Helper()
	f := &fixture{s: s}
	add := func(o *order.Order) {
		ev := order.Event{Time: o.PaidAt, Actor: "system", OrderID: o.ID, Action: order.ActReceived, To: o.Status}
		require.NoError(t, s.CreateOrder(ctx, o, ev))
		f.orders = append(f.orders, o.ID)
	}
	ship := func(id, no string, st shipment.State, delivered time.Time, piece, pieces int) {
		sh := &shipment.Shipment{TrackingNo: no, OrderID: id, Carrier: "ZTO", State: st, Piece: piece, Pieces: pieces,
			CreatedAt: now.Add(-50 * day), UpdatedAt: now.Add(-45 * day), HandedOverAt: now.Add(-45 * day),
			Note: "intercept requested: 改送 " + personOf(id).name}
		if !delivered.IsZero() {
			sh.DeliveredAt, sh.UpdatedAt = delivered, delivered
		}
		require.NoError(t, s.CreateShipment(ctx, sh))
		for _, ev := range []shipment.Event{
			{TrackingNo: no, Time: now.Add(-44 * day), State: shipment.InTransit, Text: "到达杭州转运中心", Location: "杭州"},
			{TrackingNo: no, Time: delivered, State: shipment.Delivered, Text: "已签收，签收人：" + personOf(id).name + "，电话 " + personOf(id).phone,
				Location: "杭州市余杭区" + personOf(id).address},
		} {
			if ev.Time.IsZero() {
				continue
			}
			_, err := s.AddEvent(ctx, ev, nil)
			require.NoError(t, err)
		}
	}
	for _, id := range []string{d31, d29, transit, multi, multi2, problem} {
		add(newOrder(id, order.Shipped))
	}
	ship(d31, "75"+d31, shipment.Delivered, now.Add(-31*day), 0, 0)
	ship(d29, "75"+d29, shipment.Delivered, now.Add(-29*day), 0, 0)
	ship(transit, "75"+transit, shipment.InTransit, time.Time{}, 0, 0)
	ship(multi, "75"+multi, shipment.Delivered, now.Add(-40*day), 1, 2)
	ship(multi, "75"+multi+"-2", shipment.InTransit, time.Time{}, 2, 2)
	ship(problem, "75"+problem, shipment.Delivered, now.Add(-40*day), 0, 0)
	ship(multi2, "75"+multi2, shipment.Delivered, now.Add(-40*day), 1, 2)
	ship(multi2, "75"+multi2+"-2", shipment.Delivered, now.Add(-20*day), 2, 2)

	p := personOf(d31)
	closed := &shipment.Problem{TrackingNo: "75" + d31, OrderID: d31, Carrier: "ZTO", Kind: shipment.Damaged,
		Detail: "box crushed, recipient " + p.phone, OpenedBy: "li", OpenedAt: now.Add(-35 * day),
		ResolvedAt: now.Add(-33 * day), Resolution: "refunded after a call to " + p.name,
		Claim: &shipment.Claim{Status: shipment.ClaimPaid, Amount: decimal.RequireFromString("59.90"), Note: "photo at " + p.address}}
	require.NoError(t, s.CreateProblem(ctx, closed))
	open := &shipment.Problem{TrackingNo: "75" + problem, OrderID: problem, Carrier: "ZTO", Kind: shipment.Damaged,
		Detail: "claim pending", OpenedBy: "li", OpenedAt: now.Add(-35 * day)}
	require.NoError(t, s.CreateProblem(ctx, open))

	for _, id := range []string{c31, c29} {
		add(newOrder(id, order.Received))
		days := map[string]int{c31: 31, c29: 29}[id]
		require.NoError(t, s.UpdateOrder(ctx, id, func(o *order.Order) ([]order.Event, error) {
			ev, err := order.Move(o, order.Cancelled, now.Add(-time.Duration(days)*day), "fin", order.ActResolved, "refund: buyer asked")
			return []order.Event{ev}, err
		}))
	}

	// An inspector quoted D31's address and phone.
	_, err := s.AddInspection(ctx, qa.Inspection{Order: d31, Time: now.Add(-36 * day), Inspector: "qc", Round: 1, Result: qa.Fail,
		Checks:  []qa.Check{{Item: qa.CheckAddress, Note: "应为" + p.address}},
		Defects: []qa.Defect{{Type: "address", Severity: qa.Major, Cause: qa.CauseOperator, Note: "called " + p.phone}},
		Note:    "label of " + p.name})
	require.NoError(t, err)

	// A failed waybill of D31 keeps its rendered bytes; C31's cancelled one too.
	for _, id := range []string{d31, c31, d29} {
		p := personOf(id)
		j, err := s.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: id, Doc: printer.Waybill, Template: "waybill-76x130", Version: "1", Copy: 1},
			Printer: "p", Data: []byte("^XA^FD" + p.name + " " + p.phone + " " + p.address + "^FS^XZ"), MediaLength: 130,
			CreatedAt: now.Add(-50 * day), UpdatedAt: now.Add(-50 * day)})
		require.NoError(t, err)
		j.State, j.LastError, j.ReprintReason = printer.Failed, "paper out", "torn; customer "+p.phone+" called"
		if id == c31 {
			j.State = printer.Cancelled
		}
		require.NoError(t, s.UpdateJob(ctx, j, printer.Queued))
	}
	return f
}

// dump is everything every read of the store returns, as text.
func dump(t *testing.T, s store) string {
	t.Helper()
	var b bytes.Buffer
	for o, err := range s.ListOrders(ctx) {
		require.NoError(t, err)
		b.Write(order.AppendJSON(nil, o))
		g, err := s.GetOrder(ctx, o.ID)
		require.NoError(t, err)
		b.Write(order.AppendJSON(nil, g))
		b.WriteByte('\n')
	}
	for ev, err := range s.Journal(ctx, 0) {
		require.NoError(t, err)
		fmt.Fprintf(&b, "%d %s %s %s %s %s %s\n", ev.Seq, ev.Actor, ev.OrderID, ev.Action, ev.From, ev.To, ev.Detail)
	}
	js, err := s.Jobs(ctx, printer.JobFilter{})
	require.NoError(t, err)
	for _, j := range js {
		fmt.Fprintf(&b, "%s %s %q %s %s %t\n", j.ID, j.State, j.Data, j.ReprintReason, j.LastError, j.Rerender)
	}
	shs, err := s.ListShipments(ctx, shipment.Filter{})
	require.NoError(t, err)
	for _, sh := range shs {
		bs, _ := json.Marshal(sh)
		b.Write(bs)
		evs, err := s.Events(ctx, sh.TrackingNo)
		require.NoError(t, err)
		bs, _ = json.Marshal(evs)
		b.Write(bs)
		b.WriteByte('\n')
	}
	for in, err := range s.Inspections(ctx, qa.Filter{}) {
		require.NoError(t, err)
		bs, _ := json.Marshal(in)
		b.Write(bs)
		b.WriteByte('\n')
	}
	ps, err := s.ListProblems(ctx, shipment.ProblemFilter{})
	require.NoError(t, err)
	for _, p := range ps {
		bs, _ := json.Marshal(p)
		b.Write(bs)
		b.WriteByte('\n')
	}
	return b.String()
}

func rule(s store) *retention.Rule {
	return &retention.Rule{Orders: s, Shipments: s, Problems: s, Jobs: s, Inspections: s, Days: 30, BatchSize: 2,
		Clock: func() time.Time { return now }}
}

// erased are the orders past the period; kept are those not.
var (
	erased = []string{d31, c31}
	kept   = []string{d29, transit, c29, multi, multi2, problem}
)

func testRule(t *testing.T, s store) {
	f := setup(t, s)
	before := dump(t, s)
	for _, id := range f.orders {
		assert.Contains(t, before, personOf(id).phone, "the fixture holds %s's phone", id)
	}
	beforeOrders := map[string]string{}
	for _, id := range f.orders {
		o, err := s.GetOrder(ctx, id)
		require.NoError(t, err)
		beforeOrders[id] = string(order.AppendJSON(nil, o))
	}

	// A dry run lists and changes nothing.
	var listed []retention.Erasure
	sum, err := rule(s).Run(ctx, &retention.RunOptions{DryRun: true, OnErase: func(e retention.Erasure) error {
		listed = append(listed, e)
		return nil
	}})
	require.NoError(t, err)
	assert.Equal(t, retention.Summary{Checked: 5, Erased: 2, Held: 3}, sum)
	assert.Equal(t, before, dump(t, s), "a dry run changes nothing")
	byID := map[string]retention.Erasure{}
	for _, e := range listed {
		byID[e.OrderID] = e
	}
	require.Len(t, byID, 5)
	assert.Equal(t, retention.Delivered, byID[d31].Reason)
	assert.True(t, byID[d31].At.Equal(now.Add(-31*day)))
	assert.Equal(t, retention.Cancelled, byID[c31].Reason)
	assert.Contains(t, byID[multi].Held, "75M40-2")
	assert.Contains(t, byID[problem].Held, "open")
	assert.Equal(t, "parcel 75N40-2 was delivered within the period", byID[multi2].Held, "the last piece counts")
	d31Fields := byID[d31].Fields
	for _, want := range []string{"recipient.name", "recipient.phone", "recipient.province", "recipient.city", "recipient.district",
		"recipient.street", "recipient.address", "recipient.postcode", "recipient.protected", "recipient.tel", "buyer.nick",
		"buyer.buyer_mobile", "remark.buyer", "remark.seller", "receiver_mobile", "shipment:75D31.note",
		"shipment:75D31.events[1].text", "shipment:75D31.events[1].location",
		"inspection:I1.note", "inspection:I1.checks[0].note", "inspection:I1.defects[0].note"} {
		assert.Contains(t, d31Fields, want)
	}
	assert.NotContains(t, d31Fields, "trade_no", "an unknown member without personal data stays")
	assert.NotContains(t, d31Fields, "shipment:75D31.events[0].text", "a courier's text without personal data stays")
	var jobData, problemFields int
	for _, fl := range d31Fields {
		if strings.HasPrefix(fl, "job:") && strings.HasSuffix(fl, ".data") {
			jobData++
		}
		if strings.HasPrefix(fl, "problem:") {
			problemFields++
		}
	}
	assert.Equal(t, 1, jobData)
	assert.Equal(t, 3, problemFields, "detail, resolution and the claim's note")

	// The run erases what the dry run listed.
	var done []retention.Erasure
	sum, err = rule(s).Run(ctx, &retention.RunOptions{OnErase: func(e retention.Erasure) error {
		done = append(done, e)
		return nil
	}})
	require.NoError(t, err)
	assert.Equal(t, retention.Summary{Checked: 5, Erased: 2, Held: 3}, sum)
	assert.ElementsMatch(t, listed, done, "the dry run listed what the run did")

	after := dump(t, s)
	for _, id := range erased {
		p := personOf(id)
		for _, v := range []string{p.phone, p.name, p.address, "oaid-" + id, "tb_" + strings.ToLower(id) + "_nick"} {
			assert.NotContains(t, after, v, "%s's data is gone from every read", id)
		}
		o, err := s.GetOrder(ctx, id)
		require.NoError(t, err)
		assert.True(t, o.ErasedAt.Equal(now), "the order records when")
		assert.Equal(t, 1, o.Revision, "documents made before are out of date")
		r := o.Recipient
		for _, v := range []string{r.Name, r.Phone, r.Province, r.City, r.District, r.Street, r.Address, r.Postcode, o.Buyer.Nick, o.Remark.Buyer} {
			assert.Equal(t, order.ErasedValue, v)
		}
		assert.Nil(t, r.Protected)
		assert.Equal(t, "客户"+order.ErasedValue+"要求周末送", o.Remark.Seller)
		// What the warehouse needs stays.
		assert.Equal(t, "75"+id, o.Waybill.TrackingNo)
		assert.Equal(t, "CUP-500-W", o.Items[0].SKU)
		assert.Equal(t, 2, o.Items[0].Qty)
		assert.Equal(t, "119.8", o.Total.String())
		assert.Equal(t, "ZTO", o.Carrier)
		assert.Equal(t, "某某旗舰店", o.Sender.Name, "the shop is not personal data")
		v, _ := o.Extra.Get("trade_no")
		assert.Equal(t, `"TN-`+id+`"`, string(v))
	}
	for _, id := range kept {
		assert.Contains(t, after, personOf(id).phone, "%s is kept", id)
		o, err := s.GetOrder(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, beforeOrders[id], string(order.AppendJSON(nil, o)), "%s unchanged", id)
	}
	o, err := s.GetOrder(ctx, d31)
	require.NoError(t, err)
	assert.Equal(t, order.Shipped, o.Status, "the status stays")
	js, err := s.Jobs(ctx, printer.JobFilter{Order: d31})
	require.NoError(t, err)
	require.Len(t, js, 1)
	assert.Nil(t, js[0].Data, "the rendered bytes are gone")
	assert.True(t, js[0].Rerender)
	assert.Equal(t, "torn; customer [erased] called", js[0].ReprintReason)
	js, err = s.Jobs(ctx, printer.JobFilter{Order: d29})
	require.NoError(t, err)
	assert.NotNil(t, js[0].Data)

	// The journal records each erasure, naming fields and no values, and still verifies.
	var evs []order.Event
	for ev, err := range s.Journal(ctx, 0) {
		require.NoError(t, err)
		if ev.Action == order.ActErased {
			evs = append(evs, ev)
		}
	}
	require.Len(t, evs, 2)
	for _, ev := range evs {
		assert.Contains(t, erased, ev.OrderID)
		assert.Equal(t, "dpo", ev.Actor)
		assert.Equal(t, ev.From, ev.To)
		assert.Contains(t, ev.Detail, "recipient.phone")
		assert.Contains(t, ev.Detail, "kept 30 days; erased: ")
		assert.NotContains(t, ev.Detail, personOf(ev.OrderID).phone)
	}
	head, err := order.VerifyStore(ctx, s)
	require.NoError(t, err)

	// A second run erases nothing.
	sum, err = rule(s).Run(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, retention.Summary{Checked: 5, Already: 2, Held: 3}, sum)
	again, err := order.VerifyStore(ctx, s)
	require.NoError(t, err)
	assert.Equal(t, head, again, "nothing journaled")
	assert.Equal(t, after, dump(t, s))
}

func TestRuleMemory(t *testing.T) { testRule(t, memstore.New()) }

func TestRuleSQLite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dadan.db")
	s, err := sqlite.Open(ctx, path, nil)
	require.NoError(t, err)
	defer s.Close()
	testRule(t, s)
	raw := func() []byte {
		var all []byte
		for _, p := range []string{path, path + "-wal"} {
			b, err := os.ReadFile(p)
			if !os.IsNotExist(err) {
				require.NoError(t, err)
			}
			all = append(all, b...)
		}
		return all
	}
	check := func(when string) {
		b := raw()
		for _, id := range erased {
			p := personOf(id)
			for _, v := range []string{p.phone, p.name, p.address} {
				assert.False(t, bytes.Contains(b, []byte(v)), "%s: %s's %q is in the database files", when, id, v)
			}
		}
		assert.True(t, bytes.Contains(b, []byte(personOf(d29).phone)), "%s: the grep finds data that is kept", when)
	}
	check("open")
	require.NoError(t, s.Close())
	check("closed")
}

func TestRulePostgres(t *testing.T) {
	dsn := os.Getenv("DADAN_PG_DSN")
	if dsn == "" {
		t.Skip("DADAN_PG_DSN is not set: no PostgreSQL to test against (.ci/run starts one)")
	}
	schema := fmt.Sprintf("retention_%d", time.Now().UnixNano())
	s, err := postgres.Open(ctx, dsn, &postgres.Options{Schema: schema})
	require.NoError(t, err)
	t.Cleanup(func() {
		s.Close()
		c, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Logf("dropping schema %s: %v", schema, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), `DROP SCHEMA IF EXISTS `+schema+` CASCADE`); err != nil {
			t.Logf("dropping schema %s: %v", schema, err)
		}
	})
	testRule(t, s)
}

// An incremental backup after a run carries the erased orders, so a store
// restored from the backups holds no more than the original.
func TestBackupAfterErasure(t *testing.T) {
	s := memstore.New()
	setup(t, s)
	var full, incr bytes.Buffer
	m, err := backup.Write(ctx, &full, s, nil, now)
	require.NoError(t, err)
	_, err = rule(s).Run(ctx, nil)
	require.NoError(t, err)
	_, err = backup.Write(ctx, &incr, s, &m, now.Add(time.Hour))
	require.NoError(t, err)
	dst := memstore.New()
	_, err = backup.Restore(ctx, dst, &full, &incr)
	require.NoError(t, err)
	for _, id := range erased {
		o, err := dst.GetOrder(ctx, id)
		require.NoError(t, err)
		assert.True(t, o.Erased())
		assert.NotContains(t, string(order.AppendJSON(nil, o)), personOf(id).phone)
	}
	_, err = order.VerifyStore(ctx, dst)
	require.NoError(t, err)
}

// racingJobs is a print queue where a person reprints a job just before the
// rule drops its bytes.
type racingJobs struct {
	*memstore.Store
	raced bool
}

func (r *racingJobs) UpdateJob(ctx context.Context, j printer.Job, from printer.JobState) error {
	if !r.raced {
		r.raced = true
		cur, err := r.Store.Job(ctx, j.ID)
		if err != nil {
			return err
		}
		cur.State, cur.Reprint, cur.ReprintReason = printer.Queued, true, "torn"
		if err := r.Store.UpdateJob(ctx, cur, from); err != nil {
			return err
		}
	}
	return r.Store.UpdateJob(ctx, j, from)
}

// An order whose job is being sent, or changes while the rule works, is held
// and erased on a later run.
func TestHeldForJobs(t *testing.T) {
	s := memstore.New()
	setup(t, s)
	js, err := s.Jobs(ctx, printer.JobFilter{Order: d31})
	require.NoError(t, err)
	r := rule(s)
	r.Jobs = &racingJobs{Store: s}
	var got []retention.Erasure
	sum, err := r.Run(ctx, &retention.RunOptions{OnErase: func(e retention.Erasure) error { got = append(got, e); return nil }})
	require.NoError(t, err)
	assert.Equal(t, 1, sum.Erased, "C31")
	assert.Equal(t, 4, sum.Held)
	var d *retention.Erasure
	for i := range got {
		if got[i].OrderID == d31 {
			d = &got[i]
		}
	}
	require.NotNil(t, d)
	assert.Equal(t, "print job "+js[0].ID+" became queued meanwhile", d.Held)
	o, err := s.GetOrder(ctx, d31)
	require.NoError(t, err)
	assert.False(t, o.Erased(), "held: the order is not marked, so the next run does it all")

	// Now it is being sent: held again.
	_, err = s.ClaimJob(ctx, "p", "st1", now)
	require.NoError(t, err)
	sum, err = rule(s).Run(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, retention.Summary{Checked: 5, Already: 1, Held: 4}, sum)

	j, err := s.Job(ctx, js[0].ID)
	require.NoError(t, err)
	j.State = printer.Failed
	require.NoError(t, s.UpdateJob(ctx, j, printer.Sending))
	sum, err = rule(s).Run(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, retention.Summary{Checked: 5, Erased: 1, Already: 1, Held: 3}, sum)
	o, err = s.GetOrder(ctx, d31)
	require.NoError(t, err)
	assert.True(t, o.Erased())
}

func TestRuleValidate(t *testing.T) {
	for _, r := range []retention.Rule{{}, {Orders: memstore.New()}, {Orders: memstore.New(), Days: -1},
		{Orders: memstore.New(), Days: 1, BatchSize: -1}} {
		_, err := r.Run(ctx, nil)
		assert.ErrorIs(t, err, retention.ErrRule, "%+v", r)
	}
}

// Personal data where a platform puts it: escaped, nested, as a number, in a
// member's name; and a one-character name, which is erased but not hunted for
// in other text.
func TestHostileOrder(t *testing.T) {
	s := memstore.New()
	const phone = "13912345678"
	o := &order.Order{ID: "H1", Status: order.Cancelled,
		Recipient: order.Party{Name: "李", Phone: phone, Address: "文三路90号"},
		Remark:    order.Remark{Seller: "李 to be called on " + phone + " or 13700000000; 文三路90号"},
		Items:     []order.Item{{SKU: "A", Qty: 1, Extra: order.Extra{{Key: "gift_to", Value: []byte(`{"tel":"\u0031\u0033\u0039\u0031\u0032\u0033\u0034\u0035\u0036\u0037\u0038"}`)}}}},
		Extra: order.Extra{{Key: "receiver", Value: []byte(`{"mobile": 13912345678}`)}, {Key: phone, Value: []byte(`true`)},
			{Key: "price_cents", Value: []byte(`12345678`)}, {Key: "note", Value: []byte(`"[erased]"`)}}}
	require.NoError(t, s.CreateOrder(ctx, o, order.Event{Time: now.Add(-40 * day), OrderID: "H1", Action: order.ActResolved,
		From: order.Received, To: order.Cancelled}))
	var e retention.Erasure
	_, err := rule(s).Run(ctx, &retention.RunOptions{OnErase: func(x retention.Erasure) error { e = x; return nil }})
	require.NoError(t, err)
	got, err := s.GetOrder(ctx, "H1")
	require.NoError(t, err)
	b := string(order.AppendJSON(nil, got))
	assert.NotContains(t, b, phone)
	assert.NotContains(t, b, `\u0031\u0033\u0039`)
	assert.NotContains(t, b, "13700000000", "another mobile in a remark is masked")
	assert.NotContains(t, b, "文三路90号")
	assert.Equal(t, order.ErasedValue, got.Recipient.Name)
	assert.Equal(t, "李 to be called on [erased] or 137****0000; [erased]", got.Remark.Seller)
	v, _ := got.Extra.Get("price_cents")
	assert.Equal(t, "12345678", string(v), "a number that is no phone stays")
	assert.Contains(t, e.Fields, "items[0].gift_to")
	assert.Contains(t, e.Fields, "receiver")
	assert.Contains(t, e.Fields, order.ErasedValue, "a member named by the phone is listed by its name erased")
	assert.NotContains(t, e.Fields, "note", "an erased value is not erased again")
	for _, f := range e.Fields {
		assert.NotContains(t, f, phone)
	}
}
