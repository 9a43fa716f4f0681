package platform_test

import (
	"fmt"

	"github.com/dadanhq/dadan/platform"
)

func ExampleImport() {
	csv := "单号,货号,数量,单价,地址\n" +
		"A1,CUP-500-W,2,59.90,浙江省杭州市余杭区五常街道文一西路969号\n" +
		"A2,SOCK-M-5,两,29.90,北京市朝阳区建国路88号\n"
	m, _ := platform.ParseMapping([]byte(`{"platform": "own", "columns": {"id": "单号", "item.sku": "货号", "item.qty": "数量", "item.unit_price": "单价", "recipient.full_address": "地址"}}`))
	orders, refused, err := platform.Import(platform.CSV, platform.Source{Orders: []byte(csv), OrdersName: "export.csv", Mapping: m})
	if err != nil {
		panic(err)
	}
	for _, o := range orders {
		r := o.Recipient
		fmt.Println(o.ID, o.Items[0].SKU, o.Items[0].Qty, r.Province, r.City, r.District, r.Street, r.Address)
	}
	for _, e := range refused {
		fmt.Println(e)
	}
	// Output:
	// A1 CUP-500-W 2 浙江省 杭州市 余杭区 五常街道 文一西路969号
	// export.csv:3: A2: item.qty: "两" is not a whole number
}
