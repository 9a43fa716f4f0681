package address

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		in   string
		want Address
	}{
		{"浙江省杭州市余杭区五常街道文一西路969号", Address{"浙江省", "杭州市", "余杭区", "五常街道", "文一西路969号"}},
		{"浙江 杭州 余杭 五常街道 文一西路969号", Address{"浙江省", "杭州市", "余杭区", "五常街道", "文一西路969号"}},
		{"  浙江省，杭州市，余杭区，文一西路969号 3幢 201室 ", Address{"浙江省", "杭州市", "余杭区", "", "文一西路969号 3幢 201室"}},
		{"北京市朝阳区建国路88号", Address{"北京市", "北京市", "朝阳区", "", "建国路88号"}},
		{"北京北京市朝阳区三里屯街道工体北路1号", Address{"北京市", "北京市", "朝阳区", "三里屯街道", "工体北路1号"}},
		{"上海市市辖区浦东新区张江镇科苑路88号", Address{"上海市", "上海市", "浦东新区", "张江镇", "科苑路88号"}},
		{"上海浦东张江镇科苑路88号", Address{"上海市", "上海市", "浦东新区", "张江镇", "科苑路88号"}},
		{"重庆市县城口县葛城街道北大街1号", Address{"重庆市", "重庆市", "城口县", "葛城街道", "北大街1号"}},
		{"重庆石柱县南宾街道", Address{"重庆市", "重庆市", "石柱土家族自治县", "南宾街道", ""}},
		{"杭州市余杭区文一西路969号", Address{"浙江省", "杭州市", "余杭区", "", "文一西路969号"}},
		{"余杭区文一西路969号", Address{"浙江省", "杭州市", "余杭区", "", "文一西路969号"}},
		{"浙江省余杭区文一西路", Address{"浙江省", "杭州市", "余杭区", "", "文一西路"}},
		{"浙江省浙江省杭州市杭州市西湖区西湖区文三路1号", Address{"浙江省", "杭州市", "西湖区", "", "文三路1号"}},
		{"广东省东莞市长安镇振安路1号", Address{"广东省", "东莞市", "", "长安镇", "振安路1号"}},
		{"广东中山市石岐街道孙文中路1号", Address{"广东省", "中山市", "", "石岐街道", "孙文中路1号"}},
		{"湖北省仙桃市郑场镇新镇路2号", Address{"湖北省", "仙桃市", "", "郑场镇", "新镇路2号"}},
		{"湖北省省直辖县级行政区划仙桃市干河街道1号", Address{"湖北省", "仙桃市", "", "干河街道", "1号"}},
		{"吉林省吉林市船营区北京路1号", Address{"吉林省", "吉林市", "船营区", "", "北京路1号"}},
		{"朝阳区建国路", Address{"", "", "", "", "朝阳区建国路"}}, // 北京 or 长春
		{"广西省南宁市青秀区民族大道1号", Address{"广西壮族自治区", "南宁市", "青秀区", "", "民族大道1号"}},
		{"内蒙古呼和浩特市赛罕区大学西街", Address{"内蒙古自治区", "呼和浩特市", "赛罕区", "", "大学西街"}},
		{"香港特别行政区九龙油尖旺区弥敦道1号", Address{"香港特别行政区", "九龙", "油尖旺区", "", "弥敦道1号"}},
		{"江苏省苏州市工业园区星湖街328号", Address{"江苏省", "苏州市", "苏州工业园区", "", "星湖街328号"}},
		{"四川省成都市高新区天府大道1号", Address{"四川省", "成都市", "成都高新技术产业开发区", "", "天府大道1号"}},
		{"新疆石河子市北四路", Address{"新疆维吾尔自治区", "石河子市", "", "", "北四路"}},
		{"山东省莱芜市莱城区凤城街道", Address{"山东省", "济南市", "莱芜区", "凤城街道", ""}},
		{"浙江省杭州市江干区九堡街道", Address{"浙江省", "杭州市", "上城区", "九堡街道", ""}},
		{"甘肃省临夏州临夏市红园路", Address{"甘肃省", "临夏回族自治州", "临夏市", "", "红园路"}},
		{"文一西路969号", Address{"", "", "", "", "文一西路969号"}},
		{"北京中路5号", Address{"", "", "", "", "北京中路5号"}},
		{"上海路1号", Address{"", "", "", "", "上海路1号"}},
		{"中山路1号", Address{"", "", "", "", "中山路1号"}},
		{"杭州 文一西路969号", Address{"浙江省", "杭州市", "", "", "文一西路969号"}},
		{"", Address{}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Split(tt.in), tt.in)
	}
}

