package printer_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/printer/tcp"
	"github.com/dadanhq/dadan/store/memstore"
)

func ExampleSpooler() {
	emu, _ := printertest.New(nil) // stands in for a Zebra printer on port 9100
	defer emu.Close()
	ctx := context.Background()
	zebra, err := tcp.Dial(ctx, emu.Addr(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer zebra.Close()

	s, _ := printer.New(memstore.New(), map[string]printer.Printer{"zebra-1": zebra}, &printer.Options{
		Routes: map[printer.DocKind]string{printer.Waybill: "zebra-1"},
		OnEvent: func(e printer.Event) {
			if e.Kind == printer.EventPrinted {
				fmt.Println("printed", e.Job.Key)
			}
		},
	})
	key := printer.JobKey{Order: "TB2026111100001", Doc: printer.Waybill, Template: "waybill-76x130", Version: "3", Copy: 1}
	s.Submit(ctx, printer.JobSpec{Key: key, Data: []byte("^XA^FDTB2026111100001^FS^XZ"), MediaLength: 130})
	_, err = s.Submit(ctx, printer.JobSpec{Key: key, Data: []byte("^XA^FDTB2026111100001^FS^XZ")})
	fmt.Println(err != nil) // the same key is not queued twice
	if err := s.Drain(ctx); err != nil {
		fmt.Println(err)
	}
	fmt.Println(len(emu.Printed()), "label")
	// Output:
	// true
	// printed TB2026111100001/waybill/waybill-76x130@3#1
	// 1 label
}

func ExampleParseHostStatus() {
	reply := []byte("\x02030,1,0,1218,000,0,0,0,000,0,0,0\x03\r\n" +
		"\x02001,0,1,0,0,2,6,0,00000000,1,000\x03\r\n" +
		"\x021234,0\x03\r\n")
	st, err := printer.ParseHostStatus(reply)
	fmt.Println(st.States, st.Ready(), err)
	// Output: paper out|head open false <nil>
}

func ExampleParseRealTimeStatus() {
	st, err := printer.ParseRealTimeStatus(4, 0x7e) // DLE EOT 4: roll paper sensor
	fmt.Println(st.States, err)
	// Output: paper out|paper near end <nil>
}

func ExampleParseTSPLStatus() {
	st, err := printer.ParseTSPLStatus([]byte{0x24}) // <ESC>!? answered: printing, out of paper
	fmt.Println(st.States, st.Ready(), st.Pending, err)
	// Output: paper out false 1 <nil>
}

func ExampleOneWay() {
	emu, _ := printertest.New(nil)
	defer emu.Close()
	emu.NoStatus() // a printer that never answers, as with status=none in a URL
	ctx := context.Background()
	p, err := tcp.Dial(ctx, emu.Addr(), &tcp.Options{Status: printer.StatusNone})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	var dev printer.Printer = p
	if ow, ok := dev.(printer.OneWay); ok && ow.OneWay() {
		// Print's nil error is all there is to know: the printer's TCP stack
		// acknowledged every byte.
		fmt.Println(dev.Print(ctx, []byte("^XA^FDone-way^FS^XZ")))
	}
	_, err = p.Status(ctx)
	fmt.Println(errors.Is(err, printer.ErrNoStatus), emu.QueriesReceived())
	// Output:
	// <nil>
	// true 0
}
