package address

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/dadanhq/dadan/address/internal/divdata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func loadData(t testing.TB) *divdata.Data {
	t.Helper()
	f, err := os.Open("data/divisions.txt")
	require.NoError(t, err)
	defer f.Close()
	d, err := divdata.Parse(f)
	require.NoError(t, err)
	return d
}

// TestDataCounts checks the data file against the totals of the 2023 division
// lists: 34 provincial-level units, 333 prefecture-level units and 2,844
// county-level units on the mainland.
func TestDataCounts(t *testing.T) {
	d := loadData(t)
	assert.Len(t, d.Provinces, 34)
	prefectures, counties := 0, 0
	perProvince := map[string]int{}
	for _, p := range d.Provinces {
		if p.Code >= "71" {
			continue
		}
		for _, c := range p.Children {
			if c.Code == "" {
				continue // 雄安新区 repeats counties of 保定市
			}
			if !divdata.Placeholder(c.Name) {
				prefectures++
			}
			for _, k := range c.Children {
				if !k.Zone {
					counties++
					perProvince[p.Name]++
				}
			}
		}
	}
	assert.Equal(t, 333, prefectures)
	assert.Equal(t, 2844, counties)
	// Spot checks of provincial totals from the 2023 lists.
	for prov, n := range map[string]int{"河北省": 167, "浙江省": 90, "四川省": 183, "广东省": 122, "北京市": 16, "重庆市": 38, "新疆维吾尔自治区": 108, "海南省": 25} {
		assert.Equal(t, n, perProvince[prov], prov)
	}
}

// TestDataKinds checks the data file against the composition the Ministry of
// Civil Affairs gives for the end of 2023: 293 prefecture-level cities, 7 地区, 30
// 自治州, 3 盟; 977 市辖区, 397 county-level cities, 1,299 counties, 117
// autonomous counties, 49 旗, 3 自治旗, 1 特区, 1 林区.
func TestDataKinds(t *testing.T) {
	d := loadData(t)
	pref, county := map[string]int{}, map[string]int{}
	kind := func(name string, kinds []string) string {
		for _, k := range kinds {
			if strings.HasSuffix(name, k) {
				return k
			}
		}
		return name
	}
	for _, p := range d.Provinces {
		if p.Code >= "71" {
			continue
		}
		for _, c := range p.Children {
			if c.Code == "" {
				continue
			}
			if !divdata.Placeholder(c.Name) {
				pref[kind(c.Name, []string{"自治州", "地区", "盟", "市"})]++
			}
			for _, u := range c.Children {
				if u.Zone {
					continue
				}
				k := kind(u.Name, []string{"特区", "自治县", "自治旗", "旗", "区", "县", "市"})
				if u.Name == "神农架林区" {
					k = "林区"
				}
				county[k]++
			}
		}
	}
	assert.Equal(t, map[string]int{"市": 293, "地区": 7, "自治州": 30, "盟": 3}, pref)
	assert.Equal(t, map[string]int{"区": 977, "市": 397, "县": 1299, "自治县": 117, "旗": 49, "自治旗": 3, "特区": 1, "林区": 1}, county)
}

// TestDataWellFormed checks codes are unique and nest, and no name appears twice
// under one parent.
func TestDataWellFormed(t *testing.T) {
	d := loadData(t)
	codes := map[string]string{}
	d.Units(func(u, parent *divdata.Unit) {
		if u.Code != "" {
			if prev, dup := codes[u.Code]; dup {
				t.Errorf("code %s: %s and %s", u.Code, prev, u.Name)
			}
			codes[u.Code] = u.Name
			if parent != nil {
				assert.True(t, strings.HasPrefix(u.Code, parent.Code), u.Name)
			}
		}
		seen := map[string]bool{}
		for _, c := range u.Children {
			if seen[c.Name] {
				t.Errorf("%s listed twice under %s (line %d)", c.Name, u.Name, c.Line)
			}
			seen[c.Name] = true
		}
	})
}

