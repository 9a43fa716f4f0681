package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRetentionCLI(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { retentionCLI(t, shipDB(t)) })
	t.Run("postgres", func(t *testing.T) { retentionCLI(t, pgShipDB(t)) })
}

// retentionCLI hands over P1 and P2 of db (shipDB or pgShipDB), has P1
// delivered 31 days ago and P2 29 days ago, and runs dadan retention --days 30.
func retentionCLI(t *testing.T, db string) {
	code, out, errOut := runCLI(t, "759900000101\nCUP-500-W\nCUP-500-W\n759900000102\nLID-1\n", "verify", "--db", db)
	require.Equal(t, exitOK, code, out+errOut)
	code, _, errOut = runCLI(t, "", "handover", "--db", db, "--carrier", "ZTO", "--out", t.TempDir())
	require.Equal(t, exitOK, code, errOut)
	_, policy := accessOn(t, db) // a reprint reason with the phone, among others
	ago := func(days int) string { return time.Now().AddDate(0, 0, -days).Format(time.RFC3339) }
	events := filepath.Join(t.TempDir(), "events.jsonl")
	require.NoError(t, os.WriteFile(events, []byte(
		`{"tracking_no":"759900000101","time":"`+ago(31)+`","status":"签收","text":"已签收，签收人：张三"}`+"\n"+
			`{"tracking_no":"759900000102","time":"`+ago(29)+`","status":"签收","text":"已签收，签收人：张三"}`+"\n"), 0o644))
	code, _, errOut = runCLI(t, "", "track", "--db", db, "--events", events)
	require.Equal(t, exitOK, code, errOut)

	snapshot := func() string {
		var b strings.Builder
		for _, l := range [][]string{{"orders", "--json"}, {"journal", "--json"}, {"jobs", "--json"}, {"shipments", "--json"},
			{"orders", "--order", "P1"}, {"orders", "--order", "P2"}} {
			code, out, errOut := runCLI(t, "", append(l, "--db", db)...)
			require.Equal(t, exitOK, code, errOut)
			b.WriteString(out)
		}
		return b.String()
	}
	before := snapshot()
	require.Contains(t, before, testPhone)

	// A viewer may not erase: exit 3, nothing changed.
	code, out, errOut = runCLI(t, "", "retention", "--db", db, "--days", "30", "--as", "vera", "--policy", policy)
	assert.Equal(t, exitDenied, code)
	assert.Equal(t, "not permitted: vera may not data.erase\n", errOut)
	assert.Empty(t, out)
	assert.Equal(t, before, snapshot(), "a denied run changes nothing")

	// A dry run lists and changes nothing.
	code, out, errOut = runCLI(t, "", "retention", "--db", db, "--days", "30", "--dry-run", "--json", "--as", "boss", "--policy", policy)
	require.Equal(t, exitOK, code, errOut)
	dry := jsonLines(t, out)
	require.Len(t, dry, 2, out)
	assert.Equal(t, "P1", dry[0]["order"])
	assert.Contains(t, dry[0]["erased"], "recipient.phone")
	assert.Contains(t, dry[0]["erased"], "shipment:759900000101.events[0].text", "the courier's text names the recipient")
	at, err := time.Parse(time.RFC3339, dry[0]["delivered_at"].(string))
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().AddDate(0, 0, -31), at, time.Minute)
	assert.Equal(t, map[string]any{"dry_run": true, "days": 30.0, "checked": 1.0, "erased": 1.0, "already": 0.0, "held": 0.0}, dry[1])
	assert.NotContains(t, out, testPhone, "fields are named, values never")
	assert.Equal(t, before, snapshot(), "a dry run changes nothing")

	code, out, errOut = runCLI(t, "", "retention", "--db", db, "--days", "30", "--json", "--as", "boss", "--policy", policy)
	require.Equal(t, exitOK, code, errOut)
	done := jsonLines(t, out)
	require.Len(t, done, 2)
	assert.Equal(t, dry[0], done[0], "the run did what the dry run listed")
	assert.Equal(t, 1.0, done[1]["erased"])

	_, p1, _ := runCLI(t, "", "orders", "--db", db, "--order", "P1")
	assert.NotContains(t, p1, testPhone)
	assert.NotContains(t, p1, "文一西路969号")
	assert.Contains(t, p1, `"name": "[erased]"`)
	assert.Contains(t, p1, `"tracking_no": "759900000101"`, "the tracking number stays")
	assert.Contains(t, p1, `"erased_at"`)
	_, p2, _ := runCLI(t, "", "orders", "--db", db, "--order", "P2")
	assert.Contains(t, p2, testPhone, "P2 was delivered 29 days ago")
	_, jobs, _ := runCLI(t, "", "jobs", "--db", db, "--order", "P1", "--json")
	assert.NotContains(t, jobs, testPhone, "the reprint reason is erased")

	code, out, _ = runCLI(t, "", "journal", "--db", db, "--order", "P1", "--json")
	require.Equal(t, exitOK, code)
	rs := jsonLines(t, out)
	last := rs[len(rs)-1]
	assert.Equal(t, "erased", last["action"])
	assert.Equal(t, "boss", last["actor"])
	assert.Contains(t, last["detail"], "recipient.phone")
	code, out, _ = runCLI(t, "", "journal", "--db", db, "--verify")
	assert.Equal(t, exitOK, code, "the chain holds: %s", out)

	// Again: nothing more.
	code, out, errOut = runCLI(t, "", "retention", "--db", db, "--days", "30", "--as", "boss", "--policy", policy)
	require.Equal(t, exitOK, code, errOut)
	assert.Equal(t, "1 orders past 30 days: erased 0, erased before 1, held 0\n", out)

	code, _, errOut = runCLI(t, "", "retention", "--db", db)
	assert.Equal(t, exitUsage, code, "--days is required: %s", errOut)
	code, _, _ = runCLI(t, "", "retention", "--db", db, "--days", "0")
	assert.Equal(t, exitUsage, code)
}
