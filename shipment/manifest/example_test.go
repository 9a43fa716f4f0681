package manifest_test

import (
	"os"
	"time"

	"github.com/dadanhq/dadan/order"
	"github.com/dadanhq/dadan/shipment"
	"github.com/dadanhq/dadan/shipment/manifest"
)

func ExampleWriteCSV() {
	m := &shipment.Manifest{Carrier: "ZTO", Date: time.Date(2026, 11, 11, 0, 0, 0, 0, time.UTC), Batch: "001",
		Parcels: []shipment.Parcel{{TrackingNo: "756123456789", OrderID: "TB1", WeightGrams: 820,
			Recipient: order.Party{Name: "张三", Phone: "13800138000", Province: "浙江省", City: "杭州市", District: "余杭区", Address: "文一西路969号"}}}}
	_ = manifest.WriteCSV(os.Stdout, m)
	// Output:
	// no,tracking_no,order,carrier,recipient,phone,destination,piece,weight_g
	// 1,756123456789,TB1,ZTO,张*,138****8000,浙江省杭州市余杭区,1,820
}
