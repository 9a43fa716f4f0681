// Package division knows China's administrative divisions well enough to check a
// postal address: the 34 provincial-level divisions with their short forms, the
// prefecture-level divisions of every mainland province (and the county-level units
// a province administers directly), and the districts of the four municipalities
// and of a set of large cities.
//
// Lookups accept the full name (浙江省, 杭州市, 余杭区), the name without its
// suffix (浙江, 杭州, 余杭) and common short forms (新疆, 内蒙古, 延边州). They do
// not allocate. The tables are built on first use and never change.
package division

import (
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Result says what a lookup found.
type Result uint8

// Lookup results.
const (
	// NoData means the tables hold no list to check against (Hong Kong, Macao and
	// Taiwan have no city list; most cities have no district list).
	NoData Result = iota
	// Known means the name belongs where it was looked up.
	Known
	// Unknown means the tables have a list and the name is not in it, nor anywhere else.
	Unknown
	// Elsewhere means the name is not in the list but belongs to another division.
	Elsewhere
)

// String returns the result's name.
func (r Result) String() string {
	switch r {
	case Known:
		return "known"
	case Unknown:
		return "unknown"
	case Elsewhere:
		return "elsewhere"
	}
	return "no data"
}

type place struct {
	parent string // full name of the containing division
	name   string // full name
}

type provinceInfo struct {
	full         string
	municipality bool
	hasCities    bool
}

type index struct {
	provinces map[string]provinceInfo // any form → the province
	cities    map[string][]place      // any form → the cities of that name
	hasDist   map[string]bool         // full city name → has a district list
	districts map[string][]place      // any form → the districts of that name
}

var tables = sync.OnceValue(build)

func build() *index {
	ix := &index{
		provinces: make(map[string]provinceInfo, 4*len(provinceTable)),
		cities:    make(map[string][]place, 1024),
		hasDist:   make(map[string]bool, len(districtTable)),
		districts: make(map[string][]place, 1024),
	}
	for _, forms := range provinceTable {
		info := provinceInfo{full: forms[0], municipality: isMunicipality(forms[0]), hasCities: cityTable[forms[0]] != ""}
		for _, f := range forms {
			ix.provinces[f] = info
		}
	}
	addAll := func(m map[string][]place, has map[string]bool, table map[string]string) {
		for parent, list := range table {
			if has != nil {
				has[parent] = true
			}
			for _, entry := range strings.Fields(list) {
				forms := strings.Split(entry, "|")
				p := place{parent: parent, name: forms[0]}
				seen := map[string]bool{}
				for _, f := range append(forms, stem(forms[0])) {
					if f == "" || seen[f] {
						continue
					}
					seen[f] = true
					m[f] = append(m[f], p)
				}
			}
		}
	}
	addAll(ix.cities, nil, cityTable)
	addAll(ix.districts, ix.hasDist, districtTable)
	// Map order is random; sort so that Elsewhere always names the same parent.
	for _, m := range []map[string][]place{ix.cities, ix.districts} {
		for _, ps := range m {
			sort.Slice(ps, func(i, j int) bool { return ps[i].parent < ps[j].parent })
		}
	}
	return ix
}

// suffixes are stripped to find a name's stem, longest first.
var suffixes = [...]string{"特别行政区", "自治区", "地区", "林区", "新区", "市", "省", "盟", "区", "县", "旗"}

// stem returns name without its administrative suffix, or "" when the stem would
// be a single character (县 names like 宾县 keep their suffix).
func stem(name string) string {
	for _, s := range suffixes {
		if rest, ok := strings.CutSuffix(name, s); ok {
			if len([]rune(rest)) < 2 {
				return ""
			}
			return rest
		}
	}
	return ""
}

// stemNoAlloc is stem for lookups: it returns "" where stem would, without
// converting to runes.
func stemNoAlloc(name string) string {
	for _, s := range suffixes {
		if rest, ok := strings.CutSuffix(name, s); ok {
			n := 0
			for range rest {
				n++
			}
			if n < 2 {
				return ""
			}
			return rest
		}
	}
	return ""
}

// Province returns the full name of the provincial-level division s names (浙江,
// 浙江省, 新疆, 内蒙古 ...) and whether s names one.
func Province(s string) (string, bool) {
	info, ok := tables().provinces[trimSpace(s)]
	return info.full, ok
}

// Provinces returns the full names of the 34 provincial-level divisions.
func Provinces() []string {
	out := make([]string, len(provinceTable))
	for i, forms := range provinceTable {
		out[i] = forms[0]
	}
	return out
}

// IsMunicipality reports whether province (any form) is one of the four
// municipalities (北京, 天津, 上海, 重庆).
func IsMunicipality(province string) bool {
	info, ok := tables().provinces[trimSpace(province)]
	return ok && info.municipality
}

func isMunicipality(full string) bool {
	for _, m := range municipalities {
		if m == full {
			return true
		}
	}
	return false
}

func lookup(m map[string][]place, s string) []place {
	if ps, ok := m[s]; ok {
		return ps
	}
	if st := stemNoAlloc(s); st != "" {
		return m[st]
	}
	return nil
}

// City checks city against province (both in any form). It returns the city's
// full name when the result is Known, or the province the city belongs to when it
// is Elsewhere. A municipality's city field may repeat the municipality or read
// 市辖区, 县 or 城区.
func City(province, city string) (string, Result) {
	ix := tables()
	prov, ok := ix.provinces[trimSpace(province)]
	if !ok {
		return "", NoData
	}
	city = trimSpace(city)
	if prov.municipality {
		switch city {
		case "市辖区", "县", "城区", "郊县":
			return prov.full, Known
		}
		if c, ok := ix.provinces[city]; ok && c.full == prov.full {
			return prov.full, Known
		}
		return "", Unknown
	}
	if !prov.hasCities {
		return "", NoData
	}
	ps := lookup(ix.cities, city)
	for _, p := range ps {
		if p.parent == prov.full {
			return p.name, Known
		}
	}
	if len(ps) > 0 {
		return ps[0].parent, Elsewhere
	}
	if c, ok := ix.provinces[city]; ok && c.municipality {
		return c.full, Elsewhere
	}
	return "", Unknown
}

// District checks district against city. city is a full city name as [City]
// returns it (for a municipality, the municipality's full name). It returns the
// district's full name when Known, or the city the district belongs to when
// Elsewhere.
func District(city, district string) (string, Result) {
	ix := tables()
	if !ix.hasDist[city] {
		return "", NoData
	}
	ps := lookup(ix.districts, trimSpace(district))
	for _, p := range ps {
		if p.parent == city {
			return p.name, Known
		}
	}
	if len(ps) > 0 {
		return ps[0].parent, Elsewhere
	}
	return "", Unknown
}

// trimSpace is strings.TrimSpace, without work when s neither starts nor ends
// with white space.
func trimSpace(s string) string {
	if s == "" {
		return s
	}
	// Most names start and end with an ASCII letter or a Han character.
	plain := func(c byte) bool { return (c > ' ' && c < utf8.RuneSelf) || (c >= 0xe4 && c <= 0xe9) }
	if plain(s[0]) && (plain(s[len(s)-1]) || (len(s) >= 3 && plain(s[len(s)-3]) && s[len(s)-3] >= 0xe4)) {
		return s
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if !unicode.IsSpace(first) && !unicode.IsSpace(last) {
		return s
	}
	return strings.TrimSpace(s)
}
