//! Corrections that keep every figure right. A visit voided (recorded against the wrong
//! household, or never made) is deleted with its help and volunteers, so that every count the
//! database keeps drops it through the triggers that counted it. The skill statuses it
//! established are then worked out again from the visits and confirmed classes that remain,
//! by the same forward-only rule that set them (`record`, `api::activities`). Its id is kept
//! in `voided_visits`, so that a phone sending it again cannot bring it back, and what it said
//! goes to the audit log with the reason. A visit corrected is voided so, and recorded again
//! as it should have been, in the same change.

use chrono::{DateTime, Utc};
use domain::FieldCode;
use domain::access::Action;
use domain::api::{AuditAction, Departure, VisitCorrection, VoidVisit, VoidedVisit};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::audit::Write;
use crate::auth::{Access, Place};
use crate::error::{Error, Result};
use crate::record::{DeviceTime, Incoming, record};

/// Voids visit `id` for the signed-in person, in the caller's transaction, with its audit
/// entry. Its TDP's team leader and the ward's admin may void any visit; the person who
/// recorded one, for 7 days. Voiding a voided visit again answers the same, to whoever voided
/// it or manages its TDP.
pub async fn void(
    tx: &mut Write,
    access: &Access,
    id: Uuid,
    body: &VoidVisit,
    now: DateTime<Utc>,
) -> Result<VoidedVisit> {
    if let Some(voided) = voided(tx, id).await? {
        return already_voided(access, voided);
    }
    let Some(visit) = standing(tx, id).await? else {
        // Voided by someone else meanwhile (their transaction held the lock): theirs to tell.
        return match voided(tx, id).await? {
            Some(voided) => already_voided(access, voided),
            None => Err(Error::NotFound),
        };
    };
    let place = Place {
        ward: visit.ward,
        tdp: visit.tdp,
    };
    access.record(place, Action::Record)?;
    domain::validate::void_visit(body).map_err(Error::Validation)?;
    let manages = access
        .reach(visit.ward, Action::ManageTeam)
        .includes(visit.tdp);
    let recorded_it = visit.recorded_by == Some(access.user.id);
    if !domain::access::may_void_visit(manages, recorded_it, visit.recorded_at, now) {
        return Err(Error::Forbidden);
    }
    let voided_at = void_visit(tx, id, &visit, access.user.id, now).await?;
    let change = serde_json::json!({ "reason": body.reason, "visit": visit.request });
    tx.audit(visit.ward, AuditAction::Delete, "visits", id, &change)
        .await?;
    Ok(VoidedVisit {
        id,
        household_id: visit.household_id,
        voided_at,
    })
}

/// Corrects visit `c.visit_id` for the signed-in person, in the caller's transaction: voids it
/// with the reason, as [`void`] would, and records `c.visit` in its place (under its own id),
/// both or neither. A visit voided already, by a correction or not, is refused as `voided`:
/// the correction was made against what is no longer there, and recording it would count the
/// visit twice.
pub async fn correct(
    tx: &mut Write,
    access: &Access,
    code: i32,
    c: &VisitCorrection,
    device: DeviceTime,
    now: DateTime<Utc>,
) -> Result<()> {
    // Locked first, so that nobody voids it between the check and the voiding.
    if standing(tx, c.visit_id).await?.is_none() {
        return match voided(tx, c.visit_id).await? {
            Some(_) => Err(Error::field("visit_id", FieldCode::Voided)),
            None => Err(Error::NotFound),
        };
    }
    domain::validate::visit_correction(c, domain::time::day(now)).map_err(Error::Validation)?;
    sqlx::query("savepoint correction")
        .execute(&mut **tx)
        .await?;
    let why = VoidVisit {
        reason: c.reason.clone(),
    };
    let done = match void(tx, access, c.visit_id, &why, now).await {
        Ok(_) => {
            let again = Incoming {
                visit: c.visit.clone(),
                device: Some(device),
            };
            let mut recorded = record(tx, access, code, vec![again], now).await?;
            recorded.pop().unwrap_or(Err(Error::Conflict)).map(|_| ())
        }
        Err(e) => Err(e),
    };
    let end = if done.is_ok() {
        "release savepoint correction"
    } else {
        "rollback to savepoint correction"
    };
    sqlx::query(end).execute(&mut **tx).await?;
    done
}

