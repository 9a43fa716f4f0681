package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/user"
	"strings"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
)

// exitDenied is the exit status of an action the user may not do.
const exitDenied = 3

// session is who runs the command line and under which policy: the --as and
// --policy flags every command takes; and the key file (--keys) of the
// commands that open a database.
type session struct {
	as, policy string
	keys       string
	user       string         // resolved by check
	pol        *access.Policy // nil: a single-user station, the local user may do everything
	checked    bool
}

type sessionKey struct{}

// withSession returns ctx carrying s, for withActor and the masking of listings.
func withSession(ctx context.Context, s *session) context.Context {
	return context.WithValue(ctx, sessionKey{}, s)
}

func sessionOf(ctx context.Context) *session {
	s, _ := ctx.Value(sessionKey{}).(*session)
	return s
}

// sessionFlag is the flag.Value of --as and --policy, so parse finds the session
// from the flag set.
type sessionFlag struct {
	s   *session
	dst *string
}

func (f *sessionFlag) String() string {
	if f == nil || f.dst == nil {
		return ""
	}
	return *f.dst
}

func (f *sessionFlag) Set(v string) error { *f.dst = v; return nil }

// addAccessFlags adds --as and --policy to fs, bound to e's session.
func addAccessFlags(fs *flag.FlagSet, e *env) {
	if e.sess == nil {
		e.sess = &session{}
	}
	s := e.sess
	s.as, s.policy = os.Getenv("DADAN_USER"), os.Getenv("DADAN_POLICY")
	fs.Var(&sessionFlag{s, &s.as}, "as", "act as `USER` (default $DADAN_USER, else the login name)")
	fs.Var(&sessionFlag{s, &s.policy}, "policy", "access policy `FILE`: {\"users\": {USER: [ROLE...]}, \"roles\": {ROLE: [PERMISSION...]}}; "+
		"default $DADAN_POLICY; without one the local user may do everything")
}

// commandPermissions are what each command checks before it starts (all of
// them): commands that work on files given to them need the permission of the
// same work on stored data; render makes previews, so reading is enough (masked
// without order.read_pii). Commands that work on the database through a package
// that checks the principal itself (the Station, shipment.Verifier, the
// handover, shipment.Desk, qa.Desk) are not listed: the package refuses them,
// and refusal reports its error as checkAccess does.
var commandPermissions = map[string][]access.Permission{
	"demo": {access.OrderRead}, "review": {access.OrderRead}, "address": {access.OrderRead},
	"render": {access.OrderRead}, "import": {access.OrderIngest},
	"orders": {access.OrderRead}, "journal": {access.OrderRead}, "jobs": {access.OrderRead},
	"shipments": {access.OrderRead},
	"print":     {access.Print}, "reprint": {access.PrintReprint}, "status": {access.Print},
	"qa plan": {access.QAInspect},
	"backup":  {access.DataBackup}, "restore": {access.DataRestore},
	"retention": {access.DataErase},
	"rekey":     {access.AccessManage},
}

// checkAccess loads the policy and checks that the user may run the command of fs
// (parsed already). A denial is reported on stderr as "not permitted: USER may not
// PERMISSION" and nothing is done.
func checkAccess(fs *flag.FlagSet) (int, bool) {
	f, ok := fs.Lookup("as").Value.(*sessionFlag)
	if !ok {
		return 0, true
	}
	s := f.s
	if err := s.load(); err != nil {
		fmt.Fprintf(fs.Output(), "%s: %v\n", fs.Name(), err)
		return exitUsage, false
	}
	name := strings.TrimPrefix(fs.Name(), "dadan ")
	perms := commandPermissions[name]
	if name == "reprint" {
		if nn := fs.Lookup("new-number"); nn != nil && nn.Value.String() == "true" {
			perms = append(perms, access.PrintVoid)
		}
	}
	for _, p := range perms {
		if err := s.allow(p); err != nil {
			fmt.Fprintf(fs.Output(), "not permitted: %s may not %s\n", s.user, p)
			return exitDenied, false
		}
	}
	return 0, true
}

// load resolves the user and reads the policy, once.
func (s *session) load() error {
	if s.checked {
		return nil
	}
	s.user = s.as
	if s.user == "" {
		if u, err := user.Current(); err == nil {
			s.user = u.Username
		}
	}
	if s.user == "" {
		s.user = "cli"
	}
	if s.policy != "" {
		b, err := os.ReadFile(s.policy)
		if err != nil {
			return err
		}
		if s.pol, err = access.ParsePolicy(b); err != nil {
			return fmt.Errorf("%s: %w", s.policy, err)
		}
	}
	s.checked = true
	return nil
}

// allow reports whether the session's user may do p: always without a policy.
func (s *session) allow(p access.Permission) error {
	if s == nil || s.pol == nil {
		return nil
	}
	return s.pol.Authorize(context.Background(), access.Principal{ID: s.user}, p)
}

// authorizer is what the packages check the user against: the policy, nil
// (no checks) without one.
func authorizer(ctx context.Context) access.Authorizer {
	if s := sessionOf(ctx); s != nil && s.pol != nil {
		return s.pol
	}
	return nil
}

// refusal reports err, when a package refused the user, as checkAccess does: "not
// permitted: USER may not PERMISSION" on stderr, and exitDenied.
func refusal(e *env, err error) (int, bool) {
	var de *access.DeniedError
	if !errors.As(err, &de) {
		return 0, false
	}
	user := de.User
	if user == "" {
		user = access.NoPrincipal
	}
	fmt.Fprintf(e.stderr, "not permitted: %s may not %s\n", user, de.Permission)
	return exitDenied, true
}

// mayReadPII reports whether the user may see personal data unmasked.
func mayReadPII(ctx context.Context) bool {
	return sessionOf(ctx).allow(access.OrderReadPII) == nil
}

// readable returns o as the user may see it: masked unless it may read personal data.
func readable(ctx context.Context, o *order.Order) *order.Order {
	if mayReadPII(ctx) {
		return o
	}
	return access.MaskOrder(o)
}

// readableTextOf masks the personal data of o in s (see access.MaskTextOf)
// unless the user may read personal data.
func readableTextOf(ctx context.Context, o *order.Order, s string) string {
	if mayReadPII(ctx) {
		return s
	}
	return access.MaskTextOf(o, s)
}

// readableText masks phone numbers in free text (journal details, reasons) unless
// the user may read personal data.
func readableText(ctx context.Context, s string) string {
	if mayReadPII(ctx) {
		return s
	}
	return access.MaskText(s)
}
