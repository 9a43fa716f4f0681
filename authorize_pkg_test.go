package dadan_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/qa"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/dadanhq/dadan/supplies"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pkgRig is authRig's store after both approved orders printed and verified and
// B1's parcel handed over and reported lost, with a supply on hand (and a count
// not yet posted), a device with an open fault, and the waybill numbers.
type pkgRig struct {
	store            *memstore.Store
	a1, b1           string // waybill numbers
	problem          string // the lost problem of B1's parcel
	stocktake, fault string
	manifest         *shipment.Manifest // A1's parcel, prepared and not handed over
}

const spec = "76x130 热敏"

var rigT0 = time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)

func newPkgRig(t *testing.T, claim shipment.ClaimStatus) *pkgRig {
	t.Helper()
	st, store := authRig(t, nil, true)
	sys := access.NewContext(context.Background(), access.System)
	_, err := st.Print(sys, "B1")
	require.NoError(t, err)
	require.NoError(t, st.Drain(sys))
	r := &pkgRig{store: store}
	for id, no := range map[string]*string{"A1": &r.a1, "B1": &r.b1} {
		o, err := store.GetOrder(sys, id)
		require.NoError(t, err)
		require.NotNil(t, o.Waybill)
		*no = o.Waybill.TrackingNo
	}
	_, err = shipment.Sync(sys, store, store, rigT0)
	require.NoError(t, err)
	v, err := shipment.NewVerifier(shipment.VerifyOptions{Orders: store, Shipments: store, Actor: "packer"})
	require.NoError(t, err)
	for _, l := range []string{r.a1, "X", r.b1, "X", "."} {
		res, err := v.Scan(sys, l)
		require.NoError(t, err)
		if res != nil {
			require.Equal(t, shipment.OK, res.Outcome, res.Reason)
		}
	}
	hopts := &shipment.HandoverOptions{Orders: store, Shipments: store, Actor: "shipper"}
	m, err := shipment.PrepareManifest(sys, hopts, "ZTO")
	require.NoError(t, err)
	m.Reconcile([]string{r.b1})
	_, err = shipment.HandOver(sys, hopts, m)
	require.NoError(t, err)
	require.Equal(t, order.Shipped, status(t, store, "B1"))
	if r.manifest, err = shipment.PrepareManifest(sys, hopts, "ZTO"); err != nil || len(r.manifest.Parcels) != 1 {
		t.Fatalf("A1's parcel is not on the list: %v %+v", err, r.manifest)
	}
	p, err := shipment.ReportProblem(sys, store, r.b1, shipment.Lost, "网点找不到", "cs", rigT0)
	require.NoError(t, err)
	r.problem = p.ID
	if claim != "" {
		_, err := shipment.StartClaim(sys, store, r.problem, decimal.Zero, rigT0)
		require.NoError(t, err)
	}
	if claim == shipment.ClaimClaimed {
		require.NoError(t, store.UpdateProblem(sys, r.problem, func(p *shipment.Problem) error { return shipment.SubmitClaim(p, "C-1", rigT0) }))
	}

	inv, err := supplies.New(store, nil)
	require.NoError(t, err)
	require.NoError(t, inv.Define(sys, supplies.Item{Spec: spec, Kind: supplies.LabelRoll, Name: "面单", PerPack: 500}))
	_, err = inv.Receive(sys, spec, 1000, "wh", "PO-1")
	require.NoError(t, err)
	tk, err := inv.Count(sys, spec, 990, "wh")
	require.NoError(t, err)
	r.stocktake = tk.ID

	ledger := printer.NewLedger(store, nil)
	_, err = ledger.Register(sys, printer.Device{ID: "zebra-1", Model: "ZD421"})
	require.NoError(t, err)
	f, err := ledger.ReportFault(sys, printer.FaultRecord{Device: "zebra-1", Symptom: "jam", ReportedBy: "op"})
	require.NoError(t, err)
	r.fault = f.ID
	return r
}

