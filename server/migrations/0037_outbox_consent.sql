-- A phone's outbox may now record a resident's consent, given or withdrawn at the door.
alter table device_changes drop constraint device_changes_kind_check,
    add constraint device_changes_kind_check
        check (kind in ('household', 'resident', 'void_visit', 'correct_visit',
                        'resident_departure', 'consent', 'ticket', 'household_edit',
                        'resident_edit', 'attendance', 'learning', 'comment', 'guide',
                        'ambassador', 'learner', 'stall'));
