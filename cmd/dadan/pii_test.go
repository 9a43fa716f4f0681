package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/order"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// samplePII is every recipient's phone number, full name (of two characters or
// more: a one-character name shows in its masked form, 李*) and detail address of
// the sample orders, and of the recipient the amend test changes to.
func samplePII(t *testing.T) []string {
	t.Helper()
	all, err := sample.Decode()
	require.NoError(t, err)
	seen := map[string]bool{}
	var out []string
	for _, o := range all {
		r := o.Recipient
		for _, v := range []string{r.Name, r.Phone, r.Address} {
			if v = strings.TrimSpace(v); utf8.RuneCountInString(v) >= 2 && !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return append(out, "13911112222", "中山路1号")
}

// piiDB is a SQLite database with the sample orders ingested and printed, the
// ZTO parcels verified, the first four of them handed over with a tracking event
// each and a problem whose detail quotes a phone, and an inspection; it returns
// the database and the tracking numbers handed over.
func piiDB(t *testing.T) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "dadan.db")
	orders, _, _ := writeSample(t)
	code, _, errOut := runCLI(t, "", "ingest", "--db", db, "--orders", orders)
	require.Equal(t, exitOK, code, errOut)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "printed"), 0o755))
	code, _, errOut = runCLI(t, "", "print", "--db", db, "--printer", "waybill=file://"+filepath.Join(dir, "printed"),
		"--printer", "packing=file://"+filepath.Join(dir, "printed"))
	require.Equal(t, exitOK, code, errOut)

	ctx := context.Background()
	s, c, err := openStore(ctx, db)
	require.NoError(t, err)
	var scans strings.Builder
	var zto []string
	for o, err := range s.ListOrders(ctx, order.Printed) {
		require.NoError(t, err)
		if o.Carrier != "ZTO" || o.Waybill == nil {
			continue
		}
		zto = append(zto, o.Waybill.TrackingNo)
		scans.WriteString(o.Waybill.TrackingNo + "\n")
		for _, it := range o.Items {
			scans.WriteString(strings.Repeat(it.SKU+"\n", it.Qty))
		}
	}
	require.NoError(t, c.Close())
	require.GreaterOrEqual(t, len(zto), 4)
	code, out, errOut := runCLI(t, scans.String()+".\n", "verify", "--db", db)
	require.Equal(t, exitOK, code, "%s\n%s", out, errOut)
	picked := filepath.Join(dir, "picked.txt")
	require.NoError(t, os.WriteFile(picked, []byte(strings.Join(zto[:4], "\n")), 0o644))
	code, _, errOut = runCLI(t, "", "handover", "--db", db, "--carrier", "ZTO", "--out", filepath.Join(dir, "manifest"), "--scans", picked)
	require.Equal(t, exitRefused, code, errOut) // the parcels not picked up stay
	var evs strings.Builder
	for _, no := range zto[:4] {
		fmt.Fprintf(&evs, `{"tracking_no":%q,"status":"in_transit","time":"2026-11-12T08:00:00+08:00","text":"快件已到达杭州"}`+"\n", no)
	}
	events := filepath.Join(dir, "events.jsonl")
	require.NoError(t, os.WriteFile(events, []byte(evs.String()), 0o644))
	code, _, errOut = runCLI(t, "", "track", "--db", db, "--events", events)
	require.Equal(t, exitOK, code, errOut)
	code, _, errOut = runCLI(t, "", "problems", "open", "--db", db, "--tracking", zto[0], "--kind", "lost", "--detail", "收件人 16709145341 说没收到")
	require.Equal(t, exitOK, code, errOut)
	code, _, errOut = runCLI(t, "", "qa", "inspect", "--db", db, "--order", "TB2026111100000", "--result", "pass")
	require.Equal(t, exitOK, code, errOut)
	return db, zto
}

// piiRun is what one command left for its user to see: stdout, stderr and the
// text of every file it wrote (with pdftotext's reading of PDFs).
func piiRun(t *testing.T, stdin string, out string, args ...string) (int, string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, stdin, args...)
	var b strings.Builder
	b.WriteString(stdout + "\n" + stderr + "\n")
	if out != "" {
		filepath.WalkDir(out, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			b.Write(data)
			if strings.HasSuffix(path, ".pdf") {
				txt, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
				require.NoError(t, err, path)
				b.Write(txt)
			}
			return nil
		})
	}
	return code, b.String()
}

