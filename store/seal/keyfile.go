package seal

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrKeyFile is wrapped by the errors of a key file that cannot be read.
var ErrKeyFile = errors.New("seal: invalid key file")

// maxKeyFile bounds a key file: a ring of a few hundred keys.
const maxKeyFile = 64 << 10

// keyFile is the JSON of a key file.
type keyFile struct {
	Active string            `json:"active"`
	Keys   map[string]string `json:"keys"`
}

// ParseKeyFile reads a key file (see the package documentation):
//
//	{"active": "k2", "keys": {"k1": "base64…", "k2": "base64…"}}
//
// Unknown members, a key id given twice, a key that is not base64 of 32 bytes,
// and an active key the file lacks are errors wrapping [ErrKeyFile].
func ParseKeyFile(data []byte) (*Ring, error) {
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrKeyFile, maxKeyFile)
	}
	if err := noDuplicateKeys(data); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f keyFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyFile, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the object", ErrKeyFile)
	}
	if f.Active == "" {
		return nil, fmt.Errorf("%w: no \"active\" key id", ErrKeyFile)
	}
	keys := make(map[string][]byte, len(f.Keys))
	for id, s := range f.Keys {
		k, err := base64.StdEncoding.Strict().DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("%w: key %q: not standard base64: %w", ErrKeyFile, id, err)
		}
		keys[id] = k
	}
	r, err := New(f.Active, keys)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeyFile, err)
	}
	return r, nil
}

// noDuplicateKeys refuses a "keys" object naming an id twice, which
// encoding/json would resolve silently to the last.
func noDuplicateKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fmt.Errorf("%w: not a JSON object", ErrKeyFile)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fmt.Errorf("%w: %w", ErrKeyFile, err)
		}
		if t != "keys" {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fmt.Errorf("%w: %w", ErrKeyFile, err)
			}
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			return nil // the decoder reports the wrong type
		}
		seen := map[string]bool{}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return fmt.Errorf("%w: %w", ErrKeyFile, err)
			}
			id, _ := t.(string)
			if seen[id] {
				return fmt.Errorf("%w: key %q given twice", ErrKeyFile, id)
			}
			seen[id] = true
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fmt.Errorf("%w: %w", ErrKeyFile, err)
			}
		}
		if _, err := dec.Token(); err != nil {
			return fmt.Errorf("%w: %w", ErrKeyFile, err)
		}
	}
	return nil
}

// ReadKeyFile reads and parses the key file at path.
func ReadKeyFile(path string) (*Ring, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("seal: key file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("seal: key file %s: %w", path, err)
	}
	r, err := ParseKeyFile(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// MarshalKeyFile returns the key file of keys with active as the active key,
// in the format [ParseKeyFile] reads.
func MarshalKeyFile(active string, keys map[string][]byte) ([]byte, error) {
	if _, err := New(active, keys); err != nil {
		return nil, err
	}
	f := keyFile{Active: active, Keys: make(map[string]string, len(keys))}
	for id, k := range keys {
		f.Keys[id] = base64.StdEncoding.EncodeToString(k)
	}
	return json.MarshalIndent(f, "", "  ")
}

// NewKey returns a new random key of [KeySize] bytes.
func NewKey() []byte {
	k := make([]byte, KeySize)
	randomNonce(k)
	return k
}

// Progress is how far a re-seal of a store (its Rekey method) has come.
type Progress struct {
	Table    string // the table being worked through
	Scanned  int64  // values looked at so far, in every table
	Resealed int64  // of those, values sealed again with the active key
	Total    int64  // values in the tables when the re-seal started
}
