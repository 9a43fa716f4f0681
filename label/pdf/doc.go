// Package pdf renders laid-out label documents ([label.Document]) as PDF 1.7.
//
// The package writes PDF objects itself. Text is drawn with a TrueType font the host
// names (or a common system font found through internal/fontpath), embedded as a
// subset (Type0, CIDFontType2, Identity-H) with a ToUnicode map, so text extraction
// returns exactly the printed text. Glyph IDs are written as hex strings, so untrusted
// text can never become PDF syntax. Code 128 and QR symbols, lines and boxes are
// vectors; 1-bit images are image masks.
//
// [Renderer.Render] writes one document to a file. A [Writer] streams many documents
// into one file: each page is written as it is added, the font subsets at
// [Writer.Close].
//
// Fonts are parsed once and kept in a [FontCache]; subsets are cached by glyph set.
package pdf
