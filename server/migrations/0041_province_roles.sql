-- Issue 22: roles over a whole province (tỉnh/thành phố), above the wards' own. A province
-- admin onboards the province's wards and makes their first admins; a province viewer sees
-- every ward's figures. Neither reaches a resident: the rules are `domain::access`.
--
-- Kept apart from `role_grants`, which is keyed by ward (and distributed by ward on a
-- cluster): a province's grants are few and read with every signed-in request, so they suit
-- a table every node holds (docs/scaling.md).
create table province_grants (
    user_id uuid not null references users (id),
    province_code integer not null references provinces (code),
    role text not null check (role in ('province_admin', 'province_viewer')),
    primary key (user_id, province_code, role)
);
create index province_grants_province_idx on province_grants (province_code);

-- What a province's admins changed, as the ward's `audit_log` keeps a ward's: append-only,
-- and nothing in it is a resident's.
create table province_audit_log (
    id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    province_code integer not null references provinces (code),
    user_id uuid references users (id),
    action text not null check (action in ('create', 'update', 'delete')),
    entity text not null,
    entity_id text not null,
    change jsonb not null
);
create index province_audit_log_province_idx on province_audit_log (province_code, id desc);
create trigger province_audit_log_append_only
    before update or delete or truncate on province_audit_log
    for each statement execute function audit_log_is_append_only();

-- A province's week, and a ward's weekly report, count visits by ward and day.
create index visits_ward_day_idx on visits (ward_code, visited_on);
