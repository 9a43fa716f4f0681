// Package access says who is acting and what they may do. A [Principal] travels in a
// [context.Context], so every journal entry names the person or program that did the
// step; an [Authorizer] (the built-in one is [Policy]) decides whether the principal
// may do what a [Permission] names, using roles as data ([DefaultRoles]); and
// [MaskOrder] hides personal data from those who may not read it ([OrderReadPII]).
package access

import "context"

// Principal is the person or program doing an operation.
type Principal struct {
	ID    string   // stable identifier written to journals, e.g. an employee number
	Name  string   // display name
	Roles []string // role names, granting permissions under a [Policy]

	system bool
}

// System is the principal of steps no person started: imports, schedulers. A
// [Policy] allows it everything. Only this value (and copies of it) is the system
// principal: a Principal built with the ID "system" is an ordinary user.
var System = Principal{ID: "system", Name: "system", system: true}

// IsSystem reports whether p is [System].
func (p Principal) IsSystem() bool { return p.system }

type ctxKey struct{}

// NewContext returns a copy of ctx that carries p.
func NewContext(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// FromContext returns the principal ctx carries and whether it carries one.
func FromContext(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(ctxKey{}).(Principal)
	return p, ok
}

// Actor returns the ID of the principal ctx carries, or [System]'s ID.
func Actor(ctx context.Context) string {
	if p, ok := FromContext(ctx); ok && p.ID != "" {
		return p.ID
	}
	return System.ID
}