// pkgState is everything the package actions may change, as text.
func pkgState(t *testing.T, r *pkgRig) string {
	ctx := context.Background()
	var b strings.Builder
	shs, err := r.store.ListShipments(ctx, shipment.Filter{})
	require.NoError(t, err)
	for _, sh := range shs {
		evs, err := r.store.Events(ctx, sh.TrackingNo)
		require.NoError(t, err)
		fmt.Fprintf(&b, "shipment %+v events %+v\n", *sh, evs)
	}
	ps, err := r.store.ListProblems(ctx, shipment.ProblemFilter{})
	require.NoError(t, err)
	for _, p := range ps {
		c := *p
		c.Claim = nil
		fmt.Fprintf(&b, "problem %+v claim %+v\n", c, p.Claim)
	}
	end := time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	ms, err := r.store.Movements(ctx, "", time.Time{}, end)
	require.NoError(t, err)
	items, err := r.store.Supplies(ctx)
	require.NoError(t, err)
	tot, err := r.store.PrintTotals(ctx, spec, time.Time{}, end)
	require.NoError(t, err)
	fmt.Fprintf(&b, "supplies %+v %+v %+v\n", items, ms, tot)
	for i := range 10 {
		if tk, err := r.store.Stocktake(ctx, fmt.Sprint("ST", i)); err == nil {
			fmt.Fprintf(&b, "stocktake %+v\n", tk)
		}
	}
	devs, err := r.store.Devices(ctx)
	require.NoError(t, err)
	faults, err := r.store.Faults(ctx, "")
	require.NoError(t, err)
	mt, err := r.store.Maintenance(ctx, "zebra-1")
	require.NoError(t, err)
	fmt.Fprintf(&b, "ledger %+v %+v %+v\n", devs, faults, mt)
	for in, err := range r.store.Inspections(ctx, qa.Filter{}) {
		require.NoError(t, err)
		fmt.Fprintf(&b, "inspection %+v\n", in)
	}
	for l, err := range r.store.Lots(ctx) {
		require.NoError(t, err)
		fmt.Fprintf(&b, "lot %+v\n", l)
	}
	return b.String()
}

// pkgAction is one entry point of the packages a host calls outside the
// Station, with the permission it needs (none: everyone may).
type pkgAction struct {
	name    string
	perm    access.Permission
	orderID string               // the order a refusal is journaled on; "" for none
	claim   shipment.ClaimStatus // the claim the rig's problem needs
	run     func(ctx context.Context, a access.Authorizer, r *pkgRig) error
}

func desk(a access.Authorizer, r *pkgRig) *shipment.Desk {
	return &shipment.Desk{Store: r.store, Orders: r.store, Authorizer: a, Clock: func() time.Time { return rigT0.Add(time.Hour) }}
}

func qaDesk(a access.Authorizer, r *pkgRig) *qa.Desk {
	return &qa.Desk{Store: r.store, Orders: r.store, Authorizer: a}
}

func inventory(t *testing.T, a access.Authorizer, r *pkgRig) *supplies.Inventory {
	inv, err := supplies.New(r.store, &supplies.Options{Authorizer: a})
	require.NoError(t, err)
	return inv
}

