// Package pdf renders laid-out label documents ([label.Document]) as PDF 1.7.
//
// The package writes PDF objects itself. Text is drawn with a TrueType font the host
// names (or a common system font found through internal/fontpath), embedded as a
// subset (Type0, CIDFontType2, Identity-H) with a ToUnicode map, so text extraction
// returns exactly the printed text. Characters the primary font lacks are drawn with
// the first fallback font that has them; a character no font has fails rendering
// with a [*label.GlyphError] (modifiers that draw nothing, such as variation
// selectors, are left out: see [label.MustGlyph]). Control characters print as
// blanks. Glyph IDs are written as hex strings, so untrusted text can never become
// PDF syntax.
//
// A [label.TextLine] is placed with its top at Y and its baseline at the font's
// ascent, each character at its font's advance without shaping, as
// [Renderer.TextMeasure] measures it; a layout by that measure (see
// [label.LayoutOptions.ForRenderer]) needs no squeezing, and a line laid out by
// another measure that is wider than its Width is squeezed horizontally to fit. Bold is
// simulated by stroking the glyph outlines, reverse text is white on a black box.
// Code 128 and QR symbols are vectors with one rectangle per run of dark modules;
// lines and boxes are filled rectangles where they are axis-aligned; 1-bit images are
// image masks. [label.Calibration] offsets everything.
//
// [Renderer.Render] writes one document to a file. A [Writer] streams many documents
// into one file: each page is written as it is added, the font subsets at
// [Writer.Close]. Content streams are compressed with a fast single-block deflate.
//
// Fonts are parsed once and kept in a [FontCache]; subsets are cached by glyph set.
package pdf
