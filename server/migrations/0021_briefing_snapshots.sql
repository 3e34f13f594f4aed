-- The ward's public briefing as anyone sees it: taken at most once an hour, so that polling
-- it before and after a visit shows the same figures, with the small cells already withheld
-- (domain::disclosure). Figures only: nothing here names a person or a household.
create table briefing_snapshots (
    ward_code integer primary key references wards (code),
    taken_at timestamptz not null,
    briefing jsonb not null
);
