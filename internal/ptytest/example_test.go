package ptytest_test

import (
	"fmt"
	"testing"

	"github.com/dadanhq/dadan/internal/ptytest"
)

// A test opens the host end as its printer's serial port and reads what the
// printer end received.
func Example() {
	var t testing.T // in a test, the test's own *testing.T
	line := ptytest.New(&t)
	fmt.Println("serial://" + line.Host + "?baud=115200")
	_ = line.Bytes()
}
