package review

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/text/language"
)

var languageEN = language.English

func TestMessages(t *testing.T) {
	tests := []struct {
		f      Finding
		en, zh string
	}{
		{Finding{Code: CodeNameMissing}, "recipient name is missing", "收件人姓名缺失"},
		{Finding{Code: CodeStockShort, Args: []any{"TEA-LJ-250", 3, 1}}, "TEA-LJ-250: 3 needed, 1 left", "TEA-LJ-250 缺货：需要 3，剩余 1"},
		{Finding{Code: CodeTotalMismatch, Args: []any{"1.00", "866.20"}}, "total 1.00 does not match items − discount + shipping = 866.20", "订单金额 1.00 与商品金额−优惠+运费 = 866.20 不符"},
		{Finding{Code: CodePriceMismatch, Args: []any{"SOCK-M-5", "19.90", "29.90"}}, "SOCK-M-5: unit price 19.90 differs from the list price 29.90", "SOCK-M-5：单价 19.90 与标价 29.90 不符"},
		{Finding{Code: CodeSuspicious, Args: []any{"U+001B"}, variant: "control"}, "control character U+001B in a recipient field", "收件人信息含控制字符 U+001B"},
		{Finding{Code: CodeCityMismatch, Args: []any{"深圳市", "浙江省", "广东省"}, variant: "elsewhere"}, "city 深圳市 is not in 浙江省 but in 广东省", "深圳市 不属于 浙江省，而属于 广东省"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.en, tt.f.Message(language.English))
		assert.Equal(t, tt.en, tt.f.Message(language.MustParse("en-GB")))
		assert.Equal(t, tt.en, tt.f.Message(language.German), "unknown languages fall back to English")
		assert.Equal(t, tt.zh, tt.f.Message(language.MustParse("zh-CN")))
		assert.Equal(t, tt.zh, tt.f.Message(language.SimplifiedChinese))
		assert.Equal(t, tt.zh, tt.f.Message(language.Chinese))
	}
	f := Finding{Code: CodePhoneInvalid, Field: "recipient.phone", Args: []any{"1380013800"}}
	assert.Equal(t, `recipient.phone.invalid recipient.phone: recipient phone "1380013800" is not a valid number`, f.String())
}

// TestEveryCodeHasMessages guards against a code added without its text.
func TestEveryCodeHasMessages(t *testing.T) {
	all := []Code{
		CodeIDMissing, CodeMergeCandidate, CodeFlag, CodeBuyerListed, CodeNameMissing, CodePhoneMissing,
		CodePhoneInvalid, CodePhoneListed, CodeProvinceMissing, CodeProvinceInvalid, CodeCityMissing, CodeCityMismatch,
		CodeDistrictMissing, CodeDistrictMismatch, CodeDistrictUnknown, CodeAddressMissing, CodeAddressListed,
		CodeItemsMissing, CodeSKUMissing, CodeQtyInvalid, CodePriceNegative, CodeSKUUnknown, CodePriceMismatch,
		CodeTotalMismatch, CodeStockShort, CodeStockUnknown, CodeReserveFailed, CodeRemarkKeyword, CodeRemarkEmoji,
		CodeProvinceNear, CodeCityNear, CodeDistrictNear, CodeRenamed, CodeAddressInferred, CodeAddressConflict,
		CodePhoneMasked, CodeIDInvalid, CodePlatformUnknown, CodePaidImplausible, CodePaidOld, CodeMoneyPrecision, CodeStockNegative,
	}
	keys := map[string]bool{}
	for _, m := range messages {
		assert.False(t, keys[m[0]], "duplicate key %s", m[0])
		keys[m[0]] = true
		assert.NotEmpty(t, m[1])
		assert.NotEmpty(t, m[2])
	}
	for _, c := range all {
		assert.True(t, keys[string(c)], "no message for %s", c)
	}
	for _, v := range []string{"batch", "store"} {
		assert.True(t, keys[string(CodeDuplicate)+"/"+v])
	}
	for _, v := range []string{"control", "command", "encoding"} {
		assert.True(t, keys[string(CodeSuspicious)+"/"+v])
		assert.True(t, keys[string(CodeFieldSuspicious)+"/"+v])
	}
	assert.True(t, keys[string(CodeCityMismatch)+"/elsewhere"])
	assert.True(t, keys[string(CodeCityMismatch)+"/county"])
	assert.True(t, keys[string(CodePhoneMasked)+"/protected"])
	assert.NotNil(t, Catalog())
}
