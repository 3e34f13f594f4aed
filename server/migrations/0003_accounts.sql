-- Accounts, the roles they hold in wards and TDPs, sessions, invitations, sign-in throttling
-- and the audit log.

create table users (
    id uuid primary key,
    phone text not null unique check (phone ~ '^0[0-9]{9}$'),
    full_name text not null check (length(full_name) between 1 and 120),
    -- An argon2id PHC string; null until the person sets a password.
    password_hash text,
    disabled boolean not null default false,
    -- Part of every session's auth hash: raising it ends all the person's sessions at once.
    session_generation integer not null default 0,
    created_at timestamptz not null default now()
);

-- tower-sessions' records: the id is 128 random bits; `data` holds axum-login's user id and
-- auth hash and the sign-in time.
create table sessions (
    id text primary key,
    data jsonb not null,
    expires_at timestamptz not null
);
create index sessions_expires_idx on sessions (expires_at);

create table role_grants (
    user_id uuid not null references users (id),
    ward_code integer not null references wards (code),
    role text not null check (role in ('ward_admin', 'team_leader', 'volunteer', 'responder',
                                       'viewer')),
    tdp_id uuid,
    -- Team roles hold for one TDP, the others for the whole ward.
    check ((role in ('team_leader', 'volunteer')) = (tdp_id is not null)),
    foreign key (tdp_id, ward_code) references tdps (id, ward_code),
    unique nulls not distinct (user_id, ward_code, role, tdp_id)
);
create index role_grants_user_idx on role_grants (user_id);

-- A team member who signs in is linked to their account, so their visits are theirs.
alter table team_members add column user_id uuid references users (id);
create unique index team_members_user_tdp_idx on team_members (user_id, tdp_id);

create table invitations (
    id uuid primary key,
    -- SHA-256 of the token in the link: a copy of the database opens no invitation.
    token_hash bytea not null unique,
    ward_code integer not null,
    tdp_id uuid not null,
    full_name text not null check (length(full_name) between 1 and 120),
    created_by uuid not null references users (id),
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    revoked_at timestamptz,
    accepted_at timestamptz,
    accepted_by uuid references users (id),
    foreign key (tdp_id, ward_code) references tdps (id, ward_code),
    check (accepted_at is null or revoked_at is null)
);
create index invitations_tdp_idx on invitations (tdp_id, created_at desc);

-- Failed sign-ins per bucket (an account seen from unknown devices, a client address, or a
-- trusted device), for the growing delay; cleared by a success.
create table sign_in_failures (
    bucket text primary key,
    failures integer not null,
    last_failure timestamptz not null
);

-- Devices that have signed in to an account before: their attempts are not held back by
-- failures from elsewhere, so nobody can lock a person out by guessing at their phone number.
create table trusted_devices (
    token_hash bytea primary key,
    user_id uuid not null references users (id),
    created_at timestamptz not null default now()
);

create table audit_log (
    id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    ward_code integer not null references wards (code),
    user_id uuid references users (id),
    action text not null check (action in ('create', 'update', 'delete')),
    entity text not null,
    entity_id text not null,
    change jsonb not null
);
create index audit_log_ward_idx on audit_log (ward_code, id desc);

create function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'the audit log is append-only';
end
$$;
create trigger audit_log_append_only before update or delete or truncate on audit_log
    for each statement execute function audit_log_is_append_only();
