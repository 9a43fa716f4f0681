package dadan_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/escpos"
	"github.com/dadanhq/dadan/label/zpl"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/file"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/printer/tcp"
	"github.com/dadanhq/dadan/shipment/pool"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// printRig is a station printing waybills to an emulated ZPL printer over TCP and
// packing lists to a spool directory.
type printRig struct {
	st      *dadan.Station
	store   *memstore.Store
	emu     *printertest.Printer
	spool   string
	carrier *pool.Pool
}

func newPrintRig(t *testing.T) *printRig {
	t.Helper()
	ctx := context.Background()
	emu, err := printertest.New(nil)
	require.NoError(t, err)
	t.Cleanup(func() { emu.Close() })
	zp, err := tcp.Dial(ctx, emu.Addr(), nil)
	require.NoError(t, err)
	dir := t.TempDir()
	fp, err := file.Open(dir, nil)
	require.NoError(t, err)
	waybill, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	packing, err := label.Standard("packing-80mm")
	require.NoError(t, err)
	zr, err := zpl.New(nil)
	require.NoError(t, err)
	er, err := escpos.New(&escpos.Options{ReplaceUnprintable: true})
	require.NoError(t, err)
	store := memstore.New()
	carrier := dadan.TestCarrier()
	st, err := dadan.New(&dadan.Options{
		Store: store, Review: sampleConfig(t), Clock: fakeClock(),
		Printers:  map[string]printer.Printer{"zebra": zp, "receipt": fp},
		Routes:    map[printer.DocKind]string{printer.Waybill: "zebra", printer.PackingList: "receipt"},
		Documents: []dadan.Document{{Kind: printer.Waybill, Template: waybill, Renderer: zr}, {Kind: printer.PackingList, Template: packing, Renderer: er}},
		Carrier:   carrier,
		Spool:     printer.Options{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond},
	})
	require.NoError(t, err)
	return &printRig{st: st, store: store, emu: emu, spool: dir, carrier: carrier}
}

func TestPrintApprovedOrders(t *testing.T) {
	rig := newPrintRig(t)
	ctx := access.NewContext(context.Background(), access.Principal{ID: "printer-op"})
	sum, err := rig.st.Ingest(ctx, bytes.NewReader(sample.Orders), nil)
	require.NoError(t, err)

	ps, err := rig.st.Print(ctx)
	require.NoError(t, err)
	assert.Equal(t, sum.Approved, ps.Orders)
	assert.Equal(t, 2*sum.Approved, ps.Jobs)
	assert.Empty(t, ps.Failed)
	require.NoError(t, rig.st.Drain(ctx))

	// Every approved order is now printed, with its waybill number on the label.
	printed := rig.emu.Printed()
	require.Len(t, printed, sum.Approved, "one waybill per approved order, none twice")
	n := 0
	for o, err := range rig.store.ListOrders(ctx, order.Printed) {
		require.NoError(t, err)
		n++
		require.NotNil(t, o.Waybill)
		found := false
		for _, j := range printed {
			found = found || bytes.Contains(j.Data, []byte(o.Waybill.TrackingNo))
		}
		assert.True(t, found, "waybill of %s printed", o.ID)
	}
	assert.Equal(t, sum.Approved, n)
	// The station reuses each document's label data and layout from order to
	// order: every label carries its own order's number and address, no other's.
	var all []*order.Order
	for o, err := range rig.store.ListOrders(ctx, order.Printed) {
		require.NoError(t, err)
		all = append(all, o)
	}
	for _, j := range printed {
		var mine []*order.Order
		for _, o := range all {
			if bytes.Contains(j.Data, []byte(o.Waybill.TrackingNo)) {
				mine = append(mine, o)
			}
		}
		require.Len(t, mine, 1, "orders whose waybill number is on one label")
		assert.True(t, bytes.Contains(j.Data, []byte(mine[0].ID)), "order %s: its id on its label", mine[0].ID)
	}
	files, err := os.ReadDir(rig.spool)
	require.NoError(t, err)
	assert.Len(t, files, sum.Approved, "one packing list per order")

	// The printed event names the templates and their hashes.
	var ev order.Event
	for e := range rig.store.Journal(ctx, 0) {
		if e.Action == order.ActPrinted {
			ev = e
		}
	}
	assert.Equal(t, "printer-op", ev.Actor)
	assert.Contains(t, ev.Detail, "waybill waybill-76x130@")
	assert.Contains(t, ev.Detail, "packing_list packing-80mm@")
	assert.Contains(t, ev.Detail, "sha256:")

	// Printing again queues nothing: the orders are printed now.
	ps, err = rig.st.Print(ctx)
	require.NoError(t, err)
	assert.Zero(t, ps.Jobs)
}

