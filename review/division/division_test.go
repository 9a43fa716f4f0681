package division

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProvince(t *testing.T) {
	tests := []struct{ in, want string }{
		{"浙江省", "浙江省"}, {"浙江", "浙江省"}, {" 浙江 ", "浙江省"},
		{"新疆", "新疆维吾尔自治区"}, {"新疆维吾尔自治区", "新疆维吾尔自治区"},
		{"内蒙古", "内蒙古自治区"}, {"广西", "广西壮族自治区"}, {"宁夏", "宁夏回族自治区"},
		{"西藏", "西藏自治区"}, {"香港", "香港特别行政区"}, {"澳门", "澳门特别行政区"},
		{"台湾", "台湾省"}, {"北京", "北京市"}, {"北京市", "北京市"}, {"重庆", "重庆市"},
		{"黑龙江", "黑龙江省"},
	}
	for _, tt := range tests {
		got, ok := Province(tt.in)
		assert.True(t, ok, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
	for _, bad := range []string{"", "浙江生", "杭州", "加州", "省"} {
		_, ok := Province(bad)
		assert.False(t, ok, bad)
	}
	assert.Len(t, Provinces(), 34)
}

func TestEveryProvinceHasCities(t *testing.T) {
	for _, p := range Provinces() {
		switch {
		case IsMunicipality(p):
			_, r := City(p, p)
			assert.Equal(t, Known, r, p)
		case strings.HasPrefix(p, "香港") || strings.HasPrefix(p, "澳门") || strings.HasPrefix(p, "台湾"):
			_, r := City(p, "任何")
			assert.Equal(t, NoData, r, p)
		default:
			assert.NotEmpty(t, cityTable[p], p)
		}
	}
	n := 0
	for _, list := range cityTable {
		n += len(strings.Fields(list))
	}
	// 333 prefecture-level divisions less the 4 municipalities' none, plus directly administered units.
	assert.GreaterOrEqual(t, n, 329)
}

func TestCity(t *testing.T) {
	tests := []struct {
		prov, city, want string
		res              Result
	}{
		{"浙江省", "杭州市", "杭州市", Known},
		{"浙江", "杭州", "杭州市", Known},
		{"吉林省", "延边州", "延边朝鲜族自治州", Known},
		{"吉林", "吉林市", "吉林市", Known},
		{"新疆", "乌鲁木齐市", "乌鲁木齐市", Known},
		{"新疆维吾尔自治区", "伊犁", "伊犁哈萨克自治州", Known},
		{"内蒙古", "锡林郭勒盟", "锡林郭勒盟", Known},
		{"湖北省", "仙桃市", "仙桃市", Known},
		{"北京市", "北京市", "北京市", Known},
		{"北京", "市辖区", "北京市", Known},
		{"重庆市", "重庆", "重庆市", Known},
		{"浙江省", "深圳市", "广东省", Elsewhere},
		{"江苏", "杭州", "浙江省", Elsewhere},
		{"浙江省", "北京市", "北京市", Elsewhere},
		{"浙江省", "火星市", "", Unknown},
		{"上海市", "杭州市", "", Unknown},
		{"香港", "九龙", "", NoData},
		{"火星", "杭州市", "", NoData},
	}
	for _, tt := range tests {
		got, res := City(tt.prov, tt.city)
		assert.Equal(t, tt.res, res, "%s %s", tt.prov, tt.city)
		assert.Equal(t, tt.want, got, "%s %s", tt.prov, tt.city)
	}
}

func TestDistrict(t *testing.T) {
	tests := []struct {
		city, district, want string
		res                  Result
	}{
		{"杭州市", "余杭区", "余杭区", Known},
		{"杭州市", "余杭", "余杭区", Known},
		{"北京市", "朝阳区", "朝阳区", Known},
		{"上海市", "浦东新区", "浦东新区", Known},
		{"上海市", "浦东", "浦东新区", Known},
		{"苏州市", "工业园区", "工业园区", Known},
		{"重庆市", "石柱", "石柱土家族自治县", Known},
		{"哈尔滨市", "宾县", "宾县", Known},
		{"北京市", "浦东新区", "上海市", Elsewhere},
		{"杭州市", "南山区", "深圳市", Elsewhere},
		{"杭州市", "江干区", "", Unknown}, // merged away in 2021
		{"温州市", "鹿城区", "", NoData},
	}
	for _, tt := range tests {
		got, res := District(tt.city, tt.district)
		assert.Equal(t, tt.res, res, "%s %s", tt.city, tt.district)
		assert.Equal(t, tt.want, got, "%s %s", tt.city, tt.district)
	}
}

func TestLookupsDoNotAllocate(t *testing.T) {
	Province("浙江") // build the tables first
	allocs := testing.AllocsPerRun(100, func() {
		Province("浙江省")
		City("浙江省", "杭州")
		District("杭州市", "余杭区")
		IsMunicipality("北京")
	})
	assert.Zero(t, allocs)
}

func TestTablesAreWellFormed(t *testing.T) {
	for prov := range cityTable {
		_, ok := Province(prov)
		require.True(t, ok, "city table key %s is not a province", prov)
	}
	for city := range districtTable {
		found := false
		for _, p := range Provinces() {
			if c, r := City(p, city); r == Known && c == city {
				found = true
			}
		}
		assert.True(t, found, "district table key %s is not a city", city)
	}
	assert.Equal(t, "known", Known.String())
	assert.Equal(t, "elsewhere", Elsewhere.String())
	assert.Equal(t, "unknown", Unknown.String())
	assert.Equal(t, "no data", NoData.String())
}

func ExampleCity() {
	fmt.Println(City("浙江", "杭州"))
	fmt.Println(City("浙江省", "深圳市"))
	fmt.Println(District("北京市", "浦东新区"))
	// Output:
	// 杭州市 known
	// 广东省 elsewhere
	// 上海市 elsewhere
}
