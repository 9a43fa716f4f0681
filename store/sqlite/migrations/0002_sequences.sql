-- Named counters (shipment.Sequence): offline waybill number pools take their
-- serials from here, so a restart never issues a number twice.
CREATE TABLE sequences (
	name  TEXT PRIMARY KEY,
	value INTEGER NOT NULL
);
