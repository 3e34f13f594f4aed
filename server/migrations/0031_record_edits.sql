-- Edits of households and residents, from the web or a phone's outbox. Each record carries a
-- version; an edit says which version it was made against, and the server merges it field by
-- field with the edits stored since (`domain::edits`). Households and residents get a note.
-- A phone's outbox may also carry a class's attendance.
alter table households
    add column version integer not null default 1 check (version >= 1),
    add column note text not null default '' check (length(note) <= 2000);
alter table residents
    add column version integer not null default 1 check (version >= 1),
    add column note text not null default '' check (length(note) <= 2000);

-- The history of each record: one row per version an edit made, with the values it set and
-- those it replaced. Erasure deletes a resident's rows, and their household's (the head's
-- name, the address).
create table record_edits (
    id uuid primary key,
    ward_code integer not null references wards (code),
    household_id uuid references households (id) on delete cascade,
    resident_id uuid references residents (id) on delete cascade,
    version integer not null check (version >= 2),
    base_version integer not null check (base_version >= 0 and base_version < version),
    -- {field: value}, the fields set and what they held before.
    fields jsonb not null,
    previous jsonb not null,
    -- By the clock of the phone that made it, set right by its skew.
    made_at timestamptz not null,
    made_by uuid references users (id) on delete set null,
    stored_at timestamptz not null,
    constraint record_edits_one_record check (num_nonnulls(household_id, resident_id) = 1),
    constraint record_edits_household_version_key unique (household_id, version),
    constraint record_edits_resident_version_key unique (resident_id, version)
);

-- Two edits of one field made apart: the record kept one (made later), this keeps the other
-- for the team leader, never dropped.
create table edit_conflicts (
    id bigint generated always as identity primary key,
    ward_code integer not null references wards (code),
    tdp_id uuid not null references tdps (id),
    household_id uuid references households (id) on delete cascade,
    resident_id uuid references residents (id) on delete cascade,
    field text not null check (field in ('address', 'head_name', 'elderly_alone', 'disability',
                                         'poverty', 'full_name', 'birth_year', 'gender', 'note')),
    kept jsonb not null,
    kept_by uuid references users (id) on delete set null,
    other jsonb not null,
    other_by uuid references users (id) on delete set null,
    -- The edit that met the other: one conflict per field of it.
    edit_id uuid not null,
    found_at timestamptz not null,
    resolved_at timestamptz,
    resolved_by uuid references users (id) on delete set null,
    resolution text check (resolution in ('keep_current', 'use_other')),
    constraint edit_conflicts_one_record check (num_nonnulls(household_id, resident_id) = 1),
    constraint edit_conflicts_settled_check check ((resolved_at is null) = (resolution is null)),
    constraint edit_conflicts_edit_field_key unique (edit_id, field)
);
create index edit_conflicts_open_idx on edit_conflicts (ward_code, found_at desc)
    where resolved_at is null;

alter table device_changes drop constraint device_changes_kind_check,
    add constraint device_changes_kind_check
        check (kind in ('household', 'resident', 'void_visit', 'resident_departure', 'ticket',
                        'household_edit', 'resident_edit', 'attendance'));
