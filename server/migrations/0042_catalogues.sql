-- Targets as data, inherited downward: a province's catalogue of skills, with the target and
-- deadline its wards inherit. A province without rows here gives the movement's defaults
-- (`server/src/catalogue.rs`); its first change writes them all. Keyed by province like
-- `province_grants`: a small reference table under Citus.
create table province_skills (
    province_code integer not null references provinces (code),
    code text not null check (code ~ '^[a-z0-9_]{1,40}$'),
    name_vi text not null check (length(name_vi) between 1 and 120),
    name_en text not null check (length(name_en) between 1 and 120),
    min_age integer not null check (min_age in (15, 16, 18)),
    target_percent double precision not null check (target_percent > 0 and target_percent <= 100),
    deadline date not null,
    position integer not null,
    -- Retired: wards onboarded later do not get it, and the province's wards retire it too.
    retired_on date,
    primary key (province_code, code)
);

-- A retired skill leaves the ward's dashboard, forms and phones, and its models' choices;
-- what was recorded about it stays in the history.
alter table skills add column retired_on date;
