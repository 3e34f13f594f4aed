-- Activities besides door-to-door visits: community classes, classes for the elderly and for
-- people with disabilities, mobile help points, party-cell sessions, youth campaigns. For one
-- TDP, or for the whole ward when tdp_id is null.

create table activities (
    id uuid primary key,
    ward_code integer not null references wards (code),
    tdp_id uuid,
    kind text not null check (kind in ('community_class', 'elderly_class', 'disability_class',
                                       'mobile_help_point', 'party_cell_session',
                                       'youth_campaign', 'other')),
    title text not null check (length(title) between 1 and 200),
    place text not null check (length(place) between 1 and 200),
    starts_at timestamptz not null,
    ends_at timestamptz not null,
    organiser text not null check (length(organiser) between 1 and 120),
    capacity integer check (capacity between 1 and 10000),
    -- People who came but are not on the register: counted, never named.
    unregistered integer not null default 0 check (unregistered between 0 and 10000),
    -- When the organiser last confirmed what the attendees learnt.
    confirmed_at timestamptz,
    created_at timestamptz not null default now(),
    constraint activities_time_check check (ends_at > starts_at),
    foreign key (tdp_id, ward_code) references tdps (id, ward_code)
);
create index activities_ward_idx on activities (ward_code, starts_at);

-- What an activity teaches, from the ward's skills catalogue.
create table activity_topics (
    activity_id uuid not null references activities (id) on delete cascade,
    skill_id uuid not null references skills (id),
    primary key (activity_id, skill_id)
);

-- Attendees from the register, and what the organiser confirmed each learnt (null before).
create table attendance (
    activity_id uuid not null references activities (id) on delete cascade,
    resident_id uuid not null references residents (id) on delete cascade,
    outcome text check (outcome in ('in_progress', 'achieved')),
    primary key (activity_id, resident_id)
);
create index attendance_resident_idx on attendance (resident_id);

-- A skill's status is established by a visit or, now, by an activity's confirmed attendance.
alter table resident_skills
    alter column visit_id drop not null,
    add column activity_id uuid references activities (id),
    add constraint resident_skills_source_check check (num_nonnulls(visit_id, activity_id) = 1);
