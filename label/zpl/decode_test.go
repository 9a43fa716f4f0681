package zpl

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// command is one decoded ZPL command. For ^FD, Data holds the field data after ^FH
// unescaping.
type command struct {
	Name   string // "^FO", "^A", "~SD", ...
	Params string
	Data   string
}

// decode parses the ZPL subset the renderer emits, the way a printer tokenizes it:
// a command starts at every ^ or ~, field data runs until the next ^ or ~.
func decode(b []byte) ([]command, error) {
	var cmds []command
	escape := byte(0)
	for i := 0; i < len(b); {
		c := b[i]
		if c == '\n' || c == '\r' {
			i++
			continue
		}
		if c != '^' && c != '~' {
			return nil, fmt.Errorf("stray byte %q at %d", c, i)
		}
		if i+2 > len(b) {
			return nil, fmt.Errorf("truncated command at %d", i)
		}
		var name string
		j := i + 2
		if c == '^' && b[i+1] == 'A' {
			name = "^A" // ^A is followed by a one-character font name
		} else {
			if i+3 > len(b) {
				return nil, fmt.Errorf("truncated command at %d", i)
			}
			name = string(b[i : i+3])
			j = i + 3
		}
		k := j
		for k < len(b) && b[k] != '^' && b[k] != '~' && (name == "^FD" || b[k] != '\n') {
			k++
		}
		cmd := command{Name: name, Params: string(b[j:k])}
		switch name {
		case "^FH":
			escape = '_'
			if cmd.Params != "" {
				escape = cmd.Params[0]
			}
		case "^FD":
			data := cmd.Params
			cmd.Params = ""
			if escape != 0 {
				var err error
				if data, err = unescape(data, escape); err != nil {
					return nil, err
				}
			}
			cmd.Data = data
		case "^FS":
			escape = 0
		}
		cmds = append(cmds, cmd)
		i = k
	}
	return cmds, nil
}

func unescape(s string, esc byte) (string, error) {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != esc {
			out = append(out, s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", fmt.Errorf("truncated escape in %q", s)
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", fmt.Errorf("bad escape in %q: %w", s, err)
		}
		out = append(out, byte(v))
		i += 2
	}
	return string(out), nil
}

// names returns the command names in order.
func names(cmds []command) []string {
	out := make([]string, len(cmds))
	for i, c := range cmds {
		out[i] = c.Name
	}
	return out
}

// fieldData returns the data of every ^FD in order.
func fieldData(cmds []command) []string {
	var out []string
	for _, c := range cmds {
		if c.Name == "^FD" {
			out = append(out, c.Data)
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

// graphic decodes ^GF parameters into the packed rows and the bytes per row.
func graphic(params string) ([]byte, int, error) {
	parts := strings.SplitN(params, ",", 5)
	if len(parts) != 5 || parts[0] != "A" {
		return nil, 0, fmt.Errorf("bad ^GF %q", params)
	}
	total, err1 := strconv.Atoi(parts[1])
	bpr, err2 := strconv.Atoi(parts[3])
	if err1 != nil || err2 != nil || bpr <= 0 || total%bpr != 0 {
		return nil, 0, fmt.Errorf("bad ^GF sizes %q", params)
	}
	data := parts[4]
	var raw []byte
	var err error
	switch {
	case strings.HasPrefix(data, ":Z64:"):
		raw, err = decodeZ64(data[5:])
	default:
		raw, err = decodeACS(data, bpr, total/bpr)
	}
	if err != nil {
		return nil, 0, err
	}
	if len(raw) != total {
		return nil, 0, fmt.Errorf("^GF has %d bytes, header says %d", len(raw), total)
	}
	return raw, bpr, nil
}

func decodeZ64(s string) ([]byte, error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return nil, fmt.Errorf("Z64 without CRC")
	}
	b64, crcHex := s[:i], s[i+1:]
	want, err := strconv.ParseUint(crcHex, 16, 16)
	if err != nil || len(crcHex) != 4 {
		return nil, fmt.Errorf("bad Z64 CRC %q", crcHex)
	}
	if got := crc16([]byte(b64)); uint64(got) != want {
		return nil, fmt.Errorf("Z64 CRC %04X, computed %04X", want, got)
	}
	z, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, err
	}
	zr, err := zlib.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// decodeACS expands ZPL ASCII-compressed hexadecimal rows.
func decodeACS(s string, bpr, rows int) ([]byte, error) {
	n := 2 * bpr
	var out, row, prev []byte
	repeat := 0
	flush := func() {
		out = append(out, row...)
		prev, row = row, nil
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'G' && c <= 'Y':
			repeat += int(c-'G') + 1
		case c >= 'g' && c <= 'z':
			repeat += (int(c-'g') + 1) * 20
		case c == ',' || c == '!':
			fill := byte('0')
			if c == '!' {
				fill = 'F'
			}
			for len(row) < n {
				row = append(row, fill)
			}
			flush()
		case c == ':':
			if len(row) != 0 || prev == nil {
				return nil, fmt.Errorf("':' not at a row start")
			}
			row = append(row, prev...)
			flush()
		case c >= '0' && c <= '9' || c >= 'A' && c <= 'F':
			if repeat == 0 {
				repeat = 1
			}
			for range repeat {
				row = append(row, c)
			}
			repeat = 0
			if len(row) > n {
				return nil, fmt.Errorf("row overflow")
			}
			if len(row) == n {
				flush()
			}
		default:
			return nil, fmt.Errorf("bad ACS byte %q", c)
		}
	}
	if len(row) != 0 || len(out) != n*rows {
		return nil, fmt.Errorf("ACS has %d hex digits, want %d", len(out), n*rows)
	}
	raw := make([]byte, bpr*rows)
	for i := range raw {
		v, err := strconv.ParseUint(string(out[2*i:2*i+2]), 16, 8)
		if err != nil {
			return nil, err
		}
		raw[i] = byte(v)
	}
	return raw, nil
}
