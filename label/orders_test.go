package label_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/internal/sample"
	"github.com/dadanhq/dadan/label"
)

// sampleOrder is the part of the order JSON the tests need.
type sampleOrder struct {
	ID        string `json:"id"`
	Platform  string `json:"platform"`
	Shop      string `json:"shop"`
	CreatedAt string `json:"created_at"`
	Recipient party  `json:"recipient"`
	Sender    party  `json:"sender"`
	Items     []struct {
		SKU       string `json:"sku"`
		Barcode   string `json:"barcode"`
		Name      string `json:"name"`
		Spec      string `json:"spec"`
		Qty       int    `json:"qty"`
		UnitPrice string `json:"unit_price"`
		Location  string `json:"location"`
	} `json:"items"`
	Total  string `json:"total"`
	Remark struct {
		Buyer  string `json:"buyer"`
		Seller string `json:"seller"`
	} `json:"remark"`
	Waybill *struct {
		TrackingNo string `json:"tracking_no"`
		SortCode   string `json:"sort_code"`
		Mark       string `json:"mark"`
		BagAddr    string `json:"bag_addr"`
	} `json:"waybill"`
}

type party struct {
	Name     string `json:"name"`
	Phone    string `json:"phone"`
	Province string `json:"province"`
	City     string `json:"city"`
	District string `json:"district"`
	Street   string `json:"street"`
	Address  string `json:"address"`
}

func (p party) line() string {
	return p.Province + p.City + p.District + p.Street + p.Address
}

func loadOrders(tb testing.TB) []sampleOrder {
	tb.Helper()
	var out []sampleOrder
	sc := bufio.NewScanner(bytes.NewReader(sample.Orders))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var o sampleOrder
		require.NoError(tb, json.Unmarshal(sc.Bytes(), &o))
		out = append(out, o)
	}
	require.NoError(tb, sc.Err())
	require.NotEmpty(tb, out)
	return out
}

// trackingNo makes a 12-15 digit tracking number from an order's position.
func trackingNo(i int) string {
	return fmt.Sprintf("75%010d%d", 31415926+i*7919, i%10)
}

// toData converts a sample order the way a host would.
func toData(o sampleOrder, i int) *label.Data {
	remark := strings.TrimSpace(strings.Join([]string{o.Remark.Buyer, o.Remark.Seller}, " "))
	f := map[string]string{
		"recipient.name": o.Recipient.Name, "recipient.phone": o.Recipient.Phone,
		"recipient.address": o.Recipient.line(),
		"sender.name":       o.Sender.Name, "sender.phone": o.Sender.Phone, "sender.address": o.Sender.line(),
		"order.id": o.ID, "order.platform": o.Platform, "order.shop": o.Shop,
		"order.remark": remark, "order.total": o.Total,
		"waybill.tracking_no": trackingNo(i), "waybill.sort_code": "200-E01-08",
		"waybill.mark": "杭州余杭", "waybill.bag_addr": "杭州转运中心",
		"waybill.service": "标快", "waybill.payment": "寄付",
		"print.mark": "",
	}
	if o.Waybill != nil {
		f["waybill.tracking_no"] = o.Waybill.TrackingNo
		f["waybill.sort_code"] = o.Waybill.SortCode
		f["waybill.mark"] = o.Waybill.Mark
		f["waybill.bag_addr"] = o.Waybill.BagAddr
	}
	rows := make([]label.Row, 0, len(o.Items))
	for k, it := range o.Items {
		rows = append(rows, label.Row{"sku": it.SKU, "barcode": it.Barcode, "name": it.Name, "spec": it.Spec,
			"qty": strconv.Itoa(it.Qty), "unit_price": it.UnitPrice, "location": fmt.Sprintf("A-%02d-%02d", k%7, k)})
	}
	return &label.Data{Fields: f, Tables: map[string][]label.Row{"items": rows}}
}

var testNow = time.Date(2026, 11, 11, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
