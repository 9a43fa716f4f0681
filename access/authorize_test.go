package access_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/dadanhq/dadan/access"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ctxAs(id string, roles ...string) context.Context {
	return access.NewContext(context.Background(), access.Principal{ID: id, Roles: roles})
}

func TestPermissionsNamed(t *testing.T) {
	want := []string{"order.read", "order.read_pii", "order.ingest", "order.release", "order.resolve",
		"order.refund", "order.amend", "print", "print.reprint", "print.void", "ship.verify",
		"ship.handover", "ship.track", "qa.inspect", "device.manage", "supplies.manage",
		"data.backup", "data.restore", "data.erase", "access.manage"}
	var got []string
	for _, p := range access.Permissions() {
		got = append(got, string(p))
		assert.True(t, p.Valid())
	}
	assert.Equal(t, want, got)
	assert.False(t, access.Permission("order.delete").Valid())
	assert.Equal(t, []string{"finance", "inspector", "maintenance", "manager", "operator", "service", "shipper", "viewer"}, access.RoleNames())
}

func TestDefaultRoles(t *testing.T) {
	pol := &access.Policy{}
	roles := access.DefaultRoles()
	for _, perm := range access.Permissions() {
		assert.True(t, pol.Allows(access.Principal{ID: "m", Roles: []string{"manager"}}, perm), "manager may %s", perm)
	}
	assert.Equal(t, []access.Permission{access.OrderRead}, roles["viewer"])
	for name, perms := range roles {
		if name != "manager" {
			assert.NotContains(t, perms, access.AccessManage, name)
			assert.NotContains(t, perms, access.DataRestore, name)
			assert.NotContains(t, perms, access.DataErase, name)
		}
	}
	op := access.Principal{ID: "o", Roles: []string{"operator"}}
	assert.True(t, pol.Allows(op, access.PrintReprint))
	assert.False(t, pol.Allows(op, access.PrintVoid), "an operator may not cancel a number with the carrier")
	assert.False(t, pol.Allows(op, access.OrderReadPII))
	assert.False(t, pol.Allows(op, access.OrderRefund))
	fin := access.Principal{ID: "f", Roles: []string{"finance"}}
	assert.True(t, pol.Allows(fin, access.OrderRefund))
	assert.False(t, pol.Allows(fin, access.OrderResolve))
	roles["viewer"] = append(roles["viewer"], access.AccessManage)
	assert.Equal(t, []access.Permission{access.OrderRead}, access.DefaultRoles()["viewer"], "DefaultRoles hands out copies")
}

func TestCheck(t *testing.T) {
	pol := &access.Policy{Users: map[string][]string{"alice": {"operator"}, "eve": {"visitor"}}}
	ctx := context.Background()

	require.NoError(t, access.Check(ctx, nil, access.PrintVoid), "no authorizer: a single-user station")
	require.NoError(t, access.Check(ctxAs("alice"), pol, access.Print))

	err := access.Check(ctxAs("alice"), pol, access.PrintVoid)
	require.ErrorIs(t, err, access.ErrDenied)
	var de *access.DeniedError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "alice", de.User)
	assert.Equal(t, access.PrintVoid, de.Permission)
	assert.Equal(t, "access: not permitted: alice may not print.void", err.Error())

	for _, perm := range access.Permissions() {
		assert.ErrorIs(t, access.Check(ctxAs("eve"), pol, perm), access.ErrDenied, "an unknown role grants nothing: %s", perm)
		assert.ErrorIs(t, access.Check(ctxAs("mallory"), pol, perm), access.ErrDenied, "an unnamed user may do nothing: %s", perm)
		assert.ErrorIs(t, access.Check(ctx, pol, perm), access.ErrDenied, "no principal, no permission: %s", perm)
		assert.ErrorIs(t, access.Check(ctxAs(""), pol, perm), access.ErrDenied, "an empty ID is no principal: %s", perm)
		assert.NoError(t, access.Check(access.NewContext(ctx, access.System), pol, perm), "the system principal: %s", perm)
		assert.ErrorIs(t, access.Check(ctxAs("system"), pol, perm), access.ErrDenied, "a principal named system is not System: %s", perm)
	}
	err = access.Check(ctx, pol, access.Print)
	require.ErrorAs(t, err, &de)
	assert.Empty(t, de.User)
	assert.Contains(t, err.Error(), "(no principal) may not print")

	// the roles a principal carries count too
	require.NoError(t, access.Check(ctxAs("bob", "finance"), pol, access.OrderRefund))
	assert.True(t, access.System.IsSystem())
	assert.False(t, access.Principal{ID: "system"}.IsSystem())
}

func TestCheckHostAuthorizer(t *testing.T) {
	boom := errors.New("directory down")
	a := access.AuthorizerFunc(func(_ context.Context, p access.Principal, perm access.Permission) error {
		if p.ID == "dir" {
			return boom
		}
		if perm == access.Print {
			return nil
		}
		return &access.DeniedError{User: p.ID, Permission: perm}
	})
	assert.NoError(t, access.Check(ctxAs("x"), a, access.Print))
	assert.ErrorIs(t, access.Check(ctxAs("x"), a, access.OrderRefund), access.ErrDenied)
	assert.ErrorIs(t, access.Check(ctxAs("dir"), a, access.Print), boom)
	assert.False(t, access.Allowed(ctxAs("dir"), a, access.Print), "an error is no permission")
}

func TestParsePolicy(t *testing.T) {
	pol, err := access.ParsePolicy([]byte(`{"users": {"wang": ["operator"], "li": ["packer"]}}`))
	require.NoError(t, err)
	assert.True(t, pol.Allows(access.Principal{ID: "wang"}, access.Print), "built-in roles without roles")
	assert.False(t, pol.Allows(access.Principal{ID: "li"}, access.OrderRead), "unknown role")

	pol, err = access.ParsePolicy([]byte(`{"users": {"li": ["packer", "viewer"]}, "roles": {"packer": ["ship.verify"], "viewer": []}}`))
	require.NoError(t, err)
	assert.True(t, pol.Allows(access.Principal{ID: "li"}, access.ShipVerify))
	assert.False(t, pol.Allows(access.Principal{ID: "li"}, access.OrderRead), "a policy's role replaces the built-in one")
	assert.False(t, pol.Allows(access.Principal{ID: "x", Roles: []string{"viewer"}}, access.OrderRead))
	assert.True(t, pol.Allows(access.Principal{ID: "x", Roles: []string{"manager"}}, access.AccessManage), "other built-in roles stay")

	for _, bad := range []string{
		`{"users": {"li": ["viewer"]}, "roles": {"viewer": ["order.raed"]}}`,
		`{"users": {"": ["viewer"]}}`,
		`{"user": {"li": ["viewer"]}}`,
		`{"users": {"li": "viewer"}}`,
		`not json`,
	} {
		_, err := access.ParsePolicy([]byte(bad))
		assert.Error(t, err, bad)
	}
}

func ExamplePolicy() {
	pol, err := access.ParsePolicy([]byte(`{"users": {"wang": ["operator"], "zhao": ["finance"]}}`))
	if err != nil {
		panic(err)
	}
	ctx := access.NewContext(context.Background(), access.Principal{ID: "wang"})
	fmt.Println(access.Check(ctx, pol, access.PrintReprint))
	err = access.Check(ctx, pol, access.OrderRefund)
	fmt.Println(errors.Is(err, access.ErrDenied), err)
	// Output:
	// <nil>
	// true access: not permitted: wang may not order.refund
}
