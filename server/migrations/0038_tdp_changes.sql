-- A change counter per TDP, next to the ward's. Until now every write to what a ward's
-- figures are counted from raised the ward's one counter first, so all writers to a ward
-- queued on that row until they committed: on a campaign day, 25 phones of one ward synced
-- one after another (531 visits/s in batches of 5; 1,040/s with the row left out).
--
-- Now a write raises the counter of each TDP it touches, in TDP order, before any count, and
-- writers to different TDPs no longer meet. The counts of a TDP are still changed by one
-- writer at a time, which is what the ward's row was for. The ward's own counter is raised by
-- what the whole ward's figures hang on (its TDPs, its skills, the models' settings), whose
-- writers touch no TDP's counts before it.
--
-- A dashboard is labelled with the ward's counter and the sum of its TDPs' counters, read in
-- one statement. Every committed change raises one of them; a TDP's removal lowers the sum
-- but raises the ward's counter, so a label never comes back.
create table tdp_changes (
    tdp_id uuid primary key references tdps (id) on delete cascade,
    ward_code integer not null references wards (code),
    changes bigint not null
);
create index tdp_changes_ward_idx on tdp_changes (ward_code) include (changes);

create or replace function note_tdp_changes(tdp_ids uuid[]) returns void
    language sql
    begin atomic
        insert into tdp_changes (tdp_id, ward_code, changes)
        select id, ward_code, 1 from tdps where id = any(tdp_ids) order by id
        on conflict (tdp_id) do update set changes = tdp_changes.changes + 1;
    end;

create function note_rows_tdp_changes() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        perform note_tdp_changes(array(select tdp_id from old_rows));
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        perform note_tdp_changes(array(select tdp_id from new_rows));
    end if;
    return null;
end $$;

-- Mentors, their learners and stalls belong to a TDP: they raise its counter, not the ward's.
-- (A learner raises their own TDP's: any TDP's change relabels the whole ward's figures.)
drop trigger mentors_noted_on_insert on mentors;
drop trigger mentors_noted_on_update on mentors;
drop trigger mentors_noted_on_delete on mentors;
drop trigger mentor_learners_noted_on_insert on mentor_learners;
drop trigger mentor_learners_noted_on_update on mentor_learners;
drop trigger mentor_learners_noted_on_delete on mentor_learners;
drop trigger stalls_noted_on_insert on stalls;
drop trigger stalls_noted_on_update on stalls;
drop trigger stalls_noted_on_delete on stalls;

create trigger mentors_noted_on_insert after insert on mentors
    referencing new table as new_rows for each statement execute function note_rows_tdp_changes();
create trigger mentors_noted_on_update after update on mentors
    referencing old table as old_rows new table as new_rows
    for each statement execute function note_rows_tdp_changes();
create trigger mentors_noted_on_delete after delete on mentors
    referencing old table as old_rows for each statement execute function note_rows_tdp_changes();
create trigger mentor_learners_noted_on_insert after insert on mentor_learners
    referencing new table as new_rows for each statement execute function note_rows_tdp_changes();
create trigger mentor_learners_noted_on_update after update on mentor_learners
    referencing old table as old_rows new table as new_rows
    for each statement execute function note_rows_tdp_changes();
create trigger mentor_learners_noted_on_delete after delete on mentor_learners
    referencing old table as old_rows for each statement execute function note_rows_tdp_changes();
create trigger stalls_noted_on_insert after insert on stalls
    referencing new table as new_rows for each statement execute function note_rows_tdp_changes();
create trigger stalls_noted_on_update after update on stalls
    referencing old table as old_rows new table as new_rows
    for each statement execute function note_rows_tdp_changes();
create trigger stalls_noted_on_delete after delete on stalls
    referencing old table as old_rows for each statement execute function note_rows_tdp_changes();

-- A market's name and place are no figure (its stalls are): a phone adding a stall in a TDP
-- must not take the ward's counter as well, or it would meet a change of the settings, which
-- takes the ward's and then every TDP's.
drop trigger markets_noted_on_insert on markets;
drop trigger markets_noted_on_update on markets;
drop trigger markets_noted_on_delete on markets;
