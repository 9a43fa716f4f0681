package storetest

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/seal"
)

// SealStore is a store that seals personal data at rest with a [seal.Ring].
type SealStore interface {
	order.Store
	printer.JobStore
	shipment.Store
	qa.InspectionStore
	// Rekey seals every value with the ring's active key.
	Rekey(ctx context.Context, progress func(seal.Progress)) (seal.Progress, error)
}

// SealBackend opens a sealing store at a location and reads what it stored
// behind its back, for [Sealing].
type SealBackend struct {
	// Location returns a new, empty location.
	Location func(t *testing.T) string
	// Open opens the store at loc with keys (nil: none) and returns it with
	// its Close; the error is Open's.
	Open func(t *testing.T, loc string, keys *seal.Ring) (SealStore, func(), error)
	// Raw returns everything stored at loc as bytes: the database files, or
	// every row of every table as text (bytes may show as hex).
	Raw func(t *testing.T, loc string) []byte
	// OrderValue returns the stored value of order id (the sealed body).
	OrderValue func(t *testing.T, loc, id string) []byte
	// SetOrderValue stores v as the value of order id, as an intruder with
	// write access to the database would.
	SetOrderValue func(t *testing.T, loc, id string, v []byte)
}

// SealKeys returns a ring of test keys: key id i is filled with byte i+1 of
// its position in ids; active is the first.
func SealKeys(t testing.TB, ids ...string) *seal.Ring {
	t.Helper()
	keys := map[string][]byte{}
	for i, id := range ids {
		keys[id] = bytes.Repeat([]byte{byte(i + 1)}, seal.KeySize)
	}
	r, err := seal.New(ids[0], keys)
	require.NoError(t, err)
	return r
}

// sealKeys returns a ring holding exactly the keys named, as [SealKeys] made
// them for ids: a key keeps its bytes when others are dropped.
func sealKeysOf(t testing.TB, all []string, active string, keep ...string) *seal.Ring {
	t.Helper()
	keys := map[string][]byte{}
	for i, id := range all {
		for _, k := range keep {
			if k == id {
				keys[id] = bytes.Repeat([]byte{byte(i + 1)}, seal.KeySize)
			}
		}
	}
	r, err := seal.New(active, keys)
	require.NoError(t, err)
	return r
}

// Recipients with rare characters, for the leak checks: a middle dot, a
// character outside the Basic Multilingual Plane, rare CJK.
var sealRecipients = []order.Party{
	{Name: "阿依古丽·买买提", Phone: "19937261548", Province: "新疆维吾尔自治区", City: "乌鲁木齐市", District: "天山区",
		Address: "䶮鑫路𨋢号龘栋"},
	{Name: "𠮷野龘", Phone: "18846203917", Province: "贵州省", City: "黔东南苗族侗族自治州", District: "凯里市",
		Address: "韡晔巷彧院7号"},
	{Name: "欧阳燚", Phone: "17701938462", Province: "浙江省", City: "杭州市", District: "余杭区",
		Address: "甪直街㵘楼1203室"},
}

// sealNeedles are the strings no raw byte of a sealed store may hold, in the
// forms a store might write them: UTF-8, and hex of the UTF-8 (PostgreSQL's
// text of bytea).
func sealNeedles() [][]byte {
	var out [][]byte
	for _, r := range sealRecipients {
		for _, s := range []string{r.Name, r.Phone, r.Address, strings.SplitN(r.Name, "·", 2)[0]} {
			out = append(out, []byte(s), []byte(hex.EncodeToString([]byte(s))))
		}
	}
	return out
}

func leaks(raw []byte) []string {
	var found []string
	for _, n := range sealNeedles() {
		if bytes.Contains(raw, n) {
			found = append(found, string(n))
		}
	}
	return found
}

