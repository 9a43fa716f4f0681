package seal_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/store/seal"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, seal.KeySize) }

func ring(t testing.TB, active string, ids ...string) *seal.Ring {
	t.Helper()
	keys := map[string][]byte{}
	for i, id := range ids {
		keys[id] = key(byte(i + 1))
	}
	r, err := seal.New(active, keys)
	require.NoError(t, err)
	return r
}

func TestSealOpen(t *testing.T) {
	r := ring(t, "k1", "k1")
	plain := []byte(`{"recipient":{"name":"阿依古丽·买买提","phone":"13800138000"}}`)
	ad := seal.AD("orders.body", "TB1")
	v := r.Seal(nil, plain, ad)
	assert.True(t, seal.Sealed(v))
	assert.False(t, bytes.Contains(v, []byte("13800138000")))
	assert.False(t, bytes.Contains(v, []byte("阿依古丽")))
	id, ok := seal.KeyID(v)
	assert.True(t, ok)
	assert.Equal(t, "k1", id)
	assert.LessOrEqual(t, len(v), len(plain)+seal.Overhead)

	got, err := r.Open(nil, v, ad)
	require.NoError(t, err)
	assert.Equal(t, plain, got)

	// Two seals of one value differ (random nonces).
	assert.NotEqual(t, v, r.Seal(nil, plain, ad))

	// Appends to dst.
	got, err = r.Open([]byte("x"), v, ad)
	require.NoError(t, err)
	assert.Equal(t, append([]byte("x"), plain...), got)
	w := r.Seal([]byte("y"), []byte("z"), ad)
	assert.Equal(t, byte('y'), w[0])
	got, err = r.Open(nil, w[1:], ad)
	require.NoError(t, err)
	assert.Equal(t, "z", string(got))

	// Empty plaintext seals and opens.
	e := r.Seal(nil, nil, ad)
	got, err = r.Open(nil, e, ad)
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestPlaintextPassesThrough(t *testing.T) {
	for _, r := range []*seal.Ring{nil, ring(t, "k1", "k1")} {
		got, err := r.Open(nil, []byte("^XA^FDhello^FS^XZ"), nil)
		require.NoError(t, err)
		assert.Equal(t, "^XA^FDhello^FS^XZ", string(got))
	}
	var none *seal.Ring
	assert.Equal(t, "plain", string(none.Seal(nil, []byte("plain"), nil)), "a nil ring does not seal")
	assert.True(t, none.Current([]byte("plain")))
	assert.Empty(t, none.Active())
	assert.Nil(t, none.IDs())
}

func TestWrongBinding(t *testing.T) {
	r := ring(t, "k1", "k1")
	v := r.Seal(nil, []byte("13900139000"), seal.AD("orders.body", "TB1"))
	for _, ad := range [][]byte{seal.AD("orders.body", "TB2"), seal.AD("jobs.data", "TB1"), nil} {
		_, err := r.Open(nil, v, ad)
		assert.ErrorIs(t, err, seal.ErrDamaged, "a value moved to %q", ad)
	}
}

func TestTampered(t *testing.T) {
	r := ring(t, "k1", "k1", "k2")
	ad := seal.AD("orders.body", "TB1")
	v := r.Seal(nil, []byte("上海市浦东新区陆家嘴环路1000号"), ad)
	for i := range v {
		c := bytes.Clone(v)
		c[i] ^= 0x01
		got, err := r.Open(nil, c, ad)
		if i < 3 { // the magic broken: taken for plaintext, which it is not
			require.NoError(t, err)
			assert.NotContains(t, string(got), "陆家嘴")
			continue
		}
		assert.True(t, errors.Is(err, seal.ErrDamaged) || errors.Is(err, seal.ErrUnknownKey), "byte %d: %v", i, err)
	}
	for n := 3; n < len(v); n++ {
		_, err := r.Open(nil, v[:n], ad)
		assert.ErrorIs(t, err, seal.ErrDamaged, "truncated to %d", n)
	}
	// The key id swapped for another key of the ring: authentication fails.
	c := bytes.Clone(v)
	c[6] = '2'
	_, err := r.Open(nil, c, ad)
	assert.ErrorIs(t, err, seal.ErrDamaged)
	// An unknown version.
	c = bytes.Clone(v)
	c[3] = 2
	_, err = r.Open(nil, c, ad)
	assert.ErrorIs(t, err, seal.ErrDamaged)
	assert.Contains(t, err.Error(), "version 2")
}

func TestUnknownKeyAndNoKeys(t *testing.T) {
	old := ring(t, "k1", "k1")
	v := old.Seal(nil, []byte("x"), nil)
	other, err := seal.New("k9", map[string][]byte{"k9": key(9)})
	require.NoError(t, err)
	_, err = other.Open(nil, v, nil)
	require.ErrorIs(t, err, seal.ErrUnknownKey)
	var uk *seal.UnknownKeyError
	require.ErrorAs(t, err, &uk)
	assert.Equal(t, "k1", uk.ID)
	assert.Contains(t, err.Error(), `"k1"`)

	var none *seal.Ring
	_, err = none.Open(nil, v, nil)
	assert.ErrorIs(t, err, seal.ErrNoKeys)
	assert.False(t, none.Current(v))

	// Same id, other key bytes: damaged, not silently wrong.
	impostor, err := seal.New("k1", map[string][]byte{"k1": key(7)})
	require.NoError(t, err)
	_, err = impostor.Open(nil, v, nil)
	assert.ErrorIs(t, err, seal.ErrDamaged)
}

func TestRotation(t *testing.T) {
	ad := seal.AD("jobs.data", "J1")
	r1 := ring(t, "k1", "k1")
	v1 := r1.Seal(nil, []byte("label"), ad)
	r2 := ring(t, "k2", "k1", "k2")
	assert.False(t, r2.Current(v1))
	got, err := r2.Open(nil, v1, ad)
	require.NoError(t, err)
	assert.Equal(t, "label", string(got))
	v2, changed, err := r2.Reseal(v1, ad)
	require.NoError(t, err)
	assert.True(t, changed)
	assert.True(t, r2.Current(v2))
	_, changed, err = r2.Reseal(v2, ad)
	require.NoError(t, err)
	assert.False(t, changed)
	// Plaintext is sealed by Reseal.
	v3, changed, err := r2.Reseal([]byte("plain"), ad)
	require.NoError(t, err)
	assert.True(t, changed)
	assert.True(t, seal.Sealed(v3))

	// k1 removed: the re-sealed value opens with k2 alone.
	only2, err := seal.New("k2", map[string][]byte{"k2": key(2)})
	require.NoError(t, err)
	got, err = only2.Open(nil, v2, ad)
	require.NoError(t, err)
	assert.Equal(t, "label", string(got))
	assert.Equal(t, []string{"k1", "k2"}, r2.IDs())
}

func TestNewErrors(t *testing.T) {
	for name, c := range map[string]struct {
		active string
		keys   map[string][]byte
	}{
		"no keys":       {"k1", nil},
		"active absent": {"k2", map[string][]byte{"k1": key(1)}},
		"short key":     {"k1", map[string][]byte{"k1": key(1)[:16]}},
		"bad id":        {"k 1", map[string][]byte{"k 1": key(1)}},
		"long id":       {string(bytes.Repeat([]byte("a"), 65)), map[string][]byte{string(bytes.Repeat([]byte("a"), 65)): key(1)}},
		"empty id":      {"", map[string][]byte{"": key(1)}},
	} {
		_, err := seal.New(c.active, c.keys)
		assert.ErrorIs(t, err, seal.ErrKey, name)
	}
}

func TestKeyFile(t *testing.T) {
	b64 := func(b byte) string { return base64.StdEncoding.EncodeToString(key(b)) }
	good := `{"active":"k2","keys":{"k1":"` + b64(1) + `","k2":"` + b64(2) + `"}}`
	r, err := seal.ParseKeyFile([]byte(good))
	require.NoError(t, err)
	assert.Equal(t, "k2", r.Active())
	assert.Equal(t, []string{"k1", "k2"}, r.IDs())

	bad := map[string]string{
		"not json":      `{"active":`,
		"no active":     `{"keys":{"k1":"` + b64(1) + `"}}`,
		"active absent": `{"active":"k3","keys":{"k1":"` + b64(1) + `"}}`,
		"short key":     `{"active":"k1","keys":{"k1":"` + base64.StdEncoding.EncodeToString(key(1)[:31]) + `"}}`,
		"not base64":    `{"active":"k1","keys":{"k1":"***"}}`,
		"unpadded":      `{"active":"k1","keys":{"k1":"` + base64.RawStdEncoding.EncodeToString(key(1)) + `"}}`,
		"unknown field": `{"active":"k1","keys":{"k1":"` + b64(1) + `"},"x":1}`,
		"twice":         `{"active":"k1","keys":{"k1":"` + b64(1) + `","k1":"` + b64(2) + `"}}`,
		"trailing":      good + `{}`,
		"array":         `[]`,
		"bad id":        `{"active":"k/1","keys":{"k/1":"` + b64(1) + `"}}`,
	}
	for name, in := range bad {
		_, err := seal.ParseKeyFile([]byte(in))
		assert.ErrorIs(t, err, seal.ErrKeyFile, name)
	}

	// Round trip through MarshalKeyFile and a file.
	keys := map[string][]byte{"2026-01": seal.NewKey(), "2026-07": seal.NewKey()}
	data, err := seal.MarshalKeyFile("2026-07", keys)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "keys.json")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	r, err = seal.ReadKeyFile(path)
	require.NoError(t, err)
	v := r.Seal(nil, []byte("x"), nil)
	again, err := seal.New("2026-01", keys)
	require.NoError(t, err)
	got, err := again.Open(nil, v, nil)
	require.NoError(t, err, "the key file holds the keys themselves")
	assert.Equal(t, "x", string(got))

	_, err = seal.ReadKeyFile(filepath.Join(t.TempDir(), "missing.json"))
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.NotEqual(t, seal.NewKey(), seal.NewKey())
}
