package seal

import "crypto/rand"

// randomNonce fills b from the operating system's generator. GCM nonces must
// never repeat under one key: 96 random bits make that unlikely for far more
// values than a shop stores (NIST SP 800-38D allows 2^32 per key).
func randomNonce(b []byte) {
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
}
