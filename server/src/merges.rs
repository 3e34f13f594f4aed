//! A resident or a household entered twice, merged by the team leader into the record that
//! stays (from the likely-duplicates list).
//!
//! A resident: everything the copy had goes to that record: the help it was given
//! on visits, its classes, tickets and check-ins, its mentor or learners, the guide of its
//! household; its skill statuses are worked out again from the history they now share
//! (`corrections::recompute_skills`). The copy's row is then deleted, so that every count the
//! database keeps drops it through the triggers that counted it, and `merged_residents` keeps
//! where it went: a phone's change about it is refused with that reason. The audit log keeps
//! the merge.
//!
//! A household, of the same TDP: its residents, visits (voided ones too), tickets and
//! door-to-door assignment go to the household that stays, which takes its guide when it had
//! none; the copy's row is then deleted, and `merged_households` keeps where it went.

use chrono::{DateTime, Utc};
use domain::FieldCode;
use domain::access::Action;
use domain::api::AuditAction;
use uuid::Uuid;

use crate::audit::Write;
use crate::auth::{Access, Place};
use crate::corrections::recompute_skills;
use crate::error::{Error, Result};

/// Merges resident `copy` into `into` for a team leader of both records' TDPs (or the ward's
/// admin), in the caller's transaction. Merging the same again changes nothing; into another
/// record, it answers 409.
pub async fn merge_resident(
    tx: &mut Write,
    access: &Access,
    copy: Uuid,
    into: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(earlier) = sqlx::query!(
        "select into_id, ward_code, tdp_id
         from merged_residents m join residents r on r.id = m.into_id
         where m.id = $1",
        copy
    )
    .fetch_optional(&mut **tx)
    .await?
    {
        let place = Place {
            ward: earlier.ward_code,
            tdp: earlier.tdp_id,
        };
        return again(access, place, earlier.into_id, into);
    }
    let rows = sqlx::query!(
        r#"select r.id, t.ward_code, r.tdp_id, r.household_id, r.erased_at is not null as "erased!"
           from residents r join tdps t on t.id = r.tdp_id
           where r.id = any($1)
           order by r.id
           for update of r"#,
        &[copy, into] as &[Uuid]
    )
    .fetch_all(&mut **tx)
    .await?;
    let side = |id: Uuid| {
        rows.iter().find(|r| r.id == id).map(|r| Side {
            place: Place {
                ward: r.ward_code,
                tdp: r.tdp_id,
            },
            erased: r.erased,
        })
    };
    let (from, to) = check(access, copy, side(copy), into, side(into))?;
    let into_household = rows
        .iter()
        .find(|r| r.id == into)
        .map(|r| r.household_id)
        .ok_or(Error::NotFound)?;

    // The household the copy guided keeps a guide only if the record that stays lives there.
    sqlx::query!(
        "update households
         set guide_id = case when guide_id <> $1 then guide_id when id = $3 then $2::uuid end,
             changed = pg_current_xact_id()
         where guide_id = $1 or id = (select household_id from residents where id = $1)",
        copy,
        into,
        into_household,
    )
    .execute(&mut **tx)
    .await?;

    // Statuses are worked out again below, from the history both now share.
    let skills = sqlx::query_scalar!(
        "delete from resident_skills where resident_id = any($1) returning skill_id",
        &[copy, into] as &[Uuid]
    )
    .fetch_all(&mut **tx)
    .await?;
    // Help given to both on one visit, for one skill, is kept once.
    sqlx::query!(
        "with twice as (
             delete from visit_help c using visit_help i
             where c.resident_id = $1 and i.resident_id = $2
               and i.visit_id = c.visit_id and i.skill_id = c.skill_id
         )
         update visit_help set resident_id = $2
         where resident_id = $1
           and (visit_id, skill_id) not in
               (select visit_id, skill_id from visit_help where resident_id = $2)",
        copy,
        into
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update attendance set resident_id = $2
         where resident_id = $1
           and activity_id not in (select activity_id from attendance where resident_id = $2)",
        copy,
        into
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update tickets set resident_id = $2 where resident_id = $1",
        copy,
        into
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update check_ins set resident_id = $2 where resident_id = $1",
        copy,
        into
    )
    .execute(&mut **tx)
    .await?;
    mentoring(tx, copy, into, to.tdp).await?;
    // Chains stay one step long: what was merged into the copy now points at the record that
    // stays.
    sqlx::query!(
        "update merged_residents set into_id = $2 where into_id = $1",
        copy,
        into
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "delete from likely_duplicates
         where kind = 'resident' and (added_id = $1 or existing_id = $1)",
        copy
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!("delete from residents where id = $1", copy)
        .execute(&mut **tx)
        .await?;
    let skills: Vec<Uuid> = {
        let mut s = skills;
        s.sort_unstable();
        s.dedup();
        s
    };
    recompute_skills(tx, &vec![into; skills.len()], &skills).await?;
    sqlx::query!(
        "update residents set changed = pg_current_xact_id() where id = $1",
        into
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into merged_residents (id, into_id, ward_code, merged_at, merged_by)
         values ($1, $2, $3, $4, $5)",
        copy,
        into,
        from.ward,
        now,
        access.user.id,
    )
    .execute(&mut **tx)
    .await?;
    let change = serde_json::json!({ "merged_into": into });
    tx.audit(from.ward, AuditAction::Delete, "residents", copy, &change)
        .await
}

