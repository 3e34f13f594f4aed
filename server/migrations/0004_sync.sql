-- Offline sync: when the phone recorded a visit by its own clock (kept apart from the server's
-- `recorded_at`, since a phone's clock may be days off), and the conflicts a person resolves.

alter table visits
    add column device_recorded_at timestamptz,
    -- How far ahead (positive) the phone's clock was when it sent the visit, in seconds.
    add column device_clock_skew double precision;

-- A client id reused with other content: never overwritten, never dropped, kept here until a
-- team leader or admin resolves it.
create table sync_conflicts (
    id bigint generated always as identity primary key,
    ward_code integer not null references wards (code),
    tdp_id uuid not null references tdps (id),
    entity text not null,
    client_id uuid not null,
    received jsonb not null,
    stored jsonb not null,
    user_id uuid references users (id),
    received_at timestamptz not null default now(),
    resolved_at timestamptz,
    resolved_by uuid references users (id),
    -- The same conflicting copy sent again (a retry) is one conflict.
    constraint sync_conflicts_copy_key unique (entity, client_id, received)
);
create index sync_conflicts_open_idx on sync_conflicts (ward_code, received_at desc)
    where resolved_at is null;
