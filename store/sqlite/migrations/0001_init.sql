-- Orders, the journal, print jobs, the device ledger and supplies.
-- Times are INTEGER Unix nanoseconds; the zero time.Time is the lowest INTEGER,
-- so it sorts first.

-- body is the order JSON (order.AppendJSON); the other columns index it.
-- paid_at is the sort key of ListOrders.
CREATE TABLE orders (
	id      TEXT PRIMARY KEY,
	status  TEXT NOT NULL,
	paid_at INTEGER NOT NULL,
	body    BLOB NOT NULL
);
CREATE INDEX orders_paid ON orders (paid_at, id);
CREATE INDEX orders_status ON orders (status, paid_at, id);

-- seq is the rowid: rows are only appended, so it is strictly increasing and
-- gap-free.
CREATE TABLE journal (
	seq      INTEGER PRIMARY KEY,
	time     INTEGER NOT NULL,
	actor    TEXT NOT NULL,
	order_id TEXT NOT NULL,
	action   TEXT NOT NULL,
	from_st  TEXT NOT NULL,
	to_st    TEXT NOT NULL,
	detail   TEXT NOT NULL
);

CREATE TABLE jobs (
	id             TEXT PRIMARY KEY,
	order_id       TEXT NOT NULL,
	doc            TEXT NOT NULL,
	template       TEXT NOT NULL,
	version        TEXT NOT NULL,
	copy           INTEGER NOT NULL,
	printer        TEXT NOT NULL,
	data           BLOB, -- NULL when the job has no bytes (done jobs drop them)
	media_length   REAL NOT NULL,
	state          TEXT NOT NULL,
	seq            INTEGER NOT NULL UNIQUE,
	owner          TEXT NOT NULL,
	attempts       INTEGER NOT NULL,
	print_count    INTEGER NOT NULL,
	reprint        INTEGER NOT NULL,
	reprint_reason TEXT NOT NULL,
	rerender       INTEGER NOT NULL,
	hash           TEXT NOT NULL,
	revision       INTEGER NOT NULL,
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL,
	sent_at        INTEGER NOT NULL,
	printed_at     INTEGER NOT NULL,
	last_error     TEXT NOT NULL,
	UNIQUE (order_id, doc, template, version, copy)
);
CREATE INDEX jobs_queue ON jobs (printer, state, seq);
-- The UNIQUE key above is also the index for the jobs of one order.

CREATE TABLE devices (
	id            TEXT PRIMARY KEY,
	name          TEXT NOT NULL,
	model         TEXT NOT NULL,
	serial_number TEXT NOT NULL,
	department    TEXT NOT NULL,
	location      TEXT NOT NULL,
	purchased_at  INTEGER NOT NULL,
	url           TEXT NOT NULL,
	status        TEXT NOT NULL,
	retired_at    INTEGER NOT NULL,
	documents     INTEGER NOT NULL,
	media_mm      REAL NOT NULL,
	last_used_at  INTEGER NOT NULL
);

-- The ID of a record is a letter and its rowid: M12, F13.
CREATE TABLE maintenance (
	n      INTEGER PRIMARY KEY,
	device TEXT NOT NULL,
	at     INTEGER NOT NULL,
	kind   TEXT NOT NULL,
	by     TEXT NOT NULL,
	notes  TEXT NOT NULL
);
CREATE INDEX maintenance_device ON maintenance (device, at, n);

CREATE TABLE faults (
	n           INTEGER PRIMARY KEY,
	device      TEXT NOT NULL,
	symptom     TEXT NOT NULL,
	reported_at INTEGER NOT NULL,
	reported_by TEXT NOT NULL,
	repaired_at INTEGER NOT NULL,
	technician  TEXT NOT NULL,
	result      TEXT NOT NULL,
	tested_ok   INTEGER NOT NULL
);
CREATE INDEX faults_device ON faults (device, reported_at, n);
CREATE INDEX faults_reported ON faults (reported_at, n);

-- on_hand is the sum of the item's movements, kept with each movement.
CREATE TABLE supplies (
	spec           TEXT PRIMARY KEY,
	kind           TEXT NOT NULL,
	name           TEXT NOT NULL,
	width_mm       REAL NOT NULL,
	per_pack       INTEGER NOT NULL,
	lead_time_days INTEGER NOT NULL,
	safety_stock   INTEGER NOT NULL,
	on_hand        INTEGER NOT NULL DEFAULT 0
);

-- IDs: SM and the rowid.
CREATE TABLE movements (
	n      INTEGER PRIMARY KEY,
	spec   TEXT NOT NULL,
	type   TEXT NOT NULL,
	qty    INTEGER NOT NULL,
	actor  TEXT NOT NULL,
	at     INTEGER NOT NULL,
	reason TEXT NOT NULL,
	ref    TEXT NOT NULL
);
CREATE INDEX movements_spec ON movements (spec, at, n);
CREATE INDEX movements_at ON movements (at, n);

CREATE TABLE print_uses (
	n     INTEGER PRIMARY KEY,
	spec  TEXT NOT NULL,
	docs  INTEGER NOT NULL,
	units INTEGER NOT NULL,
	at    INTEGER NOT NULL
);
CREATE INDEX print_uses_spec ON print_uses (spec, at);

-- IDs: ST and the rowid.
CREATE TABLE stocktakes (
	n        INTEGER PRIMARY KEY,
	spec     TEXT NOT NULL,
	at       INTEGER NOT NULL,
	actor    TEXT NOT NULL,
	counted  INTEGER NOT NULL,
	book     INTEGER NOT NULL,
	posted   INTEGER NOT NULL,
	movement TEXT NOT NULL
);
