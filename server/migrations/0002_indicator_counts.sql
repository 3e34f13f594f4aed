-- Counts kept up to date by the database itself, so that a ward's dashboard reads a few
-- thousand small rows instead of every resident and every skill status of the ward.
--
-- Counts are kept per birth year because eligibility ("aged 16 and over") moves every year.
-- Birth years up to 2007 share one bucket: such a resident is at least 18 in every year the
-- dashboard is computed for (2025 on), so every minimum age (15, 16 or 18) counts them all
-- alike. A ward then has a handful of buckets per TDP and skill, not one per birth year.
--
-- Statement-level triggers with transition tables: a bulk insert of 20,000 rows updates each
-- count once, and rows are upserted in key order so concurrent writers lock them in one order.

create function birth_bucket(birth_year integer) returns integer
    language sql immutable parallel safe
    return greatest(birth_year, 2007);

-- A counter per ward, raised by every change to what its indicators are computed from, so
-- that a computed dashboard can be reused until the next change. Each trigger raises it before
-- touching any count: the first write of a transaction to a ward takes this row's lock, so
-- writers to one ward queue here instead of deadlocking over count rows, and writers to
-- different wards never meet.
create table ward_changes (
    ward_code integer primary key references wards (code),
    changes bigint not null
);

create function note_ward_changes(ward_codes integer[]) returns void
    language sql
    begin atomic
        insert into ward_changes (ward_code, changes)
        select distinct code, 1 from unnest(ward_codes) as w(code) order by 1
        on conflict (ward_code) do update set changes = ward_changes.changes + 1;
    end;

create function note_tdp_changes(tdp_ids uuid[]) returns void
    language sql
    begin atomic
        select note_ward_changes(array(select ward_code from tdps where id = any(tdp_ids)));
    end;

create table tdp_resident_counts (
    tdp_id uuid not null references tdps (id) on delete cascade,
    birth_bucket integer not null,
    residents bigint not null check (residents >= 0),
    primary key (tdp_id, birth_bucket)
);

create table tdp_skill_counts (
    skill_id uuid not null references skills (id) on delete cascade,
    tdp_id uuid not null references tdps (id) on delete cascade,
    birth_bucket integer not null,
    achieved bigint not null check (achieved >= 0),
    primary key (skill_id, tdp_id, birth_bucket)
);

-- Households visited at least once, and the ratings given, per TDP.
create table tdp_visit_counts (
    tdp_id uuid primary key references tdps (id) on delete cascade,
    households_visited bigint not null check (households_visited >= 0),
    rating_sum bigint not null check (rating_sum >= 0),
    ratings bigint not null check (ratings >= 0)
);

create function count_residents() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform note_tdp_changes(array(select tdp_id from old_rows));
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform note_tdp_changes(array(select tdp_id from new_rows));
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        update tdp_resident_counts c set residents = c.residents - o.n
        from (select tdp_id, birth_bucket(birth_year) as b, count(*) as n
              from old_rows group by 1, 2 order by 1, 2) o
        where c.tdp_id = o.tdp_id and c.birth_bucket = o.b;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into tdp_resident_counts (tdp_id, birth_bucket, residents)
        select tdp_id, birth_bucket(birth_year), count(*) from new_rows group by 1, 2 order by 1, 2
        on conflict (tdp_id, birth_bucket)
        do update set residents = tdp_resident_counts.residents + excluded.residents;
    end if;
    return null;
end $$;

create trigger residents_counted_on_insert after insert on residents
    referencing new table as new_rows for each statement execute function count_residents();
create trigger residents_counted_on_update after update on residents
    referencing old table as old_rows new table as new_rows
    for each statement execute function count_residents();
create trigger residents_counted_on_delete after delete on residents
    referencing old table as old_rows for each statement execute function count_residents();