// fillSealed stores orders with the personal data of sealRecipients and
// everything derived from it: print jobs whose bytes hold it (half of them
// printed, their bytes dropped), shipments, courier events and problems that
// quote it, inspections that note it; then changes one recipient.
func fillSealed(t *testing.T, s SealStore) (ids []string) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	for i, r := range sealRecipients {
		id := fmt.Sprintf("SEAL%03d", i)
		ids = append(ids, id)
		o := &order.Order{ID: id, Status: order.Received, PaidAt: at.Add(time.Duration(i) * time.Minute), Recipient: r,
			Remark: order.Remark{Buyer: "打电话 " + r.Phone}}
		require.NoError(t, s.CreateOrder(ctx, o, order.Event{Time: at, Actor: "ingest", OrderID: id, Action: order.ActReceived, To: order.Received}))
		// Large enough to take pages of its own (SQLite's overflow pages, PostgreSQL's TOAST).
		graphic := "^FO0,200^GFA,9000,9000,30," + strings.Repeat("F0", 4500) + "^FS"
		label := []byte("^XA^CI28^FO10,10^FD" + r.Name + "^FS^FO10,60^FD" + r.Phone + "^FS^FO10,110^FD" +
			r.Province + r.City + r.District + r.Address + "^FS" + graphic + "^FO10,160^FD" + r.Phone + "^FS^XZ")
		js, err := s.AddJobs(ctx, []printer.Job{
			{Key: printer.JobKey{Order: id, Doc: printer.Waybill, Template: "w", Version: "1"}, Printer: "zebra", Data: label, CreatedAt: at},
			{Key: printer.JobKey{Order: id, Doc: printer.PackingList, Template: "p", Version: "1"}, Printer: "receipt", Data: label, CreatedAt: at},
		})
		require.NoError(t, err)
		done := js[0]
		done.State, done.Data, done.PrintedAt = printer.Printed, nil, at // printed: the bytes are dropped
		require.NoError(t, s.UpdateJob(ctx, done, printer.Queued))
		no := fmt.Sprintf("ZT%09d", i)
		require.NoError(t, s.CreateShipment(ctx, &shipment.Shipment{TrackingNo: no, OrderID: id, Carrier: "ZTO",
			State: shipment.Created, Note: "call " + r.Phone, CreatedAt: at}))
		_, err = s.AddEvent(ctx, shipment.Event{TrackingNo: no, Time: at, Code: "3", Text: "已签收，签收人：" + r.Name + " " + r.Phone,
			Location: "杭州转运中心", Source: "line"}, nil)
		require.NoError(t, err)
		require.NoError(t, s.CreateProblem(ctx, &shipment.Problem{TrackingNo: no, OrderID: id, Carrier: "ZTO", Kind: shipment.Damaged,
			Detail: r.Name + " 说 " + r.Address + " 收到破损", OpenedBy: "cs", OpenedAt: at}))
		_, err = s.AddInspection(ctx, qa.Inspection{Order: id, Time: at, Inspector: "qa", Round: 1, Result: qa.Pass,
			Checks: []qa.Check{{Item: qa.CheckAddress, OK: true, Note: r.Address}, {Item: qa.CheckPhone, OK: true, Note: r.Phone}}})
		require.NoError(t, err)
	}
	// A change of recipient: the old and the new stay out of the raw bytes.
	require.NoError(t, s.UpdateOrder(ctx, ids[0], func(o *order.Order) ([]order.Event, error) {
		o.Recipient = sealRecipients[2]
		return []order.Event{order.Note(o, at, "cs", order.ActNote, "recipient changed")}, nil
	}))
	return ids
}

// checkFilled reads back everything fillSealed stored.
func checkFilled(t *testing.T, s SealStore, ids []string) {
	t.Helper()
	ctx := context.Background()
	for i, id := range ids {
		o, err := s.GetOrder(ctx, id)
		require.NoError(t, err)
		want := sealRecipients[i]
		if i == 0 {
			want = sealRecipients[2]
		}
		assert.Equal(t, want.Name, o.Recipient.Name)
		assert.Equal(t, want.Phone, o.Recipient.Phone)
		js, err := s.Jobs(ctx, printer.JobFilter{Order: id})
		require.NoError(t, err)
		require.Len(t, js, 2)
		assert.Nil(t, js[0].Data, "a printed job has no bytes")
		assert.Contains(t, string(js[1].Data), sealRecipients[i].Phone)
		no := fmt.Sprintf("ZT%09d", i)
		sh, err := s.GetShipment(ctx, no)
		require.NoError(t, err)
		assert.Equal(t, "call "+sealRecipients[i].Phone, sh.Note)
		evs, err := s.Events(ctx, no)
		require.NoError(t, err)
		require.Len(t, evs, 1)
		assert.Contains(t, evs[0].Text, sealRecipients[i].Name)
		ps, err := s.ListProblems(ctx, shipment.ProblemFilter{TrackingNo: no})
		require.NoError(t, err)
		require.Len(t, ps, 1)
		assert.Contains(t, ps[0].Detail, sealRecipients[i].Address)
		var ins []qa.Inspection
		for in, err := range s.Inspections(ctx, qa.Filter{Order: id}) {
			require.NoError(t, err)
			ins = append(ins, in)
		}
		require.Len(t, ins, 1)
		assert.Equal(t, sealRecipients[i].Address, ins[0].Checks[0].Note)
	}
}