fn not_mergeable() -> Error {
    Error::field("into_id", FieldCode::NotMergeable)
}

/// A merge's record as it stands, locked.
struct Side {
    place: Place,
    erased: bool,
}

/// A merge asked again, the copy gone into `merged_into` at `place`: the same answer to whoever
/// manages it; into another record, 409.
fn again(access: &Access, place: Place, merged_into: Uuid, into: Uuid) -> Result<()> {
    access.record(place, Action::ManageTeam)?;
    if merged_into == into {
        Ok(())
    } else {
        Err(Error::Conflict)
    }
}

/// The two records of a merge for the signed-in person: the copy theirs to manage (404, 403
/// otherwise), the record that stays too (an unknown `into_id` otherwise), another record of
/// the same ward, neither erased. Answers where each is.
fn check(
    access: &Access,
    copy: Uuid,
    copy_side: Option<Side>,
    into: Uuid,
    into_side: Option<Side>,
) -> Result<(Place, Place)> {
    let a = copy_side.ok_or(Error::NotFound)?;
    access.record(a.place, Action::ManageTeam)?;
    let unknown = || Error::field("into_id", FieldCode::UnknownReference);
    let b = into_side.ok_or_else(unknown)?;
    access
        .record(b.place, Action::ManageTeam)
        .map_err(|e| match e {
            Error::NotFound => unknown(),
            e => e,
        })?;
    if copy == into || a.place.ward != b.place.ward || a.erased || b.erased {
        return Err(not_mergeable());
    }
    Ok((a.place, b.place))
}

