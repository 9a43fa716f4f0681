package main

import (
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"strings"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/platform"
)

// runImport reads a platform export and writes the orders as JSON lines on
// standard output; each row it cannot map is refused on stderr with its line
// and the reason, and the exit status is then 1.
func runImport(_ context.Context, args []string, e *env) int {
	fs := newFlags("import", e)
	var names []string
	for _, f := range platform.Formats() {
		names = append(names, string(f))
	}
	format := fs.String("format", "", "export format: `"+strings.Join(names, "|")+"`")
	ordersPath := fs.String("orders", "", "the order file (`FILE`; - for standard input)")
	itemsPath := fs.String("items", "", "the item file, for taobao: the 宝贝报表 (`FILE`)")
	mappingPath := fs.String("mapping", "", "the column mapping of a csv import (`FILE`)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if code, ok := checkAccess(fs); !ok {
		return code
	}
	if fs.NArg() > 0 {
		e.errorf("import: unexpected argument %q", fs.Arg(0))
		return exitUsage
	}
	f := platform.Format(*format)
	known := false
	for _, k := range platform.Formats() {
		known = known || k == f
	}
	if !known || *ordersPath == "" {
		e.errorf("import: --format %s and --orders FILE are required", strings.Join(names, "|"))
		return exitUsage
	}
	if *itemsPath != "" && f != platform.Taobao {
		e.errorf("import: --items is for --format taobao")
		return exitUsage
	}
	if (*mappingPath != "") != (f == platform.CSV) {
		e.errorf("import: --mapping FILE goes with --format csv, and only with it")
		return exitUsage
	}
	src := platform.Source{OrdersName: *ordersPath, ItemsName: *itemsPath}
	var err error
	if *ordersPath == "-" {
		src.Orders, err = io.ReadAll(e.stdin)
	} else {
		src.Orders, err = os.ReadFile(*ordersPath)
	}
	if err != nil {
		e.errorf("import: %v", err)
		return exitRefused
	}
	if *itemsPath != "" {
		if src.Items, err = os.ReadFile(*itemsPath); err != nil {
			e.errorf("import: %v", err)
			return exitRefused
		}
	}
	if *mappingPath != "" {
		b, err := os.ReadFile(*mappingPath)
		if err == nil {
			src.Mapping, err = platform.ParseMapping(b)
		}
		if err != nil {
			e.errorf("import: %v", err)
			return exitRefused
		}
	}
	orders, refused, err := platform.Import(f, src)
	if err != nil {
		e.errorf("import: %v", err)
		return exitRefused
	}
	enc := order.NewEncoder(e.stdout)
	for _, o := range orders {
		if err := enc.Encode(o); err != nil {
			e.errorf("import: %v", err)
			return exitRefused
		}
	}
	if err := enc.Flush(); err != nil {
		e.errorf("import: %v", err)
		return exitRefused
	}
	for _, r := range refused {
		e.errorf("import: refused %v", r)
	}
	if len(refused) > 0 {
		return exitRefused
	}
	return exitOK
}