func pkgActions(t *testing.T) []pkgAction {
	hopts := func(a access.Authorizer, r *pkgRig) *shipment.HandoverOptions {
		return &shipment.HandoverOptions{Orders: r.store, Shipments: r.store, Actor: "shipper", Authorizer: a}
	}
	ledger := func(a access.Authorizer, r *pkgRig) *printer.Ledger {
		return printer.NewLedger(r.store, nil).WithAuthorizer(a)
	}
	return []pkgAction{
		{"verify scan", access.ShipVerify, "A1", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			v, err := shipment.NewVerifier(shipment.VerifyOptions{Orders: r.store, Shipments: r.store, Authorizer: a})
			require.NoError(t, err)
			for _, l := range []string{r.a1, "X"} {
				if _, err := v.Scan(ctx, l); err != nil {
					return err
				}
			}
			res, err := v.Close(ctx)
			if err == nil && res.Outcome != shipment.OK {
				return errors.New(res.Reason)
			}
			return err
		}},
		{"verify close", access.ShipVerify, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			v, err := shipment.NewVerifier(shipment.VerifyOptions{Orders: r.store, Shipments: r.store, Authorizer: a})
			require.NoError(t, err)
			_, err = v.Close(ctx)
			return err
		}},
		{"prepare manifest", access.ShipHandover, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := shipment.PrepareManifest(ctx, hopts(a, r), "ZTO")
			return err
		}},
		{"hand over", access.ShipHandover, "A1", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			done, err := shipment.HandOver(ctx, hopts(a, r), r.manifest)
			if err == nil && len(done) != 1 {
				return fmt.Errorf("handed over %v", done)
			}
			return err
		}},
		{"tracking push", access.ShipTrack, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			h := shipment.NewHandler(r.store, &shipment.HandlerOptions{Authorizer: a})
			body := fmt.Sprintf(`{"tracking_no":%q,"status":"in_transit","time":"2026-11-11T12:00:00Z","text":"到达杭州"}`, r.a1)
			req := httptest.NewRequest(http.MethodPost, "/track", strings.NewReader(body)).WithContext(ctx)
			req.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			switch w.Code {
			case http.StatusOK:
				return nil
			case http.StatusForbidden: // the handler's answer to a refusal
				return &access.DeniedError{User: access.DeniedActor(ctx), Permission: access.ShipTrack}
			}
			return fmt.Errorf("%d %s", w.Code, w.Body)
		}},
		{"desk ingest", access.ShipTrack, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			as, err := desk(a, r).Ingest(ctx, []shipment.Event{{TrackingNo: r.b1, State: shipment.InTransit, Time: rigT0.Add(time.Hour), Text: "到达杭州"}})
			if err == nil && (len(as) != 1 || !as[0].Added) {
				return fmt.Errorf("not applied: %+v", as)
			}
			return err
		}},
		{"desk poll", access.ShipTrack, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := desk(a, r).Poll(ctx, shipment.TrackerFunc(func(_ context.Context, _, no string) ([]shipment.Event, error) {
				return []shipment.Event{{TrackingNo: no, State: shipment.InTransit, Time: rigT0.Add(2 * time.Hour), Text: "运输中"}}, nil
			}))
			return err
		}},
		{"desk find delays", access.ShipTrack, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			d := desk(a, r)
			d.Clock = func() time.Time { return rigT0.Add(30 * 24 * time.Hour) }
			_, err := d.FindDelays(ctx, shipment.DelayLimits{})
			return err
		}},
		{"desk report problem", access.ShipTrack, "B1", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := desk(a, r).ReportProblem(ctx, r.b1, shipment.Damaged, "box crushed")
			return err
		}},
		{"desk start claim", access.ShipTrack, "B1", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := desk(a, r).StartClaim(ctx, r.problem, decimal.Zero)
			return err
		}},
		{"desk submit claim", access.ShipTrack, "B1", shipment.ClaimOpen, func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := desk(a, r).SubmitClaim(ctx, r.problem, "ZTO-CLAIM-1")
			return err
		}},
		{"desk settle claim", access.ShipTrack, "B1", shipment.ClaimClaimed, func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := desk(a, r).SettleClaim(ctx, r.problem, true, decimal.RequireFromString("1.00"), "paid")
			return err
		}},
		{"desk resolve", access.ShipTrack, "B1", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := desk(a, r).Resolve(ctx, r.problem, "found at the depot", "")
			return err
		}},
		{"desk problems", access.OrderRead, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			ps, err := desk(a, r).Problems(ctx, shipment.ProblemFilter{})
			if err == nil && len(ps) != 1 {
				return fmt.Errorf("%d problems", len(ps))
			}
			return err
		}},
		{"desk analyze", access.OrderRead, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := desk(a, r).Analyze(ctx, time.Time{}, time.Time{})
			return err
		}},

		{"supplies define", access.SuppliesManage, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			return inventory(t, a, r).Define(ctx, supplies.Item{Spec: "80mm 热敏纸", Kind: supplies.PaperRoll, PerPack: 50000})
		}},
		{"supplies receive", access.SuppliesManage, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := inventory(t, a, r).Receive(ctx, spec, 500, access.Actor(ctx), "PO-2")
			return err
		}},
		{"supplies issue", access.SuppliesManage, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := inventory(t, a, r).Issue(ctx, spec, 500, access.Actor(ctx), "packing 1")
			return err
		}},
		{"supplies adjust", access.SuppliesManage, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := inventory(t, a, r).Adjust(ctx, spec, -5, access.Actor(ctx), "wet")
			return err
		}},
		{"supplies count", access.SuppliesManage, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := inventory(t, a, r).Count(ctx, spec, 1000, access.Actor(ctx))
			return err
		}},
		{"supplies post stocktake", access.SuppliesManage, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := inventory(t, a, r).PostStocktake(ctx, r.stocktake, access.Actor(ctx))
			return err
		}},
		{"supplies record print", access.Print, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			return inventory(t, a, r).RecordPrint(ctx, spec, 2, 260)
		}},
		{"supplies recorder", access.Print, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			return inventory(t, a, r).Recorder(map[string][]string{"zebra-1": {spec}}).RecordUsage(ctx, "zebra-1", 1, 130)
		}},
		{"supplies on hand", "", "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := inventory(t, a, r).OnHand(ctx, spec)
			return err
		}},

		{"ledger register", access.DeviceManage, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := ledger(a, r).Register(ctx, printer.Device{ID: "tsc-2"})
			return err
		}},
		{"ledger update", access.DeviceManage, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			return ledger(a, r).Update(ctx, printer.Device{ID: "zebra-1", Model: "ZD621"})
		}},
		{"ledger retire", access.DeviceManage, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			return ledger(a, r).Retire(ctx, "zebra-1")
		}},
		{"ledger maintain", access.DeviceManage, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := ledger(a, r).Maintain(ctx, printer.MaintenanceRecord{Device: "zebra-1", Kind: printer.Cleaning, By: "tech"})
			return err
		}},
		{"ledger report fault", access.DeviceManage, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := ledger(a, r).ReportFault(ctx, printer.FaultRecord{Device: "zebra-1", Symptom: "faint print", ReportedBy: "op"})
			return err
		}},
		{"ledger record repair", access.DeviceManage, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := ledger(a, r).RecordRepair(ctx, r.fault, printer.Repair{Technician: "tech", Result: "cleared", TestedOK: true})
			return err
		}},
		{"ledger record usage", access.Print, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			return ledger(a, r).RecordUsage(ctx, "zebra-1", 1, 130)
		}},
		{"ledger devices", "", "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := ledger(a, r).Devices(ctx)
			return err
		}},

		{"qa sample", access.QAInspect, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := qaDesk(a, r).Sample(ctx, qa.SampleOptions{Percent: 50, Seed: 1})
			return err
		}},
		{"qa record", access.QAInspect, "A1", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := qaDesk(a, r).Record(ctx, qa.Inspection{Order: "A1", Time: rigT0, Inspector: access.Actor(ctx), Result: qa.Fail,
				Defects: []qa.Defect{{Type: "blurred barcode", Cause: qa.Cause("printer"), Severity: qa.Major}}})
			return err
		}},
		{"qa record lot", access.QAInspect, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := qaDesk(a, r).RecordLot(ctx, qa.Lot{Time: rigT0, Inspector: access.Actor(ctx), Size: 500, Level: qa.Level("II"), AQL: 1.0})
			return err
		}},
		{"qa replay", access.QAInspect, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := qaDesk(a, r).Replay(ctx)
			return err
		}},
		{"qa inspections", access.QAInspect, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			for _, err := range qaDesk(a, r).Inspections(ctx, qa.Filter{}) {
				if err != nil {
					return err
				}
			}
			return nil
		}},
		{"qa collect", access.QAInspect, "", "", func(ctx context.Context, a access.Authorizer, r *pkgRig) error {
			_, err := qaDesk(a, r).Collect(ctx, qa.StatsOptions{})
			return err
		}},
	}
}

