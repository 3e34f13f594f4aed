-- A resident or household added although it looked like one already in the register (the
-- same name and year of birth, or the same address in the TDP): kept for the team leader of
-- the added record's TDP to merge or dismiss, never dropped. Both ids name live rows:
-- residents and households are never deleted, only erased, and an erased one leaves the list.
create table likely_duplicates (
    id bigint generated always as identity primary key,
    ward_code integer not null references wards (code),
    tdp_id uuid not null references tdps (id),
    kind text not null check (kind in ('household', 'resident')),
    added_id uuid not null,
    existing_id uuid not null,
    found_at timestamptz not null,
    dismissed_at timestamptz,
    dismissed_by uuid references users (id) on delete set null,
    unique (kind, added_id, existing_id),
    check (added_id <> existing_id)
);
create index likely_duplicates_open_idx on likely_duplicates (ward_code, tdp_id)
    where dismissed_at is null;

-- The same person is looked up by folded name and year of birth, across the ward.
create index residents_same_person_idx on residents (name_search, birth_year)
    where erased_at is null;
