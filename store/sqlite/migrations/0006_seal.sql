-- Personal data sealed at rest (package store/seal). The row exists once the
-- store's values were sealed: key is the active key of the last re-seal that
-- went through every sealed column; dirty is 1 while the file may still hold
-- plaintext in freed pages (sealed, not yet vacuumed). A store opened without
-- keys refuses a database that has it.
CREATE TABLE IF NOT EXISTS seal_state (
	id        INTEGER PRIMARY KEY CHECK (id = 1),
	key       TEXT NOT NULL,
	sealed_at INTEGER NOT NULL,
	dirty     INTEGER NOT NULL DEFAULT 0
);
