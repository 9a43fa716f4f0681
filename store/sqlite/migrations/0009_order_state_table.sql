-- What printing changes in an order, its status and its waybill, moves with the
-- version to a table of its own beside the order's body: order_state holds the
-- status, the waybill a narrow update stored (NULL: the body's) and the version
-- every write of the order raises. Its rows are small, so the updates of a
-- print's step of orders touch a few pages, where the columns of schema 8 on
-- the order's row (a kilobyte each) touched one or more pages per order.
-- orders keeps the body; its rows get a stable number (oid) both tables share.
CREATE TABLE orders_new (
	oid     INTEGER PRIMARY KEY,
	id      TEXT NOT NULL UNIQUE,
	paid_at INTEGER NOT NULL,
	body    BLOB NOT NULL
);
INSERT INTO orders_new (oid, id, paid_at, body) SELECT rowid, id, paid_at, body FROM orders;
CREATE TABLE order_state (
	oid     INTEGER PRIMARY KEY,
	id      TEXT NOT NULL,
	status  TEXT NOT NULL,
	paid_at INTEGER NOT NULL,
	ver     INTEGER NOT NULL DEFAULT 0,
	waybill BLOB
);
INSERT INTO order_state (oid, id, status, paid_at, ver, waybill) SELECT rowid, id, status, paid_at, ver, waybill FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE INDEX orders_paid ON orders (paid_at, id);
CREATE INDEX order_state_status ON order_state (status, paid_at, id);
