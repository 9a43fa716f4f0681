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

// Rare lists TrueType fonts with the rare ideographs of CJK Extension B and beyond
// (𠮷 in a family name, for example), tried after the Latin fallback.
var Rare = []string{
	"/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
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