// realShaped makes addresses in the shapes platforms export, from every
// county-level unit of the tables, with the parts Split must find.
func realShaped(r *rand.Rand) (in []string, want []Address) {
	streets := []string{"城关镇", "人民街道", "新华街道", "红星乡", ""}
	details := []string{"人民路12号", "建设大道88号3幢201室", "解放北路7号院", "幸福小区5栋2单元", "中山东路1号"}
	seps := []string{"", " ", "", "  ", "，"}
	for _, p := range Provinces() {
		if !p.Mainland() {
			continue
		}
		for _, c := range p.Children() {
			if c.Code() == "" {
				continue
			}
			for _, k := range c.Children() {
				if k.Zone() {
					continue
				}
				st, de, sep := streets[r.IntN(len(streets))], details[r.IntN(len(details))], seps[r.IntN(len(seps))]
				w := Address{Province: p.Name(), City: c.Name(), District: k.Name(), Street: st, Detail: de}
				cityText := c.Name()
				switch {
				case p.Municipality():
					w.City = p.Name()
					cityText = []string{"", p.Name(), c.Name()}[r.IntN(3)]
				case c.Placeholder():
					w.City, w.District = k.Name(), ""
					cityText = []string{"", c.Name()}[r.IntN(2)]
				}
				provText := p.Name()
				if r.IntN(3) == 0 {
					if a := shortForm(p); a != "" {
						provText = a
					}
				}
				line := provText + sep + cityText + sep + k.Name() + sep + st + sep + de
				in = append(in, line)
				want = append(want, w)
				if p.Municipality() {
					continue
				}
				// Without the province; with short forms and spaces; with
				// repeated prefixes.
				if !c.Placeholder() {
					in = append(in, c.Name()+k.Name()+st+de)
					want = append(want, w)
					in = append(in, p.Name()+p.Name()+c.Name()+c.Name()+k.Name()+st+de)
					want = append(want, w)
				}
				in = append(in, strings.Join([]string{shortForm(p), shortOf(c), shortOf(k), st, de}, " "))
				want = append(want, w)
			}
		}
	}
	return in, want
}

// shortOf returns d's name without its suffix when that is one of its forms,
// else its name; placeholders are left out.
func shortOf(d Division) string {
	if d.Placeholder() {
		return ""
	}
	for _, f := range forms {
		if (Division{f.unit}) == d && f.kind == kindAlias && strings.HasPrefix(d.Name(), f.text) {
			return f.text
		}
	}
	return d.Name()
}

func shortForm(d Division) string {
	for _, f := range forms {
		if (Division{f.unit}) == d && f.kind == kindAlias && utf8.RuneCountInString(f.text) >= 2 {
			return f.text
		}
	}
	return ""
}

// TestSplitRealShaped splits an address for every county-level unit.
func TestSplitRealShaped(t *testing.T) {
	in, want := realShaped(rand.New(rand.NewPCG(1, 2)))
	require.Greater(t, len(in), 10000)
	bad := 0
	for i := range in {
		if got := Split(in[i]); got != want[i] {
			bad++
			if bad <= 20 {
				t.Errorf("%s\n got %+v\nwant %+v", in[i], got, want[i])
			}
		}
	}
	assert.Zero(t, bad, "of %d", len(in))
}

func FuzzSplit(f *testing.F) {
	for _, s := range []string{"浙江省杭州市余杭区五常街道文一西路969号", "北京北京市朝阳区", "上海市市辖区浦东新区张江镇", "广西省", "湖北省省直辖县级行政区划仙桃市", "朝阳区", " ，， ", "\xff杭州"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := Parse(s)
		if p.Detail != "" && !strings.Contains(s, p.Detail) {
			t.Fatalf("detail %q not in %q", p.Detail, s)
		}
		if p.Street != "" && !strings.Contains(s, p.Street) {
			t.Fatalf("street %q not in %q", p.Street, s)
		}
		if p.CountyDiv.Valid() {
			par := p.CountyDiv.Parent()
			if par != p.CityDiv && !(p.CityDiv == p.ProvinceDiv && par.Parent() == p.ProvinceDiv) && !p.CountyDiv.u().isGeneric() {
				t.Fatalf("%q: county %s not in city %s", s, p.CountyDiv, p.CityDiv)
			}
		}
		if p.CityDiv.Valid() && p.CityDiv.Province() != p.ProvinceDiv {
			t.Fatalf("%q: city %s not in province %s", s, p.CityDiv, p.ProvinceDiv)
		}
		if (p.Province == "") != !p.ProvinceDiv.Valid() {
			t.Fatalf("%q: province %q", s, p.Province)
		}
	})
}

func BenchmarkSplit(b *testing.B) {
	in, _ := realShaped(rand.New(rand.NewPCG(1, 2)))
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		Split(in[n%len(in)])
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "addresses/s")
}

func ExampleSplit() {
	a := Split("浙江 杭州 余杭区 五常街道 文一西路969号")
	out, _ := json.Marshal(a)
	fmt.Println(string(out))
	// Output:
	// {"province":"浙江省","city":"杭州市","district":"余杭区","street":"五常街道","detail":"文一西路969号"}
}