// TestTablesMatchData checks that every unit of the data file is in the tables
// under its parent and that every form of it (name, aliases, derived short forms,
// former names) resolves to it.
func TestTablesMatchData(t *testing.T) {
	d := loadData(t)
	n := 0
	for _, p := range d.Provinces {
		prov, m := LookupProvince(p.Name)
		require.Equal(t, Exact, m, p.Name)
		assert.Equal(t, p.Code, prov.Code())
		for _, a := range p.Aliases {
			got, m := LookupProvince(a)
			assert.Equal(t, Alias, m, a)
			assert.Equal(t, p.Name, got.Name(), a)
		}
		cforms := divdata.Forms(p.Children)
		for i, c := range p.Children {
			for _, f := range cforms[i] {
				city, m := LookupCity(prov, f)
				if !assert.NotEqual(t, NoMatch, m, "%s %s", p.Name, f) {
					continue
				}
				if prov.Municipality() && divdata.Placeholder(c.Name) {
					assert.Equal(t, prov, city, f)
					continue
				}
				assert.Equal(t, c.Name, city.Name(), "%s %s", p.Name, f)
				assert.Equal(t, c.Code, city.Code(), f)
			}
			for _, f := range c.Formers {
				city, m := LookupCity(prov, f)
				assert.Equal(t, Former, m, f)
				assert.Equal(t, c.Name, city.Name(), f)
			}
			city, _ := LookupCity(prov, c.Name)
			kforms := divdata.Forms(c.Children)
			for j, k := range c.Children {
				n++
				for _, f := range kforms[j] {
					got, m := LookupCounty(city, f)
					if assert.NotEqual(t, NoMatch, m, "%s %s %s", p.Name, c.Name, f) {
						assert.Equal(t, k.Name, got.Name(), "%s %s %s", p.Name, c.Name, f)
						assert.Equal(t, k.Zone, got.Zone(), f)
					}
				}
				for _, f := range k.Formers {
					if slices.Contains(kforms[j], f) {
						continue // 沙县 is the former name and the short form of 沙县区
					}
					got, m := LookupCounty(city, f)
					assert.Equal(t, Former, m, "%s %s", c.Name, f)
					assert.Equal(t, k.Name, got.Name(), f)
				}
				if k.CityField {
					got, m := LookupCity(prov, k.Name)
					assert.Equal(t, Exact, m, k.Name)
					assert.Equal(t, k.Name, got.Name())
					assert.True(t, got.NoCounties())
				}
			}
		}
	}
	assert.Greater(t, n, 2900)
}

func TestLookupProvince(t *testing.T) {
	tests := []struct {
		in, want string
		m        Match
	}{
		{"浙江省", "浙江省", Exact}, {"浙江", "浙江省", Alias}, {" 浙江 ", "浙江省", Alias}, {"　浙江　", "浙江省", Alias},
		{"新疆", "新疆维吾尔自治区", Alias}, {"内蒙古", "内蒙古自治区", Alias}, {"广西", "广西壮族自治区", Alias},
		{"香港", "香港特别行政区", Alias}, {"澳门", "澳门特别行政区", Alias}, {"台湾", "台湾省", Alias},
		{"北京", "北京市", Alias}, {"黑龙江", "黑龙江省", Alias},
		{"广西省", "广西壮族自治区", Near}, {"内蒙古省", "内蒙古自治区", Near}, {"新疆省", "新疆维吾尔自治区", Near},
		{"宁夏省", "宁夏回族自治区", Near}, {"西藏省", "西藏自治区", Near}, {"北京省", "北京市", Near},
	}
	for _, tt := range tests {
		got, m := LookupProvince(tt.in)
		assert.Equal(t, tt.m, m, tt.in)
		assert.Equal(t, tt.want, got.Name(), tt.in)
	}
	for _, bad := range []string{"", "浙江生", "杭州", "加州", "省", "市"} {
		_, m := LookupProvince(bad)
		assert.Equal(t, NoMatch, m, bad)
	}
	assert.Len(t, Provinces(), 34)
}

func prov(t *testing.T, s string) Division {
	t.Helper()
	d, m := LookupProvince(s)
	require.NotEqual(t, NoMatch, m, s)
	return d
}

func TestLookupCity(t *testing.T) {
	tests := []struct {
		prov, city, want string
		m                Match
		level            Level
	}{
		{"浙江省", "杭州市", "杭州市", Exact, PrefectureLevel},
		{"浙江", "杭州", "杭州市", Alias, PrefectureLevel},
		{"浙江", "杭州县", "杭州市", Near, PrefectureLevel},
		{"吉林省", "延边州", "延边朝鲜族自治州", Alias, PrefectureLevel},
		{"吉林", "吉林市", "吉林市", Exact, PrefectureLevel},
		{"新疆维吾尔自治区", "伊犁", "伊犁哈萨克自治州", Alias, PrefectureLevel},
		{"湖北省", "仙桃市", "仙桃市", Exact, CountyLevel},
		{"湖北省", "省直辖县级行政区划", "省直辖县级行政区划", Exact, PrefectureLevel},
		{"河南", "济源", "济源市", Alias, CountyLevel},
		{"新疆", "石河子市", "石河子市", Exact, CountyLevel},
		{"北京市", "北京市", "北京市", Exact, ProvinceLevel},
		{"北京", "市辖区", "北京市", Exact, ProvinceLevel},
		{"重庆", "县", "重庆市", Exact, ProvinceLevel},
		{"北京", "朝阳区", "朝阳区", Exact, CountyLevel},
		{"山东省", "莱芜市", "济南市", Former, PrefectureLevel},
		{"广东", "东莞", "东莞市", Alias, PrefectureLevel},
		{"香港", "香港", "香港特别行政区", Alias, ProvinceLevel},
		{"香港特别行政区", "九龙", "九龙", Exact, PrefectureLevel},
		{"台湾", "臺北市", "台北市", Alias, PrefectureLevel},
	}
	for _, tt := range tests {
		got, m := LookupCity(prov(t, tt.prov), tt.city)
		assert.Equal(t, tt.m, m, "%s %s", tt.prov, tt.city)
		assert.Equal(t, tt.want, got.Name(), "%s %s", tt.prov, tt.city)
		assert.Equal(t, tt.level, got.Level(), "%s %s", tt.prov, tt.city)
	}
	for _, bad := range [][2]string{{"浙江", "深圳市"}, {"香港", "杭州市"}, {"上海", "杭州"}, {"浙江", "火星市"}, {"浙江", "朝阳区"}} {
		_, m := LookupCity(prov(t, bad[0]), bad[1])
		assert.Equal(t, NoMatch, m, bad)
	}
	assert.Equal(t, "广东省", FindCities("深圳市")[0].Parent().Name())
}

