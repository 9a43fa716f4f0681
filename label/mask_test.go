package label_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/label"
)

func TestMaskName(t *testing.T) {
	for in, want := range map[string]string{
		"张三":          "张*",
		"张小明":         "张**",
		"李":           "李*",
		"欧阳娜娜":        "欧阳**",
		"司马光明":        "司马**",
		"诸葛亮":         "诸葛*",
		"欧阳":          "欧*", // a two-character name: surname 欧, given name 阳
		"阿卜杜拉·买买提":    "阿*·买*",
		"阿依古丽·买买提":    "阿*·买*",
		"买·提":         "买*·提*", // single-character parts still show they are masked
		"阿依古丽·买买提·艾力": "阿*·买*·艾*",
		"阿依古丽 · 买买提":  "阿*·买*",
		"玛丽•居里":       "玛*•居*",
		"阿依古丽·":       "阿*·",
		"J. Smith":    "J* S****",
		"王𠮷":          "王*",
		"John Smith":  "J*** S****",
		"":            "",
		"  张三 ":       "张*",
	} {
		assert.Equal(t, want, label.MaskName(in), "%q", in)
	}
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{
		"13800138000":       "138****8000",
		"13800138000-1234":  "138****8000-1234",
		"13800138000转1234":  "138****8000转1234",
		"0571-87654321":     "0571-****4321",
		"010-12345678":      "010-****5678",
		"057187654321":      "0571****4321",
		"02187654321":       "021****4321",
		"1380013800":        "******3800", // 10 digits: not a mobile number
		"+86 138 0013 8000": "+** *** **** 8000",
		"123":               "****",
		"":                  "",
		"138****8000":       "138****8000", // masked already: stays
	} {
		assert.Equal(t, want, label.MaskPhone(in), "%q", in)
	}
	for _, in := range []string{"13800138000*", "*13800138000", "1380****8000", "138****80000"} {
		assert.NotContains(t, label.MaskPhone(in), "0013", "only a masked mobile number stays: %q", in)
	}
}

func TestFilters(t *testing.T) {
	cases := []struct {
		filter, in, want string
		mask             bool
	}{
		{"money", "59.9", "¥59.90", false},
		{"money", "1362.80", "¥1362.80", false},
		{"money", "-5", "-¥5.00", false},
		{"money", "", "", false},
		{"date", "2026-11-11T00:00:05+08:00", "2026-11-11 00:00", false},
		{"datetime", "2026-11-11T00:00:05+08:00", "2026-11-11 00:00:05", false},
		{"upper", "abc", "ABC", false},
		{"lower", "ABC", "abc", false},
		{"trim", "  x ", "x", false},
		{"default:无", "", "无", false},
		{"default:无", "有", "有", false},
		{"prefix:备注：", "快", "备注：快", false},
		{"prefix:备注：", "", "", false},
		{"suffix: 件", "3", "3 件", false},
		{"private_name", "张三", "张三", false},
		{"private_name", "张三", "张*", true},
		{"private_phone", "13800138000", "13800138000", false},
		{"private_phone", "13800138000", "138****8000", true},
		{"mask_phone", "13800138000", "138****8000", false},
	}
	for _, c := range cases {
		got, err := label.Filter(c.filter, c.in, c.mask)
		require.NoError(t, err, c.filter)
		assert.Equal(t, c.want, got, "%s(%q)", c.filter, c.in)
	}
	_, err := label.Filter("money", "12元", false)
	assert.ErrorIs(t, err, label.ErrEncode)
	_, err = label.Filter("date", "yesterday", false)
	assert.ErrorIs(t, err, label.ErrEncode)
	_, err = label.Filter("nope", "x", false)
	assert.ErrorIs(t, err, label.ErrTemplate)
}
