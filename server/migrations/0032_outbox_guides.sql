-- A phone's outbox may now mark a household's guide.
alter table device_changes drop constraint device_changes_kind_check,
    add constraint device_changes_kind_check
        check (kind in ('household', 'resident', 'void_visit', 'resident_departure', 'ticket',
                        'household_edit', 'resident_edit', 'attendance', 'guide'));
