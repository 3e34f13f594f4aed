-- A resident's consent (Law 91/2025/QH15): who recorded it, when, and for what purpose (the
-- purpose's text as it was then), and whether they withdrew it since. Residents imported
-- from the ward's register have none recorded until a team member asks them at the door.
alter table residents
    add column consent_at timestamptz,
    add column consent_by uuid references users (id),
    add column consent_purpose text check (length(consent_purpose) between 1 and 1000),
    add column consent_withdrawn_at timestamptz,
    add column consent_withdrawn_by uuid references users (id),
    add constraint residents_consent_recorded check (
        (consent_at is null) = (consent_purpose is null));

-- Someone who withdrew their consent, or whose data was erased, gets no new visit help,
-- attendance, check-in, ambassador role, mentor or skill status, whichever path writes it.
-- After the row, so that a row already there and left alone by `on conflict do nothing` is
-- no new record. The constraint name is the one the server maps to `consent_withdrawn`.
create function residents_take_records() returns trigger
language plpgsql as $$
begin
    if exists (select from residents where id = new.resident_id
               and (consent_withdrawn_at is not null or erased_at is not null)) then
        raise exception 'resident % takes no new records', new.resident_id
            using errcode = 'check_violation', constraint = 'residents_consent';
    end if;
    return null;
end
$$;

create trigger visit_help_consent after insert on visit_help
    for each row execute function residents_take_records();
create trigger attendance_consent after insert or update of outcome on attendance
    for each row execute function residents_take_records();
create trigger check_ins_consent after insert on check_ins
    for each row when (new.resident_id is not null) execute function residents_take_records();
create trigger mentors_consent after insert on mentors
    for each row when (new.resident_id is not null) execute function residents_take_records();
create trigger mentor_learners_consent after insert or update of mentor_id on mentor_learners
    for each row execute function residents_take_records();
create trigger resident_skills_consent after insert or update of status, since on resident_skills
    for each row execute function residents_take_records();
