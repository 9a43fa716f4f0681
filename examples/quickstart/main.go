// Quickstart ingests a file of orders into a station and prints what review
// decided for each order.
//
//	go run ./examples/quickstart                                   # the orders shipped beside it
//	go run ./examples/quickstart -orders my.jsonl [-stock s.json] [-prices p.json]
//
// Its data ship beside this file (orders.jsonl, stock.json, prices.json) and are
// compiled in, so a copy of this directory runs in any module. With -orders, only
// the stock and prices given are checked: the example's own would hold every order
// of another shop.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/review"
	"golang.org/x/text/language"
)

var (
	//go:embed orders.jsonl
	exampleOrders []byte
	//go:embed stock.json
	exampleStock []byte
	//go:embed prices.json
	examplePrices []byte
)

func main() {
	ordersPath := flag.String("orders", "", "orders FILE (JSON Lines or a JSON array); default the example's orders.jsonl")
	stockPath := flag.String("stock", "", "stock FILE: units on hand by SKU")
	pricesPath := flag.String("prices", "", "prices FILE: list prices by SKU, decimal strings")
	flag.Parse()

	var in io.Reader = bytes.NewReader(exampleOrders)
	stockJSON, pricesJSON := exampleStock, examplePrices
	if *ordersPath != "" {
		f, err := os.Open(*ordersPath)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		in, stockJSON, pricesJSON = f, nil, nil
	}
	cfg := review.Config{}
	if b := readOr(*stockPath, stockJSON); b != nil {
		var stock review.StockMap // units on hand by SKU
		if err := json.Unmarshal(b, &stock); err != nil {
			log.Fatal(err)
		}
		cfg.Inventory = stock
	}
	if b := readOr(*pricesPath, pricesJSON); b != nil {
		var prices review.PriceMap // list prices by SKU, decimal strings in JSON
		if err := json.Unmarshal(b, &prices); err != nil {
			log.Fatal(err)
		}
		cfg.Prices = prices
	}
	st, err := dadan.New(&dadan.Options{Review: cfg})
	if err != nil {
		log.Fatal(err)
	}
	ctx := access.NewContext(context.Background(), access.Principal{ID: "clerk-7"})
	sum, err := st.Ingest(ctx, in, &dadan.IngestOptions{OnResult: func(r dadan.Result) error {
		if r.Refused() {
			fmt.Println("refused:", r.Err)
		} else if r.Outcome != review.Approve {
			fmt.Println(r.OrderID, r.Outcome, r.Findings[0].Message(language.English))
		}
		return nil
	}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", sum)
}

// readOr returns the contents of path, or def when path is "".
func readOr(path string, def []byte) []byte {
	if path == "" {
		return def
	}
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	return b
}
