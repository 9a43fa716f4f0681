// Package access carries who is acting through a [context.Context], so every journal
// entry names the person or program that did the step. Roles, permissions and the
// masking of personal data by permission build on [Principal].
package access

import "context"

// Principal is the person or program doing an operation.
type Principal struct {
	ID    string   // stable identifier written to journals, e.g. an employee number
	Name  string   // display name
	Roles []string // role names; see the permission checks of later releases
}

// System is the principal of steps no person started: imports, schedulers.
var System = Principal{ID: "system", Name: "system"}

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
