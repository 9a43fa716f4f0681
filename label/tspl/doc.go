// Package tspl renders laid-out label documents as TSPL/TSPL2, the language of
// most label printers in Chinese warehouses: TSC, Gprinter (佳博), Xprinter (芯烨),
// HPRT (汉印) and Deli (得力), at 203 or 300 dpi (8 or 12 dots per millimetre).
//
// Each [label.Page] becomes one label: SIZE in millimetres, GAP (or BLINE, or
// GAP 0,0 for continuous stock), DIRECTION, REFERENCE 0,0, DENSITY and SPEED when
// the calibration sets them, CLS, the drawing commands and PRINT 1,1. The
// calibration offset moves every command, as the other renderers do.
//
// Text prints with the printer's simplified Chinese font TSS24.BF2 (GB 2312 and
// ASCII, [label.InGB2312], sent as GB2312 bytes; a line layout marked
// [label.CharsetGB2312] takes a quicker path) at the largest whole multiple of its
// 24-dot cell that is not taller than the laid-out size, when that is at most a
// fifth smaller. Lines whose size the font does not come that close to, and
// characters outside it (rare ideographs, emoji), are drawn as BITMAP by a
// [label.TextRasterizer] (label/raster), as laid out and in the font's cells;
// without one, a character outside the font fails with an [*UnprintableError]
// naming it, its field and the order (a [*label.GlyphError]), and other lines print
// in the font at the nearest size if they stay on the label ([ErrTextWidth] if
// not). The font has no bold: a bold line is struck
// twice, one dot apart. Reverse lines are erased, drawn and then reversed (ERASE,
// REVERSE). The yen sign, which GB2312 lacks, prints as the font's full-width ￥,
// one em as layout measures it; bytes that are not UTF-8 are drawn as a box in the
// font's cell; control bytes print as blanks. Rotated text and barcodes turn about
// their x, y, as a [label.TextLine] does. Runs of ops layout marks static
// ([label.Page.Static]) are encoded once per renderer, so the small print of a
// waybill is rasterized once.
//
// Data never acts as a command: strings carry only printable ASCII and GB2312 byte
// pairs, through one function. A quote, a backslash (which starts TSPL's \[...]
// escapes, not understood alike by every firmware) and a tilde (which starts ~!
// commands) in a text line are drawn as bitmaps in the font's cell. Code 128 goes
// where [label.Barcode.Dots] places it, as BARCODE "128M" with layout's own code
// sets (human readable off, the digits being a text line of their own), so the
// printer prints the modules layout measured; Code 128 data holding '!' or anything
// but plain ASCII is drawn from the modules, as BAR, and QR data (QRCODE) holding
// anything but plain ASCII as BITMAP. Bitmap data never holds the immediate
// commands ESC ! or ~!. Boxes are BOX, filled boxes and straight lines BAR,
// diagonal lines and images BITMAP.
//
// Packing lists: packing-80mm prints as a label of its laid-out size (80 mm wide,
// as long as its items need; use [MediaContinuous] for it on roll stock).
// packing-a4 is wider than any label printer prints and is refused with a
// [*PageSizeError] (see [Options.MaxWidth]); print it as PDF.
//
// A [Renderer] appends into caller-owned buffers ([Renderer.AppendDocument]) or
// writes to an [io.Writer] ([Renderer.Render]); it is safe for concurrent use.
package tspl