// Sealing runs the tests of sealing at rest: no personal data in what the
// backend stores, plaintext sealed on open, rotation under concurrent writes,
// wrong and missing keys, tampered values.
func Sealing(t *testing.T, b SealBackend) {
	ctx := context.Background()
	open := func(t *testing.T, loc string, keys *seal.Ring) (SealStore, func()) {
		t.Helper()
		s, closeFn, err := b.Open(t, loc, keys)
		require.NoError(t, err)
		return s, closeFn
	}
	all := []string{"k1", "k2", "k9"}

	t.Run("NoPlaintextAtRest", func(t *testing.T) {
		loc := b.Location(t)
		s, closeFn := open(t, loc, SealKeys(t, "k1"))
		ids := fillSealed(t, s)
		checkFilled(t, s, ids)
		assert.Empty(t, leaks(b.Raw(t, loc)), "while open")
		closeFn()
		assert.Empty(t, leaks(b.Raw(t, loc)), "closed")
		v := b.OrderValue(t, loc, ids[1])
		id, ok := seal.KeyID(v)
		assert.True(t, ok)
		assert.Equal(t, "k1", id)
	})

	t.Run("WithoutKeysPlaintext", func(t *testing.T) {
		// The control: without keys the needles are found, so the check above can fail.
		loc := b.Location(t)
		s, closeFn := open(t, loc, nil)
		ids := fillSealed(t, s)
		checkFilled(t, s, ids)
		_, err := s.Rekey(ctx, nil)
		assert.ErrorIs(t, err, seal.ErrNoKeys)
		closeFn()
		raw := b.Raw(t, loc)
		for _, r := range sealRecipients {
			assert.True(t, bytes.Contains(raw, []byte(r.Phone)) || bytes.Contains(raw, []byte(hex.EncodeToString([]byte(r.Phone)))),
				"plaintext phone %s stored", r.Phone)
		}
		v := b.OrderValue(t, loc, ids[1])
		assert.False(t, seal.Sealed(v))
		var o order.Order
		require.NoError(t, order.Unmarshal(v, &o), "the body is the order JSON, as without sealing")
		assert.Equal(t, sealRecipients[1].Phone, o.Recipient.Phone)
	})

	t.Run("SealsPlaintextOnOpen", func(t *testing.T) {
		loc := b.Location(t)
		s, closeFn := open(t, loc, nil)
		ids := fillSealed(t, s)
		closeFn()
		s, closeFn = open(t, loc, SealKeys(t, "k1"))
		checkFilled(t, s, ids)
		assert.Empty(t, leaks(b.Raw(t, loc)), "sealed by Open")
		closeFn()
		assert.Empty(t, leaks(b.Raw(t, loc)))
		s, closeFn = open(t, loc, SealKeys(t, "k1"))
		defer closeFn()
		checkFilled(t, s, ids)
	})

	t.Run("Rotation", func(t *testing.T) {
		loc := b.Location(t)
		s, closeFn := open(t, loc, sealKeysOf(t, all, "k1", "k1"))
		ids := fillSealed(t, s)
		const pre = 600
		at := time.Date(2026, 11, 12, 0, 0, 0, 0, time.UTC)
		for i := range pre {
			o := &order.Order{ID: fmt.Sprintf("R%05d", i), Status: order.Received, PaidAt: at, Recipient: sealRecipients[i%3]}
			require.NoError(t, s.CreateOrder(ctx, o))
		}
		closeFn()

		// k2 active, k1 still readable; writers keep working while Rekey runs,
		// on this store and on another one at the same location (another
		// station, another process).
		s, closeFn = open(t, loc, sealKeysOf(t, all, "k2", "k1", "k2"))
		other, closeOther := open(t, loc, sealKeysOf(t, all, "k2", "k1", "k2"))
		var wg sync.WaitGroup
		stop := make(chan struct{})
		var mu sync.Mutex
		created := 0
		updated := map[string]int{}
		var werr error
		for w := range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					id := fmt.Sprintf("W%d-%05d", w, n)
					s := s
					if w%2 == 1 {
						s = other
					}
					err := s.CreateOrder(ctx, &order.Order{ID: id, Status: order.Received, PaidAt: at, Recipient: sealRecipients[n%3]})
					old := fmt.Sprintf("R%05d", (n*7+w*101)%pre)
					if err == nil {
						err = s.UpdateOrder(ctx, old, func(o *order.Order) ([]order.Event, error) {
							o.Revision++
							return nil, nil
						})
					}
					mu.Lock()
					if err != nil && werr == nil {
						werr = err
					}
					if err == nil {
						created++
						updated[old]++
					}
					mu.Unlock()
				}
			}()
		}
		var calls []seal.Progress
		p, err := s.Rekey(ctx, func(p seal.Progress) { calls = append(calls, p) })
		close(stop)
		wg.Wait()
		require.NoError(t, err)
		require.NoError(t, werr)
		assert.Greater(t, len(calls), 4, "progress after each batch")
		// Rekey re-sealed at least every order no writer updated (a writer's
		// update seals with k2 itself; how many it reaches first depends on the
		// machine's load): the R orders left alone and the filled ones.
		assert.GreaterOrEqual(t, p.Resealed, int64(pre-len(updated)+len(ids)), "values k1 sealed that no writer re-sealed")
		assert.GreaterOrEqual(t, p.Scanned, p.Total-int64(len(ids)), "every row looked at")
		assert.NotEmpty(t, calls[0].Table)
		closeOther()
		closeFn()

		// k1 removed: everything opens with k2 alone, nothing was lost.
		s, closeFn = open(t, loc, sealKeysOf(t, all, "k2", "k2"))
		defer closeFn()
		checkFilled(t, s, ids)
		n := 0
		for o, err := range s.ListOrders(ctx) {
			require.NoError(t, err)
			n++
			if c, ok := updated[o.ID]; ok {
				assert.Equal(t, c, o.Revision, "order %s: every update kept", o.ID)
			}
			id, _ := seal.KeyID(b.OrderValue(t, loc, o.ID))
			assert.Equal(t, "k2", id, "order %s", o.ID)
		}
		assert.Equal(t, len(ids)+pre+created, n)
		assert.Greater(t, created, 0, "writers wrote during the re-seal")
	})

	t.Run("WrongOrMissingKeys", func(t *testing.T) {
		loc := b.Location(t)
		s, closeFn := open(t, loc, sealKeysOf(t, all, "k1", "k1"))
		ids := fillSealed(t, s)
		closeFn()

		_, _, err := b.Open(t, loc, nil)
		assert.ErrorIs(t, err, seal.ErrNoKeys, "a sealed database opened without keys")

		_, _, err = b.Open(t, loc, sealKeysOf(t, all, "k9", "k9"))
		var uk *seal.UnknownKeyError
		require.ErrorAs(t, err, &uk, "a ring without the key the database was sealed with")
		assert.Equal(t, "k1", uk.ID)

		// A key k1 of other bytes: opening finds the name, reading fails.
		impostor, err := seal.New("k1", map[string][]byte{"k1": bytes.Repeat([]byte{0xee}, seal.KeySize)})
		require.NoError(t, err)
		s, closeFn = open(t, loc, impostor)
		_, err = s.GetOrder(ctx, ids[1])
		assert.ErrorIs(t, err, seal.ErrDamaged)
		_, err = s.Jobs(ctx, printer.JobFilter{Order: ids[1]})
		assert.ErrorIs(t, err, seal.ErrDamaged)
		closeFn()

		// Rotating away from the impostor: Rekey stops at a value it cannot open.
		keys := map[string][]byte{"k1": bytes.Repeat([]byte{0xee}, seal.KeySize), "k2": bytes.Repeat([]byte{2}, seal.KeySize)}
		rotate, err := seal.New("k2", keys)
		require.NoError(t, err)
		s, closeFn = open(t, loc, rotate)
		defer closeFn()
		_, err = s.Rekey(ctx, nil)
		assert.ErrorIs(t, err, seal.ErrDamaged)
	})

	t.Run("Tampered", func(t *testing.T) {
		loc := b.Location(t)
		s, closeFn := open(t, loc, sealKeysOf(t, all, "k1", "k1"))
		defer closeFn()
		ids := fillSealed(t, s)

		// A value copied into another row does not open there.
		b.SetOrderValue(t, loc, ids[2], b.OrderValue(t, loc, ids[1]))
		_, err := s.GetOrder(ctx, ids[2])
		assert.ErrorIs(t, err, seal.ErrDamaged)
		var listErr error
		for _, err := range s.ListOrders(ctx) {
			if err != nil {
				listErr = err
			}
		}
		assert.ErrorIs(t, listErr, seal.ErrDamaged)
		err = s.UpdateOrder(ctx, ids[2], func(*order.Order) ([]order.Event, error) { return nil, nil })
		assert.ErrorIs(t, err, seal.ErrDamaged)

		// One byte changed.
		v := b.OrderValue(t, loc, ids[1])
		v[len(v)-1] ^= 0x80
		b.SetOrderValue(t, loc, ids[1], v)
		_, err = s.GetOrder(ctx, ids[1])
		assert.ErrorIs(t, err, seal.ErrDamaged)

		// Sealed with a key nobody has: the error names it.
		other := sealKeysOf(t, all, "k9", "k9")
		o := &order.Order{ID: ids[0]}
		b.SetOrderValue(t, loc, ids[0], other.Seal(nil, order.AppendJSON(nil, o), seal.AD("orders.body", ids[0])))
		_, err = s.GetOrder(ctx, ids[0])
		var uk *seal.UnknownKeyError
		require.ErrorAs(t, err, &uk)
		assert.Equal(t, "k9", uk.ID)
		assert.True(t, errors.Is(err, seal.ErrUnknownKey))
	})
}
