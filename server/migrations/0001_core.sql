-- Ngõ Số core schema: administrative units, TDPs and their teams, households and residents,
-- the skills catalogue, visits and the skill statuses they establish.
-- Enumerations are text with CHECK constraints, named like the Rust enums' `as_str()`.

create extension if not exists pg_trgm;

-- The official list of provinces and communes/wards after the 1/7/2025 reform.
create table provinces (
    code integer primary key,
    name text not null
);

create table wards (
    code integer primary key,
    province_code integer not null references provinces (code),
    name text not null
);

create table tdps (
    id uuid primary key,
    ward_code integer not null references wards (code),
    code text not null,
    name text not null,
    households_registered integer not null default 0 check (households_registered >= 0),
    adults_registered integer not null default 0 check (adults_registered >= 0),
    constraint tdps_ward_code_key unique (ward_code, code),
    -- Lets child tables carry the ward alongside the TDP, checked by a foreign key.
    unique (id, ward_code)
);

create table team_members (
    id uuid primary key,
    tdp_id uuid not null references tdps (id) on delete cascade,
    full_name text not null check (length(full_name) between 1 and 120),
    role text not null check (role in ('leader', 'party_secretary', 'tdp_head', 'youth_union',
                                       'police', 'telecom', 'teacher_student', 'other')),
    phone text check (phone ~ '^0[0-9]{9}$')
);
create index team_members_tdp_idx on team_members (tdp_id);

create table households (
    id uuid primary key,
    tdp_id uuid not null references tdps (id),
    address text not null check (length(address) between 1 and 200),
    head_name text not null check (length(head_name) between 1 and 120),
    -- Folded (no diacritics, lower case) address and head name, for search.
    search text not null,
    elderly_alone boolean not null default false,
    disability boolean not null default false,
    poverty text not null default 'none' check (poverty in ('none', 'near_poor', 'poor')),
    created_at timestamptz not null default now(),
    unique (id, tdp_id)
);
create index households_tdp_idx on households (tdp_id);
create index households_search_idx on households using gin (search gin_trgm_ops);

-- No identity-card numbers: name, birth year and gender are all the indicators need.
create table residents (
    id uuid primary key,
    household_id uuid not null,
    tdp_id uuid not null,
    full_name text not null check (length(full_name) between 1 and 120),
    name_search text not null,
    -- `domain::text::name_sort_key`: byte order is the Vietnamese order of names.
    name_sort text not null collate "C",
    birth_year integer not null check (birth_year >= 1900),
    gender text not null check (gender in ('female', 'male', 'other')),
    created_at timestamptz not null default now(),
    foreign key (household_id, tdp_id) references households (id, tdp_id),
    unique (id, tdp_id, birth_year)
);
create index residents_household_idx on residents (household_id);
create index residents_search_idx on residents using gin (name_search gin_trgm_ops);

-- The skills catalogue: data per ward, seeded with the movement's defaults.
create table skills (
    id uuid primary key,
    ward_code integer not null references wards (code),
    code text not null,
    name_vi text not null,
    name_en text not null,
    min_age integer not null check (min_age in (15, 16, 18)),
    target_percent double precision not null check (target_percent > 0 and target_percent <= 100),
    deadline date not null,
    position integer not null,
    constraint skills_ward_code_key unique (ward_code, code),
    unique (id, ward_code)
);

create table visits (
    id uuid primary key,
    ward_code integer not null,
    tdp_id uuid not null,
    household_id uuid not null,
    visited_on date not null,
    satisfaction integer check (satisfaction between 1 and 5),
    note text not null default '' check (length(note) <= 2000),
    -- The request as received, so that a retry with the same id can be told apart from a
    -- different visit reusing it.
    request jsonb not null,
    recorded_at timestamptz not null default now(),
    foreign key (household_id, tdp_id) references households (id, tdp_id),
    foreign key (tdp_id, ward_code) references tdps (id, ward_code)
);
create index visits_household_idx on visits (household_id, visited_on desc);

create table visit_volunteers (
    visit_id uuid not null references visits (id) on delete cascade,
    team_member_id uuid not null references team_members (id),
    primary key (visit_id, team_member_id)
);

-- History: every resident helped with every skill on every visit.
create table visit_help (
    visit_id uuid not null references visits (id) on delete cascade,
    resident_id uuid not null references residents (id),
    skill_id uuid not null references skills (id),
    outcome text not null check (outcome in ('in_progress', 'achieved')),
    primary key (visit_id, resident_id, skill_id)
);
create index visit_help_resident_idx on visit_help (resident_id);

-- Current status of a resident for a skill, and the visit that established it. The TDP and
-- birth year are copied from the resident (kept equal by the cascading foreign key) so that
-- the indicator counts (0002) can be kept from this table alone.
create table resident_skills (
    resident_id uuid not null,
    tdp_id uuid not null,
    birth_year integer not null,
    skill_id uuid not null references skills (id),
    status text not null check (status in ('in_progress', 'achieved')),
    since date not null,
    visit_id uuid not null references visits (id),
    primary key (resident_id, skill_id),
    foreign key (resident_id, tdp_id, birth_year)
        references residents (id, tdp_id, birth_year) on update cascade
);
