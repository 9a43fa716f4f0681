package pdf

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/dadanhq/dadan/label"
)

// FuzzParseFont feeds damaged fonts to the parser and, when a font parses, looks up
// glyphs and builds a subset: nothing may panic or hang.
func FuzzParseFont(f *testing.F) {
	seeds := [][]byte{nil, []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10"), []byte("\x00\x01\x00\x00\x00\x10")}
	if data, err := os.ReadFile(latinFont); err == nil {
		// Whole fonts make each run slow; the subset below carries real tables.
		seeds = append(seeds, data[:4096])
		if font, err := ParseFont(data); err == nil {
			runes := []rune{0, 'A', 'é', 'Ω', '€'}
			gids := make([]uint16, len(runes))
			for i, r := range runes[1:] {
				gids[i+1] = font.glyphIndex(r)
			}
			if sub, _, err := font.subsetTTF(runes, gids); err == nil {
				seeds = append(seeds, sub, sub[:len(sub)-7], sub[:200])
			}
		}
	}
	if data, err := os.ReadFile(cjkFont); err == nil {
		seeds = append(seeds, data[:65536])
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		font, err := ParseFont(data)
		if err != nil {
			return
		}
		runes := []rune{0, 'A', 'é', '中', 0x20BB7, -1, 0x110000}
		gids := make([]uint16, len(runes))
		for i, r := range runes[1:] {
			gids[i+1] = font.glyphIndex(r)
			font.advance(gids[i+1])
		}
		if sub, _, err := font.subsetTTF(runes, gids); err == nil {
			if _, err := ParseFont(sub); err != nil {
				t.Fatalf("subset of a parsed font does not parse: %v", err)
			}
		}
	})
}

// FuzzRender builds documents from arbitrary numbers and text: rendering either
// fails with an error or produces a file whose cross-reference table is right.
func FuzzRender(f *testing.F) {
	f.Add(76.0, 130.0, 3.0, 10.0, 0.3, 1, "张伟 (a) Tj \\ )", []byte{0xFF, 0x0F})
	f.Add(0.0, 10.0, -1.0, 1e308, 0.0, 90, "\x00\x1b", []byte{})
	f.Add(5080.0, 2.0, 1000.0, -10000.0, 1000.0, 270, "😀𠮷endstream", []byte{1, 2, 3, 4, 5})
	needFonts(f)
	r, err := testRenderer()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, w, h, size, x, m float64, rot int, text string, bits []byte) {
		n := len(bits)%12 + 1
		mods := make([]bool, 8*len(bits))
		for i := range mods {
			mods[i] = bits[i/8]&(1<<(i%8)) != 0
		}
		qr := make([][]bool, n)
		for i := range qr {
			qr[i] = make([]bool, n)
			for j := range qr[i] {
				qr[i][j] = len(bits) > 0 && bits[(i*n+j)%len(bits)]&1 != 0
			}
		}
		bm := &label.Bitmap{Width: n, Height: n / 2, Stride: (n + 7) / 8, Bits: bits}
		doc := &label.Document{Pages: []label.Page{{Width: w, Height: h, Ops: []label.Op{
			label.TextLine{X: x, Y: x, Size: size, Width: m, Rotation: label.Rotation(rot), Bold: rot%2 == 0, Reverse: rot%3 == 0, Text: text},
			label.Barcode{X: x, Y: size, Module: m, Height: size, Rotation: label.Rotation(rot), Modules: mods},
			label.QR{X: m, Y: x, Module: m, Modules: qr},
			label.Line{X1: x, Y1: m, X2: size, Y2: x, Thickness: m},
			label.Box{X: x, Y: x, W: size, H: m, Thickness: m, Fill: rot%2 == 1},
			label.Image{X: x, Y: m, W: size, H: size, Bitmap: bm},
		}}}}
		var out bytes.Buffer
		if err := r.Render(context.Background(), &out, doc); err != nil {
			if out.Len() != 0 {
				t.Fatalf("error %v after writing %d bytes", err, out.Len())
			}
			return
		}
		parsePDF(t, out.Bytes())
	})
}
