-- The movement's models (mô hình): the settings each ward judges them by, and who guides each
-- household ("Gia đình số"). The rules themselves are in `domain::models`.

-- One row per ward with a skills catalogue: targets and thresholds are the ward's to set. The
-- defaults are `domain::models::default_settings()`'s.
create table model_settings (
    ward_code integer primary key references wards (code),
    -- Households that are "Gia đình số", as a share of all households.
    family_target double precision not null default 100
        check (family_target > 0 and family_target <= 100),
    -- Residents aged 16+ with a digital identity and a digital payment account.
    identity_target double precision not null default 100
        check (identity_target > 0 and identity_target <= 100),
    -- Learners each digital ambassador (Đại sứ số) should guide.
    ambassador_quota integer not null default 5 check (ambassador_quota between 1 and 50),
    -- Share of a market's stalls taking cashless payment for the "chợ không dùng tiền mặt" badge.
    cashless_market_percent double precision not null default 80
        check (cashless_market_percent > 0 and cashless_market_percent <= 100)
);

-- The skills a model asks of a person: the "digitally capable" set a household's guide must
-- have, and what a digital identity is made of. Skills of the ward's own catalogue only.
create table model_skills (
    ward_code integer not null references model_settings (ward_code) on delete cascade,
    model text not null check (model in ('digital_family', 'digital_identity')),
    skill_id uuid not null,
    primary key (ward_code, model, skill_id),
    foreign key (skill_id, ward_code) references skills (id, ward_code) on delete cascade
);

-- Existing wards get the defaults `server/src/catalogue.rs` gives new ones.
insert into model_settings (ward_code) select distinct ward_code from skills;
insert into model_skills (ward_code, model, skill_id)
select s.ward_code, d.model, s.id
from skills s
join (values ('digital_family', 'smartphone'), ('digital_family', 'vneid_level2'),
             ('digital_family', 'public_services'), ('digital_family', 'online_safety'),
             ('digital_identity', 'vneid_level2'), ('digital_identity', 'e_payment'))
    as d(model, code) on d.code = s.code;

-- The member who guides the rest of the household: one of its own residents.
alter table residents add constraint residents_household_key unique (id, household_id);
alter table households
    add column guide_id uuid,
    add constraint households_guide_fkey foreign key (guide_id, id)
        references residents (id, household_id) on delete set null (guide_id);
create index households_guide_idx on households (tdp_id) include (guide_id)
    where guide_id is not null;

-- Who has achieved which skill, per TDP: what the models' figures are counted from.
create index resident_skills_achieved_idx on resident_skills (tdp_id, skill_id)
    include (resident_id, birth_year) where status = 'achieved';

-- The models' figures show on the dashboard: a change of guide or of settings is a change.
create function note_guide_changes() returns trigger language plpgsql as $$
begin
    perform note_tdp_changes(array(
        select n.tdp_id from new_rows n join old_rows o using (id)
        where n.guide_id is distinct from o.guide_id));
    return null;
end $$;

create trigger households_guide_noted after update on households
    referencing old table as old_rows new table as new_rows
    for each statement execute function note_guide_changes();

create trigger model_settings_noted_on_insert after insert on model_settings
    referencing new table as new_rows for each statement execute function note_rows_ward_changes();
create trigger model_settings_noted_on_update after update on model_settings
    referencing old table as old_rows new table as new_rows
    for each statement execute function note_rows_ward_changes();
create trigger model_skills_noted_on_insert after insert on model_skills
    referencing new table as new_rows for each statement execute function note_rows_ward_changes();
create trigger model_skills_noted_on_delete after delete on model_skills
    referencing old table as old_rows for each statement execute function note_rows_ward_changes();
