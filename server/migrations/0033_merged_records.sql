-- A resident or a household entered twice and merged by the team leader into the record that
-- stays: the copy's history moved there and its row is gone, and these keep where it went, so
-- that a phone's change about the copy is refused with that reason rather than waiting for a
-- record that will never come. Only ids: nothing here tells who they were.
create table merged_residents (
    id uuid primary key,
    into_id uuid not null references residents (id),
    ward_code integer not null references wards (code),
    merged_at timestamptz not null,
    merged_by uuid references users (id) on delete set null
);
create index merged_residents_into_idx on merged_residents (into_id);

create table merged_households (
    id uuid primary key,
    into_id uuid not null references households (id),
    ward_code integer not null references wards (code),
    merged_at timestamptz not null,
    merged_by uuid references users (id) on delete set null,
    -- The merge's transaction: a phone's next pull tells it to forget the copy.
    changed xid8 not null default pg_current_xact_id()
);
create index merged_households_into_idx on merged_households (into_id);
