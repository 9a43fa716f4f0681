package access_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/store/memstore"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestActor(t *testing.T) {
	ctx := context.Background()
	assert.Equal(t, "system", access.Actor(ctx))
	_, ok := access.FromContext(ctx)
	assert.False(t, ok)
	ctx = access.NewContext(ctx, access.Principal{ID: "u42", Name: "王芳", Roles: []string{"printer"}})
	assert.Equal(t, "u42", access.Actor(ctx))
	p, ok := access.FromContext(ctx)
	assert.True(t, ok)
	assert.Equal(t, "王芳", p.Name)
	assert.Equal(t, "system", access.Actor(access.NewContext(ctx, access.Principal{})), "an empty ID falls back")
}

func ExampleActor() {
	ctx := access.NewContext(context.Background(), access.Principal{ID: "alice"})
	fmt.Println(access.Actor(ctx), access.Actor(context.Background()))
	// Output: alice system
}

func TestCheckOrderJournalsRefusals(t *testing.T) {
	s := memstore.New()
	ctx := context.Background()
	require.NoError(t, s.CreateOrder(ctx, &order.Order{ID: "T1", Status: order.Approved}))
	pol := &access.Policy{Users: map[string][]string{"v": {"viewer"}}}
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return at }
	journal := func() []order.Event {
		var evs []order.Event
		for ev, err := range s.Journal(ctx, 0) {
			require.NoError(t, err)
			evs = append(evs, ev)
		}
		return evs
	}

	require.NoError(t, access.CheckOrder(access.NewContext(ctx, access.Principal{ID: "v"}), pol, access.OrderRead, s, "T1", clock))
	assert.Empty(t, journal(), "an allowed action journals nothing")

	err := access.CheckOrder(access.NewContext(ctx, access.Principal{ID: "v"}), pol, access.ShipVerify, s, "T1", clock)
	require.ErrorIs(t, err, access.ErrDenied)
	err = access.CheckOrder(ctx, pol, access.ShipVerify, s, "T1", clock)
	require.ErrorIs(t, err, access.ErrDenied)
	evs := journal()
	require.Len(t, evs, 2)
	assert.Equal(t, order.Event{Seq: evs[0].Seq, Time: at, Actor: "v", OrderID: "T1", Action: order.ActDenied,
		From: order.Approved, To: order.Approved, Detail: "ship.verify", Hash: evs[0].Hash, Prev: evs[0].Prev}, evs[0])
	assert.Equal(t, access.NoPrincipal, evs[1].Actor)

	// No order, an unknown order, no journal: refused, nothing journaled.
	for _, id := range []string{"", "NOPE"} {
		assert.ErrorIs(t, access.CheckOrder(ctx, pol, access.Print, s, id, nil), access.ErrDenied)
	}
	assert.ErrorIs(t, access.CheckOrder(ctx, pol, access.Print, nil, "T1", nil), access.ErrDenied)
	boom := errors.New("directory down")
	undecided := access.AuthorizerFunc(func(context.Context, access.Principal, access.Permission) error { return boom })
	assert.ErrorIs(t, access.CheckOrder(access.NewContext(ctx, access.Principal{ID: "v"}), undecided, access.Print, s, "T1", nil), boom)
	assert.Len(t, journal(), 2, "an authorizer that could not decide refused nobody")
	assert.NoError(t, access.CheckOrder(ctx, nil, access.Print, s, "T1", nil), "no authorizer, no checks")
}
