-- What printing changes in an order, its status and waybill, is written without
-- rewriting the order's body: status has its column, and waybill holds the
-- waybill a narrow update stored (NULL: the body's). ver counts the writes of
-- the row: an update worked out before the write is stored only if the row's
-- ver is still the one it was worked out from.
ALTER TABLE orders ADD COLUMN ver INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN waybill BLOB;