/// The copy's part in the digital ambassadors' network goes to the record that stays (in
/// `tdp`): its learners, to that record's mentor (which it becomes, when it was none); its own
/// mentor, when the record that stays has none. What would make someone their own learner is
/// dropped; the rest of the copy's rows go with it.
async fn mentoring(tx: &mut Write, copy: Uuid, into: Uuid, tdp: Uuid) -> Result<()> {
    let mentors = sqlx::query!(
        "select id, resident_id from mentors where resident_id = any($1)",
        &[copy, into] as &[Uuid]
    )
    .fetch_all(&mut **tx)
    .await?;
    let mentor_of = |id: Uuid| {
        mentors
            .iter()
            .find(|m| m.resident_id == Some(id))
            .map(|m| m.id)
    };
    if let Some(copy_mentor) = mentor_of(copy) {
        sqlx::query!(
            "delete from mentor_learners where mentor_id = $1 and resident_id = $2",
            copy_mentor,
            into
        )
        .execute(&mut **tx)
        .await?;
        match mentor_of(into) {
            Some(kept) => {
                sqlx::query!(
                    "update mentor_learners set mentor_id = $2, mentor_resident_id = $3
                     where mentor_id = $1",
                    copy_mentor,
                    kept,
                    into
                )
                .execute(&mut **tx)
                .await?;
            }
            None => {
                // The learners' link names the mentor's resident: loosened while it changes.
                sqlx::query!(
                    "update mentor_learners set mentor_resident_id = null where mentor_id = $1",
                    copy_mentor
                )
                .execute(&mut **tx)
                .await?;
                sqlx::query!(
                    "update mentors set resident_id = $2, tdp_id = $3 where id = $1",
                    copy_mentor,
                    into,
                    tdp
                )
                .execute(&mut **tx)
                .await?;
                sqlx::query!(
                    "update mentor_learners set mentor_resident_id = $2 where mentor_id = $1",
                    copy_mentor,
                    into
                )
                .execute(&mut **tx)
                .await?;
            }
        }
    }
    // The copy as a learner: theirs now, unless they have a mentor or it is themselves.
    sqlx::query!(
        "update mentor_learners set resident_id = $2, tdp_id = $3
         where resident_id = $1
           and mentor_resident_id is distinct from $2
           and not exists (select from mentor_learners where resident_id = $2)",
        copy,
        into,
        tdp
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Merges household `copy` into `into` of the same TDP, for its team leader (or the ward's
/// admin), in the caller's transaction. Merging the same again changes nothing; into another
/// household, it answers 409.
pub async fn merge_household(
    tx: &mut Write,
    access: &Access,
    copy: Uuid,
    into: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(earlier) = sqlx::query!(
        "select m.into_id, m.ward_code, h.tdp_id
         from merged_households m join households h on h.id = m.into_id
         where m.id = $1",
        copy
    )
    .fetch_optional(&mut **tx)
    .await?
    {
        let place = Place {
            ward: earlier.ward_code,
            tdp: earlier.tdp_id,
        };
        return again(access, place, earlier.into_id, into);
    }
    let rows = sqlx::query!(
        r#"select h.id, t.ward_code, h.tdp_id, h.guide_id,
                  h.erased_at is not null as "erased!"
           from households h join tdps t on t.id = h.tdp_id
           where h.id = any($1)
           order by h.id
           for update of h"#,
        &[copy, into] as &[Uuid]
    )
    .fetch_all(&mut **tx)
    .await?;
    let side = |id: Uuid| {
        rows.iter().find(|h| h.id == id).map(|h| Side {
            place: Place {
                ward: h.ward_code,
                tdp: h.tdp_id,
            },
            erased: h.erased,
        })
    };
    let (place, to) = check(access, copy, side(copy), into, side(into))?;
    if to.tdp != place.tdp {
        return Err(not_mergeable());
    }
    let guide = rows.iter().find(|h| h.id == copy).and_then(|h| h.guide_id);

    // Visits are never moved but here, so no trigger counts a move: two households visited
    // become one, in the TDP's kept count of households visited, and the dashboard hears of it.
    sqlx::query!(
        "with one_less as (
             update tdp_visit_counts set households_visited = households_visited - 1
             where tdp_id = $1
               and exists (select from visits where household_id = $2)
               and exists (select from visits where household_id = $3)
             returning tdp_id
         )
         select count(*) as \"noted!\"
         from (select note_tdp_changes(array(select tdp_id from one_less))) noted",
        place.tdp,
        copy,
        into
    )
    .fetch_one(&mut **tx)
    .await?;
    // The copy's guide is let go while the residents move (the guide must live in the
    // household), then guides the household that stays if it had none.
    sqlx::query!("update households set guide_id = null where id = $1", copy)
        .execute(&mut **tx)
        .await?;
    sqlx::query!(
        "update residents set household_id = $2, changed = pg_current_xact_id()
         where household_id = $1",
        copy,
        into
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update visits set household_id = $2, changed = pg_current_xact_id()
         where household_id = $1",
        copy,
        into
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update voided_visits set household_id = $2 where household_id = $1",
        copy,
        into
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update tickets set household_id = $2 where household_id = $1",
        copy,
        into
    )
    .execute(&mut **tx)
    .await?;
    // One door-to-door assignment a household: the one that stays keeps its own.
    sqlx::query!(
        "update assignments set household_id = $2
         where household_id = $1
           and not exists (select from assignments where household_id = $2)",
        copy,
        into
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update merged_households set into_id = $2 where into_id = $1",
        copy,
        into
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "delete from likely_duplicates
         where kind = 'household' and (added_id = $1 or existing_id = $1)",
        copy
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!("delete from households where id = $1", copy)
        .execute(&mut **tx)
        .await?;
    sqlx::query!(
        "update households set guide_id = coalesce(guide_id, $2),
                               changed = pg_current_xact_id()
         where id = $1",
        into,
        guide
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into merged_households (id, into_id, ward_code, merged_at, merged_by)
         values ($1, $2, $3, $4, $5)",
        copy,
        into,
        place.ward,
        now,
        access.user.id,
    )
    .execute(&mut **tx)
    .await?;
    let change = serde_json::json!({ "merged_into": into });
    tx.audit(place.ward, AuditAction::Delete, "households", copy, &change)
        .await
}
