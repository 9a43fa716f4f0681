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
//     Orders created at the same moment by one Store (an ingest creates
//     hundreds at once) share a transaction, so they take the journal's lock
//     and wait for the disk once; each call still gets its own answer
//     ([order.ErrExists], a refused value), and a call that fails stored
//     nothing.
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
//
// # Sealed at rest
//
// With [Options.Keys] the values that hold a recipient's name, phone or
// address are sealed with AES-256-GCM ([seal.Ring]): the order (orders.data),
// a job's bytes (jobs.data: a rendered label prints them), shipments (their
// notes), the courier's event texts ("signed for by …"), courier problems and
// quality inspections. Each value carries its key id and is bound to its row,
// so a value copied to another row does not open. Ids, statuses, times and
// carriers stay plaintext: every query and index works as before. The journal
// is not sealed: it is hash-chained and names recipients only masked, but its
// free-text details (a reason typed at a change) and a job's reprint reason
// are kept as given. Every station on a schema needs the same key ring.
//
// A schema never sealed is sealed by the first [Open] with keys (through
// [Store.Rekey]); a sealed one is refused without keys ([seal.ErrNoKeys]).
// To rotate, give every station the ring with the new key active, run
// [Store.Rekey] on one of them while all keep working, then drop the old
// key. Rekey changes rows, not files: until PostgreSQL reuses their space,
// old row versions stay in the table files, and in the WAL and its
// archives; after sealing a database that held plaintext, VACUUM FULL (which
// locks each table while it rewrites it) and a new base backup leave none.
package postgres
