-- What a phone pulls to work offline: the households of its person's TDPs that changed since
-- its last pull. Households, residents and visits are only ever inserted, so the transaction
-- that wrote a row (a 64-bit id that never wraps) says when it changed. A pull's cursor is
-- the database snapshot it began with: the next pull sends the rows that snapshot could not
-- see (`pg_visible_in_snapshot`).

alter table households add column changed xid8 not null default pg_current_xact_id();
alter table residents add column changed xid8 not null default pg_current_xact_id();
alter table visits add column changed xid8 not null default pg_current_xact_id();
