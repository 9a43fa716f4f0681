package dadan_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/zpl"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const heldOrder = `{"id":"H1","carrier":"ZTO","flags":["red"],"recipient":{"name":"王五","phone":"13800138002","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路3号"},"items":[{"sku":"X","qty":1,"unit_price":"1.00"}],"total":"1.00"}`

// authRig is a station with a policy, two approved orders (A1 printed when the
// action needs a printed order) and a held one (H1), set up by the system principal.
func authRig(t *testing.T, auth access.Authorizer, printed bool) (*dadan.Station, *memstore.Store) {
	t.Helper()
	rec := &recorder{}
	waybill, err := label.Standard("waybill-76x130")
	require.NoError(t, err)
	packing, err := label.Standard("packing-a4")
	require.NoError(t, err)
	zr, err := zpl.New(nil)
	require.NoError(t, err)
	store := memstore.New()
	st, err := dadan.New(&dadan.Options{
		Store:    store,
		Printers: map[string]printer.Printer{"p": printer.PrinterFunc(rec.print)},
		Routes:   bothRoutes,
		Documents: []dadan.Document{
			{Kind: printer.Waybill, Template: waybill, Renderer: zr},
			{Kind: printer.PackingList, Template: packing, Renderer: zr},
		},
		Carrier:    dadan.TestCarrier(),
		Spool:      printer.Options{MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond},
		Authorizer: auth,
	})
	require.NoError(t, err)
	sys := access.NewContext(context.Background(), access.System)
	_, err = st.Ingest(sys, strings.NewReader(twoOrders+"\n"+heldOrder), nil)
	require.NoError(t, err)
	require.Equal(t, order.OnHold, status(t, store, "H1"))
	if printed {
		_, err = st.Print(sys, "A1")
		require.NoError(t, err)
		require.NoError(t, st.Drain(sys))
		require.Equal(t, order.Printed, status(t, store, "A1"))
	}
	return st, store
}

// stationAction is one entry point of the Station with the permissions it needs.
type stationAction struct {
	name    string
	perms   []access.Permission
	orderID string // the order a denial is journaled on; "" for none
	printed bool   // needs A1 printed
	run     func(ctx context.Context, st *dadan.Station) error
}

var stationActions = []stationAction{
	{"ingest", []access.Permission{access.OrderIngest}, "", false, func(ctx context.Context, st *dadan.Station) error {
		_, err := st.Ingest(ctx, strings.NewReader(strings.ReplaceAll(heldOrder, "H1", "C1")), nil)
		return err
	}},
	{"release", []access.Permission{access.OrderRelease}, "H1", false, func(ctx context.Context, st *dadan.Station) error {
		return st.Release(ctx, "H1", true, "checked with the buyer")
	}},
	{"resolve", []access.Permission{access.OrderResolve}, "H1", false, func(ctx context.Context, st *dadan.Station) error {
		_, err := st.Resolve(ctx, "H1", review.Exchange{Line: 0, SKU: "Y"})
		return err
	}},
	{"refund", []access.Permission{access.OrderRefund}, "A1", true, func(ctx context.Context, st *dadan.Station) error {
		_, err := st.Resolve(ctx, "A1", review.Refund{Reason: "buyer cancelled"})
		return err
	}},
	{"amend", []access.Permission{access.OrderAmend}, "B1", false, func(ctx context.Context, st *dadan.Station) error {
		_, err := st.Amend(ctx, "B1", newRecipient, "moved", nil)
		return err
	}},
	{"print", []access.Permission{access.Print}, "B1", false, func(ctx context.Context, st *dadan.Station) error {
		_, err := st.Print(ctx, "B1")
		return err
	}},
	{"print all", []access.Permission{access.Print}, "", false, func(ctx context.Context, st *dadan.Station) error {
		_, err := st.PrintAll(ctx)
		return err
	}},
	{"drain", []access.Permission{access.Print}, "", false, func(ctx context.Context, st *dadan.Station) error {
		return st.Drain(ctx)
	}},
	{"confirm", []access.Permission{access.Print}, "", false, func(ctx context.Context, st *dadan.Station) error {
		_, err := st.Confirm(ctx)
		return err
	}},
	{"run", []access.Permission{access.Print}, "", false, func(ctx context.Context, st *dadan.Station) error {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Millisecond)
		defer cancel()
		if err := st.Run(ctx); !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return nil
	}},
	{"reprint", []access.Permission{access.PrintReprint}, "A1", true, func(ctx context.Context, st *dadan.Station) error {
		_, err := st.Reprint(ctx, "A1", printer.PackingList, "torn", dadan.SameNumber)
		return err
	}},
	{"reprint new number", []access.Permission{access.PrintReprint, access.PrintVoid}, "A1", true, func(ctx context.Context, st *dadan.Station) error {
		_, err := st.Reprint(ctx, "A1", printer.Waybill, "torn", dadan.NewNumber)
		return err
	}},
	{"retain", []access.Permission{access.DataErase}, "", false, func(ctx context.Context, st *dadan.Station) error {
		_, err := st.Retain(ctx, 30, nil)
		return err
	}},
	{"read", []access.Permission{access.OrderRead}, "", false, func(ctx context.Context, st *dadan.Station) error {
		o, err := st.Order(ctx, "A1")
		if err == nil && o.Recipient.Phone != "13800138000" && o.Recipient.Phone != "138****8000" {
			return errors.New("phone neither plain nor masked: " + o.Recipient.Phone)
		}
		return err
	}},
}

