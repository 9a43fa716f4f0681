-- Shipments, their tracking events, and courier problems with their claims.
-- body is the JSON of shipment.Shipment or shipment.Problem; the other columns
-- index it.
CREATE TABLE shipments (
	tracking_no TEXT PRIMARY KEY,
	order_id    TEXT NOT NULL,
	carrier     TEXT NOT NULL,
	state       TEXT NOT NULL,
	body        BLOB NOT NULL
);
CREATE INDEX shipments_state ON shipments (state, carrier, tracking_no);
CREATE INDEX shipments_carrier ON shipments (carrier, tracking_no);
CREATE INDEX shipments_order ON shipments (order_id);

-- key is shipment.Event.Key: a step received again is kept once.
CREATE TABLE tracking_events (
	n           INTEGER PRIMARY KEY,
	key         TEXT NOT NULL UNIQUE,
	tracking_no TEXT NOT NULL,
	time        INTEGER NOT NULL,
	state       TEXT NOT NULL,
	code        TEXT NOT NULL,
	text        TEXT NOT NULL,
	location    TEXT NOT NULL,
	source      TEXT NOT NULL
);
CREATE INDEX tracking_events_no ON tracking_events (tracking_no, time, n);

-- The ID of a problem is P and its rowid.
CREATE TABLE problems (
	n           INTEGER PRIMARY KEY,
	tracking_no TEXT NOT NULL,
	carrier     TEXT NOT NULL,
	kind        TEXT NOT NULL,
	resolved    INTEGER NOT NULL,
	body        BLOB NOT NULL
);
CREATE INDEX problems_carrier ON problems (carrier, n);
CREATE INDEX problems_tracking ON problems (tracking_no, n);
