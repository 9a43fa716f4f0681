package address

//go:generate go run ./internal/gen -in data/divisions.txt -out tables_gen.go

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

type unit struct {
	name   string
	code   string
	parent uint16
	level  uint8
	flags  uint8
}

type form struct {
	text string
	unit uint16
	kind uint8
}

// Unit flags (the generator writes them as numbers).
const (
	flagZone = 1 << iota
	flagCityField
	flagNoCounties
	flagPlaceholder
	flagMunicipality
	flagRepeatable
	flagGeneric
)

// Form kinds.
const (
	kindName = iota
	kindAlias
	kindFormer
)

// Level is a division's place in the hierarchy.
type Level uint8

// Levels.
const (
	ProvinceLevel   Level = 1 // 省级: province, autonomous region, municipality, SAR
	PrefectureLevel Level = 2 // 地级: prefecture-level city, 地区, 自治州, 盟, or a placeholder
	CountyLevel     Level = 3 // 县级: district, county, county-level city, 旗; or a functional zone
)

// Division is one administrative unit (or functional zone) of the bundled data.
// The zero Division is none.
type Division struct{ i uint16 }

func (d Division) u() *unit { return &units[d.i] }

// Valid reports whether d is a division (not the zero value).
func (d Division) Valid() bool { return d.i != 0 }

// Name returns the full official name: 浙江省, 杭州市, 余杭区.
func (d Division) Name() string { return d.u().name }

// Code returns the division code (GB/T 2260) of a province ("33") or prefecture
// ("3301"), "" for county-level units and for regions without an official code.
func (d Division) Code() string { return d.u().code }

// Level returns d's level.
func (d Division) Level() Level { return Level(d.u().level) }

// Parent returns the division d belongs to: a county's prefecture, a
// prefecture's province, none for a province.
func (d Division) Parent() Division { return Division{d.u().parent} }

// Province returns the province d is in (d itself for a province).
func (d Division) Province() Division {
	for d.Valid() && d.Level() > ProvinceLevel {
		d = d.Parent()
	}
	return d
}

// Zone reports whether d is a functional zone (开发区, 高新区, 工业园区) rather than
// an administrative unit.
func (d Division) Zone() bool { return d.u().flags&flagZone != 0 }

// Placeholder reports whether d is one of the official placeholders 市辖区, 县,
// 省直辖县级行政区划 or 自治区直辖县级行政区划.
func (d Division) Placeholder() bool { return d.u().flags&flagPlaceholder != 0 }

// NoCounties reports whether d is a prefecture-level city without county level
// (东莞市, 中山市, 儋州市, 嘉峪关市), or a county-level unit: addresses go on with
// a town or street.
func (d Division) NoCounties() bool {
	u := d.u()
	return u.flags&flagNoCounties != 0 || u.level == uint8(CountyLevel)
}

// Municipality reports whether d is one of the four municipalities (北京, 天津,
// 上海, 重庆).
func (d Division) Municipality() bool { return d.u().flags&flagMunicipality != 0 }

// Mainland reports whether d is in mainland China, not in Hong Kong, Macao or
// Taiwan (whose addresses need no district).
func (d Division) Mainland() bool { return d.Province().u().flags&flagRepeatable == 0 }

// HasCounties reports whether the data lists divisions below d.
func (d Division) HasCounties() bool { return len(tables().children[d.i]) > 0 }

// Path returns the names from the province down to d, skipping placeholders and
// a municipality's repeated name: "浙江省杭州市余杭区", "北京市朝阳区".
func (d Division) Path() string {
	var parts [3]string
	n := 0
	for x := d; x.Valid(); x = x.Parent() {
		if !x.Placeholder() {
			parts[n] = x.Name()
			n++
		}
	}
	var b strings.Builder
	for i := n - 1; i >= 0; i-- {
		b.WriteString(parts[i])
	}
	return b.String()
}

// String returns d's name, "" for none.
func (d Division) String() string {
	if !d.Valid() {
		return ""
	}
	return d.Name()
}

// Match says how a written name matched a division.
type Match uint8

// Matches, from best to worst.
const (
	NoMatch Match = iota // nothing matched
	Exact                // the official full name
	Alias                // a short form or a variant (浙江, 杭州, 延边州, 浦东)
	Former               // a former name of a renamed or merged unit (江干区, 莱芜市)
	Near                 // the name with another administrative suffix (广西省, 杭州县)
)

