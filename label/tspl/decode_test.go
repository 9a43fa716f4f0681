package tspl

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// command is one decoded TSPL command. Args are its parameters, strings without
// their quotes; Data is the binary data of BITMAP.
type command struct {
	Name string
	Args []string
	Data []byte
}

// known lists the commands the renderer emits and the number of parameters each
// takes (-1: any).
var known = map[string]int{
	"SIZE": 2, "GAP": 2, "BLINE": 2, "DIRECTION": 1, "REFERENCE": 2, "DENSITY": 1, "SPEED": 1,
	"CLS": 0, "TEXT": 7, "BARCODE": 9, "QRCODE": 7, "BAR": 4, "BOX": 5, "ERASE": 4,
	"REVERSE": 4, "BITMAP": 5, "PRINT": 2,
}

// decode parses TSPL the way a printer tokenizes it: a command per line, ended by
// CR LF; parameters separated by commas; a string runs from a double quote to the
// next one and must end on its line; BITMAP is followed by exactly width x height
// bytes of data. Anything else is an error, so output that a printer could read
// as an extra command, or a string a field left open, fails the tests.
func decode(b []byte) ([]command, error) {
	var cmds []command
	for i := 0; i < len(b); {
		sp := i
		for sp < len(b) && b[sp] >= 'A' && b[sp] <= 'Z' {
			sp++
		}
		name := string(b[i:sp])
		want, ok := known[name]
		if !ok {
			return nil, fmt.Errorf("unknown command %q at %d", b[i:min(i+20, len(b))], i)
		}
		c := command{Name: name}
		j := sp
		if j < len(b) && b[j] == ' ' {
			j++
		}
		for {
			if j >= len(b) {
				return nil, fmt.Errorf("%s at %d: no line end", name, i)
			}
			if name == "BITMAP" && len(c.Args) == 5 {
				wb, _ := strconv.Atoi(c.Args[2])
				h, _ := strconv.Atoi(c.Args[3])
				if wb <= 0 || h <= 0 || j+wb*h > len(b) {
					return nil, fmt.Errorf("BITMAP at %d: bad size %v", i, c.Args)
				}
				c.Data = b[j : j+wb*h]
				j += wb * h
				if !bytes.HasPrefix(b[j:], []byte("\r\n")) {
					return nil, fmt.Errorf("BITMAP at %d: data not followed by CR LF", i)
				}
				break
			}
			if b[j] == '\r' {
				if j+1 >= len(b) || b[j+1] != '\n' {
					return nil, fmt.Errorf("%s at %d: CR without LF", name, i)
				}
				break
			}
			if b[j] == '"' {
				k := bytes.IndexByte(b[j+1:], '"')
				if k < 0 {
					return nil, fmt.Errorf("%s at %d: string never closed", name, i)
				}
				s := b[j+1 : j+1+k]
				if bytes.ContainsAny(s, "\r\n\x1b\\~") {
					return nil, fmt.Errorf("%s at %d: string %q holds a line break, ESC, \\ or ~", name, i, s)
				}
				c.Args = append(c.Args, string(s))
				j += k + 2
			} else {
				k := j
				for k < len(b) && b[k] != ',' && b[k] != '\r' {
					if b[k] < 0x20 || b[k] >= 0x7F || b[k] == '"' {
						return nil, fmt.Errorf("%s at %d: byte %#x in a parameter", name, i, b[k])
					}
					k++
				}
				arg := string(b[j:k])
				if !wellFormed(name, len(c.Args), arg) {
					return nil, fmt.Errorf("%s at %d: parameter %d is %q", name, i, len(c.Args), arg)
				}
				c.Args = append(c.Args, arg)
				j = k
			}
			if j < len(b) && b[j] == ',' {
				j++
				if name == "BITMAP" && len(c.Args) == 5 {
					continue
				}
				if j >= len(b) || b[j] == '\r' {
					return nil, fmt.Errorf("%s at %d: empty last parameter", name, i)
				}
			} else if j < len(b) && b[j] != '\r' {
				return nil, fmt.Errorf("%s at %d: %q after a string", name, i, b[j])
			}
		}
		if want >= 0 && len(c.Args) != want {
			return nil, fmt.Errorf("%s at %d: %d parameters, want %d: %q", name, i, len(c.Args), want, c.Args)
		}
		cmds = append(cmds, c)
		i = j + 2
	}
	return cmds, nil
}

// wellFormed reports whether an unquoted parameter is what the renderer should
// send: a non-negative number of dots, millimetres ("2 mm", "76.5 mm"), or the
// letter a QR code's level and mode take; strings are quoted and checked apart.
func wellFormed(cmd string, index int, arg string) bool {
	if cmd == "QRCODE" && (index == 2 && len(arg) == 1 && strings.Contains("LMQH", arg) || index == 4 && arg == "A") {
		return true
	}
	num, unit, _ := strings.Cut(arg, " ")
	if unit != "" && unit != "mm" {
		return false
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 || (unit == "" && strings.Contains(num, ".")) {
		return false
	}
	switch {
	case cmd == "TEXT" && index == 3, cmd == "BARCODE" && index == 5:
		return v == 0 || v == 90 || v == 180 || v == 270
	case cmd == "TEXT" && (index == 4 || index == 5):
		return v >= 1 && v <= 8
	case cmd == "BITMAP" && index == 4:
		return v == 1
	}
	return true
}

// gbText decodes a TEXT string from GB2312 to UTF-8.
func gbText(s string) string {
	out, err := simplifiedchinese.GBK.NewDecoder().String(s)
	if err != nil {
		return "\ufffd" + s
	}
	return out
}

// texts returns the decoded content of every TEXT in order.
func texts(cmds []command) []string {
	var out []string
	for _, c := range cmds {
		if c.Name == "TEXT" {
			out = append(out, gbText(c.Args[6]))
		}
	}
	return out
}

func count(cmds []command, name string) int {
	n := 0
	for _, c := range cmds {
		if c.Name == name {
			n++
		}
	}
	return n
}

func names(cmds []command) []string {
	out := make([]string, len(cmds))
	for i, c := range cmds {
		out[i] = c.Name
	}
	return out
}
