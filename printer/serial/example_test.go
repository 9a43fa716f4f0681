package serial_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/printer"
	"github.com/dadanhq/dadan/printer/serial"
)

// Print a receipt on an ESC/POS printer behind a USB serial adapter, after
// checking that it has paper.
func ExampleOpen() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := serial.Open(ctx, "/dev/ttyUSB0", &serial.Options{Baud: 115200, Language: serial.ESCPOS})
	if errors.Is(err, printer.ErrOffline) {
		fmt.Println("no printer on /dev/ttyUSB0")
		return
	}
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Close()
	st, err := p.Status(ctx)
	if err != nil || st.Has(printer.PaperOut) {
		fmt.Println("not ready:", st.States, err)
		return
	}
	_ = p.Print(ctx, []byte("\x1b@dadan\n\x1dV\x00"))
}

func ExampleBaudError() {
	_, err := serial.Open(context.Background(), "/dev/ttyS0", &serial.Options{Baud: 14400})
	var be *serial.BaudError
	fmt.Println(errors.As(err, &be), be.Baud)
	// Output:
	// true 14400
}
