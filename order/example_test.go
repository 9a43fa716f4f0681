package order_test

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dadanhq/dadan/order"
)

func ExampleDecoder() {
	in := `{"id":"TB1","platform":"taobao","items":[{"sku":"CUP","qty":2,"unit_price":"59.90"}],"total":"119.80"}
{"id":"TB2","total":"abc"}
{"id":"TB3","platform":"jd","total":"1.00"}`
	d := order.NewDecoder(strings.NewReader(in))
	for o, err := range d.All() {
		if err != nil {
			fmt.Println("refused:", err)
			continue
		}
		fmt.Println(o.ID, o.Platform, o.Total.StringFixed(2))
	}
	// Output:
	// TB1 taobao 119.80
	// refused: order: line 2: order TB2: field total: order: money is not a decimal: "abc"
	// TB3 jd 1.00
}

func ExampleMove() {
	o := &order.Order{ID: "TB1", Status: order.Received}
	at := time.Date(2026, 11, 11, 9, 30, 0, 0, time.UTC)
	ev, err := order.Move(o, order.Approved, at, "alice", order.ActReviewed, "")
	fmt.Println(ev.From, "->", ev.To, "by", ev.Actor, err)
	_, err = order.Move(o, order.Shipped, at, "bob", order.ActShipped, "")
	fmt.Println(err)
	// Output:
	// received -> approved by alice <nil>
	// order TB1: cannot go from approved to shipped
}

// A narrow update is what printing changes: its Fn sees only the order's ID,
// status, revision and waybill, and may change only the status and waybill.
func ExampleUpdate_Apply() {
	stored := &order.Order{ID: "TB1", Status: order.Approved, Recipient: order.Party{Name: "欧阳娜娜"}}
	at := time.Date(2026, 11, 11, 9, 0, 0, 0, time.UTC)
	number := order.Update{ID: "TB1", Narrow: true, Fn: func(o *order.Order) ([]order.Event, error) {
		fmt.Printf("Fn sees %q %s\n", o.Recipient.Name, o.Status)
		o.Waybill = &order.Waybill{TrackingNo: "SF100"}
		return []order.Event{order.Note(o, at, "station-1", order.ActNote, "waybill SF100 allocated")}, nil
	}}
	evs, err := number.Apply(stored)
	fmt.Println(len(evs), err, stored.Waybill.TrackingNo, stored.Recipient.Name)

	tooMuch := order.Update{ID: "TB1", Narrow: true, Fn: func(o *order.Order) ([]order.Event, error) {
		o.Recipient.Name = "someone else"
		return nil, nil
	}}
	_, err = tooMuch.Apply(stored)
	fmt.Println(errors.Is(err, order.ErrNotNarrow), stored.Recipient.Name)
	// Output:
	// Fn sees "" approved
	// 1 <nil> SF100 欧阳娜娜
	// true 欧阳娜娜
}