// snapshot is every order's JSON and the journal.
func snapshot(t *testing.T, s *memstore.Store) (map[string]string, []order.Event) {
	ctx := context.Background()
	orders := map[string]string{}
	for o, err := range s.ListOrders(ctx) {
		require.NoError(t, err)
		orders[o.ID] = string(order.AppendJSON(nil, o))
	}
	var evs []order.Event
	for ev, err := range s.Journal(ctx, 0) {
		require.NoError(t, err)
		evs = append(evs, ev)
	}
	return orders, evs
}

func TestStationPermissionMatrix(t *testing.T) {
	users := map[string][]string{}
	for _, r := range access.RoleNames() {
		users[r] = []string{r}
	}
	users["visitor"] = []string{"visitor"} // a role nobody defined
	pol := &access.Policy{Users: users}
	roles := access.DefaultRoles()
	type who struct {
		name  string
		ctx   context.Context
		actor string
		perms []access.Permission
	}
	var whos []who
	for _, r := range append(access.RoleNames(), "visitor") {
		whos = append(whos, who{r, access.NewContext(context.Background(), access.Principal{ID: r}), r, roles[r]})
	}
	whos = append(whos,
		who{"no principal", context.Background(), "(no principal)", nil},
		who{"named system", access.NewContext(context.Background(), access.Principal{ID: "system"}), "system", nil},
		who{"unnamed user", access.NewContext(context.Background(), access.Principal{ID: "mallory"}), "mallory", nil},
		who{"System", access.NewContext(context.Background(), access.System), "system", access.Permissions()})

	denials := 0
	for _, w := range whos {
		for _, a := range stationActions {
			t.Run(w.name+"/"+a.name, func(t *testing.T) {
				st, store := authRig(t, pol, a.printed)
				beforeOrders, beforeJournal := snapshot(t, store)
				err := a.run(w.ctx, st)
				var missing access.Permission
				for _, p := range a.perms {
					if !slices.Contains(w.perms, p) {
						missing = p
						break
					}
				}
				afterOrders, afterJournal := snapshot(t, store)
				if missing == "" {
					require.NoError(t, err)
					for _, ev := range afterJournal {
						assert.NotEqual(t, order.ActDenied, ev.Action)
					}
					if a.name == "read" {
						o, _ := st.Order(w.ctx, "A1")
						assert.Equal(t, slices.Contains(w.perms, access.OrderReadPII), o.Recipient.Phone == "13800138000",
							"the phone shows unmasked only to who may read personal data")
					}
					return
				}
				denials++
				require.ErrorIs(t, err, access.ErrDenied)
				var de *access.DeniedError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, missing, de.Permission)
				assert.Equal(t, beforeOrders, afterOrders, "a denied action changes no order")
				if a.orderID == "" {
					assert.Equal(t, beforeJournal, afterJournal, "no order concerned: nothing journaled")
					return
				}
				require.Len(t, afterJournal, len(beforeJournal)+1, "the denial is journaled")
				assert.Equal(t, beforeJournal, afterJournal[:len(beforeJournal)])
				ev := afterJournal[len(afterJournal)-1]
				assert.Equal(t, order.ActDenied, ev.Action)
				assert.Equal(t, a.orderID, ev.OrderID)
				assert.Equal(t, w.actor, ev.Actor)
				assert.Equal(t, string(missing), ev.Detail)
				assert.Equal(t, ev.From, ev.To)
			})
		}
	}
	assert.Greater(t, denials, len(stationActions)*4, "the matrix denies something to most")
}

func TestStationWithoutAuthorizerAllowsAll(t *testing.T) {
	for _, a := range stationActions {
		t.Run(a.name, func(t *testing.T) {
			st, _ := authRig(t, nil, a.printed)
			assert.NoError(t, a.run(context.Background(), st), "no authorizer: as before permissions existed")
			o, err := st.Order(context.Background(), "A1")
			require.NoError(t, err)
			assert.Equal(t, "13800138000", o.Recipient.Phone)
		})
	}
}

// A host's own Authorizer is asked with the principal and the permission, and a
// failure to decide stops the action too.
func TestStationHostAuthorizer(t *testing.T) {
	var asked []string
	boom := errors.New("directory unreachable")
	auth := access.AuthorizerFunc(func(_ context.Context, p access.Principal, perm access.Permission) error {
		if p.IsSystem() {
			return nil
		}
		asked = append(asked, p.ID+" "+string(perm))
		return boom
	})
	st, store := authRig(t, auth, false)
	ctx := access.NewContext(context.Background(), access.Principal{ID: "wang"})
	err := st.Release(ctx, "H1", true, "ok")
	require.ErrorIs(t, err, boom)
	assert.Equal(t, []string{"wang order.release"}, asked)
	assert.Equal(t, order.OnHold, status(t, store, "H1"))
	_, err = st.Ingest(ctx, bytes.NewReader(nil), nil)
	require.ErrorIs(t, err, boom)
}
