-- What a phone pulls to work offline: the households of its person's TDPs that changed since
-- its last pull. Households, residents and visits are only ever inserted, so the transaction
-- that wrote a row (a 64-bit id that never wraps) is when it changed. A pull's cursor is the
-- oldest transaction still running when it read (`pg_snapshot_xmin`): everything older was
-- visible to it, and anything newer is sent again next time, which the phone takes as a
-- repeat.

alter table households add column changed xid8 not null default pg_current_xact_id();
alter table residents add column changed xid8 not null default pg_current_xact_id();
alter table visits add column changed xid8 not null default pg_current_xact_id();
