package tspl

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dadanhq/dadan/label"
	"github.com/dadanhq/dadan/label/qr"
)

// FuzzFields renders a label whose text lines, barcode and QR code hold the
// fuzzed field, with and without a rasterizer. Whatever the field holds, the
// output decodes as the renderer's own commands, prints exactly one label, its
// strings carry exactly the font runs of the text, and no immediate command
// (ESC !, ~!) appears anywhere.
func FuzzFields(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("")
	plain, err := New(nil)
	require.NoError(f, err)
	drawn, err := New(&Options{Rasterizer: &boxRasterizer{}})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 200 {
			return
		}
		ops := []label.Op{
			label.TextLine{X: 1, Y: 1, Size: 3, Width: 98, Text: s},
			label.TextLine{X: 1, Y: 10, Size: 4.5, Width: 98, Bold: true, Reverse: true, Text: s},
			label.TextLine{X: 90, Y: 20, Size: 3, Width: 98, Rotation: label.Rotate270, Text: s},
		}
		if code, err := label.EncodeCode128(s); err == nil {
			ops = append(ops, label.Barcode{X: 1, Y: 20, Module: 0.25, Height: 10, Data: s, Modules: code})
		}
		if q, err := qr.Encode(s, qr.Low); err == nil {
			ops = append(ops, label.QR{X: 1, Y: 40, Module: 0.25, Data: s, Modules: q.Modules})
		}
		doc := &label.Document{Pages: []label.Page{{Width: 100, Height: 150, Ops: ops}}}
		for _, r := range []*Renderer{plain, drawn} {
			out, err := r.AppendDocument(nil, doc)
			if err != nil {
				// Only a character outside the font without a rasterizer, or a
				// line too long for the font (the field is not laid out here).
				require.True(t, r == plain || label.TextEm(s)*3 > 98, "%q: %v", s, err)
				require.True(t, isUnprintable(err) || isTextWidth(err), "%q: %v", s, err)
				continue
			}
			cmds, err := decode(out)
			require.NoError(t, err, "%q", s)
			require.Equal(t, "SIZE", cmds[0].Name)
			require.Equal(t, 1, count(cmds, "PRINT"))
			require.Equal(t, "PRINT", cmds[len(cmds)-1].Name)
			require.Equal(t, expectedTexts(doc, 8, r == drawn), texts(cmds), "%q", s)
			require.NotContains(t, string(out), "\x1b!")
			require.NotContains(t, string(out), "~!")
			if !plainString(s) || s == "" {
				require.Zero(t, count(cmds, "QRCODE"), "%q", s)
			}
			if strings.ContainsAny(s, "\"\\~!\r\n") {
				require.Zero(t, count(cmds, "BARCODE"), "%q", s)
			}
			for _, c := range cmds {
				if c.Name == "BARCODE" { // the printer's symbol is layout's
					data, n := read128M(t, c.Args[8])
					require.Equal(t, s, data)
					code, err := label.EncodeCode128(s)
					require.NoError(t, err)
					require.Equal(t, len(code), n, "%q", s)
				}
			}
		}
	})
}

func isUnprintable(err error) bool {
	var ue *UnprintableError
	return errors.As(err, &ue)
}

func isTextWidth(err error) bool { return errors.Is(err, ErrTextWidth) }
