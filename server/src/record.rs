//! Recording visits, a batch at a time: the single endpoint sends a batch of one, a phone's
//! outbox up to the sync's limit. Every check reads the whole batch in one query and every
//! write is one statement over arrays, in the caller's transaction, so a batch of 100 costs
//! about as much as a single visit did. A database failure writes nothing of the batch;
//! sending it again is safe, since every visit is idempotent by its id.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use domain::access::Action;
use domain::api::{AuditAction, NewVisit};
use domain::{FieldCode, FieldError};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::audit::Write;
use crate::auth::{Access, Place};
use crate::error::{Error, Result};

/// What recording one visit did.
#[derive(Debug, Clone, Copy)]
pub enum Recorded {
    New(Uuid),
    /// The same visit was recorded before (a retry): nothing changed.
    Already(Uuid),
}

/// When a phone recorded a visit, by its own clock, and how far ahead that clock was.
pub struct DeviceTime {
    pub recorded_at: DateTime<Utc>,
    pub clock_skew: chrono::TimeDelta,
}

impl DeviceTime {
    /// A date from the phone's calendar, in the server's: moved by the clock's error in whole
    /// days (an error under half a day leaves it alone).
    pub fn correct(&self, date: chrono::NaiveDate) -> chrono::NaiveDate {
        let days = (self.clock_skew.num_seconds() as f64 / 86_400.0).round() as i64;
        date - chrono::TimeDelta::days(days)
    }
}

/// A visit to record, with the phone's clock when it comes from an outbox.
pub struct Incoming {
    pub visit: NewVisit,
    pub device: Option<DeviceTime>,
}

/// A visit already stored under an id that arrives again.
struct Stored {
    request: serde_json::Value,
    place: Place,
}

/// A copy of a stored visit's id with other content, for `sync_conflicts`.
struct Conflict {
    id: Uuid,
    tdp: Uuid,
    received: serde_json::Value,
    stored: serde_json::Value,
}

/// A visit that passed every check, ready to write.
struct Accepted {
    index: usize,
    visit: NewVisit,
    tdp: Uuid,
    device: Option<DeviceTime>,
}

