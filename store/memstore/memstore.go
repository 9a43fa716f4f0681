// Package memstore is the in-memory implementation of every store interface in dadan.
// It is both the reference implementation and a test double; it is safe for
// concurrent use. Its state is lost when the process exits.
package memstore

// Store holds all data in memory. The zero value is not ready: use [New].
// Each part lives in its own file and has its own lock.
type Store struct {
	orders
	jobs
	devices
	supplies
	sequences
	shipments
	qaRecords
}

// New returns an empty store.
func New() *Store { return &Store{} }
