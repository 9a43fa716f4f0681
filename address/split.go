package address

import (
	"strings"
	"sync"
	"unicode/utf8"
)

// Address is a postal address split into its parts. The division parts hold
// official full names; Street is the town or street office (乡镇/街道) and
// Detail the rest of the line.
type Address struct {
	Province string `json:"province"`
	City     string `json:"city"`
	District string `json:"district"`
	Street   string `json:"street"`
	Detail   string `json:"detail"`
}

// Parsed is what [Parse] read from a one-line address.
type Parsed struct {
	Address
	// The divisions found; a zero Division where a level is missing. City is the
	// province itself for a municipality; County may be a functional zone.
	ProvinceDiv, CityDiv, CountyDiv Division
	// Written reports, per level (province, city, county), whether the line named
	// the division rather than it being inferred from a lower level.
	Written [3]bool
}

// maxFormRunes is the longest form tried at a position, in runes.
const maxFormRunes = 16

// Split splits a one-line address (浙江省杭州市余杭区五常街道文一西路969号) into
// province, city, district, street and detail. It accepts short forms (浙江杭州余杭),
// former names, missing levels (杭州市余杭区…, 余杭区…, 浙江省余杭区…; a level
// is inferred from the one below when that names one division), municipalities
// with or without a repeated city (北京市朝阳区, 北京北京市朝阳区, 上海市市辖区浦东新区),
// repeated prefixes (浙江省浙江省杭州市…) and spaces or commas between the parts.
// What it cannot place stays in Detail.
func Split(s string) Address { return Parse(s).Address }

