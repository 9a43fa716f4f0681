-- The journal's hash chain: each event carries the hash of the one before (prev)
-- and its own (hash), see order.Seal. Events appended before this migration keep
-- empty hashes. The journal's row of counters also keeps the hash of the last
-- event appended (its value is that event's seq), apart from the events, so a
-- verify finds a journal whose last rows were removed; appends take that row's
-- lock, so the chain has no forks.
ALTER TABLE journal ADD COLUMN prev text NOT NULL DEFAULT '';
ALTER TABLE journal ADD COLUMN hash text NOT NULL DEFAULT '';
ALTER TABLE counters ADD COLUMN hash text NOT NULL DEFAULT '';
