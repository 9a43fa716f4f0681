package access_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dadanhq/dadan/access"
	"github.com/dadanhq/dadan/order"
	"github.com/stretchr/testify/assert"
)

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"张三": "张*", "张小明": "张**", "李": "李*", "阿依古丽·买买提": "阿*·买*", "欧阳娜娜": "欧阳**", "": "",
		// every part of a middle-dot name, however long; one-character given names;
		// a compound surname only with a given name after it; characters outside the BMP
		"迪丽热巴·阿不都": "迪*·阿*", "阿卜杜拉·买买提": "阿*·买*", "·买买提": "·***", "阿依古丽·": "阿*·",
		"王𠮷": "王*", "司马光明": "司马**", "司马": "司*", "林曉華": "林**", " 张三 ": "张*", "Mary Jane": "M*** J***",
	} {
		assert.Equal(t, want, access.MaskName(in), in)
	}
	assert.Equal(t, "138****8000", access.MaskPhone("13800138000"))
	assert.Equal(t, "****", access.MaskAddress("文三路90号东部软件园1号楼"))
	assert.Equal(t, "", access.MaskAddress(""))
	for _, mask := range []func(string) string{access.MaskName, access.MaskPhone, access.MaskAddress, access.MaskText} {
		assert.Equal(t, order.ErasedValue, mask(order.ErasedValue), "an erased value reads as erased")
	}
	for in, want := range map[string]string{
		"call 13800138000 or 87654321, room 1203":                   "call 138****8000 or ****4321, room 1203",
		"+86 13800138000":                                           "+86 138****8000",
		"+8613800138000":                                            "+86138****8000",
		"0571-87654321 / 057187654321":                              "0571-****4321 / ********4321",
		"waybill 759900000101 cancelled, YT9900000000003 allocated": "waybill 759900000101 cancelled, YT9900000000003 allocated",
		"2026-11-11 order TB2026111100000":                          "2026-11-11 order TB2026111100000",
		"打13800138000！":                                             "打138****8000！",
	} {
		assert.Equal(t, want, access.MaskText(in), in)
	}
}

func TestMaskTextOf(t *testing.T) {
	o := sampleOrder()
	o.Recipient.Phone = "1380013800" // 10 digits: MaskText alone would not see a phone
	for in, want := range map[string]string{
		`收件人电话 "1380013800" 无效`:             `收件人电话 "******3800" 无效`,
		"阿依古丽·买买提 at 解放南路88号3单元502":         "阿*·买* at ****",
		"buyer tb_buyer called 13912345678": "buyer t******* called 139****5678",
		"ref oaid-1, nothing else":          "ref ****, nothing else",
		"waybill 759900000101":              "waybill 759900000101",
	} {
		assert.Equal(t, want, access.MaskTextOf(o, in), in)
	}
	assert.Equal(t, "call 139****5678", access.MaskTextOf(nil, "call 13912345678"))
	one := &order.Order{Recipient: order.Party{Name: "李", Phone: "13800138000"}}
	assert.Equal(t, "李先生 138****8000", access.MaskTextOf(one, "李先生 13800138000"), "a one-character name is not hunted in text")
}

func sampleOrder() *order.Order {
	return &order.Order{
		ID:    "T1",
		Buyer: order.Buyer{Nick: "tb_buyer", Extra: order.Extra{{Key: "mobile", Value: []byte(`"13800138000"`)}}},
		Recipient: order.Party{Name: "阿依古丽·买买提", Phone: "13800138000", Province: "新疆维吾尔自治区",
			City: "乌鲁木齐市", District: "天山区", Street: "解放南路街道", Address: "解放南路88号3单元502",
			Protected: &order.Protected{Ref: "oaid-1", Phone: "$cipher$"}, Extra: order.Extra{{Key: "tel", Value: []byte(`"13800138000"`)}}},
		Sender: order.Party{Name: "小店", Phone: "057187654321"},
		Remark: order.Remark{Buyer: "到了打13800138000"},
		Items:  []order.Item{{SKU: "A", Qty: 1}},
		Extra:  order.Extra{{Key: "receiver_mobile", Value: []byte(`"13800138000"`)}},
	}
}

func TestMaskOrder(t *testing.T) {
	o := sampleOrder()
	m := access.MaskOrder(o)
	assert.Equal(t, "阿*·买*", m.Recipient.Name)
	assert.Equal(t, "138****8000", m.Recipient.Phone)
	assert.Equal(t, "****", m.Recipient.Address)
	assert.Equal(t, "天山区", m.Recipient.District, "the destination still shows")
	assert.Equal(t, "****", m.Recipient.Protected.Ref)
	assert.Empty(t, m.Recipient.Protected.Name)
	assert.Equal(t, "小店", m.Sender.Name, "the shop is not personal data")
	b := order.AppendJSON(nil, m)
	assert.NotContains(t, string(b), "13800138000", "no phone anywhere in the masked order's JSON")
	assert.NotContains(t, string(b), "解放南路88号")
	assert.Equal(t, "13800138000", o.Recipient.Phone, "the original is unchanged")
	m.Items[0].Qty = 9
	assert.Equal(t, 1, o.Items[0].Qty)
	assert.Nil(t, access.MaskOrder(nil))

	pol := &access.Policy{Users: map[string][]string{"s": {"service"}, "v": {"viewer"}}}
	assert.Same(t, o, access.ForReader(ctxAs("s"), pol, o))
	assert.Equal(t, "138****8000", access.ForReader(ctxAs("v"), pol, o).Recipient.Phone)
	assert.Equal(t, "138****8000", access.ForReader(context.Background(), pol, o).Recipient.Phone)
	assert.Same(t, o, access.ForReader(context.Background(), nil, o))
}

func ExampleMaskOrder() {
	o := &order.Order{ID: "T1", Recipient: order.Party{Name: "张三", Phone: "13800138000",
		Province: "浙江省", City: "杭州市", District: "西湖区", Address: "文三路90号"}}
	m := access.MaskOrder(o).Recipient
	fmt.Println(m.Name, m.Phone, m.FullAddress())
	// Output: 张* 138****8000 浙江省杭州市西湖区****
}
