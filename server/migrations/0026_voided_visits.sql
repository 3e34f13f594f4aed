-- A visit voided (recorded against the wrong household, or never made) is deleted, so that
-- every count the database keeps drops it through the triggers that counted it, and the skill
-- statuses it established are worked out again from what remains. What it said, and why it
-- was voided, stay in the audit log; its id stays here, so that a phone's outbox sending it
-- again cannot bring it back.
create table voided_visits (
    id uuid primary key,
    ward_code integer not null references wards (code),
    tdp_id uuid not null references tdps (id),
    household_id uuid not null references households (id),
    voided_at timestamptz not null,
    voided_by uuid not null references users (id)
);
create index voided_visits_household_idx on voided_visits (household_id);

-- Who recorded each visit: they may void it for a week. Visits recorded before are read from
-- the audit log once; the demo's own visits have nobody.
alter table visits add column recorded_by uuid references users (id);
update visits v set recorded_by = a.user_id
    from audit_log a
    where a.entity = 'visits' and a.action = 'create' and a.entity_id = v.id::text;

-- Erasure forgets the audit entries of the household's voided visits too: the visit that
-- helped the resident is gone from `visits`, but its entries still name them.
create or replace function audit_log_forget_person(person uuid, entity_ids text[]) returns bigint
language plpgsql security definer set search_path = pg_catalog, public as $$
declare
    name text;
    home uuid;
    own text[];
    forgotten_entries bigint;
begin
    select full_name, household_id into name, home
        from residents where id = person and erased_at is null;
    if name is null or length(name) < 2 then
        raise exception 'only a resident not yet erased has values to forget';
    end if;
    own := array(
        select e from unnest(entity_ids) as e
        where e = person::text or e = home::text
            or e in (select id::text from visits where household_id = home)
            or e in (select id::text from voided_visits where household_id = home)
            or e in (select id::text from tickets where household_id = home or resident_id = person));
    perform set_config('ngoso.audit_forgetting', 'on', true);
    update audit_log set change = audit_change_fields(change), forgotten = true
        where not forgotten
            and (entity_id = person::text or entity_id = any(own) or strpos(change::text, name) > 0);
    get diagnostics forgotten_entries = row_count;
    perform set_config('ngoso.audit_forgetting', 'off', true);
    return forgotten_entries;
end
$$;
