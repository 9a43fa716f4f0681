package memstore

type orders struct{}