// readOnly are the package actions of the matrix that change nothing when
// allowed (on the rig: A1's parcel is verified already and none is overdue).
var readOnly = map[string]bool{"verify scan": true, "verify close": true, "prepare manifest": true, "desk find delays": true,
	"desk problems": true, "desk analyze": true, "supplies on hand": true, "ledger devices": true, "qa sample": true,
	"qa replay": true, "qa inspections": true, "qa collect": true}

// Every role, and the principals that are no role, against every entry point of
// shipment, supplies, the device ledger and qa: allowed with the permission,
// refused without it (a typed error, nothing changed, the refusal journaled on
// the order the action names).
func TestPackagePermissionMatrix(t *testing.T) {
	users := map[string][]string{}
	for _, r := range access.RoleNames() {
		users[r] = []string{r}
	}
	users["visitor"] = []string{"visitor"}
	pol := &access.Policy{Users: users}
	roles := access.DefaultRoles()
	type who struct {
		name, actor string
		ctx         context.Context
		perms       []access.Permission
	}
	var whos []who
	for _, r := range append(access.RoleNames(), "visitor") {
		whos = append(whos, who{r, r, access.NewContext(context.Background(), access.Principal{ID: r}), roles[r]})
	}
	whos = append(whos,
		who{"no principal", access.NoPrincipal, context.Background(), nil},
		who{"named system", "system", access.NewContext(context.Background(), access.Principal{ID: "system"}), nil},
		who{"unnamed user", "mallory", access.NewContext(context.Background(), access.Principal{ID: "mallory"}), nil},
		who{"System", "system", access.NewContext(context.Background(), access.System), access.Permissions()})

	allowed, denied := 0, 0
	for _, a := range pkgActions(t) {
		for _, w := range whos {
			t.Run(a.name+"/"+w.name, func(t *testing.T) {
				r := newPkgRig(t, a.claim)
				beforeOrders, beforeJournal := snapshot(t, r.store)
				beforeState := pkgState(t, r)
				err := a.run(w.ctx, pol, r)
				afterOrders, afterJournal := snapshot(t, r.store)
				if a.perm == "" || slices.Contains(w.perms, a.perm) {
					allowed++
					require.NoError(t, err)
					for _, ev := range afterJournal {
						assert.NotEqual(t, order.ActDenied, ev.Action)
					}
					if !readOnly[a.name] {
						assert.True(t, beforeState+fmt.Sprint(beforeOrders) != pkgState(t, r)+fmt.Sprint(afterOrders), "the allowed action did something")
					}
					return
				}
				denied++
				require.ErrorIs(t, err, access.ErrDenied)
				var de *access.DeniedError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, a.perm, de.Permission)
				assert.Equal(t, beforeOrders, afterOrders, "a refused action changes no order")
				assert.Equal(t, beforeState, pkgState(t, r), "a refused action changes nothing")
				if a.orderID == "" {
					assert.Equal(t, beforeJournal, afterJournal, "no order concerned: nothing journaled")
					return
				}
				require.Len(t, afterJournal, len(beforeJournal)+1, "the refusal is journaled")
				assert.Equal(t, beforeJournal, afterJournal[:len(beforeJournal)])
				ev := afterJournal[len(afterJournal)-1]
				assert.Equal(t, order.ActDenied, ev.Action)
				assert.Equal(t, a.orderID, ev.OrderID)
				assert.Equal(t, w.actor, ev.Actor)
				assert.Equal(t, string(a.perm), ev.Detail)
			})
		}
	}
	assert.Greater(t, denied, allowed, "most principals may do little")
}

