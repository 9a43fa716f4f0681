package label_test

import (
	"errors"
	"fmt"

	"github.com/dadanhq/dadan/label"
)

func ExampleLayout() {
	tpl := &label.Template{Name: "demo", Version: "1", Width: 60, Height: 20, Elements: []label.Element{
		&label.TextElement{X: 2, Y: 2, W: 56, H: 5, Size: 4, Bold: true,
			Text: "收 {recipient.name|private_name} {recipient.phone|private_phone}"},
		&label.Code128Element{X: 0, Y: 8, W: 60, H: 8, Data: "{waybill.tracking_no}"},
	}}
	d := &label.Data{Fields: map[string]string{
		"recipient.name": "张三", "recipient.phone": "13800138000", "waybill.tracking_no": "756123456789",
	}}
	doc, err := label.Layout(tpl, d, &label.LayoutOptions{Mask: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, op := range doc.Pages[0].Ops {
		switch op := op.(type) {
		case label.TextLine:
			fmt.Printf("text %q at %.1f,%.1f size %.1f width %.1f\n", op.Text, op.X, op.Y, op.Size, op.Width)
		case label.Barcode:
			fmt.Printf("code128 %q, %d modules of %.3f mm\n", op.Data, len(op.Modules), op.Module)
		}
	}
	// Output:
	// text "收 张* 138****8000" at 2.0,2.5 size 4.0 width 36.0
	// code128 "756123456789", 101 modules of 0.375 mm
}

func ExampleMaskPhone() {
	fmt.Println(label.MaskPhone("13800138000"))
	fmt.Println(label.MaskPhone("13800138000-1234"))
	fmt.Println(label.MaskPhone("0571-87654321"))
	// Output:
	// 138****8000
	// 138****8000-1234
	// 0571-****4321
}

func ExampleMaskName() {
	fmt.Println(label.MaskName("张三"), label.MaskName("欧阳娜娜"), label.MaskName("阿依古丽·买买提"))
	// Output: 张* 欧阳** 阿*·买*
}

func ExampleWrap() {
	for _, line := range label.Wrap(nil, "浙江省杭州市余杭区 文一西路969号", 8) {
		fmt.Println(line)
	}
	// Output:
	// 浙江省杭州市余杭
	// 区 文一西路969号
}

// A renderer that draws text in its own fonts measures it by their advances; a
// layout for it wraps by them (see LayoutOptions.ForRenderer).
func ExampleMeasure() {
	// A proportional font: W is almost an em wide, i a quarter.
	m := label.NewMeasure(func(r rune) float64 {
		switch r {
		case 'W':
			return 0.95
		case 'i':
			return 0.25
		}
		return 0.5
	})
	fmt.Println(m.Text("WWii"), label.TextEm("WWii"))
	fmt.Printf("%q\n", m.Wrap(nil, "WWWW iiii", 3))
	var cells *label.Measure // nil: the cell measure of printer fonts
	fmt.Printf("%q\n", cells.Wrap(nil, "WWWW iiii", 3))
	// Output:
	// 2.4 2
	// ["WWW" "W iiii"]
	// ["WWWW" "iiii"]
}

func ExampleStandard() {
	tpl, err := label.Standard("waybill-76x130")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(tpl.Name, tpl.Width, tpl.Height, len(tpl.Hash()))
	// Output: waybill-76x130 76 130 64
}

func ExampleEncodeCode128() {
	mods, err := label.EncodeCode128("12")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range mods[:11] {
		if m {
			fmt.Print("1")
		} else {
			fmt.Print("0")
		}
	}
	fmt.Println(" (start C)", len(mods))
	_, err = label.EncodeCode128("运单")
	fmt.Println(err)
	// Output:
	// 11010011100 (start C) 46
	// label: cannot encode value: code128: byte 0xe8 at 0 is not printable ASCII
}

// Renderers place barcodes in whole printer dots with Barcode.Dots: the module is
// rounded first, and position and width follow from it, so the symbol stays in
// the room layout reserved at every resolution.
func ExampleBarcode_Dots() {
	tpl := &label.Template{Name: "sku", Version: "1", Width: 60, Height: 20, Elements: []label.Element{
		&label.Code128Element{X: 0, Y: 2, W: 60, H: 12, Data: "{item.sku}", Module: 0.33},
	}}
	doc, err := label.Layout(tpl, &label.Data{Fields: map[string]string{"item.sku": "TEA-PUER-357"}}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	b := doc.Pages[0].Ops[0].(label.Barcode)
	for _, dpi := range []int{203, 300} {
		g, _ := b.Dots(dpi)
		fmt.Printf("%d dpi: module %d, bars %d-%d\n", dpi, g.Module, g.X, g.X+g.Width)
	}
	// A box too narrow for the symbol and its quiet zones is an error before
	// anything prints.
	tpl.Elements[0].(*label.Code128Element).W = 40
	_, err = label.Layout(tpl, &label.Data{Fields: map[string]string{"item.sku": "TEA-PUER-357"}}, nil)
	var fe *label.FitError
	if errors.As(err, &fe) {
		fmt.Printf("%s: needs %.1f mm, has %.1f mm\n", fe.Field, fe.Need, fe.Have)
	}
	// Output:
	// 203 dpi: module 2, bars 73-407
	// 300 dpi: module 3, bars 104-605
	// item.sku: needs 47.5 mm, has 40.0 mm
}

// A station printing one template all day keeps a Layouter per document: each
// layout reuses the last one's buffers, so a document must be rendered (or what
// is kept copied) before the next layout.
func ExampleLayouter() {
	tpl := &label.Template{Name: "demo", Version: "1", Width: 60, Height: 12, Elements: []label.Element{
		&label.TextElement{X: 2, Y: 2, W: 56, H: 5, Size: 4, Text: "收 {recipient.name}"},
		&label.QRElement{X: 40, Y: 0, Size: 12, Data: "{waybill.tracking_no}"},
	}}
	lo := label.NewLayouter(tpl)
	// A printer that encodes QR codes itself (ZPL ^BQ) needs their size only.
	opts := &label.LayoutOptions{QRByPrinter: true}
	for _, name := range []string{"张三", "李四"} {
		d := &label.Data{Fields: map[string]string{"recipient.name": name, "waybill.tracking_no": "756123456789"}}
		doc, err := lo.Layout(d, opts)
		if err != nil {
			fmt.Println(err)
			return
		}
		q := doc.Pages[0].Ops[1].(label.QR)
		fmt.Printf("%s, QR %q with modules: %v\n", doc.Pages[0].Ops[0].(label.TextLine).Text, q.Data, q.Modules != nil)
	}
	// Output:
	// 收 张三, QR "756123456789" with modules: false
	// 收 李四, QR "756123456789" with modules: false
}

// A host that fills the same standard fields order after order holds them by
// number in Data.Std, which a template binds without looking names up; a field
// also in Fields is taken from there.
func ExampleFieldSet() {
	tpl := &label.Template{Name: "demo", Version: "1", Width: 60, Height: 12, Elements: []label.Element{
		&label.TextElement{X: 2, Y: 2, W: 56, H: 5, Size: 4, Text: "收 {recipient.name} {recipient.phone|mask_phone}"},
	}}
	lo := label.NewLayouter(tpl)
	var d label.Data
	for _, o := range [][2]string{{"张三", "13800138000"}, {"李四", "13900139000"}} {
		d.Std.Set(label.FieldRecipientName, o[0])
		d.Std.Set(label.FieldRecipientPhone, o[1])
		doc, err := lo.Layout(&d, nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(doc.Pages[0].Ops[0].(label.TextLine).Text)
	}
	id, _ := label.FieldByName("recipient.phone")
	fmt.Println(id == label.FieldRecipientPhone, id.Name())
	// Output:
	// 收 张三 138****8000
	// 收 李四 139****9000
	// true recipient.phone
}
