-- The rapid-response team's tickets (tổ ứng cứu công nghệ và nghiệp vụ): problems a TDP's team
-- could not solve at the door, escalated about a household (and one of its residents) or
-- about a place in a TDP, then taken on, discussed and resolved. Every change is an event, so
-- the history and the time to resolution are read, not kept twice.

create table tickets (
    id uuid primary key,
    ward_code integer not null,
    tdp_id uuid not null,
    household_id uuid,
    resident_id uuid references residents (id) on delete set null,
    place text check (length(place) between 1 and 200),
    skill_id uuid,
    title text not null check (length(title) between 1 and 200),
    description text not null default '' check (length(description) <= 2000),
    status text not null default 'open' check (status in ('open', 'in_progress', 'resolved')),
    assignee_id uuid references users (id),
    opened_by uuid not null references users (id),
    opened_at timestamptz not null default now(),
    resolved_at timestamptz,
    constraint tickets_subject_check check ((household_id is null) <> (place is null)),
    constraint tickets_resident_check check (resident_id is null or household_id is not null),
    constraint tickets_resolved_check check ((status = 'resolved') = (resolved_at is not null)),
    foreign key (tdp_id, ward_code) references tdps (id, ward_code),
    -- A household moved to another TDP takes its tickets along.
    foreign key (household_id, tdp_id) references households (id, tdp_id) on update cascade,
    foreign key (skill_id, ward_code) references skills (id, ward_code)
);
-- The queue: the ward's unresolved tickets, oldest first; the figures per TDP.
create index tickets_ward_idx on tickets (ward_code, status, opened_at);
create index tickets_household_idx on tickets (household_id) where household_id is not null;

create table ticket_events (
    id uuid primary key,
    ticket_id uuid not null references tickets (id) on delete cascade,
    at timestamptz not null default now(),
    author_id uuid not null references users (id),
    kind text not null check (kind in ('opened', 'assigned', 'status', 'comment')),
    status text check (status in ('open', 'in_progress', 'resolved')),
    assignee_id uuid references users (id),
    text text check (length(text) between 1 and 2000),
    constraint ticket_events_shape_check check (case kind
        when 'opened' then status = 'open'
        when 'status' then status is not null
        when 'comment' then text is not null and status is null
        else status is null end)
);
create index ticket_events_ticket_idx on ticket_events (ticket_id, at);