/// Records the visits and updates the helped residents' skills; one outcome per visit, in
/// order. A copy of a visit sent before is settled first, whatever the checks would say of it
/// today: the same content is `Already`, other content is `Error::Conflict` and kept in
/// `sync_conflicts` for a team leader to resolve, never overwriting the stored one. `now` is
/// when the server records them, by its clock.
pub async fn record(
    db: &mut Write,
    access: &Access,
    code: i32,
    incoming: Vec<Incoming>,
    now: DateTime<Utc>,
) -> Result<Vec<Result<Recorded>>> {
    let ids: Vec<Uuid> = incoming
        .iter()
        .map(|i| i.visit.id.unwrap_or_else(Uuid::now_v7))
        .collect();
    // Each request as the phone sent it: a retry is compared with this, whatever the clock.
    let requests = incoming
        .iter()
        .zip(&ids)
        .map(|(i, id)| {
            serde_json::to_value(NewVisit {
                id: Some(*id),
                ..i.visit.clone()
            })
        })
        .collect::<serde_json::Result<Vec<_>>>()
        .map_err(anyhow::Error::from)?;
    let mut outcomes: Vec<Option<Result<Recorded>>> = incoming.iter().map(|_| None).collect();
    let mut conflicts = Vec::new();

    let stored = stored(&mut *db, &ids).await?;
    // A voided visit that a phone's outbox sends again stays voided.
    let voided: HashSet<Uuid> =
        sqlx::query_scalar!("select id from voided_visits where id = any($1)", &ids)
            .fetch_all(&mut **db)
            .await?
            .into_iter()
            .collect();
    let mut first_copy: HashMap<Uuid, usize> = HashMap::new();
    let mut candidates = Vec::new();
    let today = domain::time::day(now);
    for (index, item) in incoming.into_iter().enumerate() {
        let id = ids[index];
        if voided.contains(&id) {
            outcomes[index] = Some(Err(Error::field("id", FieldCode::Voided)));
            continue;
        }
        if let Some(s) = stored.get(&id) {
            outcomes[index] = Some(judge(access, code, id, s, &requests[index], &mut conflicts));
            continue;
        }
        // The same id twice in one batch: settled against the first copy once it is written.
        if first_copy.contains_key(&id) {
            continue;
        }
        first_copy.insert(id, index);
        // The date the volunteer saw was the phone's: a phone two days ahead said "today"
        // two days early in the server's calendar.
        let visit = match &item.device {
            Some(d) => NewVisit {
                visited_on: d.correct(item.visit.visited_on),
                ..item.visit
            },
            None => item.visit,
        };
        match domain::validate::new_visit(&visit, today) {
            Ok(()) => candidates.push((index, visit, item.device)),
            Err(fields) => outcomes[index] = Some(Err(Error::Validation(fields))),
        }
    }

    let accepted = check(&mut *db, access, code, candidates, &mut outcomes).await?;
    keep_conflicts(&mut *db, access, code, &conflicts).await?;
    let inserted = write(db, code, &ids, &requests, &accepted, now).await?;
    for a in &accepted {
        let id = ids[a.index];
        outcomes[a.index] = Some(if inserted.contains(&id) {
            Ok(Recorded::New(id))
        } else {
            // Another request with the same id got in between our reads and our insert.
            settle(&mut *db, access, code, id, &requests[a.index]).await?
        });
    }
    let mut late_conflicts = Vec::new();
    for (index, id) in ids.iter().enumerate() {
        if outcomes[index].is_none()
            && let Some(&first) = first_copy.get(id)
            && first != index
        {
            outcomes[index] = Some(if requests[index] == requests[first] {
                same_as(outcomes[first].as_ref())
            } else {
                // Kept as a conflict when the first copy was stored; otherwise there is
                // nothing to conflict with, and the phone keeps it as refused.
                if let Some(a) = accepted.iter().find(|a| a.index == first)
                    && inserted.contains(id)
                {
                    late_conflicts.push(Conflict {
                        id: *id,
                        tdp: a.tdp,
                        received: requests[index].clone(),
                        stored: requests[first].clone(),
                    });
                }
                Err(Error::Conflict)
            });
        }
    }
    keep_conflicts(&mut *db, access, code, &late_conflicts).await?;
    Ok(outcomes
        .into_iter()
        .map(|o| o.unwrap_or(Err(Error::Conflict)))
        .collect())
}

/// The outcome of a second identical copy in one batch: whatever became of the first.
fn same_as(first: Option<&Result<Recorded>>) -> Result<Recorded> {
    match first {
        Some(Ok(Recorded::New(id) | Recorded::Already(id))) => Ok(Recorded::Already(*id)),
        Some(Err(Error::Validation(fields))) => Err(Error::Validation(fields.clone())),
        Some(Err(Error::Forbidden)) => Err(Error::Forbidden),
        Some(Err(Error::NotFound)) => Err(Error::NotFound),
        _ => Err(Error::Conflict),
    }
}

async fn stored(db: &mut PgConnection, ids: &[Uuid]) -> Result<HashMap<Uuid, Stored>> {
    Ok(sqlx::query!(
        "select id, request, tdp_id, ward_code from visits where id = any($1)",
        ids
    )
    .fetch_all(&mut *db)
    .await?
    .into_iter()
    .map(|r| {
        let place = Place {
            ward: r.ward_code,
            tdp: r.tdp_id,
        };
        (
            r.id,
            Stored {
                request: r.request,
                place,
            },
        )
    })
    .collect())
}

/// A copy of a stored visit: the same content is a retry, other content a conflict to keep.
fn judge(
    access: &Access,
    code: i32,
    id: Uuid,
    stored: &Stored,
    request: &serde_json::Value,
    conflicts: &mut Vec<Conflict>,
) -> Result<Recorded> {
    // An id of a visit the person could not have recorded: nothing of theirs to settle.
    if stored.place.ward != code || access.record(stored.place, Action::Record).is_err() {
        return Err(Error::Conflict);
    }
    if stored.request == *request {
        return Ok(Recorded::Already(id));
    }
    conflicts.push(Conflict {
        id,
        tdp: stored.place.tdp,
        received: request.clone(),
        stored: stored.request.clone(),
    });
    Err(Error::Conflict)
}

