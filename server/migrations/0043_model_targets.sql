-- The models' targets and deadlines as data, inherited downward like the skills' (0042): the
-- province sets "Gia đình số"'s and "Mỗi công dân – Một danh tính số"'s target and deadline; its
-- wards keep them, or raise a target, or bring a deadline forward. A province without a row
-- gives the movement's defaults (`domain::models::default_targets`). Keyed by province like
-- `province_skills`: a small reference table under Citus.
create table province_models (
    province_code integer primary key references provinces (code),
    family_target double precision not null check (family_target > 0 and family_target <= 100),
    family_deadline date not null,
    identity_target double precision not null
        check (identity_target > 0 and identity_target <= 100),
    identity_deadline date not null
);

-- A ward's deadlines, until now the year's end: the movement's default from here on
-- (`domain::models::default_deadline`), which the province's first change brings forward.
alter table model_settings
    add column family_deadline date not null default '2026-12-31',
    add column identity_deadline date not null default '2026-12-31';
alter table model_settings
    alter column family_deadline drop default,
    alter column identity_deadline drop default,
    alter column family_target drop default,
    alter column identity_target drop default;