// Parse is [Split] that also returns the divisions found.
func Parse(s string) Parsed {
	var p Parsed
	rest := skipSeparators(s)

	// Province, then repeats of it; 海南藏族自治州 is a city, not 海南(省).
	if d, n, ok := matchProvince(rest); ok && !cityReadsLonger(rest, n) {
		p.ProvinceDiv, p.Written[0] = d, true
		rest = skipSeparators(rest[n:])
		for {
			d2, n2, ok := matchProvince(rest)
			if !ok || d2 != d {
				break
			}
			rest = skipSeparators(rest[n2:])
		}
	}

	// City.
	if p.ProvinceDiv.Valid() {
		prov := p.ProvinceDiv
		if prov.Municipality() || !prov.Mainland() {
			// The city may repeat the province or read 市辖区 / 县.
			for {
				n := matchRepeat(prov, rest)
				if n == 0 {
					break
				}
				rest = skipSeparators(rest[n:])
				p.Written[1] = true
			}
			if prov.Municipality() {
				p.CityDiv = prov
			}
		}
		if !p.CityDiv.Valid() {
			if d, n, ok := matchUnder(PrefectureLevel, rest, func(u uint16) bool {
				return units[u].parent == prov.i && (units[u].flags&flagPlaceholder == 0 || len(units[u].name) > len("市辖区"))
			}); ok {
				p.CityDiv, p.Written[1] = d, true
				rest = skipSeparators(rest[n:])
			} else if d, n, ok := matchUnder(CountyLevel, rest, func(u uint16) bool {
				return units[u].flags&flagCityField != 0 && units[units[u].parent].parent == prov.i
			}); ok {
				// 仙桃市: a county-level unit the province administers directly.
				p.CityDiv, p.Written[1] = d, true
				rest = skipSeparators(rest[n:])
			}
		}
	} else if d, n, ok := matchUnique(PrefectureLevel, rest, func(u uint16) bool {
		return units[u].flags&flagPlaceholder == 0 && units[u].code != ""
	}); ok {
		p.CityDiv, p.ProvinceDiv, p.Written[1] = d, d.Parent(), true
		rest = skipSeparators(rest[n:])
	} else if d, n, ok := matchUnique(CountyLevel, rest, func(u uint16) bool { return units[u].flags&flagCityField != 0 }); ok {
		p.CityDiv, p.ProvinceDiv, p.Written[1] = d, d.Province(), true
		rest = skipSeparators(rest[n:])
	}
	if p.CityDiv.Valid() && p.CityDiv.Level() == PrefectureLevel {
		city := p.CityDiv.i
		for {
			d2, n2, ok := matchUnder(PrefectureLevel, rest, func(u uint16) bool { return u == city })
			if !ok || d2 != p.CityDiv {
				break
			}
			// 恩施州恩施市, 荆州市荆州区: a county whose name starts like the city.
			if _, n3, kind, ok := matchForm(CountyLevel, rest, func(u uint16) bool { return units[u].parent == city }, false); ok && (n3 > n2 || n3 == n2 && kind != kindFormer) {
				break // but 吐鲁番市吐鲁番市鄯善县 repeats the city: 吐鲁番市 is only a former name of 高昌区
			}
			rest = skipSeparators(rest[n2:])
		}
	}

	// County.
	switch {
	case p.CityDiv.Valid() && p.CityDiv.Level() == CountyLevel:
		// 仙桃市: no county below.
	case p.CityDiv.Valid():
		city := p.CityDiv
		byProvince := city.Level() == ProvinceLevel
		if d, n, ok := matchUnder(CountyLevel, rest, func(u uint16) bool {
			par := units[u].parent
			if byProvince {
				return units[par].parent == city.i
			}
			return par == city.i
		}); ok {
			p.CountyDiv, p.Written[2] = d, true
			rest = skipSeparators(rest[n:])
		} else if d, n, ok := matchUnder(CountyLevel, rest, func(u uint16) bool { return units[u].flags&flagGeneric != 0 }); ok {
			p.CountyDiv, p.Written[2] = d, true
			rest = skipSeparators(rest[n:])
		}
	case p.ProvinceDiv.Valid():
		// 浙江省余杭区: the county names its city.
		prov := p.ProvinceDiv
		if d, n, ok := matchUnique(CountyLevel, rest, func(u uint16) bool {
			return units[u].flags&flagZone == 0 && units[units[u].parent].parent == prov.i && units[units[u].parent].code != ""
		}); ok {
			p.CountyDiv, p.Written[2] = d, true
			p.CityDiv = d.Parent()
			rest = skipSeparators(rest[n:])
		}
	default:
		if d, n, ok := matchUnique(CountyLevel, rest, func(u uint16) bool { return units[u].flags&flagZone == 0 && units[units[u].parent].code != "" }); ok {
			p.CountyDiv, p.Written[2] = d, true
			p.CityDiv, p.ProvinceDiv = d.Parent(), d.Province()
			rest = skipSeparators(rest[n:])
		}
	}
	if p.CountyDiv.Valid() {
		for {
			d2, n2, ok := matchUnder(CountyLevel, rest, func(u uint16) bool { return u == p.CountyDiv.i })
			if !ok || d2 != p.CountyDiv {
				break
			}
			rest = skipSeparators(rest[n2:])
		}
	}
	if p.CityDiv.Valid() && p.CityDiv.Placeholder() {
		// 省直辖县级行政区划 is not a city anyone writes: the county is.
		if p.CountyDiv.Valid() {
			p.CityDiv, p.CountyDiv = p.CountyDiv, Division{}
		}
	}
	if p.CityDiv.Valid() && p.CityDiv.Level() == PrefectureLevel && p.CityDiv.Placeholder() && p.ProvinceDiv.Municipality() {
		p.CityDiv = p.ProvinceDiv
	}

	// Street: the town or street office.
	if p.ProvinceDiv.Valid() {
		if n := matchStreet(rest); n > 0 {
			p.Street = rest[:n]
			rest = skipSeparators(rest[n:])
		}
	}
	if ambiguousStart(s, p.Written) {
		// 北京中路5号, 上海路1号: a road named after a place, not an address.
		return Parsed{Address: Address{Detail: trimSeparators(s)}}
	}
	p.Province = p.ProvinceDiv.String()
	p.City = p.CityDiv.String()
	p.District = p.CountyDiv.String()
	p.Detail = trimSeparators(rest)
	return p
}

// ambiguousStart reports whether only one level was read, by a short form
// without suffix running straight into the rest of the line.
func ambiguousStart(s string, written [3]bool) bool {
	n := 0
	for _, w := range written {
		if w {
			n++
		}
	}
	if n != 1 {
		return false
	}
	s = skipSeparators(s)
	var level Level
	for i, w := range written {
		if w {
			level = Level(i + 1)
		}
	}
	_, l, kind, ok := matchForm(level, s, func(uint16) bool { return true }, false)
	if !ok || kind == kindName || hasLevelSuffix(s[:l]) || l == len(s) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[l:])
	return !separator(r)
}

// cityReadsLonger reports whether s starts with a prefecture-level name longer
// than the n bytes a province form took.
func cityReadsLonger(s string, n int) bool {
	_, m, ok := matchUnique(PrefectureLevel, s, func(u uint16) bool {
		return units[u].flags&flagPlaceholder == 0 && units[u].code != ""
	})
	return ok && m > n
}

