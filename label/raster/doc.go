// Package raster renders laid-out label documents as images: PNG previews
// ([Renderer.Render]), grey-scale pages at any resolution ([Renderer.RenderPage]) and
// 1-bit bitmaps of pages ([Renderer.RasterizePage]) and text lines
// ([Renderer.RasterizeText], the [label.TextRasterizer] that ZPL and ESC/POS
// renderers use to print Chinese as graphics).
//
// Text is drawn with TrueType fonts (a primary font and fallbacks, per glyph). Pages
// draw every character at its font's advance, as [Renderer.TextMeasure] measures
// it for layout; text lines for printer languages ([Renderer.RasterizeText]) put
// each character in the cell of the printer font's measure, so they line up with
// the printer's own text. Either way a line is as wide as layout said. A character
// no font has is a [*label.GlyphError], never a box. Barcode bars and QR modules are snapped to whole dots so they scan.
package raster
