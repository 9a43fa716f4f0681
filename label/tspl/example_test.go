package tspl_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/tspl"
)

func Example() {
	doc := &label.Document{Pages: []label.Page{{Width: 40, Height: 30, Ops: []label.Op{
		label.TextLine{X: 2, Y: 2, Size: 3, Width: 30, Text: "SKU CUP-500\r\nPRINT 9"}, // data never adds a command
		label.Barcode{X: 2, Y: 10, Module: 0.25, Height: 8, Data: "756123456789"},
		label.Box{X: 1, Y: 1, W: 38, H: 28, Thickness: 0.25},
	}}}}
	r, err := tspl.New(&tspl.Options{Calibration: label.Calibration{Darkness: 16}})
	if err != nil {
		fmt.Println(err)
		return
	}
	var buf bytes.Buffer
	if err := r.Render(context.Background(), &buf, doc); err != nil {
		fmt.Println(err)
		return
	}
	// Commands end with CR LF; shown here with LF.
	fmt.Print(strings.ReplaceAll(buf.String(), "\r\n", "\n"))
	// Output:
	// SIZE 40 mm,30 mm
	// GAP 2 mm,0 mm
	// DIRECTION 0
	// REFERENCE 0,0
	// DENSITY 8
	// CLS
	// TEXT 16,16,"TSS24.BF2",0,1,1,"SKU CUP-500 PRINT 9"
	// BARCODE 16,80,"128M",64,0,0,2,2,"!105756123456789"
	// BOX 8,8,312,232,2
	// PRINT 1,1
}

// A packing list on A4 does not fit a label printer.
func ExamplePageSizeError() {
	r, _ := tspl.New(nil)
	_, err := r.AppendDocument(nil, &label.Document{Pages: []label.Page{{Width: 210, Height: 297}}})
	fmt.Println(err)
	// Output:
	// tspl: page does not fit the printer: page 0 is 210 x 297 mm, the printer prints at most 108 mm wide
}
