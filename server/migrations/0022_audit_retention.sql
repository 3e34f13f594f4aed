-- Issue 23: after its retention period (90 days unless configured), an audit entry keeps who
-- changed which record, when and how, and the names of the fields changed, but not their
-- values: an address, a name, a disability flag. `audit_log_forget` is the one change the log
-- allows, and only to entries older than a week; it runs as the log's owner, so the server's
-- own role, which may not update the log, can call it and nothing more.
alter table audit_log add column forgotten boolean not null default false;

create or replace function audit_log_is_append_only() returns trigger language plpgsql as $$
begin
    if tg_op = 'UPDATE' and current_setting('ngoso.audit_forgetting', true) = 'on' then
        return null;
    end if;
    raise exception 'the audit log is append-only';
end
$$;

create function audit_log_forget(older_than timestamptz) returns bigint
language plpgsql security definer set search_path = pg_catalog, public as $$
declare
    forgotten_entries bigint;
begin
    if older_than > now() - interval '7 days' then
        raise exception 'audit entries keep their values for at least 7 days';
    end if;
    perform set_config('ngoso.audit_forgetting', 'on', true);
    update audit_log
        set change = jsonb_build_object('fields', case jsonb_typeof(change)
                when 'object' then (select coalesce(jsonb_agg(k order by k), '[]'::jsonb)
                                    from jsonb_object_keys(change) as k)
                else '[]'::jsonb
            end),
            forgotten = true
        where at < older_than and not forgotten;
    get diagnostics forgotten_entries = row_count;
    perform set_config('ngoso.audit_forgetting', 'off', true);
    return forgotten_entries;
end
$$;
revoke all on function audit_log_forget(timestamptz) from public;
