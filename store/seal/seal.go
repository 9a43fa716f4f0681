package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"fmt"
	"slices"
	"sort"
)

// KeySize is the size of a key in bytes (AES-256).
const KeySize = 32

// Version is the format version of the values this package seals.
const Version = 1

// magic starts every sealed value; it is not valid UTF-8 and starts no order
// JSON, no printer language, no PDF or PNG.
const magic = "\xffDS"

// Overhead bounds how much longer a sealed value is than its plaintext: the
// header with the longest key id, the nonce and the tag.
const Overhead = len(magic) + 2 + maxIDLen + nonceSize + tagSize

const (
	maxIDLen  = 64
	nonceSize = 12
	tagSize   = 16
)

// Errors of the package.
var (
	// ErrUnknownKey is wrapped by the [*UnknownKeyError] of a value sealed with
	// a key the ring does not hold.
	ErrUnknownKey = errors.New("seal: unknown key")
	// ErrDamaged is wrapped by the errors of a sealed value that is truncated,
	// of an unknown format version, altered, or bound to another row.
	ErrDamaged = errors.New("seal: sealed value damaged or tampered with")
	// ErrNoKeys is wrapped by the errors of a sealed value met without keys: a
	// database holding sealed values opened without a ring.
	ErrNoKeys = errors.New("seal: sealed values but no keys")
	// ErrKey is wrapped by the errors of an unusable ring: a bad key id, a key
	// of the wrong size, no active key.
	ErrKey = errors.New("seal: invalid key")
)

// UnknownKeyError is a value sealed with a key the ring lacks. It wraps
// [ErrUnknownKey].
type UnknownKeyError struct {
	ID string // the key id the value names
}

// Error implements error.
func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("seal: value sealed with key %q, which the key ring does not hold", e.ID)
}

// Unwrap returns [ErrUnknownKey].
func (e *UnknownKeyError) Unwrap() error { return ErrUnknownKey }

// Ring is a set of keys by id, one of them active. It is immutable and safe for
// concurrent use. A nil *Ring holds no keys.
type Ring struct {
	active string
	aead   map[string]cipher.AEAD
}

// New returns a ring of keys (id → 32-byte key) whose active key is active,
// which keys must hold. The keys are copied.
func New(active string, keys map[string][]byte) (*Ring, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: no keys", ErrKey)
	}
	if _, ok := keys[active]; !ok {
		return nil, fmt.Errorf("%w: active key %q is not among the keys", ErrKey, active)
	}
	r := &Ring{active: active, aead: make(map[string]cipher.AEAD, len(keys))}
	for id, k := range keys {
		if err := validID(id); err != nil {
			return nil, err
		}
		if len(k) != KeySize {
			return nil, fmt.Errorf("%w: key %q is %d bytes, want %d", ErrKey, id, len(k), KeySize)
		}
		b, err := aes.NewCipher(slices.Clone(k))
		if err != nil {
			return nil, fmt.Errorf("%w: key %q: %w", ErrKey, id, err)
		}
		a, err := cipher.NewGCM(b)
		if err != nil {
			return nil, fmt.Errorf("%w: key %q: %w", ErrKey, id, err)
		}
		r.aead[id] = a
	}
	return r, nil
}

func validID(id string) error {
	if id == "" || len(id) > maxIDLen {
		return fmt.Errorf("%w: key id %q: want 1 to %d bytes", ErrKey, id, maxIDLen)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c == '.' || c == '_' || c == '-' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
			continue
		}
		return fmt.Errorf("%w: key id %q: only A-Z, a-z, 0-9, '.', '_' and '-'", ErrKey, id)
	}
	return nil
}

// Active returns the id of the key new values are sealed with; "" for a nil
// ring.
func (r *Ring) Active() string {
	if r == nil {
		return ""
	}
	return r.active
}

