package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/printer"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testPhone = "13800138000"

// accessDB is shipDB with a phone number in a journal note and in a reprint
// reason, and a policy naming a viewer, a service agent, an operator and a manager.
func accessDB(t *testing.T) (db, policy string) {
	t.Helper()
	return accessOn(t, shipDB(t))
}

// accessOn adds accessDB's phone numbers to the database db and writes the policy.
func accessOn(t *testing.T, db string) (string, string) {
	t.Helper()
	ctx := context.Background()
	s, c, err := openStore(ctx, db)
	require.NoError(t, err)
	require.NoError(t, s.UpdateOrder(ctx, "P1", func(o *order.Order) ([]order.Event, error) {
		return []order.Event{order.Note(o, shipT0, "客服", order.ActNote, "buyer asks to call "+testPhone+" first")}, nil
	}))
	_, err = s.AddJob(ctx, printer.Job{Key: printer.JobKey{Order: "P1", Doc: printer.Waybill, Copy: 1}, Printer: "zebra",
		Reprint: true, ReprintReason: "torn; buyer " + testPhone, Data: []byte("^XA^XZ"), CreatedAt: shipT0, UpdatedAt: shipT0})
	require.NoError(t, err)
	require.NoError(t, c.Close())
	policy := filepath.Join(t.TempDir(), "policy.json")
	require.NoError(t, os.WriteFile(policy, []byte(`{"users": {"vera": ["viewer"], "sam": ["service"], "olga": ["operator"], "boss": ["manager"]}}`), 0o644))
	return db, policy
}

func TestListingsMaskForViewer(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { listingsMask(t, shipDB(t)) })
	t.Run("postgres", func(t *testing.T) { listingsMask(t, pgShipDB(t)) })
}

func listingsMask(t *testing.T, db string) {
	db, policy := accessOn(t, db)
	listings := [][]string{
		{"orders"}, {"orders", "--json"}, {"orders", "--order", "P1", "--json"}, {"orders", "--order", "P1"},
		{"journal"}, {"journal", "--json"}, {"jobs"}, {"jobs", "--json"}, {"shipments"}, {"shipments", "--json"},
	}
	leaks := 0
	for _, l := range listings {
		args := append(append([]string{}, l...), "--db", db)
		code, out, errOut := runCLI(t, "", append(args, "--as", "vera", "--policy", policy)...)
		require.Equal(t, exitOK, code, "%v: %s", l, errOut)
		assert.NotContains(t, out, testPhone, "%v leaks the phone to a viewer", l)
		assert.NotContains(t, out, "文一西路969号", "%v leaks the address to a viewer", l)

		code, out, errOut = runCLI(t, "", append(args, "--as", "sam", "--policy", policy)...)
		require.Equal(t, exitOK, code, "%v: %s", l, errOut)
		code2, out2, _ := runCLI(t, "", args...)
		require.Equal(t, exitOK, code2)
		assert.Equal(t, out2, out, "%v: who may read personal data sees what a single-user station shows", l)
		if strings.Contains(out, testPhone) {
			leaks++
		}
	}
	assert.Equal(t, 6, leaks, "the phone is there unmasked in the order, the journal and the jobs, each with and without --json (so the masking is what hides it)")

	code, out, _ := runCLI(t, "", "orders", "--db", db, "--order", "P1", "--json", "--as", "vera", "--policy", policy)
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, "138****8000")
	assert.Contains(t, out, `"name": "张*"`)
	assert.Contains(t, out, "余杭区", "the destination still shows")
}

