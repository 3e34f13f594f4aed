-- Every change a phone's outbox sent that is not a visit (visits keep their own request):
-- households and residents created in the field, visits voided. Its id is the phone's, so a
-- change sent again is recognised. Only a digest of what it said is kept: the record itself,
-- and the audit log, hold the personal data once, where erasure can reach it.
create table device_changes (
    id uuid primary key,
    ward_code integer not null references wards (code),
    kind text not null check (kind in ('household', 'resident', 'void_visit')),
    digest bytea not null check (length(digest) = 32),
    made_at timestamptz not null,
    received_at timestamptz not null,
    user_id uuid references users (id) on delete set null
);
