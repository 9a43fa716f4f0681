-- Quality inspection (package qa): inspections of printed orders and the
-- history of lot inspection. body is the record's JSON; the other columns
-- index it. Every statement is idempotent (see migrate.go on gaps).

-- seq is the rowid: rows are only appended.
CREATE TABLE IF NOT EXISTS qa_inspections (
	seq      INTEGER PRIMARY KEY,
	id       TEXT NOT NULL UNIQUE,
	order_id TEXT NOT NULL,
	time     INTEGER NOT NULL,
	body     BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS qa_inspections_order ON qa_inspections (order_id, seq);

CREATE TABLE IF NOT EXISTS qa_lots (
	seq  INTEGER PRIMARY KEY,
	id   TEXT NOT NULL UNIQUE,
	time INTEGER NOT NULL,
	body BLOB NOT NULL
);

-- The printed events of a period, for sampling: order and operator are in the
-- index, so a roster of the period does not read the journal rows.
CREATE INDEX IF NOT EXISTS journal_printed ON journal (time, order_id, actor) WHERE action = 'printed';
-- The printed events of an order (seq is in every index entry), with their
-- times, so that finding a later print reads the index alone.
CREATE INDEX IF NOT EXISTS journal_printed_order ON journal (order_id, time) WHERE action = 'printed';