func TestCLIDenied(t *testing.T) {
	db, policy := accessDB(t)
	_, journalBefore, _ := runCLI(t, "", "journal", "--db", db, "--json")
	_, ordersBefore, _ := runCLI(t, "", "orders", "--db", db, "--json")
	dir := t.TempDir()
	to := filepath.Join(dir, "to.json")
	require.NoError(t, os.WriteFile(to, []byte(`{"name":"李四","phone":"13911112222","province":"江苏省","city":"南京市","district":"玄武区","address":"中山路1号"}`), 0o644))
	orders, _, _ := writeSample(t)

	for _, c := range []struct {
		user, perm string
		args       []string
	}{
		{"vera", "order.amend", []string{"amend", "--order", "P2", "--recipient", to, "--reason", "moved"}},
		{"vera", "order.ingest", []string{"ingest", "--orders", orders}},
		{"olga", "order.amend", []string{"amend", "--order", "P2", "--recipient", to, "--reason", "moved"}},
		{"olga", "ship.verify", []string{"verify"}},
		{"sam", "print", []string{"print", "--printer", "waybill=file://" + dir}},
		{"mallory", "order.read", []string{"orders"}},
		{"mallory", "order.read", []string{"journal"}},
		{"system", "order.read", []string{"jobs"}},
	} {
		args := append(append([]string{}, c.args...), "--db", db, "--as", c.user, "--policy", policy)
		code, out, errOut := runCLI(t, "759900000101\n.\n", args...)
		assert.Equal(t, exitDenied, code, "%v: %s", c.args, errOut)
		assert.Equal(t, "not permitted: "+c.user+" may not "+c.perm+"\n", errOut, c.args)
		assert.Empty(t, out)
	}
	_, journalAfter, _ := runCLI(t, "", "journal", "--db", db, "--json")
	_, ordersAfter, _ := runCLI(t, "", "orders", "--db", db, "--json")
	require.True(t, strings.HasPrefix(journalAfter, journalBefore), "denied actions change nothing")
	var denials []string
	for _, r := range jsonLines(t, strings.TrimPrefix(journalAfter, journalBefore)) {
		assert.Equal(t, "denied", r["action"], r)
		denials = append(denials, fmt.Sprint(r["actor"], " ", r["order"], " ", r["detail"]))
	}
	assert.Equal(t, []string{"vera P2 order.amend", "olga P2 order.amend"}, denials,
		"only the refusals of an action on a named order are journaled, with the actor and the permission")
	assert.Equal(t, ordersBefore, ordersAfter)

	// Allowed, and journaled with the user of --as.
	code, _, errOut := runCLI(t, "", "amend", "--db", db, "--order", "P2", "--recipient", to, "--reason", "moved", "--as", "sam", "--policy", policy)
	require.Equal(t, exitOK, code, errOut)
	code, out, _ := runCLI(t, "", "journal", "--db", db, "--order", "P2", "--json")
	require.Equal(t, exitOK, code)
	rs := jsonLines(t, out)
	assert.Equal(t, "sam", rs[len(rs)-1]["actor"])
	assert.NotContains(t, out, "中山路1号", "the journal keeps no address detail")
}

func TestCLIPolicyFromEnvironment(t *testing.T) {
	db, policy := accessDB(t)
	t.Setenv("DADAN_POLICY", policy)
	t.Setenv("DADAN_USER", "vera")
	code, out, _ := runCLI(t, "", "orders", "--db", db, "--order", "P1", "--json")
	require.Equal(t, exitOK, code)
	assert.NotContains(t, out, testPhone)
	code, out, _ = runCLI(t, "", "orders", "--db", db, "--order", "P1", "--json", "--as", "boss")
	require.Equal(t, exitOK, code)
	assert.Contains(t, out, testPhone, "--as overrides $DADAN_USER")
	code, _, errOut := runCLI(t, "", "orders", "--db", db, "--as", "nobody")
	assert.Equal(t, exitDenied, code)
	assert.Equal(t, "not permitted: nobody may not order.read\n", errOut)

	t.Setenv("DADAN_POLICY", "")
	code, out, _ = runCLI(t, "", "orders", "--db", db, "--order", "P1", "--json", "--as", "nobody")
	require.Equal(t, exitOK, code, "without a policy the local user may do everything")
	assert.Contains(t, out, testPhone)
}

