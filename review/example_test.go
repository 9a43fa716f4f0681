package review_test

import (
	"context"
	"fmt"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/review"
	"github.com/shopspring/decimal"
	"golang.org/x/text/language"
)

func exampleOrder(id string, paid int, qty int) *order.Order {
	price := decimal.RequireFromString("388.00")
	return &order.Order{
		ID: id, Shop: "旗舰店", Buyer: order.Buyer{Nick: "buyer_" + id},
		PaidAt: time.Date(2026, 11, 11, 0, paid, 0, 0, time.UTC),
		Recipient: order.Party{Name: "张三", Phone: "13800138000", Province: "浙江", City: "杭州市",
			District: "余杭区", Address: "文一西路" + id + "号"},
		Items: []order.Item{{SKU: "TEA-LJ-250", Qty: qty, UnitPrice: price}},
		Total: price.Mul(decimal.NewFromInt(int64(qty))),
	}
}

func Example() {
	engine, err := review.New(review.Config{
		Inventory: review.StockMap{"TEA-LJ-250": 6},
		Prices:    review.PriceMap{"TEA-LJ-250": decimal.RequireFromString("388.00")},
	})
	if err != nil {
		panic(err)
	}
	late := exampleOrder("A", 30, 3)
	early := exampleOrder("B", 5, 4)
	noPhone := exampleOrder("C", 1, 1)
	noPhone.Recipient.Phone = "1380013800"
	wrongTotal := exampleOrder("D", 2, 1)
	wrongTotal.Total = decimal.RequireFromString("1.00")

	results, err := engine.Review(context.Background(), []*order.Order{late, early, noPhone, wrongTotal}, nil)
	if err != nil {
		panic(err)
	}
	for _, r := range results {
		fmt.Println(r.OrderID, r.Outcome)
		for _, f := range r.Findings {
			fmt.Printf("  %s %s: %s\n", f.Code, f.Field, f.Message(language.English))
		}
	}
	// Output:
	// A hold
	//   stock.short items[0].qty: TEA-LJ-250: 3 needed, 2 left
	// B approve
	// C reject
	//   recipient.phone.invalid recipient.phone: recipient phone "1380013800" is not a valid number
	// D hold
	//   total.mismatch total: total 1.00 does not match items − discount + shipping = 388.00
}

func ExampleFinding_Message() {
	f := review.Finding{Code: review.CodeStockShort, Field: "items[0].qty", Severity: review.SeverityHold, Args: []any{"TEA-LJ-250", 3, 1}}
	fmt.Println(f.Message(language.English))
	fmt.Println(f.Message(language.MustParse("zh-CN")))
	// Output:
	// TEA-LJ-250: 3 needed, 1 left
	// TEA-LJ-250 缺货：需要 3，剩余 1
}

func ExampleNormalizePhone() {
	for _, s := range []string{"+86 138 0013 8000", "0571-87654321", "13800138000转1234", "1380013800"} {
		p, err := review.NormalizePhone(s)
		if err != nil {
			fmt.Println("invalid:", s)
			continue
		}
		fmt.Println(p.Kind, p)
	}
	// Output:
	// mobile 13800138000
	// landline 0571-87654321
	// virtual 13800138000-1234
	// invalid: 1380013800
}

func ExampleApply() {
	o := exampleOrder("E", 0, 1)
	o.Status = order.OnHold
	events, err := review.Apply(o, review.Exchange{Line: 0, SKU: "TEA-LJ-100", Name: "西湖龙井", Spec: "100g"}, time.Now(), "kefu01")
	if err != nil {
		panic(err)
	}
	for _, ev := range events {
		fmt.Println(ev.Action, ev.From, "→", ev.To, ev.Detail)
	}
	// Output:
	// resolved on_hold → received exchange line 0: TEA-LJ-250 → TEA-LJ-100
}

// shelf is a SeenMany: the ids an ERP already holds, answered a batch at a time.
type shelf map[string]bool

func (s shelf) HasOrder(_ context.Context, id string) (bool, error) { return s[id], nil }

func (s shelf) HasOrders(_ context.Context, ids []string) ([]bool, error) {
	fmt.Println("asked about", ids)
	out := make([]bool, len(ids))
	for i, id := range ids {
		out[i] = s[id]
	}
	return out, nil
}

func ExampleSeenMany() {
	engine, err := review.New(review.Config{Seen: shelf{"A": true}})
	if err != nil {
		panic(err)
	}
	results, err := engine.Review(context.Background(), []*order.Order{
		exampleOrder("A", 1, 1), exampleOrder("B", 2, 1), exampleOrder("C", 3, 1)}, nil)
	if err != nil {
		panic(err)
	}
	for _, r := range results {
		fmt.Println(r.OrderID, r.Outcome)
	}
	// Output:
	// asked about [A B C]
	// A reject
	// B approve
	// C approve
}
