package memstore

// jobs is filled in by its own file.
type jobs struct{}
