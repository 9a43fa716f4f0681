-- Shipments, their tracking events, and courier problems with their claims.
-- body is the JSON of shipment.Shipment or shipment.Problem, byte for byte;
-- the other columns index it.
CREATE TABLE shipments (
	tracking_no text COLLATE "C" PRIMARY KEY,
	order_id    text COLLATE "C" NOT NULL,
	carrier     text COLLATE "C" NOT NULL,
	state       text NOT NULL,
	body        bytea NOT NULL
);
CREATE INDEX shipments_state ON shipments (state, carrier, tracking_no);
CREATE INDEX shipments_carrier ON shipments (carrier, tracking_no);
CREATE INDEX shipments_order ON shipments (order_id);

-- key is shipment.Event.Key: a step received again is kept once. at holds the
-- time to the microsecond and at_ns the nanoseconds below it, so the instant
-- (and with it the key) round-trips exactly. The courier's words are bytes:
-- they are stored as received.
CREATE TABLE tracking_events (
	n           bigserial PRIMARY KEY,
	key         text COLLATE "C" NOT NULL UNIQUE,
	tracking_no text COLLATE "C" NOT NULL REFERENCES shipments (tracking_no),
	at          timestamptz NOT NULL,
	at_ns       smallint NOT NULL CHECK (at_ns BETWEEN 0 AND 999),
	state       text NOT NULL,
	code        bytea NOT NULL,
	text        bytea NOT NULL,
	location    bytea NOT NULL,
	source      bytea NOT NULL
);
CREATE INDEX tracking_events_no ON tracking_events (tracking_no, at, at_ns, n);

-- The ID of a problem is P and n.
CREATE TABLE problems (
	n           bigserial PRIMARY KEY,
	tracking_no text COLLATE "C" NOT NULL,
	carrier     text COLLATE "C" NOT NULL,
	kind        text NOT NULL,
	resolved    boolean NOT NULL,
	body        bytea NOT NULL
);
CREATE INDEX problems_carrier ON problems (carrier, n);
CREATE INDEX problems_tracking ON problems (tracking_no, n);
