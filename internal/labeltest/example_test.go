package labeltest_test

import (
	"fmt"

	"github.com/dadanhq/dadan/internal/labeltest"
	"github.com/dadanhq/dadan/order"
)

func ExampleData() {
	o := &order.Order{
		ID:        "TB2026111100007",
		Recipient: order.Party{Name: "张伟", Province: "北京市", City: "北京市", District: "朝阳区", Address: "阜通东大街15号院"},
		Remark:    order.Remark{Buyer: "放快递柜", Seller: "加急"},
	}
	d := labeltest.Data(o)
	for _, k := range []string{"waybill.tracking_no", "waybill.sort_code", "recipient.address", "order.remark", "print.time"} {
		fmt.Printf("%s: %s\n", k, d.Fields[k])
	}
	// Output:
	// waybill.tracking_no: 756111100007
	// waybill.sort_code: 200-E01-08
	// recipient.address: 北京市朝阳区阜通东大街15号院
	// order.remark: 买家：放快递柜 卖家：加急
	// print.time: 2026-11-11T10:00:00+08:00
}

func ExampleTrackingNo() {
	fmt.Println(labeltest.TrackingNo("PDD2026111100052"))
	fmt.Println(labeltest.TrackingNo("A-7"))
	// Output:
	// 756111100052
	// 750000000007
}
