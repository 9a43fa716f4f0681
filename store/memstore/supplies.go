package memstore

// supplies is filled in by its own file.
type supplies struct{}
