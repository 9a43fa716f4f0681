-- Personal data sealed at rest (package store/seal). The row exists once the
-- store's values were sealed: key is the active key of the last re-seal that
-- went through every sealed column. A store opened without keys refuses a
-- schema that has it.
CREATE TABLE IF NOT EXISTS seal_state (
	id        int PRIMARY KEY CHECK (id = 1),
	key       text NOT NULL,
	sealed_at timestamptz NOT NULL
);
