// Package sqlite is dadan's embedded default store: one SQLite database file holds
// the orders and their journal, the print jobs, the device ledger, the supplies
// inventory, and the shipments with their tracking events and courier problems
// (migration 0003); the journal is hash-chained (migration 0004, [order.Seal]) and
// [*Store.JournalHead] records where it ends. It uses the cgo-free driver modernc.org/sqlite, so a station is one
// static binary.
//
// A [*Store] implements [order.Store], [review.Seen], [printer.JobStore],
// [printer.LedgerStore] and [supplies.Store], and passes the shared conformance
// suites of [github.com/dadanhq/dadan/store/storetest].
//
// # Writes: one writer, group commit
//
// Every write goes to one writer goroutine that owns the only writing connection.
// It takes the operations waiting at that moment (up to [Options.MaxBatch]) and runs
// them in one transaction, each inside its own SAVEPOINT: an operation that fails
// (a taken id, a failing UpdateOrder fn) is rolled back alone and the others
// commit (an operation alone in its transaction needs no savepoint: its failure
// rolls the transaction back). Ingesting many orders therefore pays one commit,
// and with [SyncFull] one fsync, per batch rather than per order. The store is a
// [printer.BatchClaimer]: a spooler claims a run of a printer's jobs in one
// write and stores their outcome with the claim of the next run. Claims go
// first: a printer sends nothing until its claim is stored, so the claims
// waiting run in a transaction of their own before the other operations
// waiting with them (orders to queue, orders to confirm). A write method returns
// after the transaction holding its operation committed, or with the error that
// undid it; an acknowledged write is never undone.
//
// UpdateOrder's fn, UpdateDevice's fn and UpdateFault's fn run inside the write
// transaction on the writer goroutine, exactly once; they must not call the store
// (they would wait for themselves).
//
// Reads use a pool of separate connections. In WAL mode readers never wait for
// the writer and see the last committed state. [Store.ListOrders] and
// [Store.Journal] stream in pages (keyset on paid-at time and id, or on Seq), so
// memory stays flat whatever the number of orders; each page is read in its own
// transaction, so a listing that runs while orders change shows each order as it
// was when its page was read.
//
// # Durability
//
// The database runs in WAL mode. [Options.Synchronous] chooses what a returned
// write survives:
//
//   - [SyncNormal] (the default): a commit writes the transaction to the WAL file
//     with write(2) before the method returns, but does not fsync it; the WAL is
//     synced at checkpoints. An acknowledged write survives the process crashing or
//     being killed (the operating system still has the bytes), but the last
//     transactions before a power loss or kernel crash may be lost. The database is
//     never corrupted: after a power loss it holds a prefix of the committed
//     transactions.
//   - [SyncFull]: every commit fsyncs the WAL before the method returns, so an
//     acknowledged write survives power loss as well, provided the disk honours
//     fsync. Group commit makes this affordable: one fsync per batch.
//
// Checkpoints, which copy the WAL into the database file, run on a connection of
// their own every 32 commits, so no write waits for one; the writer checkpoints
// itself only when the log passes 8,192 frames (32 MiB). Under heavy writing the
// WAL file holds a few tens of megabytes; [Store.Close] folds it into the
// database and truncates it.
//
// # Schema
//
// The schema is a sequence of numbered migrations embedded in the binary
// (migrations/NNNN_name.sql); PRAGMA user_version records how many are applied.
// [Open] applies the missing ones, each in its own transaction. A database written
// by a newer dadan (a higher user_version) is refused with a [*SchemaError]
// wrapping [ErrNewerSchema], rather than written to by code that does not know its
// tables.
//
// An order is a row of orders, its JSON body, and a row of order_state, what
// printing changes: its status, the waybill a narrow [order.Update] stored
// (NULL: the body's) and a version every write of the order raises. A narrow
// update (the waybill number, then the status) writes only the small state
// row, so a print's step of 64 orders touches a few pages instead of one or
// more per order; every read takes the status and, when it is not NULL, the
// waybill from there, and the next whole update folds the waybill into the
// body. An update worked out before the writer's transaction (from an order
// the store listed or wrote a moment before) is stored only if the order's
// version is still the one it was worked out from; otherwise it is worked out
// again in the transaction. Schema 9 moved the statuses out of orders; the
// migration copies every row once, and the pages it frees are reused.
//
// # Errors
//
// Besides the errors of the interfaces (order.ErrNotFound, printer.ErrDuplicate,
// …), the store returns errors wrapping [ErrNotDatabase] (the file is not an
// SQLite database), [ErrReadOnly] (the file or its directory cannot be written),
// [ErrFull] (the disk, or [Options.MaxSize], is full; the operation changed
// nothing), [ErrBusy] (another process held the database longer than
// [Options.BusyTimeout]), [ErrTimeRange] (a time int64 nanoseconds cannot hold;
// nothing is stored) and [ErrClosed].
//
// # Sealed at rest
//
// With [Options.Keys] the values that hold a recipient's name, phone or
// address are sealed with AES-256-GCM ([seal.Ring]): the order body and the
// waybill kept beside it, a job's bytes (a rendered label prints them), shipments (their notes), the courier's
// event texts ("signed for by …"), courier problems and quality inspections.
// Each value carries its key id and is bound to its row, so a value copied to
// another row does not open. Ids, statuses, times and carriers stay plaintext:
// every query and index works as before. The journal is not sealed: it is
// hash-chained and names recipients only masked, but its free-text details (a
// reason typed at a change) and a job's reprint reason are kept as given.
//
// A database never sealed is sealed by the first [Open] with keys (through
// [Store.Rekey], which then vacuums the file so no plaintext is left in freed
// pages); a sealed one is refused without keys ([seal.ErrNoKeys]). With keys
// the store runs with PRAGMA secure_delete, so space freed later is zeroed,
// and Rekey ends by truncating the WAL. To rotate, give every process the
// ring with the new key active, run [Store.Rekey] while the store is in use,
// then drop the old key.
//
// Several processes may open one file (SQLite locks it); each has its own
// writer, and their transactions take turns. Job Seq, journal Seq and record IDs
// come from the database, not from memory, so they stay unique across processes.
package sqlite