func TestCLIBadPolicy(t *testing.T) {
	db, _ := accessDB(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"users": {"a": ["viewer"]}, "roles": {"viewer": ["order.raed"]}}`), 0o644))
	for _, p := range []string{bad, filepath.Join(dir, "missing.json")} {
		code, out, errOut := runCLI(t, "", "orders", "--db", db, "--as", "a", "--policy", p)
		assert.Equal(t, exitUsage, code, errOut)
		assert.Empty(t, out)
	}
}

func TestJournalVerifyCLI(t *testing.T) {
	db := shipDB(t)
	code, _, errOut := runCLI(t, "", "amend", "--db", db, "--order", "P2", "--recipient", writeRecipient(t), "--reason", "moved")
	require.Equal(t, exitOK, code, errOut)
	code, out, errOut := runCLI(t, "", "journal", "--db", db, "--verify")
	require.Equal(t, exitOK, code, errOut)
	assert.Regexp(t, `^ok \d+ [0-9a-f]{64}\n$`, out)

	sqlDB, err := sql.Open("sqlite", db)
	require.NoError(t, err)
	_, err = sqlDB.Exec(`UPDATE journal SET detail = 'nothing happened' WHERE seq = 2`)
	require.NoError(t, err)
	require.NoError(t, sqlDB.Close())
	code, out, errOut = runCLI(t, "", "journal", "--db", db, "--verify")
	assert.Equal(t, exitRefused, code)
	assert.Equal(t, "tampered 2 edited\n", out)
	assert.Contains(t, errOut, "seq 2")
	code, out, _ = runCLI(t, "", "journal", "--db", db, "--verify", "--json")
	assert.Equal(t, exitRefused, code)
	assert.JSONEq(t, `{"ok":false,"seq":2,"reason":"edited"}`, out)
}

func writeRecipient(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "to.json")
	require.NoError(t, os.WriteFile(p, []byte(`{"name":"李四","phone":"13911112222","province":"江苏省","city":"南京市","district":"玄武区","address":"中山路1号"}`), 0o644))
	return p
}

// Label previews mask name and phone for a user who may not read personal data.
func TestRenderMasksForViewer(t *testing.T) {
	_, policy := accessDB(t)
	dir := t.TempDir()
	orders := filepath.Join(dir, "orders.jsonl")
	first := strings.SplitN(string(sample.Orders), "\n", 2)[0]
	require.NoError(t, os.WriteFile(orders, []byte(first), 0o644))
	const phone = "16709145341" // the first sample order's
	require.Contains(t, first, phone)
	for user, masked := range map[string]bool{"vera": true, "sam": false} {
		out := filepath.Join(dir, user)
		code, _, errOut := runCLI(t, "", "render", "--orders", orders, "--template", "waybill-76x130", "--format", "zpl", "--out", out, "--as", user, "--policy", policy)
		require.Equal(t, exitOK, code, errOut)
		b, err := os.ReadFile(filepath.Join(out, "TB2026111100000.zpl"))
		require.NoError(t, err)
		assert.Equal(t, !masked, strings.Contains(string(b), phone), user)
		assert.Equal(t, masked, strings.Contains(string(b), "167****5341"), user)
	}
}

// TestDemoMasksOnlyItsOwnOrders: `dadan demo --db` run by a user who may not
// read personal data masks the sample orders it stored, not the orders that
// were in the database before.
func TestDemoMasksOnlyItsOwnOrders(t *testing.T) {
	db, _ := matrixOrders(t, 3)
	policy := filepath.Join(t.TempDir(), "policy.json")
	require.NoError(t, os.WriteFile(policy, []byte(`{"users": {"vera": ["viewer"], "boss": ["manager"]}}`), 0o644))
	code, _, errOut := runCLI(t, "", "demo", "--db", db, "--out", t.TempDir(), "--as", "vera", "--policy", policy)
	require.Equal(t, 0, code, errOut)
	code, out, errOut := runCLI(t, "", "orders", "--db", db, "--order", "FM0001", "--json", "--as", "boss", "--policy", policy)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "13800130001", "the host's own order keeps its phone")
	assert.Contains(t, out, "王喆")
}
