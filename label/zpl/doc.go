// Package zpl renders laid-out label documents as ZPL II for Zebra and compatible
// thermal label printers.
//
// Each [label.Page] becomes one ^XA ... ^XZ format with ^CI28 (UTF-8), ^PW and ^LL
// from the page size at the configured resolution, and the printer calibration
// applied. Chinese text prints either through a printer-resident TrueType font mapped
// with ^CW ([TextFont], the default) or, for printers without a CJK font, as ^GF
// graphics produced by a [label.TextRasterizer] ([TextGraphics]), compressed as Z64 or
// ACS. In TextFont mode a line holding a character the printer font is not sure to
// have (outside GB 2312, [label.InGB2312]; 喆 or 𠮷 in a name) goes as ^GF too,
// drawn by the configured rasterizer or by label/raster with the host's fonts.
// White-on-black graphics print with ^FR over a black box. Barcodes are placed in
// whole dots by [label.Barcode.Dots]. Printer fonts have no bold, so a bold line is
// printed twice, one dot apart.
// Every field's data goes through ^FH escaping in one place, so text from orders
// can never act as a ZPL command.
//
// A [Renderer] appends into caller-owned buffers ([Renderer.AppendDocument]) or writes
// to an [io.Writer] ([Renderer.Render]); it holds no per-call state and is safe for
// concurrent use.
package zpl
