-- The journal's hash chain: each event carries the hash of the one before (prev)
-- and its own (hash), see order.Seal. Events appended before this migration keep
-- empty hashes. journal_head is the last event appended, kept apart from the
-- events so a verify finds a journal whose last rows were removed.
ALTER TABLE journal ADD COLUMN prev TEXT NOT NULL DEFAULT '';
ALTER TABLE journal ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE TABLE journal_head (
	id   INTEGER PRIMARY KEY CHECK (id = 1),
	seq  INTEGER NOT NULL,
	hash TEXT NOT NULL
);
INSERT INTO journal_head (id, seq, hash) SELECT 1, COALESCE(MAX(seq), 0), '' FROM journal;