// Without an Authorizer the packages check nothing, as before permissions existed.
func TestPackagesWithoutAuthorizerAllowAll(t *testing.T) {
	for _, a := range pkgActions(t) {
		t.Run(a.name, func(t *testing.T) {
			assert.NoError(t, a.run(context.Background(), nil, newPkgRig(t, a.claim)))
		})
	}
}

// A host's Authorizer that cannot decide stops the action and journals nothing.
func TestPackagesHostAuthorizerError(t *testing.T) {
	boom := errors.New("directory unreachable")
	auth := access.AuthorizerFunc(func(context.Context, access.Principal, access.Permission) error { return boom })
	ctx := access.NewContext(context.Background(), access.Principal{ID: "wang"})
	for _, a := range pkgActions(t) {
		if a.perm == "" || a.name == "tracking push" {
			continue
		}
		t.Run(a.name, func(t *testing.T) {
			r := newPkgRig(t, a.claim)
			_, before := snapshot(t, r.store)
			state := pkgState(t, r)
			assert.ErrorIs(t, a.run(ctx, auth, r), boom)
			_, after := snapshot(t, r.store)
			assert.Equal(t, before, after)
			assert.Equal(t, state, pkgState(t, r))
		})
	}
}

// What the packages hand out to read (a manifest, problems, inspections) masks
// personal data for a principal who may not read it, and only then.
func TestPackageReadsMaskPersonalData(t *testing.T) {
	pol := &access.Policy{Users: map[string][]string{"sid": {"shipper"}, "sam": {"service"}, "ivy": {"inspector"}, "boss": {"manager"}}}
	as := func(id string) context.Context {
		return access.NewContext(context.Background(), access.Principal{ID: id})
	}
	r := newPkgRig(t, "")
	sys := access.NewContext(context.Background(), access.System)
	_, err := shipment.ReportProblem(sys, r.store, r.b1, shipment.Damaged, "收件人 13800138001 说盒子破了", "cs", rigT0)
	require.NoError(t, err)
	_, err = qa.Record(sys, r.store, qa.Inspection{Order: "A1", Time: rigT0, Result: qa.Pass, Note: "called 13800138000"})
	require.NoError(t, err)

	for who, plain := range map[string]bool{"sid": false, "boss": true} {
		m, err := shipment.PrepareManifest(as(who), &shipment.HandoverOptions{Orders: r.store, Shipments: r.store, Authorizer: pol}, "ZTO")
		require.NoError(t, err)
		require.Len(t, m.Parcels, 1)
		rec := m.Parcels[0].Recipient
		assert.Equal(t, plain, rec.Phone == "13800138000" && rec.Name == "张三" && rec.Address == "文三路1号", "%s: %+v", who, rec)
		if !plain {
			assert.Equal(t, order.Party{Name: "张*", Phone: "138****8000", Province: "浙江省", City: "杭州市", District: "西湖区", Address: "****"}, rec)
		}
	}
	m, err := shipment.PrepareManifest(context.Background(), &shipment.HandoverOptions{Orders: r.store, Shipments: r.store}, "ZTO")
	require.NoError(t, err)
	assert.Equal(t, "13800138000", m.Parcels[0].Recipient.Phone, "no authorizer: nothing masked")

	for who, plain := range map[string]bool{"sid": false, "sam": true} {
		ps, err := desk(pol, r).Problems(as(who), shipment.ProblemFilter{Kind: shipment.Damaged})
		require.NoError(t, err)
		require.Len(t, ps, 1)
		assert.Equal(t, plain, strings.Contains(ps[0].Detail, "13800138001"), who)
		if !plain {
			assert.Equal(t, "收件人 138****8001 说盒子破了", ps[0].Detail)
		}
	}
	for who, plain := range map[string]bool{"ivy": false, "boss": true} {
		n := 0
		for in, err := range qaDesk(pol, r).Inspections(as(who), qa.Filter{Order: "A1"}) {
			require.NoError(t, err)
			n++
			assert.Equal(t, plain, in.Note == "called 13800138000", who)
			if !plain {
				assert.Equal(t, "called 138****8000", in.Note)
			}
		}
		assert.Equal(t, 1, n)
	}
	var stored []qa.Inspection
	for in, err := range r.store.Inspections(context.Background(), qa.Filter{}) {
		require.NoError(t, err)
		stored = append(stored, in)
	}
	assert.Equal(t, "called 13800138000", stored[0].Note, "masking a read changes nothing stored")
}
