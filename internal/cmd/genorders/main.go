// Command genorders writes generated orders as JSON Lines, for whole-process
// runs: distinct ids, realistic names, addresses and items, from a seed.
//
//	go run ./internal/cmd/genorders -n 1000000 > orders.jsonl
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/dadanhq/dadan/order/ordertest"
)

func main() {
	n := flag.Int("n", 10000, "number of orders")
	seed := flag.Uint64("seed", 1, "generator seed")
	flag.Parse()
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	if err := ordertest.New(*seed).WriteJSONL(w, *n); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
