//! Who came to a class or another activity: the list as far as the person's TDPs go, from the
//! activity's page (the whole list) or a phone's outbox (residents added and taken off, so
//! two phones at one class add up). Attendees of other TDPs stay as they are. And what the
//! organiser confirmed they learnt, which moves their skill statuses forward as a visit would.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use domain::access::{Action, Reach};
use domain::api::{Attendance, AttendanceChange, AuditAction, Learning};
use domain::validate::{unknown, withdrawn};
use domain::{FieldCode, FieldError};
use uuid::Uuid;

use crate::audit::Write;
use crate::auth::{Access, only_tdps};
use crate::error::{Error, Result};

/// The activity, locked: two phones sending at once each count the other's attendees
/// against the capacity.
struct Held {
    ward: i32,
    capacity: Option<i32>,
    unregistered: i32,
    /// The TDPs whose attendees the person lists.
    reach: Reach,
}

async fn hold(tx: &mut Write, access: &Access, id: Uuid) -> Result<Held> {
    let a = sqlx::query!(
        "select ward_code, tdp_id, capacity, unregistered from activities where id = $1
         for update",
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(Error::NotFound)?;
    access.ward(a.ward_code, Action::ViewFigures)?;
    let reach = match a.tdp_id {
        Some(tdp) => {
            access.tdp(a.ward_code, tdp, Action::Record)?;
            access.reach(a.ward_code, Action::Record)
        }
        None => access.ward(a.ward_code, Action::Record)?,
    };
    Ok(Held {
        ward: a.ward_code,
        capacity: a.capacity,
        unregistered: a.unregistered,
        reach,
    })
}

/// Sets the list of activity `id` as far as the person's TDPs go, in the caller's
/// transaction with its audit entry. Above the activity's capacity it is refused with
/// `over_capacity` unless `over_capacity` confirms it. The same list again changes nothing.
pub async fn set(tx: &mut Write, access: &Access, id: Uuid, body: &Attendance) -> Result<()> {
    let held = hold(tx, access, id).await?;
    write(tx, id, &held, body).await
}

/// Adds and takes off the residents a phone's outbox says, in the caller's transaction.
pub async fn change(tx: &mut Write, access: &Access, c: &AttendanceChange) -> Result<()> {
    let held = hold(tx, access, c.activity_id).await?;
    let only = only_tdps(&held.reach);
    let mut ids: Vec<Uuid> = sqlx::query_scalar!(
        "select x.resident_id from attendance x join residents r on r.id = x.resident_id
         where x.activity_id = $1 and ($2::uuid[] is null or r.tdp_id = any($2))
         order by x.resident_id",
        c.activity_id,
        only.as_deref(),
    )
    .fetch_all(&mut **tx)
    .await?;
    ids.retain(|r| !c.removed.contains(r));
    for r in &c.added {
        if !ids.contains(r) && !c.removed.contains(r) {
            ids.push(*r);
        }
    }
    let body = Attendance {
        resident_ids: ids,
        unregistered: c.unregistered.unwrap_or(held.unregistered),
        over_capacity: c.over_capacity,
    };
    write(tx, c.activity_id, &held, &body).await
}

async fn write(tx: &mut Write, id: Uuid, held: &Held, body: &Attendance) -> Result<()> {
    let only = only_tdps(&held.reach);
    // Someone who withdrew their consent (or was erased) is newly listed for nothing; when
    // they were listed before, they stay.
    let reachable: HashMap<Uuid, bool> = sqlx::query!(
        r#"select r.id,
                  (r.consent_withdrawn_at is not null or r.erased_at is not null)
                  and not exists (select from attendance x
                                  where x.activity_id = $4 and x.resident_id = r.id)
                  as "refused!"
           from residents r join tdps t on t.id = r.tdp_id
           where r.id = any($1) and t.ward_code = $2 and ($3::uuid[] is null or r.tdp_id = any($3))"#,
        &body.resident_ids,
        held.ward,
        only.as_deref(),
        id,
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.refused))
    .collect();
    let mut refused = unknown("resident_ids", &body.resident_ids, |r| {
        reachable.contains_key(r)
    });
    refused.extend(withdrawn("resident_ids", &body.resident_ids, |r| {
        reachable.get(r) == Some(&true)
    }));
    if !refused.is_empty() {
        return Err(Error::Validation(refused));
    }
    let elsewhere = sqlx::query_scalar!(
        r#"select count(*) as "n!" from attendance x join residents r on r.id = x.resident_id
           where x.activity_id = $1 and not ($2::uuid[] is null or r.tdp_id = any($2))"#,
        id,
        only.as_deref(),
    )
    .fetch_one(&mut **tx)
    .await?;
    domain::validate::attendance(body, held.capacity, elsewhere).map_err(Error::Validation)?;
    sqlx::query!(
        "delete from attendance x using residents r
         where x.activity_id = $1 and r.id = x.resident_id
             and ($2::uuid[] is null or r.tdp_id = any($2)) and x.resident_id <> all($3)",
        id,
        only.as_deref(),
        &body.resident_ids,
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into attendance (activity_id, resident_id) select $1, unnest($2::uuid[])
         on conflict do nothing",
        id,
        &body.resident_ids,
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update activities set unregistered = $2 where id = $1",
        id,
        body.unregistered
    )
    .execute(&mut **tx)
    .await?;
    tx.audit(held.ward, AuditAction::Update, "attendance", id, body)
        .await
}

