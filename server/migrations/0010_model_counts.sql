-- The models' counts kept by the database (as 0002 keeps the skills'), so that a dashboard
-- computed right after a change reads a few rows per TDP instead of every achievement of the
-- ward: counting those took 110 ms on a ward of 10,000 households.
--
-- Chain: an achievement (resident_skills) or a model's skill set (model_skills) changes →
-- the resident's standing per model (model_people) is recomputed → its triggers move the
-- TDP counts; a household's change of guide moves the "Gia đình số" count directly.

-- Whether each resident has every skill of each of the ward's models (`domain::models::
-- has_every`: a model asking for no skill counts nobody). Residents with neither have no row.
create table model_people (
    resident_id uuid primary key,
    tdp_id uuid not null,
    birth_year integer not null,
    -- Every skill of the "digitally capable" set: counts "Gia đình số" when the household's guide.
    capable boolean not null,
    -- Every skill of the digital identity set.
    identity boolean not null,
    foreign key (resident_id, tdp_id, birth_year)
        references residents (id, tdp_id, birth_year) on update cascade on delete cascade
);

-- Residents aged 16+ with a digital identity, per TDP and birth year (bucketed as in 0002).
create table tdp_identity_counts (
    tdp_id uuid not null references tdps (id) on delete cascade,
    birth_bucket integer not null,
    people bigint not null check (people >= 0),
    primary key (tdp_id, birth_bucket)
);

-- Households whose guide is digitally capable, per TDP.
create table tdp_family_counts (
    tdp_id uuid primary key references tdps (id) on delete cascade,
    families bigint not null check (families >= 0)
);

create function refresh_model_people(ids uuid[]) returns void language plpgsql as $$
begin
    merge into model_people mp
    using (
        with people as (
            select r.id, r.tdp_id, r.birth_year, t.ward_code
            from residents r join tdps t on t.id = r.tdp_id
            where r.id = any(ids)
        ),
        asked as (
            select ward_code, model, count(*) as n from model_skills
            where ward_code in (select ward_code from people)
            group by 1, 2
        ),
        have as (
            select p.id, m.model, count(*) as n
            from people p
            join resident_skills rs on rs.resident_id = p.id and rs.status = 'achieved'
            join model_skills m on m.ward_code = p.ward_code and m.skill_id = rs.skill_id
            group by 1, 2
        )
        select p.id, p.tdp_id, p.birth_year,
               coalesce(hf.n = af.n, false) as capable,
               coalesce(hi.n = ai.n, false) as identity
        from people p
        left join asked af on af.ward_code = p.ward_code and af.model = 'digital_family'
        left join have hf on hf.id = p.id and hf.model = 'digital_family'
        left join asked ai on ai.ward_code = p.ward_code and ai.model = 'digital_identity'
        left join have hi on hi.id = p.id and hi.model = 'digital_identity'
        order by p.id
    ) s on mp.resident_id = s.id
    when matched and not (s.capable or s.identity) then delete
    when matched and (mp.capable, mp.identity) is distinct from (s.capable, s.identity) then
        update set capable = s.capable, identity = s.identity
    when not matched and (s.capable or s.identity) then
        insert (resident_id, tdp_id, birth_year, capable, identity)
        values (s.id, s.tdp_id, s.birth_year, s.capable, s.identity);
end $$;

create function refresh_model_people_of_skills() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform refresh_model_people(array(select distinct resident_id from old_rows));
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform refresh_model_people(array(select distinct resident_id from new_rows));
    end if;
    return null;
end $$;

create trigger resident_skills_model_people_on_insert after insert on resident_skills
    referencing new table as new_rows
    for each statement execute function refresh_model_people_of_skills();
create trigger resident_skills_model_people_on_update after update on resident_skills
    referencing old table as old_rows new table as new_rows
    for each statement execute function refresh_model_people_of_skills();
create trigger resident_skills_model_people_on_delete after delete on resident_skills
    referencing old table as old_rows
    for each statement execute function refresh_model_people_of_skills();

-- A ward's new skill sets: everyone of the ward who has achieved anything is judged again.
create function refresh_model_people_of_wards() returns trigger language plpgsql as $$
begin
    -- Over 0009's index of achievements per TDP.
    perform refresh_model_people(array(
        select distinct rs.resident_id from resident_skills rs
        where rs.status = 'achieved'
          and rs.tdp_id in (select id from tdps
                            where ward_code in (select ward_code from changed_rows))));
    return null;
end $$;

create trigger model_skills_model_people_on_insert after insert on model_skills
    referencing new table as changed_rows
    for each statement execute function refresh_model_people_of_wards();
create trigger model_skills_model_people_on_delete after delete on model_skills
    referencing old table as changed_rows
    for each statement execute function refresh_model_people_of_wards();

-- A resident's standing in and out of the counts: their TDP's identity count, and the
-- "Gia đình số" count of the TDP whose household they guide.
create function count_model_people() returns trigger language plpgsql as $$
begin
    -- Decrements update (a CHECK is tested on the row an upsert proposes, before its conflict).
    if tg_op in ('UPDATE', 'DELETE') then
        perform note_tdp_changes(array(select tdp_id from old_rows));
        update tdp_identity_counts c set people = c.people - o.n
        from (select tdp_id, birth_bucket(birth_year) as b, count(*) as n from old_rows
              where identity group by 1, 2 order by 1, 2) o
        where c.tdp_id = o.tdp_id and c.birth_bucket = o.b;
        update tdp_family_counts c set families = c.families - o.n
        from (select h.tdp_id, count(*) as n
              from old_rows o join households h on h.guide_id = o.resident_id
              where o.capable group by 1 order by 1) o
        where c.tdp_id = o.tdp_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform note_tdp_changes(array(select tdp_id from new_rows));
        insert into tdp_identity_counts (tdp_id, birth_bucket, people)
        select tdp_id, birth_bucket(birth_year), count(*) from new_rows where identity
        group by 1, 2 order by 1, 2
        on conflict (tdp_id, birth_bucket)
        do update set people = tdp_identity_counts.people + excluded.people;
        insert into tdp_family_counts (tdp_id, families)
        select h.tdp_id, count(*) from new_rows n join households h on h.guide_id = n.resident_id
        where n.capable
        group by 1 order by 1
        on conflict (tdp_id) do update set families = tdp_family_counts.families + excluded.families;
    end if;
    return null;
end $$;

create trigger model_people_counted_on_insert after insert on model_people
    referencing new table as new_rows for each statement execute function count_model_people();
create trigger model_people_counted_on_update after update on model_people
    referencing old table as old_rows new table as new_rows
    for each statement execute function count_model_people();
create trigger model_people_counted_on_delete after delete on model_people
    referencing old table as old_rows for each statement execute function count_model_people();

-- The households a resident guides, for the counts above (the dashboard no longer reads guides
-- per TDP, so 0009's index goes).
drop index households_guide_idx;
create index households_guided_by_idx on households (guide_id) where guide_id is not null;

-- A new guide: the household leaves the count with its old guide and joins with its new one.
create function count_guides() returns trigger language plpgsql as $$
begin
    insert into tdp_family_counts (tdp_id, families)
    select distinct n.tdp_id, 0 from new_rows n join old_rows o using (id)
    where n.guide_id is distinct from o.guide_id
    order by 1
    on conflict (tdp_id) do nothing;
    update tdp_family_counts c set families = c.families + d.delta
    from (select n.tdp_id,
                 count(*) filter (where coalesce(gn.capable, false))
                 - count(*) filter (where coalesce(go.capable, false)) as delta
          from new_rows n join old_rows o using (id)
          left join model_people gn on gn.resident_id = n.guide_id
          left join model_people go on go.resident_id = o.guide_id
          where n.guide_id is distinct from o.guide_id
          group by 1 order by 1) d
    where c.tdp_id = d.tdp_id and d.delta <> 0;
    return null;
end $$;

create trigger households_guides_counted after update on households
    referencing old table as old_rows new table as new_rows
    for each statement execute function count_guides();

-- Everything recorded so far.
select refresh_model_people(array(select distinct resident_id from resident_skills));
