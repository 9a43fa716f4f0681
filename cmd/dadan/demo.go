package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/review"
)

func runDemo(ctx context.Context, args []string, e *env) int {
	fs := newFlags("demo", e)
	out := fs.String("out", "", "`DIR` for the printed documents (default: a new temporary directory)")
	lang := fs.String("lang", "zh", "language of messages: zh or en")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	_ = out
	tag, err := langTag(*lang)
	if err != nil {
		e.errorf("demo: %v", err)
		return exitUsage
	}
	var stock review.StockMap
	if err := json.Unmarshal(sample.Stock, &stock); err != nil {
		e.errorf("demo: sample stock: %v", err)
		return exitRefused
	}
	prices, err := parsePrices(sample.Prices, "sample prices")
	if err != nil {
		e.errorf("demo: %v", err)
		return exitRefused
	}
	st, err := dadan.New(&dadan.Options{Review: review.Config{Inventory: stock, Prices: prices}})
	if err != nil {
		e.errorf("demo: %v", err)
		return exitRefused
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	sum, err := st.Ingest(ctx, bytes.NewReader(sample.Orders), &dadan.IngestOptions{OnResult: func(r dadan.Result) error {
		printResult(w, r, tag)
		return nil
	}})
	if err != nil {
		e.errorf("demo: %v", err)
		return exitRefused
	}
	printSummary(w, sum, tag)
	return exitOK
}
