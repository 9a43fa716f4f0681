package tspl

import "github.com/dadanhq/dadan/label"

// The characters below are printable but must not be sent inside a TSPL string
// (see quote.go). They are drawn as bitmaps in the 12 x 24 cell of the font's narrow characters,
// so a line holding them looks the same with or without a rasterizer. tofu is
// drawn for bytes that are not UTF-8.

const tofu = -1

var glyphArt = map[rune][24]string{
	'"': {
		3: "...##..##...", 4: "...##..##...", 5: "...##..##...",
		6: "...##..##...", 7: "...##..##...", 8: "...#...#....",
	},
	'\\': {
		3: ".##.........", 4: ".##.........", 5: "..##........", 6: "..##........",
		7: "...##.......", 8: "...##.......", 9: "....##......", 10: "....##......",
		11: ".....##.....", 12: ".....##.....", 13: "......##....", 14: "......##....",
		15: ".......##...", 16: ".......##...", 17: "........##..", 18: "........##..",
		19: ".........##.", 20: ".........##.",
	},
	'~': {
		10: "..###.......", 11: ".##.###...##", 12: "##....###.##", 13: "........###.",
	},
	tofu: {
		3: ".##########.", 4: ".#........#.", 5: ".#........#.", 6: ".#........#.",
		7: ".#........#.", 8: ".#........#.", 9: ".#........#.", 10: ".#........#.",
		11: ".#........#.", 12: ".#........#.", 13: ".#........#.", 14: ".#........#.",
		15: ".#........#.", 16: ".#........#.", 17: ".#........#.", 18: ".#........#.",
		19: ".#........#.", 20: ".##########.",
	},
}

// hasGlyph reports whether r is drawn from glyphArt.
func hasGlyph(r rune) bool {
	_, ok := glyphArt[r]
	return ok
}

// glyph returns the bitmap of r scaled by the font multiplier m: 12m x 24m dots.
func glyph(r rune, m int) *label.Bitmap {
	art := glyphArt[r]
	bm := newBitmap(12*m, 24*m)
	for y, row := range art {
		for x := 0; x < len(row); x++ {
			if row[x] != '#' {
				continue
			}
			for dy := range m {
				for dx := range m {
					set(bm, x*m+dx, y*m+dy)
				}
			}
		}
	}
	return bm
}
