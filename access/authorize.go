package access

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// ErrDenied is matched (with errors.Is) by every refusal of an action; the details
// are in a [*DeniedError].
var ErrDenied = errors.New("access: not permitted")

// DeniedError says who was refused which permission. User is empty when the
// context carried no principal.
type DeniedError struct {
	User       string
	Permission Permission
}

func (e *DeniedError) Error() string {
	u := e.User
	if u == "" {
		u = "(no principal)"
	}
	return fmt.Sprintf("access: not permitted: %s may not %s", u, e.Permission)
}

// Is reports whether target is [ErrDenied].
func (e *DeniedError) Is(target error) bool { return target == ErrDenied }

// Authorizer decides whether a principal may do what a permission names. Authorize
// returns nil when it may, and an error wrapping [ErrDenied] (preferably a
// [*DeniedError]) when it may not; any other error means the decision could not be
// made and the action must not happen either. Implementations must be safe for
// concurrent use. [Policy] is the built-in implementation.
type Authorizer interface {
	Authorize(ctx context.Context, p Principal, perm Permission) error
}

// AuthorizerFunc adapts a function to [Authorizer].
type AuthorizerFunc func(ctx context.Context, p Principal, perm Permission) error

// Authorize calls f.
func (f AuthorizerFunc) Authorize(ctx context.Context, p Principal, perm Permission) error {
	return f(ctx, p, perm)
}

// Check asks a whether the principal ctx carries may do perm. A nil a allows every
// action (a single-user station). A context without a principal may do nothing
// (use [System] for unattended work). A refusal by a that does not wrap ErrDenied
// is returned as it is.
func Check(ctx context.Context, a Authorizer, perm Permission) error {
	if a == nil {
		return nil
	}
	p, ok := FromContext(ctx)
	if !ok || p.ID == "" && !p.system {
		return &DeniedError{Permission: perm}
	}
	return a.Authorize(ctx, p, perm)
}

// Allowed reports whether the principal ctx carries may do perm under a, treating
// any error as no.
func Allowed(ctx context.Context, a Authorizer, perm Permission) bool {
	return Check(ctx, a, perm) == nil
}

// Policy is the built-in [Authorizer]: users by ID with their roles, and roles with
// the permissions they grant. A principal has the roles the policy gives its ID
// and the Roles it carries; a role the policy does not know grants nothing, and a
// user the policy does not name has only the roles it carries. The [System]
// principal may do everything. Its JSON form is
//
//	{"users": {"USER": ["ROLE", ...]}, "roles": {"ROLE": ["PERMISSION", ...]}}
//
// A Policy must not be changed once in use.
type Policy struct {
	Users map[string][]string     `json:"users"`
	Roles map[string][]Permission `json:"roles"` // nil means [DefaultRoles]
}

var _ Authorizer = (*Policy)(nil)

// ParsePolicy reads a policy from its JSON form. Roles the JSON names are added to
// the built-in ones, replacing a built-in role of the same name; without "roles" the
// built-in roles apply. A permission name that does not exist is an error, so a typo
// does not silently grant nothing.
func ParsePolicy(data []byte) (*Policy, error) {
	var p Policy
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("access: policy: %w", err)
	}
	roles := DefaultRoles()
	maps.Copy(roles, p.Roles)
	p.Roles = roles
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// Validate reports a role granting a permission that does not exist, or a user
// without an ID.
func (p *Policy) Validate() error {
	for _, r := range slices.Sorted(maps.Keys(p.Roles)) {
		for _, perm := range p.Roles[r] {
			if !perm.Valid() {
				return fmt.Errorf("access: policy: role %q grants unknown permission %q", r, perm)
			}
		}
	}
	if _, ok := p.Users[""]; ok {
		return errors.New("access: policy: a user without an ID")
	}
	return nil
}

// Authorize returns nil if p may do perm, a [*DeniedError] if not.
func (pol *Policy) Authorize(_ context.Context, p Principal, perm Permission) error {
	if pol.Allows(p, perm) {
		return nil
	}
	return &DeniedError{User: p.ID, Permission: perm}
}

// Allows reports whether p may do perm.
func (pol *Policy) Allows(p Principal, perm Permission) bool {
	if p.system {
		return true
	}
	if p.ID == "" {
		return false
	}
	roles := pol.Roles
	if roles == nil {
		roles = defaultRoles
	}
	for _, set := range [][]string{pol.Users[p.ID], p.Roles} {
		for _, r := range set {
			if slices.Contains(roles[r], perm) {
				return true
			}
		}
	}
	return false
}

var defaultRoles = DefaultRoles()