/// Settles one copy that lost a race with another request, once that one has committed.
async fn settle(
    db: &mut PgConnection,
    access: &Access,
    code: i32,
    id: Uuid,
    request: &serde_json::Value,
) -> Result<Result<Recorded>> {
    let stored = stored(&mut *db, &[id]).await?;
    let Some(stored) = stored.get(&id) else {
        return Ok(Err(Error::Conflict));
    };
    let mut conflicts = Vec::new();
    let outcome = judge(access, code, id, stored, request, &mut conflicts);
    keep_conflicts(db, access, code, &conflicts).await?;
    Ok(outcome)
}

/// The household must be one the person records in; volunteers must be team members of the
/// ward, helped residents must live in the visited household, and skills must be in the
/// ward's catalogue. Three queries for the whole batch.
async fn check(
    db: &mut PgConnection,
    access: &Access,
    code: i32,
    candidates: Vec<(usize, NewVisit, Option<DeviceTime>)>,
    outcomes: &mut [Option<Result<Recorded>>],
) -> Result<Vec<Accepted>> {
    let households: Vec<Uuid> = candidates.iter().map(|(_, v, _)| v.household_id).collect();
    let places: HashMap<Uuid, Place> = sqlx::query!(
        "select h.id, t.ward_code, t.id as tdp
         from households h join tdps t on t.id = h.tdp_id where h.id = any($1)",
        &households
    )
    .fetch_all(&mut *db)
    .await?
    .into_iter()
    .map(|r| {
        let place = Place {
            ward: r.ward_code,
            tdp: r.tdp,
        };
        (r.id, place)
    })
    .collect();
    let members: Vec<Uuid> = candidates
        .iter()
        .flat_map(|(_, v, _)| v.volunteer_ids.iter().copied())
        .collect();
    let residents: Vec<Uuid> = candidates
        .iter()
        .flat_map(|(_, v, _)| v.help.iter().map(|h| h.resident_id))
        .collect();
    let skills: Vec<Uuid> = candidates
        .iter()
        .flat_map(|(_, v, _)| v.help.iter().map(|h| h.skill_id))
        .collect();
    let known = Known {
        members: sqlx::query!(
            "select m.id, t.ward_code from team_members m join tdps t on t.id = m.tdp_id
             where m.id = any($1)",
            &members
        )
        .fetch_all(&mut *db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.ward_code))
        .collect(),
        residents: sqlx::query!(
            // Someone whose data was erased at their request is as gone.
            r#"select id, household_id, consent_withdrawn_at is not null as "withdrawn!", counted
               from residents where id = any($1) and erased_at is null"#,
            &residents
        )
        .fetch_all(&mut *db)
        .await?
        .into_iter()
        .map(|r| (r.id, (r.household_id, r.withdrawn, r.counted)))
        .collect(),
        skills: sqlx::query!(
            "select id, ward_code from skills where id = any($1)",
            &skills
        )
        .fetch_all(&mut *db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.ward_code))
        .collect(),
    };

    let mut accepted = Vec::with_capacity(candidates.len());
    for (index, visit, device) in candidates {
        let place = household_place(access, code, places.get(&visit.household_id).copied());
        let checked = place.and_then(|place| {
            let errors = known.errors(&visit, code);
            if errors.is_empty() {
                Ok(place)
            } else {
                Err(Error::Validation(errors))
            }
        });
        match checked {
            Ok(place) => accepted.push(Accepted {
                index,
                visit,
                tdp: place.tdp,
                device,
            }),
            Err(e) => outcomes[index] = Some(Err(e)),
        }
    }
    Ok(accepted)
}

/// The visited household's place, if the person records there. A household the person may
/// not even see is, to them, one that does not exist.
fn household_place(access: &Access, code: i32, place: Option<Place>) -> Result<Place> {
    let unknown = || Error::field("household_id", FieldCode::UnknownReference);
    let place = place.ok_or_else(unknown)?;
    if place.ward != code {
        return Err(Error::field("household_id", FieldCode::OtherWard));
    }
    match access.record(place, Action::Record) {
        Err(Error::NotFound) => Err(unknown()),
        checked => checked.map(|()| place),
    }
}

/// The batch's referenced records as the database knows them.
struct Known {
    /// Team member → ward.
    members: HashMap<Uuid, i32>,
    /// Resident → household, whether they withdrew their consent, and whether they still
    /// live in the ward.
    residents: HashMap<Uuid, (Uuid, bool, bool)>,
    /// Skill → ward.
    skills: HashMap<Uuid, i32>,
}

