package label

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
)

// Hash returns the template's content hash: the hex SHA-256 of its canonical
// encoding, a length-prefixed binary encoding of every field of the template and its
// elements in declaration order. It does not depend on how the template was written
// (JSON formatting, key order, defaults spelled out or not), and any change of
// content changes it. Every laid-out [Document] records it.
func (t *Template) Hash() string {
	var stack [4096]byte
	e := hashEnc{b: stack[:0]}
	e.str("dadan.label.template/1")
	e.str(t.Name)
	e.str(t.Version)
	e.num(t.Width, t.Height)
	e.flag(t.Receipt, t.Privacy)
	e.int(len(t.Elements))
	for _, el := range t.Elements {
		if el == nil {
			e.str("nil")
			continue
		}
		e.str(el.kind())
		c := el.common()
		e.str(c.ID)
		e.str(c.If)
		e.str(c.Pages)
		switch el := el.(type) {
		case *TextElement:
			e.num(el.X, el.Y, el.W, el.H, el.Size, el.MinSize)
			e.str(el.Text)
			e.flag(el.Bold, el.Wrap, el.Reverse, el.Optional)
			e.str(string(el.Align))
			e.int(el.MaxLines)
			e.int(int(el.Rotation))
			e.str(string(el.Overflow))
		case *Code128Element:
			e.num(el.X, el.Y, el.W, el.H, el.Module, el.MinModule, el.TextSize)
			e.str(el.Data)
			e.flag(el.Text, el.Optional)
		case *QRElement:
			e.num(el.X, el.Y, el.Size, el.Module)
			e.str(el.Data)
			e.str(el.Level)
			e.flag(el.Optional)
		case *LineElement:
			e.num(el.X1, el.Y1, el.X2, el.Y2, el.Thickness)
		case *BoxElement:
			e.num(el.X, el.Y, el.W, el.H, el.Thickness)
			e.flag(el.Fill)
		case *ImageElement:
			e.num(el.X, el.Y, el.W, el.H)
			if bm := el.Bitmap; bm != nil {
				e.int(bm.Width)
				e.int(bm.Height)
				stride := (bm.Width + 7) / 8
				for y := 0; y < bm.Height && y*bm.Stride+stride <= len(bm.Bits); y++ {
					e.b = append(e.b, bm.Bits[y*bm.Stride:y*bm.Stride+stride]...)
				}
			} else {
				e.int(-1)
			}
		case *TableElement:
			e.num(el.X, el.Y, el.W, el.H, el.Size, el.RowHeight, el.ContinueY, el.ContinueH)
			e.str(el.Table)
			e.flag(el.Header, el.Rules, el.Optional)
			e.int(len(el.Columns))
			for _, col := range el.Columns {
				e.str(col.Header)
				e.str(col.Text)
				e.num(col.Width)
				e.str(string(col.Align))
				e.flag(col.Wrap)
				e.int(col.MaxLines)
			}
		}
	}
	if t.Kind != "" {
		// Last and only when set, so templates written before Kind keep their hash.
		e.str("kind")
		e.str(t.Kind)
	}
	sum := sha256.Sum256(e.b)
	return hex.EncodeToString(sum[:])
}

type hashEnc struct{ b []byte }

func (e *hashEnc) int(v int) { e.b = binary.AppendVarint(e.b, int64(v)) }

func (e *hashEnc) str(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *hashEnc) num(v ...float64) {
	for _, f := range v {
		if f == 0 {
			f = 0 // -0 and +0 are the same content
		}
		e.b = binary.BigEndian.AppendUint64(e.b, math.Float64bits(f))
	}
}

func (e *hashEnc) flag(v ...bool) {
	var bits byte
	for i, f := range v {
		if f {
			bits |= 1 << i
		}
	}
	e.b = append(e.b, bits)
}
