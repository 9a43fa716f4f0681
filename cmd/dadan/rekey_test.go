package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// keyFile writes a key file of the keys named (key i is 32 bytes of i+1) with
// active as the active key.
func keyFile(t *testing.T, active string, ids ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"active": "` + active + `", "keys": {`)
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		k := map[string]byte{"k1": 1, "k2": 2}[id]
		b.WriteString(`"` + id + `": "` + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{k}, 32)) + `"`)
	}
	b.WriteString("}}")
	path := filepath.Join(t.TempDir(), "keys.json")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

// dbBytes is the database file and its WAL.
func dbBytes(t *testing.T, db string) string {
	var all []byte
	for _, s := range []string{"", "-wal"} {
		b, _ := os.ReadFile(db + s)
		all = append(all, b...)
	}
	return string(all)
}

// TestKeysAndRekey: a plaintext database is sealed when a command opens it with
// --keys; without keys it is refused; dadan rekey moves it to a new key, after
// which the old one may go.
func TestKeysAndRekey(t *testing.T) {
	orders, stock, prices := writeSample(t)
	db := filepath.Join(t.TempDir(), "dadan.db")
	const phone = "16709145341" // 张伟's, in the first sample order
	code, _, errOut := runCLI(t, "", "ingest", "--db", db, "--orders", orders, "--stock", stock, "--prices", prices)
	require.Equal(t, exitOK, code, errOut)
	require.Contains(t, dbBytes(t, db), phone, "plaintext without keys")

	k1 := keyFile(t, "k1", "k1")
	code, out, errOut := runCLI(t, "", "orders", "--db", db, "--keys", k1, "--order", "TB2026111100000", "--json")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, phone, "read through the keys")
	assert.NotContains(t, dbBytes(t, db), phone, "sealed when opened with keys")
	assert.NotContains(t, dbBytes(t, db), "张伟")

	code, _, errOut = runCLI(t, "", "orders", "--db", db)
	assert.Equal(t, exitRefused, code)
	assert.Contains(t, errOut, "no keys")

	// $DADAN_KEYS is the default of --keys.
	t.Setenv("DADAN_KEYS", k1)
	code, out, errOut = runCLI(t, "", "orders", "--db", db, "--order", "TB2026111100000", "--json")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, phone)
	t.Setenv("DADAN_KEYS", "")

	code, _, errOut = runCLI(t, "", "rekey", "--db", db)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, errOut, "--keys")

	both := keyFile(t, "k2", "k1", "k2")
	code, out, errOut = runCLI(t, "", "rekey", "--db", db, "--keys", both, "--json")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, `"key":"k2"`)
	assert.NotContains(t, out, `"resealed":0`)

	// k1 removed: everything opens with k2 alone; a file with k1 alone names k2.
	k2 := keyFile(t, "k2", "k2")
	code, out, errOut = runCLI(t, "", "orders", "--db", db, "--keys", k2, "--order", "TB2026111100000", "--json")
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, phone)
	code, _, errOut = runCLI(t, "", "jobs", "--db", db, "--keys", k1)
	assert.Equal(t, exitRefused, code)
	assert.Contains(t, errOut, `"k2"`)

	code, out, errOut = runCLI(t, "", "rekey", "--db", db, "--keys", k2)
	require.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "sealed with key k2")
	assert.Contains(t, out, " 0 sealed again", "nothing left to re-seal")

	// A damaged key file is refused before the database is touched.
	bad := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"active": "k1", "keys": {"k1": "short"}}`), 0o600))
	code, _, errOut = runCLI(t, "", "orders", "--db", db, "--keys", bad)
	assert.Equal(t, exitRefused, code)
	assert.Contains(t, errOut, "invalid key file")
	code, _, _ = runCLI(t, "", "rekey", "--db", db, "--keys", bad)
	assert.Equal(t, exitUsage, code)
}