impl Known {
    fn errors(&self, visit: &NewVisit, ward: i32) -> Vec<FieldError> {
        let mut errors = Vec::new();
        for v in &visit.volunteer_ids {
            match self.members.get(v) {
                None => errors.push(FieldError::new(
                    "volunteer_ids",
                    FieldCode::UnknownReference,
                )),
                Some(w) if *w != ward => {
                    errors.push(FieldError::new("volunteer_ids", FieldCode::OtherWard))
                }
                Some(_) => {}
            }
        }
        for (i, item) in visit.help.iter().enumerate() {
            match self.residents.get(&item.resident_id) {
                None => errors.push(FieldError::new(
                    format!("help[{i}].resident_id"),
                    FieldCode::UnknownReference,
                )),
                Some((h, ..)) if *h != visit.household_id => errors.push(FieldError::new(
                    format!("help[{i}].resident_id"),
                    FieldCode::OtherHousehold,
                )),
                Some((_, true, _)) => errors.push(FieldError::new(
                    format!("help[{i}].resident_id"),
                    FieldCode::ConsentWithdrawn,
                )),
                Some((_, _, false)) => errors.push(FieldError::new(
                    format!("help[{i}].resident_id"),
                    FieldCode::Departed,
                )),
                Some(_) => {}
            }
            match self.skills.get(&item.skill_id) {
                None => errors.push(FieldError::new(
                    format!("help[{i}].skill_id"),
                    FieldCode::UnknownReference,
                )),
                Some(w) if *w != ward => errors.push(FieldError::new(
                    format!("help[{i}].skill_id"),
                    FieldCode::OtherWard,
                )),
                Some(_) => {}
            }
        }
        errors
    }
}