func TestLookupCounty(t *testing.T) {
	city := func(p, c string) Division {
		d, m := LookupCity(prov(t, p), c)
		require.NotEqual(t, NoMatch, m)
		return d
	}
	tests := []struct {
		prov, city, county, want string
		m                        Match
	}{
		{"浙江", "杭州市", "余杭区", "余杭区", Exact},
		{"浙江", "杭州市", "余杭", "余杭区", Alias},
		{"浙江", "杭州市", "临平区", "临平区", Exact},
		{"浙江", "杭州市", "钱塘区", "钱塘区", Exact},
		{"浙江", "杭州市", "江干区", "上城区", Former},
		{"浙江", "杭州市", "下城区", "拱墅区", Former},
		{"浙江", "杭州市", "余杭县", "余杭区", Near},
		{"浙江", "温州市", "鹿城区", "鹿城区", Exact},
		{"北京", "北京", "朝阳区", "朝阳区", Exact},
		{"上海", "上海市", "浦东", "浦东新区", Alias},
		{"重庆", "重庆市", "石柱县", "石柱土家族自治县", Alias},
		{"重庆", "县", "石柱", "石柱土家族自治县", Alias},
		{"黑龙江", "哈尔滨", "宾县", "宾县", Exact},
		{"江苏", "苏州", "工业园区", "苏州工业园区", Alias},
		{"江苏", "苏州", "高新区", "高新技术产业开发区", Alias},
		{"湖北", "省直辖县级行政区划", "仙桃市", "仙桃市", Exact},
		{"山东", "济南", "莱芜区", "莱芜区", Exact},
		{"甘肃", "临夏州", "临夏市", "临夏市", Exact},
		{"香港", "九龙", "油尖旺区", "油尖旺区", Exact},
		{"香港", "香港", "油尖旺区", "油尖旺区", Exact},
	}
	for _, tt := range tests {
		got, m := LookupCounty(city(tt.prov, tt.city), tt.county)
		assert.Equal(t, tt.m, m, "%s %s", tt.city, tt.county)
		assert.Equal(t, tt.want, got.Name(), "%s %s", tt.city, tt.county)
	}
	_, m := LookupCounty(city("甘肃", "临夏州"), "临夏") // 临夏市 or 临夏县
	assert.Equal(t, NoMatch, m)
	_, m = LookupCounty(city("浙江", "温州市"), "余杭区")
	assert.Equal(t, NoMatch, m)
	where := FindCounties("余杭区")
	require.Len(t, where, 1)
	assert.Equal(t, "浙江省杭州市", where[0].Parent().Path())
	assert.Len(t, FindCounties("朝阳区"), 2) // 北京市, 长春市
	assert.Empty(t, FindCounties("江干区"))
}

func TestLookupsDoNotAllocate(t *testing.T) {
	zj := prov(t, "浙江")
	hz, _ := LookupCity(zj, "杭州市")
	allocs := testing.AllocsPerRun(100, func() {
		LookupProvince("浙江省")
		LookupProvince("广西省")
		LookupCity(zj, "杭州")
		LookupCounty(hz, "余杭区")
		LookupCounty(hz, "余杭县")
	})
	assert.Zero(t, allocs)
}

func ExampleLookupCounty() {
	zj, _ := LookupProvince("浙江")
	hz, _ := LookupCity(zj, "杭州")
	fmt.Println(LookupCounty(hz, "江干区"))
	fmt.Println(FindCounties("余杭区")[0].Parent().Path())
	gx, m := LookupProvince("广西省")
	fmt.Println(gx, m)
	// Output:
	// 上城区 former
	// 浙江省杭州市
	// 广西壮族自治区 near
}

// TestTablesUpToDate checks tables_gen.go is what the generator makes of the
// data file: run go generate after editing divisions.txt.
func TestTablesUpToDate(t *testing.T) {
	src, err := divdata.Generate(loadData(t))
	require.NoError(t, err)
	got, err := os.ReadFile("tables_gen.go")
	require.NoError(t, err)
	assert.True(t, string(src) == string(got), "tables_gen.go is stale: run go generate ./address")
}
