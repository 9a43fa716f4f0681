package review

import (
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// messages holds the text of every finding: catalog key, English, Simplified
// Chinese. Arguments are positional, as listed on each code.
var messages = [...][3]string{
	{string(CodeIDMissing), "the order has no id", "订单号缺失"},
	{string(CodeDuplicate) + "/batch", "order %[1]s appears earlier in this batch", "订单号 %[1]s 在本批中重复"},
	{string(CodeDuplicate) + "/store", "order %[1]s was received before", "订单 %[1]s 已经接收过"},
	{string(CodeMergeCandidate), "same buyer and recipient as %[1]s: ship together?", "与 %[1]s 同一买家同一收件人，可合并发货"},
	{string(CodeFlag), "order flag %[1]q needs a person to look", "订单旗帜 %[1]q 需人工查看"},
	{string(CodeBuyerListed), "buyer %[1]s is on the blacklist", "买家 %[1]s 在黑名单中"},
	{string(CodeNameMissing), "recipient name is missing", "收件人姓名缺失"},
	{string(CodePhoneMissing), "recipient phone is missing", "收件人电话缺失"},
	{string(CodePhoneInvalid), "recipient phone %[1]q is not a valid number", "收件人电话 %[1]q 无效"},
	{string(CodePhoneMasked), "recipient phone %[1]s is masked by the platform and the order has no encrypted recipient to print from", "收件人电话 %[1]s 已被平台脱敏，订单没有可供打印的加密收件人信息"},
	{string(CodePhoneMasked) + "/protected", "recipient phone %[1]s is masked: print the waybill through the platform's print component", "收件人电话 %[1]s 已脱敏：请通过平台打印组件打印面单"},
	{string(CodePhoneListed), "recipient phone %[1]s is on the blacklist", "收件人电话 %[1]s 在黑名单中"},
	{string(CodeProvinceMissing), "recipient province is missing", "收件人省份缺失"},
	{string(CodeProvinceInvalid), "%[1]q is not a province", "%[1]q 不是省级行政区"},
	{string(CodeCityMissing), "recipient city is missing", "收件人城市缺失"},
	{string(CodeCityMismatch), "city %[1]s is not in %[2]s", "%[1]s 不属于 %[2]s"},
	{string(CodeCityMismatch) + "/elsewhere", "city %[1]s is not in %[2]s but in %[3]s", "%[1]s 不属于 %[2]s，而属于 %[3]s"},
	{string(CodeCityMismatch) + "/county", "city %[1]s is not a city of %[2]s but a district or county of %[3]s", "%[1]s 不是 %[2]s 的城市，而是 %[3]s 的区县"},
	{string(CodeDistrictMissing), "recipient district is missing", "收件人区县缺失"},
	{string(CodeDistrictMismatch), "district %[1]s is not in %[2]s but in %[3]s", "%[1]s 不属于 %[2]s，而属于 %[3]s"},
	{string(CodeDistrictUnknown), "district %[1]s is not a district of %[2]s", "%[1]s 不是 %[2]s 的区县"},
	{string(CodeProvinceNear), "province %[1]s is written %[2]s", "省份 %[1]s 应为 %[2]s"},
	{string(CodeCityNear), "city %[1]s is written %[2]s", "城市 %[1]s 应为 %[2]s"},
	{string(CodeDistrictNear), "district %[1]s is written %[2]s", "区县 %[1]s 应为 %[2]s"},
	{string(CodeRenamed), "%[1]s is now %[2]s", "%[1]s 现为 %[2]s"},
	{string(CodeAddressConflict), "the address line says %[1]s, the fields say %[2]s", "详细地址写的是 %[1]s，而省市区为 %[2]s"},
	{string(CodeAddressInferred), "province, city and district read from the address: %[1]s", "省市区由详细地址识别：%[1]s"},
	{string(CodeAddressMissing), "recipient address is missing", "收件人详细地址缺失"},
	{string(CodeAddressListed), "recipient address is on the blacklist", "收件地址在黑名单中"},
	{string(CodeSuspicious) + "/control", "control character %[1]s in a recipient field", "收件人信息含控制字符 %[1]s"},
	{string(CodeSuspicious) + "/command", "printer command %[1]q in a recipient field", "收件人信息含打印机指令 %[1]q"},
	{string(CodeSuspicious) + "/encoding", "recipient field is not valid UTF-8", "收件人信息编码无效"},
	{string(CodeIDInvalid), "the order id holds %[1]s: ids must be printable text", "订单号含 %[1]s，订单号只能是可打印文字"},
	{string(CodeFieldSuspicious) + "/control", "control character %[1]s in %[2]s", "%[2]s 含控制字符 %[1]s"},
	{string(CodeFieldSuspicious) + "/command", "printer command %[1]q in %[2]s", "%[2]s 含打印机指令 %[1]q"},
	{string(CodeFieldSuspicious) + "/encoding", "%[2]s is not valid UTF-8", "%[2]s 编码无效"},
	{string(CodePlatformUnknown), "platform %[1]q is not one dadan knows", "平台 %[1]q 未知"},
	{string(CodePaidImplausible), "paid at %[1]s: not a plausible time", "付款时间 %[1]s 不合理"},
	{string(CodePaidOld), "paid at %[1]s, %[2]d days ago", "付款时间 %[1]s，已过 %[2]d 天"},
	{string(CodeMoneyPrecision), "amount %[1]s has fractions of a fen", "金额 %[1]s 精确到分以下"},
	{string(CodeStockNegative), "%[1]s: the inventory reports %[2]d units", "%[1]s 库存为负：%[2]d"},
	{string(CodeItemsMissing), "the order has no items", "订单没有商品"},
	{string(CodeSKUMissing), "line %[1]d has no SKU", "第 %[1]d 行没有商品编码"},
	{string(CodeQtyInvalid), "%[1]s: quantity %[2]d is not positive", "%[1]s：数量 %[2]d 无效"},
	{string(CodePriceNegative), "%[1]s: unit price %[2]s is negative", "%[1]s：单价 %[2]s 为负"},
	{string(CodeSKUUnknown), "SKU %[1]s is not in the price book", "商品 %[1]s 不在价格表中"},
	{string(CodePriceMismatch), "%[1]s: unit price %[2]s differs from the list price %[3]s", "%[1]s：单价 %[2]s 与标价 %[3]s 不符"},
	{string(CodeTotalMismatch), "total %[1]s does not match items − discount + shipping = %[2]s", "订单金额 %[1]s 与商品金额−优惠+运费 = %[2]s 不符"},
	{string(CodeStockShort), "%[1]s: %[2]d needed, %[3]d left", "%[1]s 缺货：需要 %[2]d，剩余 %[3]d"},
	{string(CodeStockUnknown), "%[1]s is not in the inventory", "%[1]s 不在库存中"},
	{string(CodeReserveFailed), "%[1]s: reservation failed: %[2]s", "%[1]s 占用库存失败：%[2]s"},
	{string(CodeRemarkKeyword), "remark mentions %[1]s", "备注含关键词 %[1]s"},
	{string(CodeRemarkEmoji), "remark contains emoji", "备注含表情符号"},
}

var sharedCatalog = sync.OnceValue(func() catalog.Catalog { return newCatalog() })

func newCatalog() *catalog.Builder {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for _, m := range messages {
		// SetString fails only for malformed tags; ours are constants.
		_ = b.SetString(language.English, m[0], m[1])
		_ = b.SetString(language.SimplifiedChinese, m[0], m[2])
	}
	return b
}

// Catalog returns the message catalog of the finding messages (English and
// Simplified Chinese), for hosts that merge it into their own printers.
func Catalog() catalog.Catalog { return sharedCatalog() }

// NewPrinter returns a printer for the finding messages in the catalog language
// that best matches tag: any Chinese tag gets Simplified Chinese, everything else
// English.
func NewPrinter(tag language.Tag) *message.Printer {
	return message.NewPrinter(matchLanguage(tag), message.Catalog(sharedCatalog()))
}

func matchLanguage(tag language.Tag) language.Tag {
	base, _ := tag.Base()
	if zh, _ := language.Chinese.Base(); base == zh {
		return language.SimplifiedChinese
	}
	return language.English
}
