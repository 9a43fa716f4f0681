// Package sample embeds the sample orders, stock and price book that the demo, the
// examples and the tests use. All names, phone numbers and addresses are invented.
package sample

import _ "embed"

// Orders holds 56 orders in the order JSON format, one per line: mostly ordinary,
// some with the cases a reviewer and a renderer must handle.
//
//go:embed orders.jsonl
var Orders []byte

// Stock holds units on hand by SKU as a JSON object.
//
//go:embed stock.json
var Stock []byte

// Prices holds list prices by SKU as a JSON object of decimal strings.
//
//go:embed pricebook.json
var Prices []byte