create function count_skills() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform note_tdp_changes(array(select tdp_id from old_rows));
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform note_tdp_changes(array(select tdp_id from new_rows));
    end if;
    if tg_op in ('UPDATE', 'DELETE') then
        update tdp_skill_counts c set achieved = c.achieved - o.n
        from (select skill_id, tdp_id, birth_bucket(birth_year) as b, count(*) as n
              from old_rows where status = 'achieved' group by 1, 2, 3 order by 1, 2, 3) o
        where c.skill_id = o.skill_id and c.tdp_id = o.tdp_id and c.birth_bucket = o.b;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into tdp_skill_counts (skill_id, tdp_id, birth_bucket, achieved)
        select skill_id, tdp_id, birth_bucket(birth_year), count(*)
        from new_rows where status = 'achieved' group by 1, 2, 3 order by 1, 2, 3
        on conflict (skill_id, tdp_id, birth_bucket)
        do update set achieved = tdp_skill_counts.achieved + excluded.achieved;
    end if;
    return null;
end $$;

create trigger resident_skills_counted_on_insert after insert on resident_skills
    referencing new table as new_rows for each statement execute function count_skills();
create trigger resident_skills_counted_on_update after update on resident_skills
    referencing old table as old_rows new table as new_rows
    for each statement execute function count_skills();
create trigger resident_skills_counted_on_delete after delete on resident_skills
    referencing old table as old_rows for each statement execute function count_skills();

-- Visits are only ever added or removed (never moved to another household), so a household
-- starts counting with its first visit and stops with its last. Two first visits to one
-- household arriving at once must not both count: the households are locked first, and the
-- check that follows sees what the other transaction committed. (`no key update`, because the
-- visits' foreign key already holds `key share` on them, which `update` would deadlock with.)
create function count_visits() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        perform note_tdp_changes(array(select tdp_id from old_rows));
        perform 1 from households where id in (select household_id from old_rows)
        order by id for no key update;
        update tdp_visit_counts c
        set households_visited = c.households_visited - o.gone,
            rating_sum = c.rating_sum - o.rating_sum,
            ratings = c.ratings - o.ratings
        from (select tdp_id,
                     count(distinct household_id) filter (
                         where not exists (select from visits v where v.household_id = old_rows.household_id)
                     ) as gone,
                     coalesce(sum(satisfaction), 0) as rating_sum, count(satisfaction) as ratings
              from old_rows group by 1 order by 1) o
        where c.tdp_id = o.tdp_id;
    else
        perform note_tdp_changes(array(select tdp_id from new_rows));
        perform 1 from households where id in (select household_id from new_rows)
        order by id for no key update;
        insert into tdp_visit_counts (tdp_id, households_visited, rating_sum, ratings)
        select tdp_id,
               count(distinct household_id) filter (
                   where not exists (select from visits v
                                     where v.household_id = new_rows.household_id
                                       and v.id not in (select id from new_rows))
               ),
               coalesce(sum(satisfaction), 0), count(satisfaction)
        from new_rows group by 1 order by 1
        on conflict (tdp_id) do update
        set households_visited = tdp_visit_counts.households_visited + excluded.households_visited,
            rating_sum = tdp_visit_counts.rating_sum + excluded.rating_sum,
            ratings = tdp_visit_counts.ratings + excluded.ratings;
    end if;
    return null;
end $$;

create trigger visits_counted_on_insert after insert on visits
    referencing new table as new_rows for each statement execute function count_visits();
create trigger visits_counted_on_delete after delete on visits
    referencing old table as old_rows for each statement execute function count_visits();

-- TDPs (names, register counts) and the skills catalogue (targets) show on the dashboard too.
create function note_rows_ward_changes() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform note_ward_changes(array(select ward_code from old_rows));
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform note_ward_changes(array(select ward_code from new_rows));
    end if;
    return null;
end $$;

create trigger tdps_noted_on_insert after insert on tdps
    referencing new table as new_rows for each statement execute function note_rows_ward_changes();
create trigger tdps_noted_on_update after update on tdps
    referencing old table as old_rows new table as new_rows
    for each statement execute function note_rows_ward_changes();
create trigger tdps_noted_on_delete after delete on tdps
    referencing old table as old_rows for each statement execute function note_rows_ward_changes();
create trigger skills_noted_on_insert after insert on skills
    referencing new table as new_rows for each statement execute function note_rows_ward_changes();
create trigger skills_noted_on_update after update on skills
    referencing old table as old_rows new table as new_rows
    for each statement execute function note_rows_ward_changes();
create trigger skills_noted_on_delete after delete on skills
    referencing old table as old_rows for each statement execute function note_rows_ward_changes();
