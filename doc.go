// Package dadan is an embeddable SDK for e-commerce order printing (打单): the work a
// warehouse does between "an order arrived from Taobao, JD, Pinduoduo, Douyin or our
// own shop" and "the parcel left with the courier".
//
// A [Station] wires the packages into the workflow a host calls:
//
//	platform order ──► order ──► review ──► label ──► printer ──► shipment ──► courier
//
// # Tour
//
//   - [github.com/dadanhq/dadan/order]: the order model (money in decimal), its
//     lifecycle (received → approved → printed → verified → shipped, with on_hold,
//     rejected and cancelled), the append-only event journal, and a streaming codec
//     for the order JSON format (JSON Lines or an array) that keeps unknown fields.
//   - [github.com/dadanhq/dadan/order/ordertest]: a seeded generator of realistic
//     orders for benchmarks and host tests.
//   - [github.com/dadanhq/dadan/review]: composable review rules (completeness,
//     phone, province and city, items, prices, exact totals, stock reserved in
//     paid-at order, duplicates, merge candidates, remark keywords and flags,
//     blacklists) with findings in Chinese and English and an approve, hold or
//     reject outcome; resolutions (exchange, refund, price adjustment).
//   - [github.com/dadanhq/dadan/label]: templates for waybills, packing lists and
//     product labels, bound to plain data with masking filters, laid out into pages;
//     renderers to ZPL ([github.com/dadanhq/dadan/label/zpl]), ESC/POS
//     ([github.com/dadanhq/dadan/label/escpos]), PDF ([github.com/dadanhq/dadan/label/pdf])
//     and PNG ([github.com/dadanhq/dadan/label/raster]).
//   - [github.com/dadanhq/dadan/printer]: the Printer interface, printer status,
//     the spooler that keeps order and never loses or silently repeats a job, and
//     transports for raw TCP, serial, files and CUPS.
//   - [github.com/dadanhq/dadan/shipment]: carriers that allocate and cancel
//     waybill numbers.
//   - [github.com/dadanhq/dadan/supplies]: paper, labels, ribbon and toner on the
//     books.
//   - [github.com/dadanhq/dadan/access]: who is acting, carried in the context.
//   - [github.com/dadanhq/dadan/retention]: customers' personal data erased N
//     days after delivery or cancellation ([Station.Retain]); the journal keeps
//     that it happened.
//   - [github.com/dadanhq/dadan/store/memstore]: the in-memory store;
//     [github.com/dadanhq/dadan/store/sqlite]: the embedded store, one SQLite file;
//     [github.com/dadanhq/dadan/store/storetest] is the conformance suite every
//     store passes.
//
// Every journal entry names the actor taken from the context ([access.Actor]) and
// the time from the station's clock, so the journal answers who did what, when.
package dadan