// No command shows a phone number, a full name or a street address of the sample
// data to a user without order.read_pii (a viewer, a shipper, a clerk who may
// amend and inspect): not on stdout or stderr, not in any file it writes, not in
// the text of its PDFs. A manager sees them where the command shows them.
func TestNoPersonalDataWithoutPermission(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is missing (apt-get install poppler-utils; CI has it)")
	}
	pii := samplePII(t)
	require.Contains(t, pii, "阿卜杜拉·买买提")
	require.Contains(t, pii, "16709145341")
	policy := filepath.Join(t.TempDir(), "policy.json")
	require.NoError(t, os.WriteFile(policy, []byte(`{"users": {"vera": ["viewer"], "sid": ["shipper"], "cleo": ["clerk"], "boss": ["manager"]},
		"roles": {"clerk": ["order.read", "order.amend", "qa.inspect", "ship.track", "ship.verify", "ship.handover", "print.reprint"]}}`), 0o644))
	orders, stock, prices := writeSample(t)
	recipient := filepath.Join(t.TempDir(), "to.json")
	require.NoError(t, os.WriteFile(recipient, []byte(`{"name":"欧阳娜娜","phone":"13911112222","province":"江苏省","city":"南京市","district":"玄武区","address":"中山路1号"}`), 0o644))

	type cmd struct {
		args  []string
		stdin string
		out   bool   // the command writes files under --out
		shows bool   // a manager sees personal data in it
		who   string // who may run it; "" for everyone (order.read)
	}
	for _, user := range []string{"vera", "sid", "cleo", "boss"} {
		t.Run(user, func(t *testing.T) {
			db, zto := piiDB(t)
			cmds := []cmd{
				{args: []string{"review", "--orders", orders, "--stock", stock, "--prices", prices}, shows: true},
				{args: []string{"review", "--orders", orders, "--json"}, shows: true},
				{args: []string{"demo", "--db", filepath.Join(t.TempDir(), "demo.db")}, out: true, shows: true},
				{args: []string{"render", "--orders", orders, "--template", "waybill-76x130", "--format", "zpl"}, out: true, shows: true},
				{args: []string{"render", "--orders", orders, "--template", "waybill-100x180", "--format", "pdf"}, out: true, shows: true},
				{args: []string{"render", "--orders", orders, "--template", "packing-a4", "--format", "pdf"}, out: true, shows: true},
				{args: []string{"render", "--orders", orders, "--template", "packing-80mm", "--format", "escpos", "--mask"}, out: true},
				{args: []string{"orders", "--db", db}},
				{args: []string{"orders", "--db", db, "--json"}},
				{args: []string{"orders", "--db", db, "--order", "TB2026111100000", "--json"}, shows: true},
				{args: []string{"journal", "--db", db}},
				{args: []string{"journal", "--db", db, "--json"}},
				{args: []string{"jobs", "--db", db, "--json"}},
				{args: []string{"shipments", "--db", db, "--json"}},
				{args: []string{"verify", "--db", db, "--json"}, stdin: zto[4] + "\nCUP-500-W\n.\n", who: "sid cleo boss"},
				{args: []string{"handover", "--db", db, "--carrier", "ZTO"}, out: true, who: "sid cleo boss"},
				{args: []string{"track", "--db", db, "--events", "-"}, stdin: `{"tracking_no":"` + zto[0] + `","status":"exception","time":"2026-11-13T08:00:00+08:00","text":"包裹破损 联系 16709145341"}` + "\n", who: "sid cleo boss"},
				{args: []string{"problems", "--db", db}},
				{args: []string{"problems", "--db", db, "--json"}},
				{args: []string{"problems", "report", "--db", db, "--json"}},
				{args: []string{"problems", "open", "--db", db, "--tracking", zto[1], "--kind", "damaged", "--detail", "打 16538289665"}, who: "sid cleo boss"},
				{args: []string{"problems", "delays", "--db", db, "--after", "1ms"}, who: "sid cleo boss"},
				{args: []string{"amend", "--db", db, "--order", "TB2026111100000", "--recipient", recipient, "--reason", "moved", "--json"}, who: "cleo boss"},
				{args: []string{"reprint", "--db", db, "--order", "JD2026111100002", "--kind", "packing", "--reason", "torn; buyer 15371931596"}, who: "cleo boss", shows: true},
				{args: []string{"qa", "sample", "--db", db, "--percent", "50"}, who: "cleo boss"},
				{args: []string{"qa", "inspect", "--db", db, "--order", "TM2026111100001", "--result", "pass", "--json"}, who: "cleo boss"},
				{args: []string{"qa", "report", "--db", db}, out: true, who: "cleo boss"},
			}
			leaks := 0
			for _, c := range cmds {
				args := append([]string{}, c.args...)
				dir := ""
				if c.out {
					dir = t.TempDir()
					args = append(args, "--out", dir)
				}
				args = append(args, "--as", user, "--policy", policy)
				code, seen := piiRun(t, c.stdin, dir, args...)
				require.NotEqual(t, exitUsage, code, "%v: %s", c.args, seen)
				if c.who == "" || strings.Contains(c.who, user) {
					assert.NotEqual(t, exitDenied, code, "%s may run %v: %s", user, c.args, seen)
				} else {
					assert.Equal(t, exitDenied, code, "%s may not run %v: %s", user, c.args, seen)
					assert.Contains(t, seen, "not permitted: "+user+" may not ")
				}
				found := []string{}
				for _, v := range pii {
					if strings.Contains(seen, v) {
						found = append(found, v)
					}
				}
				if user != "boss" {
					assert.Empty(t, found, "%s %v shows personal data", user, c.args)
					continue
				}
				if c.shows {
					assert.NotEmpty(t, found, "a manager sees personal data in %v", c.args)
				}
				leaks += len(found)
			}
			if user == "boss" {
				assert.Positive(t, leaks)
			}
		})
	}
}
