-- A resident's data erased at their request (Law 91/2025/QH15, the right to deletion). The row
-- stays, so that the figures keep counting them, but their name goes, their birth year is
-- kept only as far as the counts need it (`birth_bucket`), and when nobody else is left in the
-- household, its address and location go too. A head of household erased leaves the household
-- without a head's name.
alter table residents add column erased_at timestamptz;
alter table residents drop constraint residents_full_name_check,
    add constraint residents_full_name_check check (case when erased_at is null
        then length(full_name) between 1 and 120 else full_name = '' end);

alter table households add column erased_at timestamptz,
    add column head_erased boolean not null default false;
alter table households drop constraint households_address_check,
    add constraint households_address_check check (case when erased_at is null
        then length(address) between 1 and 200 else address = '' end);
alter table households drop constraint households_head_name_check,
    add constraint households_head_name_check check (case when head_erased
        then head_name = '' else length(head_name) between 1 and 120 end);

-- What an audit entry keeps once its values are forgotten: the names of the fields.
create function audit_change_fields(change jsonb) returns jsonb
    language sql immutable parallel safe
    return jsonb_build_object('fields', case jsonb_typeof(change)
        when 'object' then (select coalesce(jsonb_agg(k order by k), '[]'::jsonb)
                            from jsonb_object_keys(change) as k)
        else '[]'::jsonb
    end);

create or replace function audit_log_forget(older_than timestamptz) returns bigint
language plpgsql security definer set search_path = pg_catalog, public as $$
declare
    forgotten_entries bigint;
begin
    if older_than > now() - interval '7 days' then
        raise exception 'audit entries keep their values for at least 7 days';
    end if;
    perform set_config('ngoso.audit_forgetting', 'on', true);
    update audit_log set change = audit_change_fields(change), forgotten = true
        where at < older_than and not forgotten;
    get diagnostics forgotten_entries = row_count;
    perform set_config('ngoso.audit_forgetting', 'off', true);
    return forgotten_entries;
end
$$;

-- An erased person's values, wherever the log holds them: the entries about their records,
-- and any entry whose values hold their name. Who changed which record and when stays.
create function audit_log_forget_person(entity_ids text[], name text) returns bigint
language plpgsql security definer set search_path = pg_catalog, public as $$
declare
    forgotten_entries bigint;
begin
    if length(name) < 2 then
        raise exception 'a name to forget has at least 2 characters';
    end if;
    perform set_config('ngoso.audit_forgetting', 'on', true);
    update audit_log set change = audit_change_fields(change), forgotten = true
        where not forgotten and (entity_id = any(entity_ids) or strpos(change::text, name) > 0);
    get diagnostics forgotten_entries = row_count;
    perform set_config('ngoso.audit_forgetting', 'off', true);
    return forgotten_entries;
end
$$;
revoke all on function audit_log_forget_person(text[], text) from public;
