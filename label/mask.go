package label

import (
	"strings"
	"unicode/utf8"
)

// compoundSurnames are two-character Chinese surnames kept whole by [MaskName].
var compoundSurnames = []string{
	"欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
	"宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "澹台", "公冶", "宗政", "濮阳",
	"淳于", "单于", "太叔", "申屠", "赫连", "闻人", "万俟", "端木", "西门", "南宫",
	"独孤", "百里", "呼延", "司空", "东郭", "拓跋", "第五", "梁丘", "左丘", "乐正",
}

// MaskName masks a personal name for a privacy label: the surname stays, every
// other character becomes "*". 张三→张*, 张小明→张**, 欧阳娜娜→欧阳** (compound
// surnames keep two characters), 李→李* (a one-character name still shows that it is
// masked), 阿依古丽·买买提→阿*·买* (each part of a name with a middle dot keeps its
// first character and one "*", so neither part's length shows), John Smith→J***
// S**** (Latin words keep their initial). An empty name stays empty.
func MaskName(s string) string { return string(appendMaskName(nil, s)) }

func appendMaskName(dst []byte, s string) []byte {
	s = strings.TrimSpace(s)
	if s == "" {
		return dst
	}
	for _, dot := range [...]string{"·", "•", "・", "．", "‧"} {
		if i := strings.Index(s, dot); i > 0 {
			return appendMaskDotted(dst, s, dot)
		}
	}
	if r, _ := utf8.DecodeRuneInString(s); r < 0x80 {
		return appendMaskWords(dst, s)
	}
	keep := 1
	for _, c := range compoundSurnames {
		if strings.HasPrefix(s, c) && utf8.RuneCountInString(s) > 2 {
			keep = 2
			break
		}
	}
	i, k := 0, 0
	for i < len(s) && k < keep {
		n, _ := NextCluster(s[i:])
		i += n
		k++
	}
	dst = append(dst, s[:i]...)
	if i == len(s) {
		return append(dst, '*')
	}
	for i < len(s) {
		n, _ := NextCluster(s[i:])
		i += n
		dst = append(dst, '*')
	}
	return dst
}

// appendMaskDotted masks each part of a name written with a middle dot (Uyghur,
// Kazakh and transcribed foreign names) to its first character and one "*", however
// long or short the part is: 阿依古丽·买买提→阿*·买*, 买·提→买*·提*.
func appendMaskDotted(dst []byte, s, dot string) []byte {
	for first := true; ; first = false {
		part, rest, more := strings.Cut(s, dot)
		if !first {
			dst = append(dst, dot...)
		}
		if part = strings.TrimSpace(part); part != "" {
			n, _ := NextCluster(part)
			dst = append(append(dst, part[:n]...), '*')
		}
		if !more {
			return dst
		}
		s = rest
	}
}

func appendMaskWords(dst []byte, s string) []byte {
	start := true
	for _, r := range s {
		switch {
		case r == ' ':
			dst = append(dst, ' ')
			start = true
		case start:
			dst = utf8.AppendRune(dst, r)
			start = false
		default:
			dst = append(dst, '*')
		}
	}
	return dst
}

// MaskPhone masks a phone number, keeping the first three and last four digits of a
// mobile number (13800138000→138****8000), the extension of a virtual number
// (13800138000-1234→138****8000-1234) and the area code of a landline
// (0571-87654321→0571-****4321). Other strings keep their last four digits and lose
// the rest to "*"; a string with fewer than five digits is returned as "****".
// A mobile number masked already (138****8000) stays as it is.
func MaskPhone(s string) string { return string(appendMaskPhone(nil, s)) }

func appendMaskPhone(dst []byte, s string) []byte {
	s = strings.TrimSpace(s)
	if s == "" {
		return dst
	}
	if isMobile(s) {
		return append(append(append(dst, s[:3]...), "****"...), s[7:]...)
	}
	if len(s) == 11 && s[3:7] == "****" && isMobile(s[:3]+"0000"+s[7:]) {
		return append(dst, s...)
	}
	if i := strings.IndexAny(s, "-转#"); i > 0 {
		head, tail := s[:i], s[i:]
		if isMobile(head) {
			return append(append(append(append(dst, head[:3]...), "****"...), head[7:]...), tail...)
		}
		if allDigits(head) && head[0] == '0' && len(head) >= 3 && len(head) <= 4 {
			return appendMaskDigits(append(append(dst, head...), tail[:1]...), tail[1:])
		}
	}
	if allDigits(s) && s[0] == '0' && len(s) >= 10 && len(s) <= 12 {
		ac := 3
		if s[1] != '1' && s[1] != '2' {
			ac = 4 // 010, 02x have 3-digit area codes; the rest 4
		}
		return appendMaskDigits(append(dst, s[:ac]...), s[ac:])
	}
	return appendMaskDigits(dst, s)
}

func isMobile(s string) bool { return len(s) == 11 && s[0] == '1' && allDigits(s) }

// appendMaskDigits appends s with every digit but the last four replaced by "*",
// keeping separators.
func appendMaskDigits(dst []byte, s string) []byte {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	if n < 5 {
		return append(dst, "****"...)
	}
	seen := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			if seen < n-4 {
				c = '*'
			}
			seen++
		}
		dst = append(dst, c)
	}
	return dst
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
