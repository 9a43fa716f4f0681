package tcp_test

import (
	"context"
	"fmt"

	"github.com/dadanhq/dadan/printer/printertest"
	"github.com/dadanhq/dadan/printer/tcp"
)

func Example() {
	emu, _ := printertest.New(nil) // a ZPL printer on 127.0.0.1
	defer emu.Close()

	ctx := context.Background()
	p, err := tcp.Dial(ctx, emu.Addr(), &tcp.Options{Language: tcp.ZPL})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	if err := p.Print(ctx, []byte("^XA^FO20,20^A0N,30,30^FDHello^FS^XZ")); err != nil {
		fmt.Println(err)
		return
	}
	st, err := p.Status(ctx)
	fmt.Println(st.States, err, len(emu.Printed()))
	// Output: ready <nil> 1
}
