-- How a team leader settled a conflict, so settling it again the same way is a repeat.
alter table sync_conflicts
    add column resolution text check (resolution in ('keep_stored', 'keep_both')),
    add constraint sync_conflicts_settled_check
        check ((resolved_at is null) = (resolution is null));
