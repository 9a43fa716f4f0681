package pool_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/shipment/pool"
)

func Example() {
	ctx := context.Background()
	p, err := pool.New([]pool.Range{
		{Carrier: "ZTO", Prefix: "75", Start: 1, End: 2, Width: 10},
		{Carrier: "EMS", Prefix: "EE", Suffix: "CN", Start: 12345678, End: 12345699, Width: 8, S10: true},
	}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range []string{"ZTO", "EMS", "ZTO", "ZTO"} {
		w, err := p.Allocate(ctx, shipment.AllocateRequest{Carrier: c, OrderID: "TB2026111100001"})
		if errors.Is(err, shipment.ErrExhausted) {
			fmt.Println(c, "exhausted")
			continue
		}
		fmt.Println(c, w.TrackingNo)
	}
	_ = p.MarkCollected("750000000001")
	fmt.Println(errors.Is(p.Cancel(ctx, "750000000001"), shipment.ErrCollected))
	// Output:
	// ZTO 750000000001
	// EMS EE123456785CN
	// ZTO 750000000002
	// ZTO exhausted
	// true
}

func ExampleValidateS10() {
	d, _ := pool.S10CheckDigit("47312482")
	fmt.Printf("%c\n", d)
	fmt.Println(pool.ValidateS10("RR473124829GB"))
	fmt.Println(pool.ValidateS10("RR473124828GB"))
	// Output:
	// 9
	// <nil>
	// pool: not a valid S10 number: "RR473124828GB": check digit is 8, want 9
}
