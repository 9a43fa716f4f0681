// Quickstart ingests a file of orders (or the built-in sample) into a station with
// stock and prices, and prints what review decided for each order.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/review"
	"golang.org/x/text/language"
)

func main() {
	var in io.Reader = bytes.NewReader(sample.Orders)
	if len(os.Args) > 1 {
		f, err := os.Open(os.Args[1])
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		in = f
	}
	var stock review.StockMap  // units on hand by SKU
	var prices review.PriceMap // list prices by SKU, decimal strings in JSON
	if err := errors.Join(json.Unmarshal(sample.Stock, &stock), json.Unmarshal(sample.Prices, &prices)); err != nil {
		log.Fatal(err)
	}
	st, err := dadan.New(&dadan.Options{Review: review.Config{Inventory: stock, Prices: prices}})
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
