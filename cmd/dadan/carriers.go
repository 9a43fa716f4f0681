package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"

	"github.com/dadanhq/dadan"
)

// runCarriers lists the courier codes an order's "carrier" field takes.
func runCarriers(_ context.Context, args []string, e *env) int {
	fs := newFlags("carriers", e)
	asJSON := fs.Bool("json", false, `one JSON object per carrier: {"code","name"}`)
	if code, ok := parse(fs, args); !ok {
		return code
	}
	w := bufio.NewWriter(e.stdout)
	defer w.Flush()
	for _, c := range dadan.CarrierCodes {
		if *asJSON {
			b, _ := json.Marshal(struct {
				Code string `json:"code"`
				Name string `json:"name"`
			}{c.Code, c.Name})
			fmt.Fprintf(w, "%s\n", b)
			continue
		}
		fmt.Fprintf(w, "%-6s %s\n", c.Code, c.Name)
	}
	return exitOK
}
