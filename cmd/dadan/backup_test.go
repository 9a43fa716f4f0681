package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/shipment"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackupRestoreCLI(t *testing.T) {
	db, policy := accessDB(t)
	{ // a shipment with its tracking, a device, a sequence: everything is backed up
		ctx := context.Background()
		s, c, err := openStore(ctx, db)
		require.NoError(t, err)
		require.NoError(t, s.CreateShipment(ctx, &shipment.Shipment{TrackingNo: "YT1", OrderID: "P1", Carrier: "YTO", State: shipment.HandedOver}))
		_, err = s.AddEvent(ctx, shipment.Event{TrackingNo: "YT1", Time: shipT0, State: shipment.InTransit, Text: "已揽收"}, nil)
		require.NoError(t, err)
		require.NoError(t, s.AddDevice(ctx, printer.Device{ID: "zebra", Status: printer.DeviceActive}))
		_, err = s.NextValue(ctx, "pool/YTO")
		require.NoError(t, err)
		require.NoError(t, c.Close())
	}
	// `dadan shipments` registers the shipments of printed orders that have
	// none, at the time it runs: let it do so before the backup, so the
	// listings compared below do not depend on when they run.
	code, _, errOut := runCLI(t, "", "shipments", "--db", db)
	require.Equal(t, exitOK, code, errOut)
	dir := filepath.Join(t.TempDir(), "backups")
	code, out, errOut := runCLI(t, "", "backup", "--db", db, "--out", dir)
	require.Equal(t, exitOK, code, errOut)
	assert.True(t, strings.HasPrefix(out, "full "), out)
	// the summary line keeps its start and counts each kind of record after it
	assert.Regexp(t, `^full \S+: \d+ orders, \d+ events, journal seq 0 to \d+; \d+ device, \d+ maintenance, \d+ fault, `+
		`\d+ supply, \d+ movement, \d+ print_use, \d+ stocktake, [1-9]\d* shipment, \d+ tracking_event, \d+ problem, [1-9]\d* job, `+
		`\d+ inspection, \d+ lot, \d+ sequence\n$`, out)

	code, _, errOut = runCLI(t, "", "amend", "--db", db, "--order", "P2", "--recipient", writeRecipient(t), "--reason", "moved")
	require.Equal(t, exitOK, code, errOut)
	code, out, errOut = runCLI(t, "", "backup", "--db", db, "--out", dir, "--incremental")
	require.Equal(t, exitOK, code, errOut)
	assert.True(t, strings.HasPrefix(out, "incremental "), out)

	restored := filepath.Join(t.TempDir(), "restored.db")
	code, out, errOut = runCLI(t, "", "restore", "--from", dir, "--db", restored)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "restored 2 backups")
	assert.Regexp(t, `; \d+ device, .*[1-9]\d* shipment, .*[1-9]\d* job, .*\d+ sequence\n$`, out)
	for _, l := range [][]string{{"orders", "--json"}, {"journal", "--json"}, {"orders", "--order", "P2"},
		{"jobs", "--json"}, {"shipments", "--json"}, {"problems", "--json"}} {
		_, want, _ := runCLI(t, "", append(l, "--db", db)...)
		_, got, _ := runCLI(t, "", append(l, "--db", restored)...)
		assert.Equal(t, want, got, "%v of the restored database", l)
	}
	{
		ctx := context.Background()
		s, c, err := openStore(ctx, restored)
		require.NoError(t, err)
		evs, err := s.Events(ctx, "YT1")
		require.NoError(t, err)
		assert.Len(t, evs, 1, "tracking events are restored")
		_, err = s.Device(ctx, "zebra")
		assert.NoError(t, err, "the device ledger is restored")
		n, err := s.NextValue(ctx, "pool/YTO")
		require.NoError(t, err)
		assert.Equal(t, int64(2), n, "a restored sequence never hands out a number again")
		require.NoError(t, c.Close())
	}
	code, out, _ = runCLI(t, "", "journal", "--db", restored, "--verify")
	assert.Equal(t, exitOK, code, out)

	code, _, errOut = runCLI(t, "", "restore", "--from", dir, "--db", restored)
	assert.Equal(t, exitRefused, code, "an existing database: %s", errOut)

	// a damaged increment refuses the restore
	files, err := backupFiles(dir)
	require.NoError(t, err)
	require.Len(t, files, 2)
	b, err := os.ReadFile(files[1])
	require.NoError(t, err)
	b[len(b)-5] ^= 1
	require.NoError(t, os.WriteFile(files[1], b, 0o600))
	r2 := filepath.Join(t.TempDir(), "r2.db")
	code, _, errOut = runCLI(t, "", "restore", "--from", dir, "--db", r2)
	assert.Equal(t, exitRefused, code)
	assert.Contains(t, errOut, "damaged")
	assert.NoFileExists(t, r2, "no half-restored database is left")

	// backups and restores are permissions of their own
	code, _, errOut = runCLI(t, "", "backup", "--db", db, "--out", dir, "--as", "sam", "--policy", policy)
	assert.Equal(t, exitDenied, code)
	assert.Equal(t, "not permitted: sam may not data.backup\n", errOut)
	code, _, errOut = runCLI(t, "", "restore", "--from", dir, "--db", filepath.Join(t.TempDir(), "r3.db"), "--as", "olga", "--policy", policy)
	assert.Equal(t, exitDenied, code)
	assert.Equal(t, "not permitted: olga may not data.restore\n", errOut)
	code, _, errOut = runCLI(t, "", "backup", "--db", db, "--out", dir, "--as", "boss", "--policy", policy)
	assert.Equal(t, exitOK, code, errOut)
}
