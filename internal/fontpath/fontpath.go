// Package fontpath finds TrueType fonts on the host for the PDF and raster renderers.
package fontpath

import "os"

// CJK lists TrueType fonts with both Chinese and ASCII glyphs, most preferred first.
// Only plain .ttf files are listed: the Go font parsers cannot read .ttc collections.
var CJK = []string{
	"/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf",
	"/usr/share/fonts/truetype/arphic/uming.ttf",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttf",
	"/usr/share/fonts/truetype/noto/NotoSansSC-Regular.ttf",
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	"/System/Library/Fonts/Supplemental/Songti.ttf",
	`C:\Windows\Fonts\simhei.ttf`,
	`C:\Windows\Fonts\simsun.ttf`,
}

// Latin lists TrueType fonts used as a fallback for glyphs the CJK font lacks.
var Latin = []string{
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
	"/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
	"/Library/Fonts/Arial.ttf",
	`C:\Windows\Fonts\arial.ttf`,
}

// Rare lists TrueType fonts for the ideographs the CJK fonts lack, tried in order
// after the Latin fallback: between them they cover every character a Chinese name
// can hold, GB 18030 and Unicode CJK with Extensions A to G. HanaMinA (Debian
// fonts-hanazono) has the BMP with Extension A (喆 堃 垚 珺 玥 赟), HanaMinB
// Extensions B onwards (𠮷 𪚥), DroidSansFallbackFull (fonts-droid-fallback)
// GBK and more in a sans face, BabelStone Han (fonts-babelstone-han) most of the
// rest.
var Rare = []string{
	"/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
	"/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	"/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf",
}

// Fallbacks returns the fallback fonts found on the host, in the order to try
// them: the first Latin font, then every rare-ideograph font, skipping primary.
func Fallbacks(primary string) []string {
	var out []string
	if p := First(Latin); p != "" && p != primary {
		out = append(out, p)
	}
	for _, p := range Rare {
		if p != primary && First([]string{p}) != "" {
			out = append(out, p)
		}
	}
	return out
}

// Collections lists font collections (.ttc) with a Simplified Chinese face, tried
// after Rare by label/raster, which reads collections (the face whose family name
// says SC is used). label/pdf does not use them: it embeds TrueType outlines, and
// the Noto CJK collections are CFF.
var Collections = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
}

// Found returns the paths of candidates that name readable regular files, in order.
func Found(candidates []string) []string {
	var out []string
	for _, p := range candidates {
		if First([]string{p}) != "" {
			out = append(out, p)
		}
	}
	return out
}

// First returns the first path in candidates that names a readable regular file, or
// "" if none does.
func First(candidates []string) string {
	for _, p := range candidates {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return ""
}