/// Marks resident `id` as gone from the ward's counts on a day, moved out or deceased, or with
/// `None` counts them again (entered by mistake, or they came back), in the caller's
/// transaction with its audit entry. Every count the database keeps follows through its
/// triggers (migration 0029); the resident stays in the register, the history and the audit
/// log. A household they guided has no guide any more. Saying the same again changes
/// nothing. Answers where the resident's record is.
pub async fn depart(
    tx: &mut Write,
    access: &Access,
    id: Uuid,
    departure: Option<Departure>,
    now: DateTime<Utc>,
) -> Result<Place> {
    let r = sqlx::query!(
        r#"select t.ward_code, r.tdp_id, r.birth_year, r.left_on,
                  r.left_reason as "left_reason: domain::api::DepartureReason"
           from residents r join tdps t on t.id = r.tdp_id
           where r.id = $1 and r.erased_at is null
           for update of r"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(Error::NotFound)?;
    let place = Place {
        ward: r.ward_code,
        tdp: r.tdp_id,
    };
    access.record(place, Action::Record)?;
    if let Some(d) = &departure {
        domain::validate::departure(d, r.birth_year, domain::time::day(now))
            .map_err(Error::Validation)?;
    }
    if crate::db::households::departure(r.left_on, r.left_reason) == departure {
        return Ok(place);
    }
    sqlx::query!(
        "update residents set left_on = $2::date, left_reason = $3, counted = $2::date is null,
                              changed = pg_current_xact_id()
         where id = $1",
        id,
        departure.map(|d| d.on),
        departure.map(|d| d.reason.as_str()),
    )
    .execute(&mut **tx)
    .await?;
    if departure.is_some() {
        sqlx::query!(
            "update households set guide_id = null, changed = pg_current_xact_id()
             where guide_id = $1",
            id
        )
        .execute(&mut **tx)
        .await?;
    }
    let change = serde_json::json!({ "departure": departure });
    tx.audit(place.ward, AuditAction::Update, "residents", id, &change)
        .await?;
    Ok(place)
}

fn already_voided(access: &Access, voided: Voided) -> Result<VoidedVisit> {
    let place = Place {
        ward: voided.ward,
        tdp: voided.tdp,
    };
    access.record(place, Action::Record)?;
    let manages = access
        .reach(place.ward, Action::ManageTeam)
        .includes(place.tdp);
    if voided.by != access.user.id && !manages {
        return Err(Error::Forbidden);
    }
    Ok(voided.answer)
}

/// A voided visit, with where it was.
struct Voided {
    ward: i32,
    tdp: Uuid,
    /// Who voided it.
    by: Uuid,
    answer: VoidedVisit,
}

/// Visit `id` if it was voided.
async fn voided(db: &mut PgConnection, id: Uuid) -> Result<Option<Voided>> {
    Ok(sqlx::query!(
        "select ward_code, tdp_id, household_id, voided_at, voided_by from voided_visits
         where id = $1",
        id
    )
    .fetch_optional(db)
    .await?
    .map(|v| Voided {
        ward: v.ward_code,
        tdp: v.tdp_id,
        by: v.voided_by,
        answer: VoidedVisit {
            id,
            household_id: v.household_id,
            voided_at: v.voided_at,
        },
    }))
}

/// A visit as it stands before it is voided.
struct Standing {
    ward: i32,
    tdp: Uuid,
    household_id: Uuid,
    /// When the server received it.
    recorded_at: DateTime<Utc>,
    /// Who recorded it, when known.
    recorded_by: Option<Uuid>,
    /// The request as received: what the audit log keeps of it.
    request: serde_json::Value,
}

/// Visit `id`, locked until the caller's transaction ends; none when there is no such visit.
async fn standing(tx: &mut PgConnection, id: Uuid) -> Result<Option<Standing>> {
    Ok(sqlx::query!(
        "select ward_code, tdp_id, household_id, recorded_at, recorded_by, request
         from visits where id = $1
         for update",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|v| Standing {
        ward: v.ward_code,
        tdp: v.tdp_id,
        household_id: v.household_id,
        recorded_at: v.recorded_at,
        recorded_by: v.recorded_by,
        request: v.request,
    }))
}

