package dadan_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dadanhq/dadan"
	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/zpl"
	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/file"
)

func ExampleStation_Print() {
	dir, _ := os.MkdirTemp("", "spool")
	defer os.RemoveAll(dir)
	spool, _ := file.Open(dir, &file.Options{Ext: "zpl"}) // or dadan.OpenPrinter(ctx, "tcp://...")
	waybill, _ := label.Standard("waybill-76x130")
	zr, _ := zpl.New(nil)
	st, _ := dadan.New(&dadan.Options{
		Printers:  map[string]printer.Printer{"zebra": spool},
		Routes:    map[printer.DocKind]string{printer.Waybill: "zebra"},
		Documents: []dadan.Document{{Kind: printer.Waybill, Template: waybill, Renderer: zr}},
	})
	ctx := context.Background()
	in := `{"id":"TB1","recipient":{"name":"张三","phone":"13800138000","province":"浙江省","city":"杭州市","district":"西湖区","address":"文三路1号"},"items":[{"sku":"CUP","qty":1,"unit_price":"59.90"}],"total":"59.90","waybill":{"tracking_no":"756123456789"}}`
	_, _ = st.Ingest(ctx, strings.NewReader(in), nil)
	sum, _ := st.Print(ctx)
	_ = st.Drain(ctx)
	o, _ := st.Store().GetOrder(ctx, "TB1")
	files, _ := filepath.Glob(filepath.Join(dir, "*.zpl"))
	zplText, _ := os.ReadFile(files[0])
	fmt.Println(sum.Jobs, "job;", o.Status, strings.Contains(string(zplText), "756123456789"))
	// Output: 1 job; printed true
}
