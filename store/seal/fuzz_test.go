package seal_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"testing"

	"github.com/dadanhq/dadan/store/seal"
)

func FuzzParseKeyFile(f *testing.F) {
	k := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	f.Add([]byte(`{"active":"k1","keys":{"k1":"` + k + `"}}`))
	f.Add([]byte(`{"active":"k2","keys":{"k1":"` + k + `","k2":"` + k + `"}}`))
	f.Add([]byte(`{"keys":{"k1":"` + k + `","k1":"` + k + `"},"active":"k1"}`))
	f.Add([]byte(`{"active":"k1","keys":null}`))
	f.Add([]byte(`{"active":"k1","keys":{"k1":1}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := seal.ParseKeyFile(data)
		if err != nil {
			if !errors.Is(err, seal.ErrKeyFile) {
				t.Fatalf("error %v does not wrap ErrKeyFile", err)
			}
			return
		}
		if r.Active() == "" || len(r.IDs()) == 0 {
			t.Fatalf("a parsed ring without keys: %q", data)
		}
		v := r.Seal(nil, []byte("x"), nil)
		if p, err := r.Open(nil, v, nil); err != nil || string(p) != "x" {
			t.Fatalf("round trip: %q, %v", p, err)
		}
	})
}

// FuzzOpen checks that no input makes Open panic, and that only the sealed
// value opens.
func FuzzOpen(f *testing.F) {
	r, err := seal.New("k1", map[string][]byte{"k1": bytes.Repeat([]byte{1}, 32)})
	if err != nil {
		f.Fatal(err)
	}
	good := r.Seal(nil, []byte("13800138000"), []byte("ad"))
	f.Add(good)
	f.Add(good[:20])
	f.Add([]byte("\xffDS"))
	f.Add([]byte("\xffDS\x01\x02k1"))
	f.Add([]byte(`{"id":"TB1"}`))
	f.Fuzz(func(t *testing.T, v []byte) {
		p, err := r.Open(nil, v, []byte("ad"))
		switch {
		case !seal.Sealed(v):
			if err != nil || !bytes.Equal(p, v) {
				t.Fatalf("plaintext %q: %q, %v", v, p, err)
			}
		case err == nil && !bytes.Equal(v, good):
			if string(p) != "13800138000" {
				t.Fatalf("a forged value opened: %q", p)
			}
		case err != nil && !errors.Is(err, seal.ErrDamaged) && !errors.Is(err, seal.ErrUnknownKey):
			t.Fatalf("unexpected error %v", err)
		}
	})
}
