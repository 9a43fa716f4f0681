// Package seal encrypts values at rest: a [Ring] of AES-256-GCM keys the host
// supplies, each sealed value carrying the id of the key that sealed it.
//
// A sealed value is self-describing:
//
//	0xFF 'D' 'S'     magic
//	0x01             format version
//	n                length of the key id (1 to 64)
//	id               the key id, n bytes
//	nonce            12 random bytes
//	ciphertext+tag   AES-GCM of the plaintext, 16-byte tag
//
// The additional data of GCM is the header (magic to key id) followed by the
// caller's binding ([AD]: the column and the row the value belongs to), so a
// value copied into another row or column, or given another key id, fails to
// open with [ErrDamaged]. A value that does not start with the magic is
// plaintext: [Ring.Open] returns it as it is, so a store can hold plaintext and
// sealed values side by side while [Ring.Current] finds what is left to seal.
//
// Rotation: put the new key in the ring and make it active, on every station
// (reads accept every key of the ring, writes use the active one); re-seal the
// stored values with the active key (the stores' Rekey methods); then remove
// the old key. A value sealed with a key the ring lacks fails with an
// [*UnknownKeyError] that names the key.
//
// The key file ([ParseKeyFile], [ReadKeyFile]) is JSON:
//
//	{"active": "k2", "keys": {"k1": "<base64 of 32 bytes>", "k2": "<base64 of 32 bytes>"}}
//
// Key ids are 1 to 64 bytes of A-Z, a-z, 0-9, '.', '_' and '-'; keys are standard
// base64 (with padding) of exactly 32 random bytes, e.g. from
// `head -c 32 /dev/urandom | base64`. Keep the file readable only by the
// station's user.
//
// A nil *Ring is valid and means "no keys": Seal returns the plaintext, Open
// returns plaintext values and fails on sealed ones with [ErrNoKeys].
package seal
