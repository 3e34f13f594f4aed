-- Forgetting a person's values in the audit log (erasure, 0023) took any ids and any name of
-- two characters or more: the server's role could make the log forget most of its values
-- with a name like 'Ng'. Now the database reads the name itself from a resident not yet
-- erased, and forgets only entries about that resident, about records of their household
-- (the household, its visits, tickets about it or them) among the ids given, or holding their
-- whole name.
drop function audit_log_forget_person(text[], text);

create function audit_log_forget_person(person uuid, entity_ids text[]) returns bigint
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
revoke all on function audit_log_forget_person(uuid, text[]) from public;