// IDs returns the ids of the ring's keys, sorted.
func (r *Ring) IDs() []string {
	if r == nil {
		return nil
	}
	ids := make([]string, 0, len(r.aead))
	for id := range r.aead {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// AD returns the binding of a value to its place: the column (such as
// "orders.body") and the row's key. Stores pass it to [Ring.Seal] and
// [Ring.Open].
func AD(column, row string) []byte {
	b := make([]byte, 0, len(column)+1+len(row))
	b = append(b, column...)
	b = append(b, 0)
	return append(b, row...)
}

// The columns the stores seal, as [AD] names them: one name for each whatever the
// store calls the column, so that a value sealed by one store opens in another.
const (
	OrderBody      = "orders.body"          // the order JSON, by order id
	OrderWaybill   = "orders.waybill"       // the waybill JSON kept beside an order's body, by order id
	JobData        = "jobs.data"            // rendered document bytes, by job id
	ShipmentBody   = "shipments.body"       // shipment JSON, by tracking number
	ProblemBody    = "problems.body"        // courier problem JSON, by number
	TrackingText   = "tracking_events.text" // the courier's text ("signed for by …"), by event key
	InspectionBody = "qa_inspections.body"  // inspection JSON (checks name the faults found), by seq
)

// Sealed reports whether v is a sealed value (starts with the magic), whatever
// its key or state.
func Sealed(v []byte) bool { return len(v) >= len(magic) && string(v[:len(magic)]) == magic }

// KeyID returns the id of the key v names; ok is false when v is not sealed or
// its header is damaged.
func KeyID(v []byte) (id string, ok bool) {
	id, _, err := header(v)
	return id, err == nil
}

// header splits v into its key id and the rest (nonce and ciphertext).
func header(v []byte) (string, []byte, error) {
	if !Sealed(v) {
		return "", nil, fmt.Errorf("%w: not a sealed value", ErrDamaged)
	}
	h := len(magic)
	if len(v) < h+2 {
		return "", nil, fmt.Errorf("%w: truncated header", ErrDamaged)
	}
	if v[h] != Version {
		return "", nil, fmt.Errorf("%w: format version %d, this program knows %d", ErrDamaged, v[h], Version)
	}
	n := int(v[h+1])
	if n == 0 || n > maxIDLen || len(v) < h+2+n+nonceSize+tagSize {
		return "", nil, fmt.Errorf("%w: truncated", ErrDamaged)
	}
	id := string(v[h+2 : h+2+n])
	if validID(id) != nil {
		return "", nil, fmt.Errorf("%w: bad key id", ErrDamaged)
	}
	return id, v[h+2+n:], nil
}

// Current reports whether v needs no re-sealing: it is sealed with the active
// key (or, for a nil ring, is plaintext). It does not authenticate v.
func (r *Ring) Current(v []byte) bool {
	if r == nil {
		return !Sealed(v)
	}
	id, ok := KeyID(v)
	return ok && id == r.active
}

// Seal appends to dst the sealed form of plaintext under the active key, bound
// to ad, and returns the result. A nil ring appends plaintext as it is. dst and
// plaintext must not overlap.
func (r *Ring) Seal(dst, plaintext, ad []byte) []byte {
	if r == nil {
		return append(dst, plaintext...)
	}
	a := r.aead[r.active]
	start := len(dst)
	dst = slices.Grow(dst, len(magic)+2+len(r.active)+nonceSize+len(plaintext)+tagSize)
	dst = append(dst, magic...)
	dst = append(dst, Version, byte(len(r.active)))
	dst = append(dst, r.active...)
	hdr := len(dst)
	dst = dst[:hdr+nonceSize]
	randomNonce(dst[hdr:])
	return a.Seal(dst, dst[hdr:hdr+nonceSize], plaintext, associated(dst[start:hdr], ad))
}

// associated is the GCM additional data: the header, then the caller's
// binding.
func associated(hdr, ad []byte) []byte {
	b := make([]byte, 0, len(hdr)+len(ad))
	return append(append(b, hdr...), ad...)
}

// Open appends to dst the plaintext of v and returns the result. A value that
// is not sealed is plaintext and is appended as it is. A sealed value with a
// key the ring lacks fails with an [*UnknownKeyError]; a damaged one, or one
// bound to other ad, with [ErrDamaged]; any sealed value on a nil ring with
// [ErrNoKeys].
func (r *Ring) Open(dst, v, ad []byte) ([]byte, error) {
	if !Sealed(v) {
		return append(dst, v...), nil
	}
	if r == nil {
		id, _ := KeyID(v)
		return nil, fmt.Errorf("%w (a value sealed with key %q)", ErrNoKeys, id)
	}
	id, rest, err := header(v)
	if err != nil {
		return nil, err
	}
	a, ok := r.aead[id]
	if !ok {
		return nil, &UnknownKeyError{ID: id}
	}
	hdr := v[:len(v)-len(rest)]
	out, err := a.Open(dst, rest[:nonceSize], rest[nonceSize:], associated(hdr, ad))
	if err != nil {
		return nil, fmt.Errorf("%w: key %q: authentication failed", ErrDamaged, id)
	}
	return out, nil
}

// Reseal returns v sealed with the active key, opening it first (a plaintext
// v is sealed). changed is false when v is current already.
func (r *Ring) Reseal(v, ad []byte) (out []byte, changed bool, err error) {
	if r.Current(v) {
		return v, false, nil
	}
	p, err := r.Open(nil, v, ad)
	if err != nil {
		return nil, false, err
	}
	return r.Seal(nil, p, ad), true, nil
}
