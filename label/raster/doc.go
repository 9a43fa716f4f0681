// Package raster renders laid-out label documents as images: PNG previews
// ([Renderer.Render]), grey-scale pages at any resolution ([Renderer.RenderPage]) and
// 1-bit bitmaps of pages ([Renderer.RasterizePage]) and text lines
// ([Renderer.RasterizeText], the [label.TextRasterizer] that ZPL and ESC/POS
// renderers use to print Chinese as graphics).
//
// Text is drawn with TrueType fonts (a primary font and fallbacks, per glyph), each
// character in the cell layout measured for it, so lines are exactly as wide as
// layout said. Barcode bars and QR modules are snapped to whole dots so they scan.
package raster
