package escpos_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/escpos"
)

func Example() {
	doc := &label.Document{Pages: []label.Page{{Width: 48, Height: 10, Ops: []label.Op{
		label.TextLine{X: 0, Y: 0, Size: 3, Width: 12, Text: "收件人"},
		label.TextLine{X: 16, Y: 0, Size: 3, Width: 4, Text: "张三\x1b@"}, // control bytes are dropped
	}}}}
	r, err := escpos.New(&escpos.Options{PaperWidth: escpos.Paper58, Cut: escpos.CutPartial})
	if err != nil {
		fmt.Println(err)
		return
	}
	var out strings.Builder
	if err := r.Render(context.Background(), &out, doc); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("% X\n", out.String())
	// Output:
	// 1B 40 1C 26 1B 24 00 00 CA D5 BC FE C8 CB 1B 24 80 00 D5 C5 C8 FD 40 1B 4A 18 1B 4A 38 1D 56 42 00
}