func TestReprint(t *testing.T) {
	rig := newPrintRig(t)
	ctx := context.Background()
	in := strings.SplitN(string(sample.Orders), "\n", 2)[0] // one ordinary order
	_, err := rig.st.Ingest(ctx, strings.NewReader(in), nil)
	require.NoError(t, err)
	_, err = rig.st.Print(ctx)
	require.NoError(t, err)
	require.NoError(t, rig.st.Drain(ctx))
	o, err := rig.store.GetOrder(ctx, "TB2026111100000")
	require.NoError(t, err)
	require.Equal(t, order.Printed, o.Status)
	first := o.Waybill.TrackingNo

	_, err = rig.st.Reprint(ctx, o.ID, printer.Waybill, "", dadan.SameNumber)
	assert.ErrorIs(t, err, printer.ErrNoReason)

	job, err := rig.st.Reprint(ctx, o.ID, printer.Waybill, "label torn", dadan.SameNumber)
	require.NoError(t, err)
	assert.True(t, job.Reprint)
	require.NoError(t, rig.st.Drain(ctx))
	printed := rig.emu.Printed()
	require.Len(t, printed, 2)
	assert.Contains(t, string(printed[1].Data), "补打 #2", "the reprint is marked")
	assert.Contains(t, string(printed[1].Data), first, "same number")
	j, err := rig.st.Spooler().Job(ctx, job.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, j.PrintCount)

	_, err = rig.st.Reprint(ctx, o.ID, printer.Waybill, "wrong courier", dadan.NewNumber)
	require.NoError(t, err)
	require.NoError(t, rig.st.Drain(ctx))
	o, err = rig.store.GetOrder(ctx, o.ID)
	require.NoError(t, err)
	assert.NotEqual(t, first, o.Waybill.TrackingNo)
	st, ok := rig.carrier.State(first)
	require.True(t, ok)
	assert.Equal(t, pool.Cancelled, st, "the old number is cancelled with the carrier")
	printed = rig.emu.Printed()
	require.Len(t, printed, 3)
	assert.Contains(t, string(printed[2].Data), o.Waybill.TrackingNo)

	var notes []string
	for ev := range rig.store.Journal(ctx, 0) {
		if ev.Action == order.ActNote {
			notes = append(notes, ev.Detail)
		}
	}
	assert.Contains(t, strings.Join(notes, "\n"), "reprint waybill: label torn")
	assert.Contains(t, strings.Join(notes, "\n"), "cancelled")

	// A number the courier has collected cannot be cancelled.
	require.NoError(t, rig.carrier.MarkCollected(o.Waybill.TrackingNo))
	_, err = rig.st.Reprint(ctx, o.ID, printer.Waybill, "again", dadan.NewNumber)
	assert.Error(t, err)
}

func TestPrintWithoutCarrierHolds(t *testing.T) {
	emu, err := printertest.New(nil)
	require.NoError(t, err)
	defer emu.Close()
	zp, err := tcp.Dial(context.Background(), emu.Addr(), nil)
	require.NoError(t, err)
	waybill, _ := label.Standard("waybill-76x130")
	zr, _ := zpl.New(nil)
	store := memstore.New()
	st, err := dadan.New(&dadan.Options{Store: store,
		Printers:  map[string]printer.Printer{"z": zp},
		Routes:    map[printer.DocKind]string{printer.Waybill: "z"},
		Documents: []dadan.Document{{Kind: printer.Waybill, Template: waybill, Renderer: zr}}})
	require.NoError(t, err)
	ctx := context.Background()
	in := `{"id":"A1","recipient":{"name":"张三","phone":"13800138000","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路1号"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}
{"id":"A2","recipient":{"name":"张三","phone":"13800138001","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路2号"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00","waybill":{"tracking_no":"756123456789"}}`
	_, err = st.Ingest(ctx, strings.NewReader(in), nil)
	require.NoError(t, err)
	ps, err := st.Print(ctx)
	require.NoError(t, err)
	require.Len(t, ps.Failed, 1)
	assert.ErrorIs(t, ps.Failed[0], dadan.ErrNoCarrier)
	o, _ := store.GetOrder(ctx, "A1")
	assert.Equal(t, order.OnHold, o.Status)
	require.NoError(t, st.Drain(ctx))
	o, _ = store.GetOrder(ctx, "A2")
	assert.Equal(t, order.Printed, o.Status, "a number from the platform prints as it is")
	require.Len(t, emu.Printed(), 1)
	assert.Contains(t, string(emu.Printed()[0].Data), "756123456789")
	_ = filepath.Join
}

// TestFirstPrintNamesCarrier: the station's first print of a waybill names the
// courier (carrier.name) as LayoutOrder and a reprint do: the station's reused
// label data sets the carrier fields too.
func TestFirstPrintNamesCarrier(t *testing.T) {
	rig := newPrintRig(t)
	ctx := context.Background()
	lines := strings.Split(strings.TrimSpace(string(sample.Orders)), "\n")
	_, err := rig.st.Ingest(ctx, strings.NewReader(strings.Join(lines[:12], "\n")+"\n"), nil)
	require.NoError(t, err)
	_, err = rig.st.Print(ctx)
	require.NoError(t, err)
	require.NoError(t, rig.st.Drain(ctx))
	printed := rig.emu.Printed()
	require.NotEmpty(t, printed)
	seen := map[string]bool{}
	for o, err := range rig.store.ListOrders(ctx, order.Printed) {
		require.NoError(t, err)
		name, ok := dadan.CarrierName(o.Carrier)
		require.True(t, ok, "order %s carrier %q", o.ID, o.Carrier)
		var label []byte
		for _, j := range printed {
			if bytes.Contains(j.Data, []byte(o.Waybill.TrackingNo)) {
				label = j.Data
			}
		}
		require.NotNil(t, label, "waybill of %s printed", o.ID)
		assert.Contains(t, string(label), name, "order %s", o.ID)
		for _, other := range []string{"中通快递", "顺丰速运", "圆通速递", "韵达快递"} {
			if other != name {
				assert.NotContains(t, string(label), other, "order %s: another order's courier", o.ID)
			}
		}
		seen[name] = true
	}
	assert.Greater(t, len(seen), 1, "orders of several couriers")
}