/// Voids visit `id` (locked by [`standing`]) in the caller's transaction: when, as stored.
async fn void_visit(
    tx: &mut PgConnection,
    id: Uuid,
    visit: &Standing,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<DateTime<Utc>> {
    // The statuses this visit established lose their source first.
    let lost = sqlx::query!(
        "delete from resident_skills where visit_id = $1 returning resident_id, skill_id",
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    let (residents, skills): (Vec<Uuid>, Vec<Uuid>) = lost
        .into_iter()
        .map(|r| (r.resident_id, r.skill_id))
        .unzip();
    sqlx::query!("delete from visits where id = $1", id)
        .execute(&mut *tx)
        .await?;
    recompute_skills(tx, &residents, &skills).await?;
    let voided_at = sqlx::query_scalar!(
        "insert into voided_visits (id, ward_code, tdp_id, household_id, voided_at, voided_by)
         values ($1, $2, $3, $4, $5, $6)
         returning voided_at",
        id,
        visit.ward,
        visit.tdp,
        visit.household_id,
        now,
        by,
    )
    .fetch_one(&mut *tx)
    .await?;
    // Phones that keep the household pull it again, without the visit.
    sqlx::query!(
        "update households set changed = pg_current_xact_id() where id = $1",
        visit.household_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(voided_at)
}

/// Works out again the statuses of `residents` (paired with `skills`) from the visits and
/// confirmed classes they have, by the same forward-only rule that set them (`record`,
/// `api::activities`): the earliest achievement, else the latest step in progress. The
/// caller deleted the statuses that lost their source.
pub async fn recompute_skills(
    tx: &mut PgConnection,
    residents: &[Uuid],
    skills: &[Uuid],
) -> Result<()> {
    sqlx::query!(
        r#"insert into resident_skills (resident_id, tdp_id, birth_year, skill_id, status, since,
                                      visit_id, activity_id)
           select distinct on (e.resident_id, e.skill_id)
                  r.id, r.tdp_id, r.birth_year, e.skill_id, e.status, e.since, e.visit_id,
                  e.activity_id
           from (
               select h.resident_id, h.skill_id, h.outcome as status, v.visited_on as since,
                      v.id as visit_id, null::uuid as activity_id
               from visit_help h join visits v on v.id = h.visit_id
               where (h.resident_id, h.skill_id) in
                     (select * from unnest($1::uuid[], $2::uuid[]))
               union all
               select x.resident_id, t.skill_id, x.outcome,
                      ((a.starts_at at time zone 'UTC') + make_interval(secs => $3))::date,
                      null, a.id
               from attendance x
               join activities a on a.id = x.activity_id and a.confirmed_at is not null
               join activity_topics t on t.activity_id = a.id
               where x.outcome is not null
                 and (x.resident_id, t.skill_id) in
                     (select * from unnest($1::uuid[], $2::uuid[]))
           ) e
           join residents r on r.id = e.resident_id
           order by e.resident_id, e.skill_id, e.status = 'achieved' desc,
                    case when e.status = 'achieved' then e.since end,
                    e.since desc, e.visit_id desc nulls last"#,
        residents,
        skills,
        domain::time::OFFSET.as_seconds_f64(),
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}