/// Writes the accepted visits, recorded `now`, with their volunteers, help and skill statuses
/// and their audit entries. Returns the ids it inserted: one missing lost a race with another
/// request for the same id.
async fn write(
    tx: &mut Write,
    code: i32,
    ids: &[Uuid],
    requests: &[serde_json::Value],
    accepted: &[Accepted],
    now: DateTime<Utc>,
) -> Result<HashSet<Uuid>> {
    if accepted.is_empty() {
        return Ok(HashSet::new());
    }
    let visit_ids: Vec<Uuid> = accepted.iter().map(|a| ids[a.index]).collect();
    let notes: Vec<String> = accepted
        .iter()
        .map(|a| a.visit.note.trim().to_owned())
        .collect();
    let visit_requests: Vec<serde_json::Value> =
        accepted.iter().map(|a| requests[a.index].clone()).collect();
    let inserted: HashSet<Uuid> = sqlx::query_scalar!(
        "insert into visits (id, ward_code, tdp_id, household_id, visited_on, satisfaction, note,
                             request, device_recorded_at, device_clock_skew, recorded_at,
                             recorded_by)
         select v.id, $2, v.tdp_id, v.household_id, v.visited_on, v.satisfaction, v.note,
                v.request, v.device_recorded_at, v.device_clock_skew, $11, $12
         from unnest($1::uuid[], $3::uuid[], $4::uuid[], $5::date[], $6::int[], $7::text[],
                     $8::jsonb[], $9::timestamptz[], $10::float8[])
             as v(id, tdp_id, household_id, visited_on, satisfaction, note, request,
                  device_recorded_at, device_clock_skew)
         on conflict (id) do nothing returning id",
        &visit_ids,
        code,
        &accepted.iter().map(|a| a.tdp).collect::<Vec<_>>(),
        &accepted
            .iter()
            .map(|a| a.visit.household_id)
            .collect::<Vec<_>>(),
        &accepted
            .iter()
            .map(|a| a.visit.visited_on)
            .collect::<Vec<_>>(),
        &accepted
            .iter()
            .map(|a| a.visit.satisfaction)
            .collect::<Vec<_>>() as &[Option<i32>],
        &notes,
        &visit_requests,
        &accepted
            .iter()
            .map(|a| a.device.as_ref().map(|d| d.recorded_at))
            .collect::<Vec<_>>() as &[Option<DateTime<Utc>>],
        &accepted
            .iter()
            .map(|a| a.device.as_ref().map(|d| d.clock_skew.num_seconds() as f64))
            .collect::<Vec<_>>() as &[Option<f64>],
        now,
        tx.made_by(),
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .collect();
    let written: Vec<&Accepted> = accepted
        .iter()
        .filter(|a| inserted.contains(&ids[a.index]))
        .collect();

    let (mut member_visit, mut members) = (Vec::new(), Vec::new());
    let (mut help_visit, mut help_resident, mut help_skill, mut help_outcome, mut help_date) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for a in &written {
        let id = ids[a.index];
        for m in &a.visit.volunteer_ids {
            member_visit.push(id);
            members.push(*m);
        }
        for h in &a.visit.help {
            help_visit.push(id);
            help_resident.push(h.resident_id);
            help_skill.push(h.skill_id);
            help_outcome.push(h.outcome.as_str().to_owned());
            help_date.push(a.visit.visited_on);
        }
    }
    sqlx::query!(
        "insert into visit_volunteers (visit_id, team_member_id)
         select * from unnest($1::uuid[], $2::uuid[])",
        &member_visit,
        &members,
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into visit_help (visit_id, resident_id, skill_id, outcome)
         select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[])",
        &help_visit,
        &help_resident,
        &help_skill,
        &help_outcome,
    )
    .execute(&mut **tx)
    .await?;
    // A status moves forward only: in progress → achieved. Among visits saying the same thing,
    // the earliest achieved visit, or the latest in-progress one, is kept, whatever order the
    // visits arrive in — within the batch (`distinct on` picks one row per resident and
    // skill, as one statement may touch a row once) and against what is stored.
    sqlx::query!(
        "insert into resident_skills (resident_id, tdp_id, birth_year, skill_id, status, since, visit_id)
         select distinct on (h.resident_id, h.skill_id)
                r.id, r.tdp_id, r.birth_year, h.skill_id, h.outcome, h.since, h.visit_id
         from unnest($1::uuid[], $2::uuid[], $3::text[], $4::date[], $5::uuid[])
             as h(resident_id, skill_id, outcome, since, visit_id)
         join residents r on r.id = h.resident_id
         order by h.resident_id, h.skill_id, h.outcome = 'achieved' desc,
                  case when h.outcome = 'achieved' then h.since end,
                  h.since desc, h.visit_id desc
         on conflict (resident_id, skill_id) do update
         set status = excluded.status, since = excluded.since, visit_id = excluded.visit_id,
             activity_id = null
         where (resident_skills.status = 'in_progress'
                and (excluded.status = 'achieved' or excluded.since >= resident_skills.since))
            or (resident_skills.status = 'achieved' and excluded.status = 'achieved'
                and excluded.since < resident_skills.since)",
        &help_resident,
        &help_skill,
        &help_outcome,
        &help_date,
        &help_visit,
    )
    .execute(&mut **tx)
    .await?;
    let audited: Vec<(Uuid, &serde_json::Value)> = written
        .iter()
        .map(|a| (ids[a.index], &requests[a.index]))
        .collect();
    tx.audit_all(code, AuditAction::Create, "visits", &audited)
        .await?;
    Ok(inserted)
}

async fn keep_conflicts(
    tx: &mut sqlx::PgConnection,
    access: &Access,
    code: i32,
    conflicts: &[Conflict],
) -> Result<()> {
    if conflicts.is_empty() {
        return Ok(());
    }
    sqlx::query!(
        "insert into sync_conflicts (ward_code, tdp_id, entity, client_id, received, stored, user_id)
         select $1, c.tdp_id, 'visits', c.client_id, c.received, c.stored, $2
         from unnest($3::uuid[], $4::uuid[], $5::jsonb[], $6::jsonb[])
             as c(tdp_id, client_id, received, stored)
         on conflict (entity, client_id, received) do nothing",
        code,
        access.user.id,
        &conflicts.iter().map(|c| c.tdp).collect::<Vec<_>>(),
        &conflicts.iter().map(|c| c.id).collect::<Vec<_>>(),
        &conflicts
            .iter()
            .map(|c| c.received.clone())
            .collect::<Vec<_>>(),
        &conflicts.iter().map(|c| c.stored.clone()).collect::<Vec<_>>(),
    )
    .execute(tx)
    .await?;
    Ok(())
}
