// Package divdata reads the division data file (address/data/divisions.txt) for
// the table generator and the tests that check the generated tables against it.
package divdata

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Level is a unit's place in the hierarchy.
type Level int

// Levels.
const (
	Province   Level = 1
	Prefecture Level = 2
	County     Level = 3
)

// Unit is one line's unit: a province, a prefecture or a county-level unit.
type Unit struct {
	Level      Level
	Code       string // "33", "3301"; "" for counties and regions without a code
	Name       string
	Aliases    []string // other current forms, as written in the file
	Formers    []string // former names (marked ~ in the file)
	Zone       bool     // a functional zone, not an administrative unit (+)
	CityField  bool     // platforms also write it in the city field (^)
	NoCounties bool     // a prefecture without county level (东莞市)
	Children   []*Unit
	Line       int
}

// Data is the whole file.
type Data struct {
	Provinces []*Unit
	Zones     []*Unit // generic functional zones, found in any city (* lines)
}

// Units calls f for every unit, parents before children.
func (d *Data) Units(f func(u, parent *Unit)) {
	var walk func(u, p *Unit)
	walk = func(u, p *Unit) {
		f(u, p)
		for _, c := range u.Children {
			walk(c, u)
		}
	}
	for _, p := range d.Provinces {
		walk(p, nil)
	}
}

// Parse reads a division data file.
func Parse(r io.Reader) (*Data, error) {
	d := &Data{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	n := 0
	var prov *Unit
	for sc.Scan() {
		n++
		line := sc.Text()
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !utf8.ValidString(line) {
			return nil, fmt.Errorf("line %d: not UTF-8", n)
		}
		fail := func(format string, args ...any) error {
			return fmt.Errorf("line %d: %s", n, fmt.Sprintf(format, args...))
		}
		code, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch {
		case code == "*":
			for _, tok := range strings.Fields(rest) {
				u, err := parseUnit(tok, County, n)
				if err != nil {
					return nil, fail("%v", err)
				}
				u.Zone = true
				d.Zones = append(d.Zones, u)
			}
		case len(code) == 2 && isDigits(code):
			u, err := parseUnit(rest, Province, n)
			if err != nil {
				return nil, fail("%v", err)
			}
			u.Code = code
			prov = u
			d.Provinces = append(d.Provinces, u)
		case (len(code) == 4 && isDigits(code)) || code == "-":
			if prov == nil {
				return nil, fail("prefecture before any province")
			}
			head, list, ok := strings.Cut(rest, ":")
			if !ok {
				return nil, fail("prefecture without colon")
			}
			u, err := parseUnit(strings.TrimSpace(head), Prefecture, n)
			if err != nil {
				return nil, fail("%v", err)
			}
			if code != "-" {
				if code[:2] != prov.Code {
					return nil, fail("code %s outside province %s", code, prov.Code)
				}
				u.Code = code
			}
			for _, tok := range strings.Fields(list) {
				c, err := parseUnit(tok, County, n)
				if err != nil {
					return nil, fail("%v", err)
				}
				u.Children = append(u.Children, c)
			}
			u.NoCounties = len(u.Children) == 0 && code != "-" && !strings.HasPrefix(prov.Code, "7")
			prov.Children = append(prov.Children, u)
		default:
			return nil, fail("unknown line %q", line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return d, nil
}

func parseUnit(tok string, level Level, line int) (*Unit, error) {
	u := &Unit{Level: level, Line: line}
	switch {
	case strings.HasPrefix(tok, "+"):
		u.Zone, tok = true, tok[1:]
	case strings.HasPrefix(tok, "^"):
		u.CityField, tok = true, tok[1:]
	}
	forms := strings.Split(tok, "/")
	u.Name = forms[0]
	if u.Name == "" || strings.ContainsAny(u.Name, "~+^ ") {
		return nil, fmt.Errorf("bad name %q", tok)
	}
	for _, f := range forms[1:] {
		if old, ok := strings.CutPrefix(f, "~"); ok {
			if old == "" {
				return nil, fmt.Errorf("empty former name in %q", tok)
			}
			u.Formers = append(u.Formers, old)
			continue
		}
		if f == "" {
			return nil, fmt.Errorf("empty alias in %q", tok)
		}
		u.Aliases = append(u.Aliases, f)
	}
	return u, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Suffixes are the administrative suffixes a derived short form drops, longest first.
var Suffixes = []string{"特别行政区", "自治区", "地区", "林区", "新区", "特区", "市", "省", "盟", "区", "县", "旗", "州"}

// Stem returns name without its administrative suffix, or "" when that would
// leave fewer than two characters or name has no suffix.
func Stem(name string) string {
	for _, s := range Suffixes {
		if rest, ok := strings.CutSuffix(name, s); ok {
			if utf8.RuneCountInString(rest) < 2 {
				return ""
			}
			return rest
		}
	}
	return ""
}

// Placeholder reports whether name is one of the official placeholders that
// stand where a prefecture would be (市辖区, 县, 省直辖县级行政区划, 自治区直辖县级行政区划).
func Placeholder(name string) bool {
	switch name {
	case "市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划":
		return true
	}
	return false
}

// Forms returns the current forms of every unit under the same parent: the
// name, the aliases, and the derived short forms (the stem of the name; X县 for
// an autonomous county with short form X, X旗 and X州 likewise), leaving out a
// derived form that two units of the parent share or that is another unit's name.
func Forms(siblings []*Unit) [][]string {
	out := make([][]string, len(siblings))
	explicit := map[string]bool{}
	for _, u := range siblings {
		explicit[u.Name] = true
		for _, a := range u.Aliases {
			explicit[a] = true
		}
	}
	derived := make([][]string, len(siblings))
	count := map[string]int{}
	for i, u := range siblings {
		var d []string
		if !Placeholder(u.Name) && !strings.Contains(u.Name, "自治") {
			if s := Stem(u.Name); s != "" {
				d = append(d, s)
			}
		}
		for _, suffix := range []string{"自治县", "自治旗", "自治州"} {
			if strings.HasSuffix(u.Name, suffix) {
				end := suffix[len(suffix)-3:]
				for _, a := range u.Aliases {
					if Stem(a) == "" && !strings.HasSuffix(a, end) {
						d = append(d, a+end)
					}
				}
			}
		}
		seen := map[string]bool{}
		for _, f := range d {
			if !seen[f] {
				seen[f] = true
				count[f]++
			}
		}
		derived[i] = d
	}
	for i, u := range siblings {
		forms := append([]string{u.Name}, u.Aliases...)
		for _, f := range derived[i] {
			if count[f] == 1 && !explicit[f] && !contains(forms, f) {
				forms = append(forms, f)
			}
		}
		out[i] = forms
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
