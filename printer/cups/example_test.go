package cups_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/cups"
)

// Open a raw queue on the local CUPS server, print a ZPL label and wait
// until CUPS reports the job completed.
func ExampleOpen() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := cups.Open(ctx, "zebra", &cups.Options{Host: "localhost:631"})
	if errors.Is(err, printer.ErrOffline) {
		fmt.Println("CUPS is not running")
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	if st, err := p.Status(ctx); err == nil && !st.Ready() {
		fmt.Println("printer not ready:", st.States)
		return
	}
	if err := p.Print(ctx, []byte("^XA^FO50,50^A0N,40,40^FDdadan^FS^XZ")); err != nil {
		fmt.Println(err)
	}
}

func ExampleStatusFromAttributes() {
	st := cups.StatusFromAttributes(5, []string{"paused", "media-empty-error"}, true)
	fmt.Println(st.Has(printer.Paused), st.Has(printer.PaperOut), st.Ready())
	st = cups.StatusFromAttributes(3, []string{"none"}, true)
	fmt.Println(st.Ready())
	// Output:
	// true true false
	// true
}
