-- Time-boxed campaigns ("45 ngày đêm"…) with a target per indicator, run in chosen TDPs or in
-- the whole ward (no rows in campaign_tdps). Progress is computed from visits and skill
-- statuses dated within the campaign, so nothing else is stored.

create table campaigns (
    id uuid primary key,
    ward_code integer not null references wards (code),
    name text not null check (length(name) between 1 and 200),
    starts_on date not null,
    ends_on date not null,
    created_at timestamptz not null default now(),
    constraint campaigns_dates_check check (ends_on >= starts_on),
    unique (id, ward_code)
);
create index campaigns_ward_idx on campaigns (ward_code, starts_on);

create table campaign_tdps (
    campaign_id uuid not null,
    ward_code integer not null,
    tdp_id uuid not null,
    primary key (campaign_id, tdp_id),
    foreign key (campaign_id, ward_code) references campaigns (id, ward_code) on delete cascade,
    foreign key (tdp_id, ward_code) references tdps (id, ward_code)
);

-- `households_visited`, or a skill's code in the ward's catalogue.
create table campaign_targets (
    campaign_id uuid not null references campaigns (id) on delete cascade,
    indicator text not null,
    target integer not null check (target between 1 and 1000000),
    position integer not null,
    primary key (campaign_id, indicator)
);
