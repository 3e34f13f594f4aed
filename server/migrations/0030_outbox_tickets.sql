-- A phone's outbox may now escalate a ticket.
alter table device_changes drop constraint device_changes_kind_check,
    add constraint device_changes_kind_check
        check (kind in ('household', 'resident', 'void_visit', 'resident_departure', 'ticket'));