// matchProvince matches a province form at the start of s and the suffix that
// may follow a short form (广西省, 内蒙古自治区, 北京市).
func matchProvince(s string) (Division, int, bool) {
	d, n, kind, ok := matchForm(ProvinceLevel, s, func(uint16) bool { return true }, false)
	if !ok {
		return d, 0, false
	}
	if strings.HasSuffix(s[:n], "自治区") && strings.HasPrefix(s[n:], "直辖") {
		// 新疆自治区直辖县级行政区划: the placeholder takes the suffix.
		n -= len("自治区")
	}
	if kind == kindName || hasLevelSuffix(s[:n]) {
		return d, n, true
	}
	rest := s[n:]
	for _, suf := range [...]string{"特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省"} {
		if strings.HasPrefix(rest, suf) && !strings.HasPrefix(rest[len(suf):], "直辖") {
			return d, n + len(suf), true
		}
	}
	if d.Municipality() && strings.HasPrefix(rest, "市") {
		return d, n + len("市"), true
	}
	return d, n, true
}

// matchRepeat returns the length of a repeat of prov or a placeholder (市辖区, 县)
// at the start of s, 0 if there is none.
func matchRepeat(prov Division, s string) int {
	if d, n, ok := matchProvince(s); ok && d == prov {
		return n
	}
	for _, ph := range [...]string{"市辖区", "辖区", "城区", "郊县"} {
		if strings.HasPrefix(s, ph) {
			return len(ph)
		}
	}
	if prov.Municipality() && strings.HasPrefix(s, "县") {
		// 重庆市县城口县: the placeholder 县 before a county.
		if _, _, ok := matchUnder(CountyLevel, skipSeparators(s[len("县"):]), func(u uint16) bool { return units[units[u].parent].parent == prov.i }); ok {
			return len("县")
		}
	}
	return 0
}

// lowerStart lists what starts the next part after a short form that is not the
// short form of this level: 朝阳区 is not 朝阳(市) + 区.
var lowerStart = [...]string{"区", "县", "旗", "市", "镇", "乡", "路", "街", "道", "村", "巷", "弄", "里", "大道", "新区", "开发区", "社区", "小区", "号", "省", "州", "盟"}

// matchUnder finds the longest form of a unit of level that ok accepts at the
// start of s. A short form (without its suffix) followed by what starts a
// lower level's name does not count, unless that is the unit's own suffix with
// another spelling (广西省).
func matchUnder(level Level, s string, ok func(uint16) bool) (Division, int, bool) {
	d, n, _, found := matchForm(level, s, ok, false)
	return d, n, found
}

// matchUnique is matchUnder that fails when the form at the start of s names
// more than one unit ok accepts (朝阳区 of 北京市 and of 长春市).
func matchUnique(level Level, s string, ok func(uint16) bool) (Division, int, bool) {
	d, n, _, found := matchForm(level, s, ok, true)
	return d, n, found
}

// matchForm does the work of matchUnder and returns the kind of form matched.
func matchForm(level Level, s string, ok func(uint16) bool, unique bool) (Division, int, uint8, bool) {
	m := tables().byLevel[level]
	// Byte offsets of the first maxFormRunes+1 rune boundaries.
	var ends [maxFormRunes + 1]int
	k := 0
	for i := 0; i < len(s) && k < maxFormRunes; {
		c := s[i]
		if c < utf8.RuneSelf {
			if !isFormByte(c) {
				break
			}
			i++
		} else {
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
		}
		ends[k] = i
		k++
	}
	for j := k - 1; j >= 1; j-- { // at least two runes
		n := ends[j]
		rs, found := m[s[:n]]
		if !found {
			continue
		}
		var best Division
		bestN, bestKind := 0, uint8(0)
		for _, r := range rs {
			if !ok(r.unit) || r.unit == best.i {
				continue
			}
			u := &units[r.unit]
			took := n
			if r.kind != kindName && !hasLevelSuffix(s[:n]) && startsLower(s[n:]) {
				// A short form followed by 区/县/路…: accept it only with the
				// unit's own suffix spelled differently (广西省, 余杭区).
				l := suffixLen(u, s[n:])
				if l == 0 {
					continue
				}
				took += l
			}
			if !unique {
				return Division{r.unit}, took, r.kind, true
			}
			if best.Valid() {
				return Division{}, 0, 0, false
			}
			best, bestN, bestKind = Division{r.unit}, took, r.kind
		}
		if best.Valid() {
			return best, bestN, bestKind, true
		}
	}
	return Division{}, 0, 0, false
}

