package order_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// peerOrder is the order JSON as plain structs for encoding/json, the peer our
// decoder is measured against. It keeps no unknown fields and names no line.
type peerOrder struct {
	ID        string    `json:"id"`
	Platform  string    `json:"platform"`
	Shop      string    `json:"shop"`
	CreatedAt time.Time `json:"created_at"`
	PaidAt    time.Time `json:"paid_at"`
	Buyer     struct {
		Nick string `json:"nick"`
	} `json:"buyer"`
	Recipient, Sender struct {
		Name, Phone, Province, City, District, Street, Address, Postcode string
	}
	Items []struct {
		SKU, Barcode, Name, Spec string
		Qty                      int             `json:"qty"`
		UnitPrice                decimal.Decimal `json:"unit_price"`
	} `json:"items"`
	ShippingFee decimal.Decimal `json:"shipping_fee"`
	Discount    decimal.Decimal `json:"discount"`
	Total       decimal.Decimal `json:"total"`
	Carrier     string          `json:"carrier"`
	Remark      struct{ Buyer, Seller string }
	Flags       []string `json:"flags"`
}

// BenchmarkDecodePeer decodes the same 100k orders with encoding/json, line by line.
func BenchmarkDecodePeer(b *testing.B) {
	data := genJSONL(b, 100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		n := 0
		for sc.Scan() {
			var o peerOrder
			if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100_000 {
			b.Fatal(n)
		}
	}
	b.ReportMetric(float64(100_000*b.N)/b.Elapsed().Seconds(), "orders/s")
}
