package zpl_test

import (
	"context"
	"fmt"
	"os"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/zpl"
)

func Example() {
	doc := &label.Document{Pages: []label.Page{{Width: 40, Height: 30, Ops: []label.Op{
		label.TextLine{X: 2, Y: 2, Size: 4, Width: 30, Text: "张三^XZ"}, // data never ends the label
		label.Barcode{X: 2, Y: 10, Module: 0.25, Height: 8, Data: "756123456789"},
	}}}}
	r, err := zpl.New(&zpl.Options{Calibration: label.Calibration{Darkness: 18}})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := r.Render(context.Background(), os.Stdout, doc); err != nil {
		fmt.Println(err)
	}
	// Output:
	// ~SD18
	// ^XA
	// ^CI28
	// ^PW320
	// ^LL240
	// ^LH0,0
	// ^CWJ,E:SIMSUN.TTF
	// ^FO16,16^AJN,32,32^FH_^FD张三_5EXZ^FS
	// ^BY2,3,64^FO16,80^BCN,64,N,N,N,N^FH_^FD>;756123456789^FS
	// ^XZ
}
