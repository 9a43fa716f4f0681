package pdf_test

import (
	"bytes"
	"context"
	"fmt"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/pdf"
)

func ExampleRenderer_Render() {
	r, err := pdf.New(nil) // finds a CJK font on the host
	if err != nil {
		fmt.Println(err)
		return
	}
	doc := &label.Document{Pages: []label.Page{{Width: 76, Height: 130, Ops: []label.Op{
		label.Box{X: 1, Y: 1, W: 74, H: 128, Thickness: 0.3},
		label.TextLine{X: 3, Y: 3, Size: 4, Width: 24, Text: "收件人 张伟"},
	}}}}
	var out bytes.Buffer
	if err := r.Render(context.Background(), &out, doc); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(out.Bytes()[:8]))
	fmt.Println(bytes.Contains(out.Bytes(), []byte("/Type /Page ")))
	// Output:
	// %PDF-1.7
	// true
}

func ExampleWriter() {
	r, err := pdf.New(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var out bytes.Buffer
	w := r.NewWriter(&out)
	for _, name := range []string{"张伟", "王芳", "李娜"} {
		doc := &label.Document{Pages: []label.Page{{Width: 60, Height: 40, Ops: []label.Op{
			label.TextLine{X: 2, Y: 2, Size: 5, Width: 10, Text: name},
		}}}}
		if err := w.Add(context.Background(), doc); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println("pages:", w.Pages())
	if err := w.Close(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.HasSuffix(out.Bytes(), []byte("%%EOF\n")))
	// Output:
	// pages: 3
	// true
}
