package pdf

import (
	"os"
	"testing"
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
			if sub, err := font.subsetTTF(runes, gids); err == nil {
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
		if sub, err := font.subsetTTF(runes, gids); err == nil {
			if _, err := ParseFont(sub); err != nil {
				t.Fatalf("subset of a parsed font does not parse: %v", err)
			}
		}
	})
}
