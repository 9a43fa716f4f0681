package dadan

import "strings"

// CarrierCode is a courier code an order's "carrier" field takes, with the name
// printed on the courier's waybills.
type CarrierCode struct {
	Code string // "ZTO"
	Name string // "中通快递"
}

// CarrierCodes are the courier codes dadan knows, in the order `dadan carriers`
// lists them; [TestCarrier] has a test range for each.
var CarrierCodes = []CarrierCode{
	{"ZTO", "中通快递"},
	{"YTO", "圆通速递"},
	{"STO", "申通快递"},
	{"YUNDA", "韵达快递"},
	{"SF", "顺丰速运"},
	{"JD", "京东物流"},
	{"JT", "极兔速递"},
	{"DBL", "德邦快递"},
	{"EMS", "中国邮政 EMS"},
	{"OTHER", "其他快递"},
}

// CarrierName returns the name printed for a courier code (case-insensitive), and
// whether the code is one of [CarrierCodes].
func CarrierName(code string) (string, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	for _, c := range CarrierCodes {
		if c.Code == code {
			return c.Name, true
		}
	}
	return "", false
}

// Test routing data of [TestCarrier]'s numbers: the 大头笔 band of a test waybill
// reads 测试面单 TEST, so that nobody takes it for a real one.
const (
	TestMark     = "测试面单 TEST"
	TestSortCode = "000-T00 00"
	TestBagAddr  = "测试集包地 TEST"
)
