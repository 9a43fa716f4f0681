// Package retention erases customers' personal data once the warehouse no
// longer needs it: a [Rule] erases the recipient (name, phone, every address
// part, the platform's ciphertexts), the buyer's nick and remark, and every
// other copy of them in the store (print jobs' rendered bytes, notes on
// shipments, couriers' tracking texts, courier problems and claims, quality
// inspection notes) of the orders whose parcel was
// delivered more than [Rule.Days] days ago, and of orders cancelled (refunded)
// more than Days days ago.
//
// An erased order keeps what the warehouse needs afterwards: its id, items,
// money, carrier, waybill and tracking number, status and journal. Erased
// fields hold [order.ErasedValue], [order.Order.ErasedAt] records when (and
// its Revision goes up: documents made before are out of date), and
// the journal gets an [order.ActErased] event in the same transaction, naming
// the fields erased and never their values; the journal's hash chain stays
// whole.
//
// A run streams: it pages through delivered shipments and the journal in
// batches, so memory does not grow with the store. It is idempotent: an order
// erased once is skipped. An order whose parcel is still with the courier
// (another piece of it), with a courier problem open, or with a print job being
// sent is held: left as it is and tried again on the next run. A dry run
// reports what would be erased and changes nothing.
//
// The rule reaches the stores through small interfaces ([Orders], [Shipments],
// [Problems], [Jobs], [Inspections], and the optional [EventEditor] and
// [Checkpointer]) that store/memstore, store/sqlite and store/postgres
// implement; dadan.Station.Retain wires them and checks the data.erase
// permission.
package retention