/// The organiser's confirmation of what the attendees of activity `id` learnt (the activity's
/// team leader, or for a ward-wide activity the ward's admins), in the caller's transaction
/// with its audit entry: the attendees listed achieved each of the activity's topics, the
/// others are on their way. Statuses only move forward — nobody who has a skill loses it —
/// and the date is the activity's. Attendees of TDPs the person does not manage are left as
/// they are. The same confirmation again changes nothing.
pub async fn confirm(
    tx: &mut Write,
    access: &Access,
    id: Uuid,
    body: &Learning,
    now: DateTime<Utc>,
) -> Result<()> {
    let activity = sqlx::query!(
        r#"select ward_code, tdp_id, starts_at,
                  exists (select from activity_topics t where t.activity_id = a.id) as "topics!"
           from activities a where id = $1
           for update"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(Error::NotFound)?;
    access.ward(activity.ward_code, Action::ViewFigures)?;
    let reach = match activity.tdp_id {
        Some(tdp) => {
            access.tdp(activity.ward_code, tdp, Action::ManageTeam)?;
            access.reach(activity.ward_code, Action::ManageTeam)
        }
        None => {
            access.ward(activity.ward_code, Action::ManageWard)?;
            Reach::Ward
        }
    };
    let only = only_tdps(&reach);
    if !activity.topics {
        return Err(Error::field("topics", FieldCode::Required));
    }
    // Attendee → whether they withdrew their consent since (or were erased): what they
    // learnt is not recorded.
    let listed: HashMap<Uuid, bool> = sqlx::query!(
        r#"select x.resident_id,
                  r.consent_withdrawn_at is not null or r.erased_at is not null as "withdrew!"
           from attendance x join residents r on r.id = x.resident_id
           where x.activity_id = $1 and ($2::uuid[] is null or r.tdp_id = any($2))"#,
        id,
        only.as_deref(),
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|x| (x.resident_id, x.withdrew))
    .collect();
    let mut problems = unknown("achieved", &body.achieved, |r| listed.contains_key(r));
    problems.extend(withdrawn("achieved", &body.achieved, |r| {
        listed.get(r) == Some(&true)
    }));
    let attendees: HashSet<Uuid> = listed
        .into_iter()
        .filter_map(|(r, withdrew)| (!withdrew).then_some(r))
        .collect();
    let mut seen = HashSet::new();
    for (i, r) in body.achieved.iter().enumerate() {
        if !seen.insert(r) {
            problems.push(FieldError::new(
                format!("achieved[{i}]"),
                FieldCode::Duplicate,
            ));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let attendees: Vec<Uuid> = attendees.into_iter().collect();
    sqlx::query!(
        "update attendance
         set outcome = case when resident_id = any($3) then 'achieved' else 'in_progress' end
         where activity_id = $1 and resident_id = any($2)",
        id,
        &attendees,
        &body.achieved,
    )
    .execute(&mut **tx)
    .await?;
    let day = domain::time::day(activity.starts_at);
    // The same forward-only rule as visits (`record`): in progress → achieved, the earliest
    // achievement kept.
    sqlx::query!(
        "insert into resident_skills (resident_id, tdp_id, birth_year, skill_id, status, since,
                                      activity_id)
         select r.id, r.tdp_id, r.birth_year, t.skill_id, x.outcome, $2, $1
         from attendance x
         join residents r on r.id = x.resident_id
         cross join activity_topics t
         where x.activity_id = $1 and t.activity_id = $1 and x.resident_id = any($3)
         on conflict (resident_id, skill_id) do update
         set status = excluded.status, since = excluded.since, visit_id = null,
             activity_id = excluded.activity_id
         where (resident_skills.status = 'in_progress'
                and (excluded.status = 'achieved' or excluded.since >= resident_skills.since))
            or (resident_skills.status = 'achieved' and excluded.status = 'achieved'
                and excluded.since < resident_skills.since)",
        id,
        day,
        &attendees,
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update activities set confirmed_at = $2 where id = $1",
        id,
        now,
    )
    .execute(&mut **tx)
    .await?;
    tx.audit(
        activity.ward_code,
        AuditAction::Update,
        "learning",
        id,
        body,
    )
    .await
}
