-- dadan schema, version 1. Runs inside the migration transaction with the
-- search_path set to the store's schema. Text keys that are listed in order use
-- the "C" collation, so the database sorts them byte-wise as Go does.

-- counters hands out journal and job sequence numbers; see seq in postgres.go.
CREATE TABLE counters (
	name  text PRIMARY KEY,
	value bigint NOT NULL
);
INSERT INTO counters (name, value) VALUES ('journal', 0), ('job', 0);

CREATE TABLE orders (
	id      text COLLATE "C" PRIMARY KEY,
	status  text NOT NULL,
	paid_at timestamptz NOT NULL,
	data    bytea NOT NULL -- the order JSON, byte for byte (unknown members in input order)
);
CREATE INDEX orders_paid ON orders (paid_at, id);
CREATE INDEX orders_status_paid ON orders (status, paid_at, id);

CREATE TABLE journal (
	seq         bigint PRIMARY KEY,
	at          timestamptz NOT NULL,
	actor       text NOT NULL,
	order_id    text COLLATE "C" NOT NULL,
	action      text NOT NULL,
	from_status text NOT NULL,
	to_status   text NOT NULL,
	detail      text NOT NULL
);

CREATE TABLE jobs (
	id             text COLLATE "C" PRIMARY KEY,
	key_order      text COLLATE "C" NOT NULL,
	key_doc        text NOT NULL,
	key_template   text NOT NULL,
	key_version    text NOT NULL,
	key_copy       integer NOT NULL,
	printer        text NOT NULL,
	data           bytea NOT NULL,
	media_length   double precision NOT NULL,
	state          text NOT NULL,
	seq            bigint NOT NULL,
	owner          text NOT NULL,
	attempts       integer NOT NULL,
	print_count    integer NOT NULL,
	reprint        boolean NOT NULL,
	reprint_reason text NOT NULL,
	rerender       boolean NOT NULL,
	hash           text NOT NULL,
	revision       integer NOT NULL,
	created_at     timestamptz NOT NULL,
	updated_at     timestamptz NOT NULL,
	sent_at        timestamptz NOT NULL,
	printed_at     timestamptz NOT NULL,
	last_error     text NOT NULL,
	CONSTRAINT jobs_key UNIQUE (key_order, key_doc, key_template, key_version, key_copy),
	CONSTRAINT jobs_seq UNIQUE (seq)
);
CREATE INDEX jobs_queued ON jobs (printer, seq) WHERE state = 'queued';
CREATE INDEX jobs_sending ON jobs (printer, seq) WHERE state = 'sending';
CREATE INDEX jobs_order ON jobs (key_order, seq);
CREATE INDEX jobs_owner ON jobs (owner, seq) WHERE state = 'sending';

-- printer_queues has one row per printer that was ever claimed from; ClaimJob
-- locks it, so one station at a time decides what a printer prints next.
CREATE TABLE printer_queues (
	name text PRIMARY KEY
);

CREATE TABLE devices (
	id            text COLLATE "C" PRIMARY KEY,
	name          text NOT NULL,
	model         text NOT NULL,
	serial_number text NOT NULL,
	department    text NOT NULL,
	location      text NOT NULL,
	purchased_at  timestamptz NOT NULL,
	url           text NOT NULL,
	status        text NOT NULL,
	retired_at    timestamptz NOT NULL,
	documents     bigint NOT NULL,
	media_mm      double precision NOT NULL,
	last_used_at  timestamptz NOT NULL
);

CREATE TABLE maintenance (
	no     bigserial PRIMARY KEY,
	device text COLLATE "C" NOT NULL REFERENCES devices (id),
	at     timestamptz NOT NULL,
	kind   text NOT NULL,
	by     text NOT NULL,
	notes  text NOT NULL
);
CREATE INDEX maintenance_device ON maintenance (device, at, no);

CREATE TABLE faults (
	no          bigserial PRIMARY KEY,
	device      text COLLATE "C" NOT NULL REFERENCES devices (id),
	symptom     text NOT NULL,
	reported_at timestamptz NOT NULL,
	reported_by text NOT NULL,
	repaired_at timestamptz NOT NULL,
	technician  text NOT NULL,
	result      text NOT NULL,
	tested_ok   boolean NOT NULL
);
CREATE INDEX faults_device ON faults (device, reported_at, no);

CREATE TABLE supply_items (
	spec           text COLLATE "C" PRIMARY KEY,
	kind           text NOT NULL,
	name           text NOT NULL,
	width_mm       double precision NOT NULL,
	per_pack       bigint NOT NULL,
	lead_time_days integer NOT NULL,
	safety_stock   bigint NOT NULL,
	on_hand        bigint NOT NULL DEFAULT 0 CHECK (on_hand >= 0)
);

CREATE TABLE supply_movements (
	no     bigserial PRIMARY KEY,
	spec   text COLLATE "C" NOT NULL REFERENCES supply_items (spec),
	type   text NOT NULL,
	qty    bigint NOT NULL,
	actor  text NOT NULL,
	at     timestamptz NOT NULL,
	reason text NOT NULL,
	ref    text NOT NULL
);
CREATE INDEX supply_movements_at ON supply_movements (at, no);
CREATE INDEX supply_movements_spec ON supply_movements (spec, at, no);

CREATE TABLE supply_prints (
	no    bigserial PRIMARY KEY,
	spec  text COLLATE "C" NOT NULL,
	docs  bigint NOT NULL,
	units bigint NOT NULL,
	at    timestamptz NOT NULL
);
CREATE INDEX supply_prints_spec ON supply_prints (spec, at);

CREATE TABLE stocktakes (
	no       bigserial PRIMARY KEY,
	spec     text COLLATE "C" NOT NULL,
	at       timestamptz NOT NULL,
	actor    text NOT NULL,
	counted  bigint NOT NULL,
	book     bigint NOT NULL,
	posted   boolean NOT NULL,
	movement text NOT NULL
);
