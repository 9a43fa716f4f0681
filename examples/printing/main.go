// Printing reviews the built-in sample orders and prints a ZPL waybill for each
// approved one to a label printer: the URL given as the first argument
// (tcp://host:9100, file:///dir, cups://queue ...), or an emulated network printer
// started here. It then shows what the printer received and the journal of one order.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/zpl"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/review"
	"github.com/dadanhq/dadan/store/memstore"
)

func main() {
	ctx := access.NewContext(context.Background(), access.Principal{ID: "packer-3"})
	url := ""
	var emu *printertest.Printer
	if len(os.Args) > 1 {
		url = os.Args[1]
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
	if err := errors.Join(json.Unmarshal(sample.Stock, &stock), json.Unmarshal(sample.Prices, &prices)); err != nil {
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
	if _, err := st.Ingest(ctx, bytes.NewReader(sample.Orders), nil); err != nil {
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
	for ev := range store.Journal(ctx, 0) {
		if ev.OrderID == "TB2026111100000" {
			fmt.Println(ev.Seq, ev.Time.Format("15:04:05"), ev.Actor, ev.Action, ev.From, "->", ev.To, ev.Detail)
		}
	}
}
