-- "Đại sứ số" (digital ambassadors): mentors, each a resident or a team member, and the
-- residents each one guides. The quota is a ward setting (model_settings.ambassador_quota).

-- Lets the tables below follow a resident or a team member to another TDP.
alter table residents add constraint residents_tdp_key unique (id, tdp_id);
alter table team_members add constraint team_members_tdp_key unique (id, tdp_id);

create table mentors (
    id uuid primary key,
    ward_code integer not null,
    -- The mentor's own TDP: the network is shown TDP by TDP.
    tdp_id uuid not null,
    resident_id uuid unique,
    team_member_id uuid unique,
    created_at timestamptz not null default now(),
    check (num_nonnulls(resident_id, team_member_id) = 1),
    foreign key (tdp_id, ward_code) references tdps (id, ward_code),
    foreign key (resident_id, tdp_id) references residents (id, tdp_id)
        on delete cascade on update cascade,
    foreign key (team_member_id, tdp_id) references team_members (id, tdp_id)
        on delete cascade on update cascade,
    unique (id, ward_code),
    unique (id, resident_id)
);
create index mentors_tdp_idx on mentors (tdp_id);

-- One mentor per learner; a mentor may also be another mentor's learner, never their own.
create table mentor_learners (
    resident_id uuid primary key,
    tdp_id uuid not null,
    ward_code integer not null,
    mentor_id uuid not null,
    -- The mentor's resident record, when the mentor is a resident (null for a team member).
    mentor_resident_id uuid,
    created_at timestamptz not null default now(),
    foreign key (resident_id, tdp_id) references residents (id, tdp_id)
        on delete cascade on update cascade,
    foreign key (tdp_id, ward_code) references tdps (id, ward_code),
    -- Learners of the mentor's own ward only.
    foreign key (mentor_id, ward_code) references mentors (id, ward_code) on delete cascade,
    foreign key (mentor_id, mentor_resident_id) references mentors (id, resident_id),
    constraint mentor_learners_not_self check (resident_id <> mentor_resident_id)
);
create index mentor_learners_mentor_idx on mentor_learners (mentor_id);

-- The dashboard counts mentors at their quota: a mentor or a learner more is a change.
create trigger mentors_noted_on_insert after insert on mentors
    referencing new table as new_rows for each statement execute function note_rows_ward_changes();
create trigger mentors_noted_on_update after update on mentors
    referencing old table as old_rows new table as new_rows
    for each statement execute function note_rows_ward_changes();
create trigger mentors_noted_on_delete after delete on mentors
    referencing old table as old_rows for each statement execute function note_rows_ward_changes();
create trigger mentor_learners_noted_on_insert after insert on mentor_learners
    referencing new table as new_rows for each statement execute function note_rows_ward_changes();
create trigger mentor_learners_noted_on_update after update on mentor_learners
    referencing old table as old_rows new table as new_rows
    for each statement execute function note_rows_ward_changes();
create trigger mentor_learners_noted_on_delete after delete on mentor_learners
    referencing old table as old_rows for each statement execute function note_rows_ward_changes();
