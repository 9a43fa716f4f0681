// Package postgres is the dadan store for many stations sharing one
// PostgreSQL database and one print queue, over github.com/jackc/pgx/v5.
//
// A [Store] implements every store interface of dadan: [order.Store] (orders
// and their journal), [review.Seen], [printer.JobStore] and
// [printer.Notifier] (the print queue), [printer.LedgerStore] (the device
// ledger), [supplies.Store] (consumables), [shipment.Store] (shipments,
// tracking events, courier problems), [shipment.Sequence] and [qa.Store]
// (quality inspections and lots, and the printed orders they sample). Open it with
// [Open]; the tables live in one schema ([Options.Schema]), created and
// migrated by Open from migrations embedded in the program.
//
// What stations sharing the database can rely on:
//
//   - An order change and its journal events are one transaction. Journal
//     sequence numbers become visible in increasing order, so an incremental
//     reader that asks for the events after the last one it saw misses none.
//   - A printer gets one job at a time across all stations, in Seq order.
//     A station that dies in the middle of a job leaves it Sending; once its
//     lease ([Options.Lease]) runs out another station claims it again,
//     flagged as a reprint ([printer.ReasonLeaseExpired]).
//   - The documents of one order are queued all at once or not at all, and a
//     key is queued once whichever station tries.
//   - A job queued by any station wakes idle spoolers everywhere through
//     LISTEN/NOTIFY ([Store.Notify]).
//   - A tracking event received at several stations at once is stored once,
//     and its change to the shipment is applied once, in the same
//     transaction (the shipment row is locked first).
//   - An operation that could not reach the database returns an error
//     wrapping [ErrUnavailable] and applied nothing (unless the connection
//     broke during the commit: see [UnavailableError]); the pool connects
//     again when the database is back.
//
// Times are stored with microsecond precision (timestamptz); zero times
// round-trip as zero. Shipments and problems are stored as JSON, and tracking
// events keep the nanoseconds below the microsecond in a column of their own,
// so their times are exact.
package postgres
