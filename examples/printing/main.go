// Printing reviews orders and prints a ZPL waybill for each approved one to a
// label printer: the URL given as the first argument (tcp://host:9100,
// file:///dir, cups://queue ...), or an emulated network printer started here. It
// then shows what the printer received and the journal of the first order.
//
//	go run ./examples/printing [-orders FILE] [-stock FILE] [-prices FILE] [URL]
//
// Its data ship beside this file (orders.jsonl, stock.json, prices.json) and are
// compiled in, so a copy of this directory runs in any module; with -orders only
// the stock and prices given are checked.
package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/zpl"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/store/memstore"
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
	ordersPath := flag.String("orders", "", "orders FILE; default the example's orders.jsonl")
	stockPath := flag.String("stock", "", "stock FILE: units on hand by SKU")
	pricesPath := flag.String("prices", "", "prices FILE: list prices by SKU")
	flag.Parse()
	orders, stockJSON, pricesJSON := exampleOrders, exampleStock, examplePrices
	if *ordersPath != "" {
		orders, stockJSON, pricesJSON = readFile(*ordersPath), []byte("{}"), []byte("{}")
	}
	if *stockPath != "" {
		stockJSON = readFile(*stockPath)
	}
	if *pricesPath != "" {
		pricesJSON = readFile(*pricesPath)
	}

	ctx := access.NewContext(context.Background(), access.Principal{ID: "packer-3"})
	url := ""
	var emu *printertest.Printer
	if flag.NArg() > 0 {
		url = flag.Arg(0)
	} else {
		var err error
		if emu, err = printertest.New(nil); err != nil {
			log.Fatal(err)
		}
		defer emu.Close()
		url = "tcp://" + emu.Addr()
	}
	zebra, err := dadan.OpenPrinter(ctx, url)
	if err != nil {
		log.Fatal(err)
	}
	defer zebra.Close()

	var stock review.StockMap
	var prices review.PriceMap
	if err := errors.Join(json.Unmarshal(stockJSON, &stock), json.Unmarshal(pricesJSON, &prices)); err != nil {
		log.Fatal(err)
	}
	waybill, err := label.Standard("waybill-76x130")
	if err != nil {
		log.Fatal(err)
	}
	zr, err := zpl.New(&zpl.Options{DPI: 203})
	if err != nil {
		log.Fatal(err)
	}
	store := memstore.New()
	st, err := dadan.New(&dadan.Options{
		Store:     store,
		Review:    review.Config{Inventory: stock, Prices: prices},
		Printers:  map[string]printer.Printer{"zebra": zebra},
		Routes:    map[printer.DocKind]string{printer.Waybill: "zebra"},
		Documents: []dadan.Document{{Kind: printer.Waybill, Template: waybill, Renderer: zr}},
		Carrier:   dadan.TestCarrier(), // test number ranges; use your courier's in production
		Layout:    label.LayoutOptions{Mask: true},
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := st.Ingest(ctx, bytes.NewReader(orders), nil); err != nil {
		log.Fatal(err)
	}
	ps, err := st.Print(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if err := st.Drain(ctx); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("queued %d waybills for %d orders, %d could not print\n", ps.Jobs, ps.Orders, len(ps.Failed))
	if emu != nil {
		fmt.Printf("the printer printed %d labels\n", len(emu.Printed()))
	}
	first := ""
	for ev := range store.Journal(ctx, 0) {
		if first == "" {
			first = ev.OrderID
		}
		if ev.OrderID == first {
			fmt.Println(ev.Seq, ev.Time.Format("15:04:05"), ev.Actor, ev.Action, ev.From, "->", ev.To, ev.Detail)
		}
	}
}

// readFile returns the contents of path or stops the program.
func readFile(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	return b
}
