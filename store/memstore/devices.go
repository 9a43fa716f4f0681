package memstore

// devices is filled in by its own file.
type devices struct{}
