-- Check-in by QR code: the organiser shows a code (on the projector or a phone) and attendees
-- scan it and check themselves in with their name and birth year. Codes are kept hashed, as
-- invitation tokens are; a check-in keeps no name, only the resident it matched (none for
-- someone not on the register, who is counted in `activities.unregistered`).

create table check_in_codes (
    token_hash bytea primary key,
    activity_id uuid not null references activities (id) on delete cascade,
    created_by uuid not null references users (id),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null
);
create index check_in_codes_activity_idx on check_in_codes (activity_id);

-- One row per check-in sent, by the phone's id for it: sent twice, it counts once.
create table check_ins (
    id uuid primary key,
    activity_id uuid not null references activities (id) on delete cascade,
    resident_id uuid references residents (id) on delete set null,
    at timestamptz not null default now()
);
create index check_ins_activity_idx on check_ins (activity_id);
