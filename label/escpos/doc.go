// Package escpos renders laid-out documents as ESC/POS for 58 mm and 80 mm receipt
// printers at 203 dpi.
//
// A receipt is line-oriented: in [ModeText] (the default) the text lines of a page
// are grouped into printed rows by their top edge and printed in order, each placed
// with ESC $ at its horizontal position, in Chinese mode (FS &) as GB18030 bytes,
// with bold (ESC E), size (GS !) and reverse (GS B) as the line asks. Code 128
// prints with GS k, QR codes with GS ( k, horizontal rules and images as GS v 0
// raster rows; vertical lines and box sides are not drawn in this mode. A text line
// holding characters the printer font is not sure to have (outside GB 2312, see
// [label.InGB2312]: 喆 堃 in GBK, 𠮷 in Extension B, emoji) is rasterized with the
// configured [label.TextRasterizer] and printed as GS v 0. [ModeRaster] prints each
// page as one image through a [PageRasterizer] for full fidelity. Barcodes are
// placed in whole dots by [label.Barcode.Dots].
//
// Text that would run past the paper edge is cut there rather than left to wrap
// onto a new line; a page wider than the paper is centred on it. The yen sign
// U+00A5, which GB 2312 lacks, prints as the fullwidth sign U+FFE5.
//
// Control bytes in data never reach the printer: text, barcode and QR data are
// filtered in one place before encoding. Each page ends with a cut (GS V).
// A [Renderer] is safe for concurrent use.
package escpos
