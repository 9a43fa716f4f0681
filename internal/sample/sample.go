// Package sample embeds the sample orders, stock and price book that the demo, the
// examples and the tests use. All names, phone numbers and addresses are invented.
package sample

import (
	"bytes"
	_ "embed"

	"github.com/dadanhq/dadan/order"
)

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

// Decode returns the sample orders, in file order. They all decode; an error means
// the embedded file was damaged.
func Decode() ([]*order.Order, error) {
	var out []*order.Order
	for o, err := range order.NewDecoder(bytes.NewReader(Orders)).All() {
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}
