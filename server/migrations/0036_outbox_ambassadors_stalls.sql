-- A phone's outbox may now register digital ambassadors, choose whom a resident learns from,
-- and record a trader's 4T steps.
alter table device_changes drop constraint device_changes_kind_check,
    add constraint device_changes_kind_check
        check (kind in ('household', 'resident', 'void_visit', 'correct_visit',
                        'resident_departure', 'ticket', 'household_edit', 'resident_edit',
                        'attendance', 'learning', 'comment', 'guide', 'ambassador', 'learner',
                        'stall'));
