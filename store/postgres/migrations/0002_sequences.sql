-- Named counters (shipment.Sequence): offline waybill number pools take their
-- serials from here, so no number is issued twice across restarts and stations.
CREATE TABLE sequences (
	name  text COLLATE "C" PRIMARY KEY,
	value bigint NOT NULL
);
