package qr_test

import (
	"fmt"

	"github.com/dadanhq/dadan/label/qr"
)

func ExampleEncode() {
	c, err := qr.Encode("756123456789", qr.Medium)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Version, c.Mode, c.Size(), len(c.Modules))
	// Output: 1 numeric 21 21
}
