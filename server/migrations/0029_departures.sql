-- A resident who moved out of the ward or died leaves every count from then on: the ward's
-- and TDP's populations, the skills achieved, digital identity, "Gia đình số" (as a guide),
-- and the ambassadors' learners. They stay in the register, the visits' history and the
-- audit log, marked. Undoing it (entered by mistake, or they came back) counts them again.
--
-- `counted` is carried, with the id, TDP and birth year the counts are keyed on, into the
-- rows counted from the resident (their skill statuses and model standing) by the composite
-- foreign keys' `on update cascade`: one update of the resident moves every count through the
-- triggers that keep it, as a move of TDP or a corrected birth year already did.
alter table residents
    add column left_on date,
    add column left_reason text check (left_reason in ('moved_out', 'deceased')),
    add column counted boolean not null default true,
    add constraint residents_departure check (
        (left_on is null) = (left_reason is null) and counted = (left_on is null)),
    add constraint residents_counted_key unique (id, tdp_id, birth_year, counted);

alter table resident_skills
    add column counted boolean not null default true,
    drop constraint resident_skills_resident_id_tdp_id_birth_year_fkey,
    add constraint resident_skills_resident_fkey foreign key (resident_id, tdp_id, birth_year, counted)
        references residents (id, tdp_id, birth_year, counted) on update cascade;

alter table model_people
    add column counted boolean not null default true,
    drop constraint model_people_resident_id_tdp_id_birth_year_fkey,
    add constraint model_people_resident_fkey foreign key (resident_id, tdp_id, birth_year, counted)
        references residents (id, tdp_id, birth_year, counted) on update cascade on delete cascade;

-- A row counted from a resident takes whether they are counted, whatever wrote it.
create function take_resident_counted() returns trigger language plpgsql as $$
begin
    new.counted := coalesce((select counted from residents where id = new.resident_id), true);
    return new;
end $$;

create trigger resident_skills_take_counted before insert on resident_skills
    for each row execute function take_resident_counted();
create trigger model_people_take_counted before insert on model_people
    for each row execute function take_resident_counted();

create or replace function count_residents() returns trigger language plpgsql as $$
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
              from old_rows where counted group by 1, 2 order by 1, 2) o
        where c.tdp_id = o.tdp_id and c.birth_bucket = o.b;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into tdp_resident_counts (tdp_id, birth_bucket, residents)
        select tdp_id, birth_bucket(birth_year), count(*) from new_rows where counted
        group by 1, 2 order by 1, 2
        on conflict (tdp_id, birth_bucket)
        do update set residents = tdp_resident_counts.residents + excluded.residents;
    end if;
    return null;
end $$;

create or replace function count_skills() returns trigger language plpgsql as $$
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
              from old_rows where status = 'achieved' and counted
              group by 1, 2, 3 order by 1, 2, 3) o
        where c.skill_id = o.skill_id and c.tdp_id = o.tdp_id and c.birth_bucket = o.b;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        insert into tdp_skill_counts (skill_id, tdp_id, birth_bucket, achieved)
        select skill_id, tdp_id, birth_bucket(birth_year), count(*)
        from new_rows where status = 'achieved' and counted group by 1, 2, 3 order by 1, 2, 3
        on conflict (skill_id, tdp_id, birth_bucket)
        do update set achieved = tdp_skill_counts.achieved + excluded.achieved;
    end if;
    return null;
end $$;

create or replace function count_model_people() returns trigger language plpgsql as $$
begin
    -- Decrements update (a CHECK is tested on the row an upsert proposes, before its conflict).
    if tg_op in ('UPDATE', 'DELETE') then
        perform note_tdp_changes(array(select tdp_id from old_rows));
        update tdp_identity_counts c set people = c.people - o.n
        from (select tdp_id, birth_bucket(birth_year) as b, count(*) as n from old_rows
              where identity and counted group by 1, 2 order by 1, 2) o
        where c.tdp_id = o.tdp_id and c.birth_bucket = o.b;
        update tdp_family_counts c set families = c.families - o.n
        from (select h.tdp_id, count(*) as n
              from old_rows o join households h on h.guide_id = o.resident_id
              where o.capable and o.counted group by 1 order by 1) o
        where c.tdp_id = o.tdp_id;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform note_tdp_changes(array(select tdp_id from new_rows));
        insert into tdp_identity_counts (tdp_id, birth_bucket, people)
        select tdp_id, birth_bucket(birth_year), count(*) from new_rows
        where identity and counted
        group by 1, 2 order by 1, 2
        on conflict (tdp_id, birth_bucket)
        do update set people = tdp_identity_counts.people + excluded.people;
        insert into tdp_family_counts (tdp_id, families)
        select h.tdp_id, count(*) from new_rows n join households h on h.guide_id = n.resident_id
        where n.capable and n.counted
        group by 1 order by 1
        on conflict (tdp_id) do update set families = tdp_family_counts.families + excluded.families;
    end if;
    return null;
end $$;

create or replace function count_guides() returns trigger language plpgsql as $$
begin
    insert into tdp_family_counts (tdp_id, families)
    select distinct n.tdp_id, 0 from new_rows n join old_rows o using (id)
    where n.guide_id is distinct from o.guide_id
    order by 1
    on conflict (tdp_id) do nothing;
    update tdp_family_counts c set families = c.families + d.delta
    from (select n.tdp_id,
                 count(*) filter (where coalesce(gn.capable and gn.counted, false))
                 - count(*) filter (where coalesce(go.capable and go.counted, false)) as delta
          from new_rows n join old_rows o using (id)
          left join model_people gn on gn.resident_id = n.guide_id
          left join model_people go on go.resident_id = o.guide_id
          where n.guide_id is distinct from o.guide_id
          group by 1 order by 1) d
    where c.tdp_id = d.tdp_id and d.delta <> 0;
    return null;
end $$;

-- Nothing new is recorded for them either, whichever path writes it (as 0024 does for consent
-- withdrawn); the constraint name is the one the server maps to `departed`.
create or replace function residents_take_records() returns trigger
language plpgsql as $$
begin
    if exists (select from residents where id = new.resident_id
               and (consent_withdrawn_at is not null or erased_at is not null)) then
        raise exception 'resident % takes no new records', new.resident_id
            using errcode = 'check_violation', constraint = 'residents_consent';
    end if;
    if exists (select from residents where id = new.resident_id and not counted) then
        raise exception 'resident % left the ward', new.resident_id
            using errcode = 'check_violation', constraint = 'residents_departed';
    end if;
    return null;
end
$$;

-- A phone's outbox may now say a resident left.
alter table device_changes drop constraint device_changes_kind_check,
    add constraint device_changes_kind_check
        check (kind in ('household', 'resident', 'void_visit', 'resident_departure'));