func isFormByte(c byte) bool {
	return c == '-' || c == '(' || c == ')' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

// hasLevelSuffix reports whether a form ends in an administrative suffix.
func hasLevelSuffix(f string) bool {
	for _, suf := range [...]string{"省", "市", "区", "县", "州", "盟", "旗", "地区", "新区", "特别行政区"} {
		if strings.HasSuffix(f, suf) {
			return true
		}
	}
	return false
}

func startsLower(s string) bool {
	for _, p := range lowerStart {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// suffixLen returns the length of a suffix at the start of s that spells u's
// own level: 省 or 市 after a province's short form, 市/州/盟/地区 after a
// prefecture's, 区/县/市/旗 after a county's whose name ends so; 0 if none.
func suffixLen(u *unit, s string) int {
	var sufs []string
	switch Level(u.level) {
	case ProvinceLevel:
		sufs = []string{"省", "市"}
	case PrefectureLevel:
		sufs = []string{"地区", "市", "州", "盟"}
	default:
		// A county's stem followed by 区 or 县 is that county with its suffix
		// only when the name ends so: 余杭 + 区 = 余杭区.
		for _, suf := range [...]string{"区", "县", "市", "旗"} {
			if strings.HasPrefix(s, suf) && strings.HasSuffix(u.name, suf) {
				return len(suf)
			}
		}
		return 0
	}
	for _, suf := range sufs {
		if strings.HasPrefix(s, suf) && (u.level != uint8(ProvinceLevel) || suf == "省" || u.flags&flagMunicipality != 0) {
			return len(suf)
		}
	}
	return 0
}

// streetSuffixes end a town or street office's name, longest first.
var streetSuffixes = [...]string{"街道办事处", "街道", "民族乡", "镇", "乡", "苏木"}

// roadStart lists what follows 镇 or 乡 in a road name rather than a town name
// (新镇路, 乡村大道).
var roadStart = [...]string{"路", "街", "大道", "道", "巷", "弄", "村路", "中路", "东路", "西路", "南路", "北路"}

// matchStreet returns the length of a town or street office's name at the start
// of s: two to eight Han characters ending in 街道, 镇, 乡 or 苏木.
func matchStreet(s string) int {
	runes := 0
	for i := 0; i < len(s) && runes < 10; {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r < 0x4e00 || r > 0x9fff {
			return 0
		}
		i += size
		runes++
		if runes < 2 {
			continue
		}
		for _, suf := range streetSuffixes {
			if !strings.HasSuffix(s[:i], suf) || (suf == "镇" || suf == "乡") && runes < 2 {
				continue
			}
			if utf8.RuneCountInString(suf) >= runes {
				continue
			}
			next := s[i:]
			road := false
			for _, p := range roadStart {
				if strings.HasPrefix(next, p) {
					road = true
					break
				}
			}
			if !road {
				return i
			}
		}
	}
	return 0
}

// separator reports whether r separates address parts.
func separator(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\u3000', ',', '，', '、', '/', '|', ';', '；', ':', '：':
		return true
	}
	return false
}

func skipSeparators(s string) string {
	for s != "" {
		r, size := utf8.DecodeRuneInString(s)
		if !separator(r) {
			break
		}
		s = s[size:]
	}
	return s
}

func trimSeparators(s string) string {
	s = skipSeparators(s)
	for s != "" {
		r, size := utf8.DecodeLastRuneInString(s)
		if !separator(r) {
			break
		}
		s = s[:len(s)-size]
	}
	return s
}

var heads = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{}, 1024)
	for _, f := range forms {
		if units[f.unit].level == uint8(CountyLevel) {
			continue
		}
		if h := head(f.text); h != "" {
			m[h] = struct{}{}
		}
	}
	return m
})

// head returns the first two runes of s, "" if s is shorter.
func head(s string) string {
	n := 0
	for i := range s {
		if n == 2 {
			return s[:i]
		}
		n++
	}
	if n == 2 {
		return s
	}
	return ""
}

// StartsWithDivision reports whether s starts like the name of a province or a
// prefecture-level division, the cheap test before splitting an address line
// that may repeat its province and city. It does not allocate.
func StartsWithDivision(s string) bool {
	_, ok := heads()[head(skipSeparators(s))]
	return ok
}