// String returns the match's name.
func (m Match) String() string {
	switch m {
	case Exact:
		return "exact"
	case Alias:
		return "alias"
	case Former:
		return "former"
	case Near:
		return "near"
	}
	return "none"
}

type ref struct {
	unit uint16
	kind uint8
}

type index struct {
	byLevel  [4]map[string][]ref // forms of units of each level
	children [][]uint16          // unit → its children
	cityForm map[uint16][]uint16 // province → its county-level units written in the city field
}

var tables = sync.OnceValue(build)

func build() *index {
	ix := &index{children: make([][]uint16, len(units))}
	for l := range ix.byLevel {
		ix.byLevel[l] = make(map[string][]ref, 2*len(forms)/3)
	}
	ix.cityForm = make(map[uint16][]uint16)
	for i := 1; i < len(units); i++ {
		u := &units[i]
		if u.parent != 0 {
			ix.children[u.parent] = append(ix.children[u.parent], uint16(i))
		}
	}
	for _, f := range forms {
		m := ix.byLevel[units[f.unit].level]
		m[f.text] = append(m[f.text], ref{f.unit, f.kind})
	}
	return ix
}

// Provinces returns the 34 provincial-level divisions in code order.
func Provinces() []Division {
	var out []Division
	for i := 1; i < len(units); i++ {
		if units[i].level == uint8(ProvinceLevel) {
			out = append(out, Division{uint16(i)})
		}
	}
	return out
}

// Children returns the divisions directly below d (a province's prefectures, a
// prefecture's counties).
func (d Division) Children() []Division {
	ids := tables().children[d.i]
	out := make([]Division, len(ids))
	for i, id := range ids {
		out[i] = Division{id}
	}
	return out
}

// nearKey strips an administrative suffix from s for a near-miss lookup.
func nearKey(s string) string {
	for _, suf := range nearSuffixes {
		if rest, ok := strings.CutSuffix(s, suf); ok && len(rest) >= 6 {
			return rest
		}
	}
	return ""
}

