package escpos

import (
	"fmt"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// event is one decoded piece of an ESC/POS stream: a command with its parameter
// bytes, a run of text (decoded from GB18030), or a raster image.
type event struct {
	Cmd  string // "ESC @", "GS k", ...; "text" for text
	Args []byte
	Text string
	// Raster images.
	Stride, Rows int
	Bits         []byte
}

// decodeStream parses the ESC/POS subset the renderer emits, the way a printer in
// Chinese mode reads it. Any byte below 0x20 that is not a command we know is an
// error, as is a 4-byte GB18030 sequence (printer fonts have none).
func decodeStream(b []byte) ([]event, error) {
	var evs []event
	var text []byte
	flush := func() error {
		if len(text) == 0 {
			return nil
		}
		s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(text)
		if err != nil {
			return err
		}
		evs = append(evs, event{Cmd: "text", Text: string(s)})
		text = nil
		return nil
	}
	need := func(i, n int) error {
		if i+n > len(b) {
			return fmt.Errorf("truncated command at %d", i)
		}
		return nil
	}
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c >= 0x20 && c < 0x7F:
			text = append(text, c)
			i++
			continue
		case c >= 0x81 && c <= 0xFE:
			if err := need(i, 2); err != nil {
				return nil, err
			}
			t := b[i+1]
			if t >= '0' && t <= '9' {
				return nil, fmt.Errorf("4-byte GB18030 sequence at %d", i)
			}
			if t < 0x40 || t == 0x7F || t == 0xFF {
				return nil, fmt.Errorf("bad GB18030 trail byte %#x at %d", t, i)
			}
			text = append(text, c, t)
			i += 2
			continue
		}
		if err := flush(); err != nil {
			return nil, err
		}
		if err := need(i, 2); err != nil {
			return nil, err
		}
		var name string
		var argc int
		switch [2]byte{c, b[i+1]} {
		case [2]byte{0x1B, '@'}:
			name, argc = "ESC @", 0
		case [2]byte{0x1B, 'E'}:
			name, argc = "ESC E", 1
		case [2]byte{0x1B, '$'}:
			name, argc = "ESC $", 2
		case [2]byte{0x1B, 'J'}:
			name, argc = "ESC J", 1
		case [2]byte{0x1C, '&'}:
			name, argc = "FS &", 0
		case [2]byte{0x1D, '!'}:
			name, argc = "GS !", 1
		case [2]byte{0x1D, 'B'}:
			name, argc = "GS B", 1
		case [2]byte{0x1D, 'w'}:
			name, argc = "GS w", 1
		case [2]byte{0x1D, 'h'}:
			name, argc = "GS h", 1
		case [2]byte{0x1D, 'H'}:
			name, argc = "GS H", 1
		case [2]byte{0x1D, 'L'}:
			name, argc = "GS L", 2
		case [2]byte{0x1D, 'V'}:
			name, argc = "GS V", 2
		case [2]byte{0x1D, 'k'}:
			if err := need(i, 4); err != nil {
				return nil, err
			}
			if b[i+2] != 73 {
				return nil, fmt.Errorf("GS k m=%d", b[i+2])
			}
			name, argc = "GS k", 2+int(b[i+3])
		case [2]byte{0x1D, '('}:
			if err := need(i, 5); err != nil {
				return nil, err
			}
			if b[i+2] != 'k' {
				return nil, fmt.Errorf("GS ( %q", b[i+2])
			}
			name, argc = "GS ( k", 3+int(b[i+3])+int(b[i+4])<<8
		case [2]byte{0x1D, 'v'}:
			if err := need(i, 8); err != nil {
				return nil, err
			}
			stride := int(b[i+4]) | int(b[i+5])<<8
			rows := int(b[i+6]) | int(b[i+7])<<8
			if b[i+2] != '0' || b[i+3] != 0 {
				return nil, fmt.Errorf("GS v %q %d", b[i+2], b[i+3])
			}
			if err := need(i, 8+stride*rows); err != nil {
				return nil, err
			}
			evs = append(evs, event{Cmd: "GS v 0", Stride: stride, Rows: rows, Bits: b[i+8 : i+8+stride*rows]})
			i += 8 + stride*rows
			continue
		default:
			return nil, fmt.Errorf("unexpected byte %#x at %d", c, i)
		}
		if err := need(i, 2+argc); err != nil {
			return nil, err
		}
		evs = append(evs, event{Cmd: name, Args: b[i+2 : i+2+argc]})
		i += 2 + argc
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return evs, nil
}

// cmds returns the command names in order ("text" for text runs).
func cmds(evs []event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Cmd
	}
	return out
}

// texts returns every text run.
func texts(evs []event) []string {
	var out []string
	for _, e := range evs {
		if e.Cmd == "text" {
			out = append(out, e.Text)
		}
	}
	return out
}

func countCmd(evs []event, name string) int {
	n := 0
	for _, e := range evs {
		if e.Cmd == name {
			n++
		}
	}
	return n
}

// dump renders events one per line for readable golden files.
func dump(evs []event) string {
	var sb strings.Builder
	for _, e := range evs {
		switch e.Cmd {
		case "text":
			fmt.Fprintf(&sb, "text %q\n", e.Text)
		case "GS v 0":
			fmt.Fprintf(&sb, "GS v 0 %dx%d\n", e.Stride*8, e.Rows)
			for y := 0; y < e.Rows && y < 64; y++ {
				var row strings.Builder
				for x := 0; x < e.Stride*8; x++ {
					if e.Bits[y*e.Stride+x/8]&(0x80>>(x%8)) != 0 {
						row.WriteByte('#')
					} else {
						row.WriteByte('.')
					}
				}
				fmt.Fprintf(&sb, "  %s\n", strings.TrimRight(row.String(), "."))
			}
		case "GS k", "GS ( k":
			fmt.Fprintf(&sb, "%s % x\n", e.Cmd, e.Args)
		default:
			fmt.Fprintf(&sb, "%s %v\n", e.Cmd, e.Args)
		}
	}
	return sb.String()
}
