-- Door-to-door assignments ("đi từng ngõ, gõ từng nhà"): the team member a team leader sends
-- to each household. An assignment is done once a visit to the household is recorded after
-- it; the row stays, for the leader to see who went where.
create table assignments (
    household_id uuid primary key,
    tdp_id uuid not null,
    team_member_id uuid not null,
    assigned_at timestamptz not null default now(),
    foreign key (household_id, tdp_id) references households (id, tdp_id) on delete cascade,
    -- A member of the household's own TDP's team.
    foreign key (team_member_id, tdp_id) references team_members (id, tdp_id) on delete cascade
);
create index assignments_member_idx on assignments (team_member_id);
