package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBackupRestoreCLI(t *testing.T) {
	db, policy := accessDB(t)
	dir := filepath.Join(t.TempDir(), "backups")
	code, out, errOut := runCLI(t, "", "backup", "--db", db, "--out", dir)
	require.Equal(t, exitOK, code, errOut)
	assert.True(t, strings.HasPrefix(out, "full "), out)

	code, _, errOut = runCLI(t, "", "amend", "--db", db, "--order", "P2", "--recipient", writeRecipient(t), "--reason", "moved")
	require.Equal(t, exitOK, code, errOut)
	code, out, errOut = runCLI(t, "", "backup", "--db", db, "--out", dir, "--incremental")
	require.Equal(t, exitOK, code, errOut)
	assert.True(t, strings.HasPrefix(out, "incremental "), out)

	restored := filepath.Join(t.TempDir(), "restored.db")
	code, out, errOut = runCLI(t, "", "restore", "--from", dir, "--db", restored)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "restored 2 backups")
	for _, l := range [][]string{{"orders", "--json"}, {"journal", "--json"}, {"orders", "--order", "P2"}} {
		_, want, _ := runCLI(t, "", append(l, "--db", db)...)
		_, got, _ := runCLI(t, "", append(l, "--db", restored)...)
		assert.Equal(t, want, got, "%v of the restored database", l)
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