var nearSuffixes = [...]string{"特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "省", "市", "区", "县", "州", "盟", "旗"}

// LookupProvince finds the provincial-level division s names: 浙江省, 浙江, 新疆,
// 内蒙古 are Exact or Alias; 广西省 and 内蒙古省 are Near 广西壮族自治区 and
// 内蒙古自治区. It does not allocate.
func LookupProvince(s string) (Division, Match) {
	s = trimSpace(s)
	m := tables().byLevel[ProvinceLevel]
	if rs, ok := m[s]; ok {
		return Division{rs[0].unit}, matchOf(rs[0].kind)
	}
	if k := nearKey(s); k != "" {
		if rs, ok := m[k]; ok {
			return Division{rs[0].unit}, Near
		}
	}
	return Division{}, NoMatch
}

func matchOf(kind uint8) Match {
	switch kind {
	case kindName:
		return Exact
	case kindAlias:
		return Alias
	}
	return Former
}

// LookupCity finds what a platform's city field s names in province prov. It
// returns a prefecture-level division, or
//   - prov itself when prov is a municipality (or Hong Kong, Macao, Taiwan) and s
//     repeats it or reads one of the placeholders 市辖区, 县, 城区, 郊县;
//   - a county-level division when s is one a province administers directly
//     (仙桃市, 济源市, 石河子市; the placeholder form 省直辖县级行政区划 is a
//     prefecture-level division of its own) or, in a municipality, one of its
//     districts (JD writes 北京/朝阳区/三环以内).
//
// It does not allocate.
func LookupCity(prov Division, s string) (Division, Match) {
	if !prov.Valid() || prov.Level() != ProvinceLevel {
		return Division{}, NoMatch
	}
	s = trimSpace(s)
	pu := prov.u()
	if pu.flags&(flagMunicipality|flagRepeatable) != 0 {
		switch s {
		case "市辖区", "县", "城区", "郊县":
			if pu.flags&flagMunicipality != 0 {
				return prov, Exact
			}
		}
		if rs, ok := tables().byLevel[ProvinceLevel][s]; ok && rs[0].unit == prov.i {
			return prov, matchOf(rs[0].kind)
		}
	}
	if d, m := findIn(PrefectureLevel, s, func(p uint16) bool { return units[p].parent == prov.i }); m != NoMatch {
		if pu.flags&flagMunicipality != 0 && d.Placeholder() {
			return prov, m
		}
		return d, m
	}
	// County-level units in the city field: those a province administers
	// directly, and a municipality's districts.
	return findIn(CountyLevel, s, func(p uint16) bool {
		u := &units[p]
		if u.flags&flagZone != 0 || units[u.parent].parent != prov.i {
			return false
		}
		return u.flags&flagCityField != 0 || pu.flags&flagMunicipality != 0
	})
}

// findIn looks s up among the units of level that ok accepts, first as written,
// then with another suffix (Near).
func findIn(level Level, s string, ok func(uint16) bool) (Division, Match) {
	m := tables().byLevel[level]
	if rs, found := m[s]; found {
		best, bestKind := uint16(0), uint8(255)
		for _, r := range rs {
			if ok(r.unit) && r.kind < bestKind {
				best, bestKind = r.unit, r.kind
			}
		}
		if best != 0 {
			return Division{best}, matchOf(bestKind)
		}
	}
	if k := nearKey(s); k != "" {
		for _, r := range m[k] {
			if ok(r.unit) && r.kind != kindFormer {
				return Division{r.unit}, Near
			}
		}
		// 杭州县 → 杭州市: the written suffix replaced by the official one.
		for _, suf := range nearSuffixes {
			if len(k)+len(suf) > 64 {
				continue
			}
			var buf [64]byte
			key := append(append(buf[:0], k...), suf...)
			for _, r := range m[string(key)] {
				if ok(r.unit) && r.kind != kindFormer && string(key) != s {
					return Division{r.unit}, Near
				}
			}
		}
	}
	return Division{}, NoMatch
}

// LookupCounty finds the county-level division s names in city, a division
// [LookupCity] returned. For a municipality it looks through all its districts
// and counties. It returns NoMatch when s is not one of them; a generic
// functional zone (高新区, 经济技术开发区) matches in any city as a zone. It does not
// allocate.
func LookupCounty(city Division, s string) (Division, Match) {
	if !city.Valid() {
		return Division{}, NoMatch
	}
	s = trimSpace(s)
	c := city.i
	byProvince := city.Level() == ProvinceLevel
	d, m := findIn(CountyLevel, s, func(p uint16) bool {
		u := &units[p]
		if byProvince {
			return units[u.parent].parent == c
		}
		return u.parent == c
	})
	if m != NoMatch {
		return d, m
	}
	if rs, ok := tables().byLevel[CountyLevel][s]; ok {
		for _, r := range rs {
			if units[r.unit].flags&flagGeneric != 0 {
				return Division{r.unit}, matchOf(r.kind)
			}
		}
	}
	return Division{}, NoMatch
}

// FindCounties returns the current county-level divisions (not zones) that s
// names anywhere, for saying where a misplaced district belongs.
func FindCounties(s string) []Division { return find(CountyLevel, trimSpace(s)) }

// FindCities returns the current prefecture-level divisions (not placeholders)
// that s names anywhere, and the county-level units platforms write as cities.
func FindCities(s string) []Division {
	s = trimSpace(s)
	out := find(PrefectureLevel, s)
	for _, d := range find(CountyLevel, s) {
		if d.u().flags&flagCityField != 0 {
			out = append(out, d)
		}
	}
	return out
}

func find(level Level, s string) []Division {
	var out []Division
	add := func(rs []ref) {
		for _, r := range rs {
			u := &units[r.unit]
			if r.kind == kindFormer || u.flags&(flagZone|flagPlaceholder) != 0 {
				continue
			}
			dup := false
			for _, d := range out {
				dup = dup || d.i == r.unit
			}
			if !dup {
				out = append(out, Division{r.unit})
			}
		}
	}
	m := tables().byLevel[level]
	add(m[s])
	return out
}

// trimSpace is strings.TrimSpace without work when s neither starts nor ends
// with white space.
func trimSpace(s string) string {
	if s == "" {
		return s
	}
	c0, cn := s[0], s[len(s)-1]
	if c0 > ' ' && c0 < utf8.RuneSelf && cn > ' ' && cn < utf8.RuneSelf {
		return s
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if !unicode.IsSpace(first) && !unicode.IsSpace(last) && first != '\u3000' && last != '\u3000' {
		return s
	}
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == '\u3000' })
}

func (u *unit) isGeneric() bool { return u.flags&flagGeneric != 0 }
