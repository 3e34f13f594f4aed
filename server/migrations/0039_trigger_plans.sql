-- What the triggers behind a phone's sync cost PostgreSQL. Profiled (perf) while 25 phones
-- synced batches of 5 visits, PostgreSQL took 84% of the machine, and half of that went to
-- planning the same few statements again on every call:
--
-- - `note_ward_changes` and `note_tdp_changes` were SQL functions with a standard body.
--   PostgreSQL 15 reads such a body back from its stored tree, then rewrites and plans it, on
--   every call made from PL/pgSQL (it keeps nothing between two executions of the calling
--   statement). As PL/pgSQL functions, their statements are planned once per connection.
-- - `refresh_model_people` planned its MERGE afresh on every call (0011), with every trigger
--   the MERGE set off, and it was called for every change of a skill status, though only an
--   achievement can change a resident's standing in the models.
--
-- Now a skill status that neither was nor is "achieved" leaves the models alone, and the
-- MERGE is planned afresh only for calls with many residents, for which 0011 found the kept
-- plan 200 times slower; a visit's few residents use the plan kept for the connection.

create or replace function note_ward_changes(ward_codes integer[]) returns void
language plpgsql as $$
begin
    insert into ward_changes (ward_code, changes)
    select distinct code, 1 from unnest(ward_codes) as w(code) order by 1
    on conflict (ward_code) do update set changes = ward_changes.changes + 1;
end $$;

create or replace function note_tdp_changes(tdp_ids uuid[]) returns void
language plpgsql as $$
begin
    insert into tdp_changes (tdp_id, ward_code, changes)
    select id, ward_code, 1 from tdps where id = any(tdp_ids) order by id
    on conflict (tdp_id) do update set changes = tdp_changes.changes + 1;
end $$;

-- 0010's MERGE, under the name of what it does; `refresh_model_people` now chooses its plan.
alter function refresh_model_people(uuid[]) rename to merge_model_people;
alter function merge_model_people(uuid[]) reset plan_cache_mode;

-- The same MERGE, planned for the residents of this call (and so are the triggers it sets off).
create function merge_many_model_people(ids uuid[]) returns void language plpgsql
set plan_cache_mode = force_custom_plan as $$
begin
    perform merge_model_people(ids);
end $$;

-- More residents than a visit or a household's edit touches: plan for them.
create function refresh_model_people(ids uuid[]) returns void language plpgsql as $$
begin
    if cardinality(ids) > 50 then
        perform merge_many_model_people(ids);
    elsif cardinality(ids) > 0 then
        perform merge_model_people(ids);
    end if;
end $$;

-- Only achievements count in the models (`domain::models::has_every`): a resident whose
-- statuses hold no achievement before or after the change keeps their standing.
create or replace function refresh_model_people_of_skills() returns trigger
language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform refresh_model_people(array(
            select distinct resident_id from old_rows where status = 'achieved'));
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform refresh_model_people(array(
            select distinct resident_id from new_rows where status = 'achieved'));
    end if;
    return null;
end $$;
