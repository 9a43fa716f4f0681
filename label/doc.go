// Package label lays out print documents: waybills (电子面单), packing lists and
// product labels.
//
// A [Template] (size in millimetres and a closed set of typed elements: [TextElement],
// [Code128Element], [QRElement], [LineElement], [BoxElement], [ImageElement],
// [TableElement]) is bound to plain [Data] and laid out by [Layout] into a [Document]
// of [Page]s of positioned [Op]s. Renderers (label/zpl, label/escpos, label/pdf,
// label/raster) draw ops; they never see templates or data and never measure or wrap
// text: layout has already measured every line, by the printer font's cells for
// printer languages (East Asian widths: a wide or ambiguous character is one em, a
// narrow one half an em; see [NextCluster] and [Wrap]) and by the advances of the
// renderer's own fonts for renderers that draw text themselves ([Measure],
// [TextMeasurer], [LayoutOptions.ForRenderer]). A character no font of the
// renderer has fails rendering with a [*GlyphError] naming it, its field and the
// order ([MustGlyph] lists the modifiers that are left out instead).
//
// Texts bind fields with placeholders, "收 {recipient.name|private_name}"; filters
// mask names and phones ([MaskName], [MaskPhone]), format money and dates, and more
// (see [Filter]). Text that does not fit shrinks to its minimum size and then either
// fails with [ErrOverflow] or is cut with a visible "…", as the element says, and
// listed in [Document.Warnings]; nothing is cut silently. A barcode that does not
// fit its box with quiet zones at [MinModule] is a [*FitError]; renderers place
// barcodes in whole dots with [Barcode.Dots]. Field values are cleaned of control
// and format characters in binding, the one place for it. Barcodes are encoded by layout ([EncodeCode128]; QR with
// label/qr) so every renderer prints the same modules.
//
// The first layout of a template validates it, hashes it, parses its placeholders and
// lays out the elements that depend on no data; later layouts reuse that work for as
// long as the template's content stays the same, so a waybill lays out in tens of
// microseconds.
//
// Templates load from and save to JSON ([ParseTemplate], [Template.MarshalJSON]),
// and each has a content hash ([Template.Hash]) that every document records. The
// standard templates are built in ([Standard], [StandardNames]).
package label
