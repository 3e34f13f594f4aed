//! A phone's outbox: every change a team member made in the field, of any kind, applied in
//! one transaction. The changes are taken in dependency order (households, residents, visits,
//! corrections: [`FieldChange::stage`]), so a visit can refer to a household created offline
//! in the same round. Each change stands or falls on its own, and each kind is checked and
//! written a stage at a time, in one statement per write, as `record` does for visits.
//!
//! Every change is idempotent by its id, made on the phone. Visits keep their own request
//! for that (`record`); other changes leave a digest in `device_changes`. The same id with
//! the same content is `Already`; with other content, a conflict that changes nothing.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use chrono::{DateTime, TimeDelta, Utc};
use domain::api::{
    FieldChange, Learning, MentorChoice, NewComment, NewHousehold, NewResident, OutboxChange,
    SyncOutcome, SyncStatus, VoidVisit,
};
use domain::{FieldCode, FieldError};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::attendance;
use crate::audit::Write;
use crate::auth::Access;
use crate::corrections;
use crate::edits::{self, Edit};
use crate::error::{Error, Result};
use crate::escalations;
use crate::mentoring::{self, Person};
use crate::people::{self, add_households, add_residents, set_guide};
use crate::record::{DeviceTime, Incoming, Recorded, record};
use crate::stalls;

/// Most changes one batch may carry; a phone with more sends several batches.
pub const MAX_BATCH: usize = 500;

/// What a phone's change became, in the batch's order. `clock_skew` is how far ahead the
/// phone's clock was when it sent the batch.
pub async fn apply(
    tx: &mut Write,
    access: &Access,
    code: i32,
    changes: Vec<OutboxChange>,
    clock_skew: TimeDelta,
    now: DateTime<Utc>,
) -> Result<Vec<Result<Recorded>>> {
    let changes: Vec<OutboxChange> = changes.into_iter().map(own_id).collect();
    let digests = changes
        .iter()
        .map(|c| Ok(Sha256::digest(serde_json::to_vec(&c.change)?).to_vec()))
        .collect::<serde_json::Result<Vec<_>>>()
        .map_err(anyhow::Error::from)?;
    let mut outcomes: Vec<Option<Result<Recorded>>> = changes.iter().map(|_| None).collect();

    // Sent before: settled against what was kept, whatever the checks would say today.
    let ids: Vec<Uuid> = changes.iter().map(|c| c.id).collect();
    let kept = sent_before(tx, &ids).await?;
    let mut first_copy: HashMap<Uuid, usize> = HashMap::new();
    let mut stages: [Vec<usize>; 4] = Default::default();
    for (index, change) in changes.iter().enumerate() {
        if let Some(k) = kept.get(&change.id) {
            outcomes[index] = Some(k.judge(access, code, change.id, &digests[index]));
        } else if let Entry::Vacant(first) = first_copy.entry(change.id) {
            first.insert(index);
            stages[usize::from(change.change.stage())].push(index);
        }
        // Otherwise the same id came twice in one batch: settled against the first copy at
        // the end.
    }

    // About a resident or household merged into another since it was made: refused with that
    // reason, to be made again on the record that stays, never left waiting for one that will
    // not come.
    let about: Vec<Uuid> = changes.iter().flat_map(|c| c.change.refers_to()).collect();
    let merged = merged(tx, &about).await?;
    if !merged.is_empty() {
        for stage in &mut stages {
            stage.retain(|&i| {
                let gone = changes[i]
                    .change
                    .refers_to()
                    .iter()
                    .find_map(|id| merged.get(id).copied());
                if let Some(field) = gone {
                    outcomes[i] = Some(Err(Error::field(field, FieldCode::Merged)));
                }
                gone.is_none()
            });
        }
    }

    let device = |c: &OutboxChange| DeviceTime {
        recorded_at: c.made_at,
        clock_skew,
    };
    let [households, residents, visits, fixes] = stages;

    let new: Vec<(usize, &NewHousehold)> = households
        .iter()
        .filter_map(|&i| match &changes[i].change {
            FieldChange::Household(h) => Some((i, h)),
            _ => None,
        })
        .collect();
    for (index, outcome) in add_households(tx, access, code, &new, now).await? {
        outcomes[index] = Some(outcome.map(Recorded::New));
    }

    let new: Vec<(usize, &NewResident)> = residents
        .iter()
        .filter_map(|&i| match &changes[i].change {
            FieldChange::Resident(r) => Some((i, r)),
            _ => None,
        })
        .collect();
    for (index, outcome) in add_residents(tx, access, code, &new, now).await? {
        outcomes[index] = Some(outcome.map(Recorded::New));
    }

    let incoming: Vec<Incoming> = visits
        .iter()
        .filter_map(|&i| match &changes[i].change {
            FieldChange::Visit(v) => Some(Incoming {
                visit: v.clone(),
                device: Some(device(&changes[i])),
            }),
            _ => None,
        })
        .collect();
    let recorded = record(tx, access, code, incoming, now).await?;
    for (&index, outcome) in visits.iter().zip(recorded) {
        outcomes[index] = Some(outcome);
    }

    // The rest one at a time, in the batch's order: each locks or rereads its record. Each in
    // a savepoint, so that one refused by a constraint (a stall code taken, say) leaves nothing
    // behind and the batch's transaction goes on.
    for &index in &fixes {
        sqlx::query("savepoint change").execute(&mut **tx).await?;
        let (done, reference) = match &changes[index].change {
            FieldChange::VoidVisit(v) => {
                let why = VoidVisit {
                    reason: v.reason.clone(),
                };
                let done = corrections::void(tx, access, v.visit_id, &why, now).await;
                (done.map(|_| ()), "visit_id")
            }
            FieldChange::CorrectVisit(c) => {
                let device = device(&changes[index]);
                let done = corrections::correct(tx, access, code, c, device, now).await;
                (done, "visit_id")
            }
            FieldChange::ResidentDeparture(d) => {
                let done = corrections::depart(tx, access, d.resident_id, d.departure, now).await;
                (done.map(|_| ()), "resident_id")
            }
            FieldChange::Consent(c) => {
                let done = people::consent(tx, access, c.resident_id, c.given, now).await;
                (done, "resident_id")
            }
            FieldChange::HouseholdEdit(e) => {
                let made_at = changes[index].made_at - clock_skew;
                let done = match Edit::household(changes[index].id, e, made_at) {
                    Ok(edit) => edits::edit(tx, access, &edit, now).await,
                    Err(e) => Err(e),
                };
                (done, "household_id")
            }
            FieldChange::ResidentEdit(e) => {
                let made_at = changes[index].made_at - clock_skew;
                let done = match Edit::resident(changes[index].id, e, made_at, now) {
                    Ok(edit) => edits::edit(tx, access, &edit, now).await,
                    Err(e) => Err(e),
                };
                (done, "resident_id")
            }
            FieldChange::Ambassador(a) => {
                let (done, reference) = match (a.resident_id, a.team_member_id) {
                    (Some(r), None) => (Ok(Person::Resident(r)), "resident_id"),
                    (None, Some(m)) => (Ok(Person::TeamMember(m)), "team_member_id"),
                    _ => (
                        Err(Error::field("resident_id", FieldCode::Required)),
                        "resident_id",
                    ),
                };
                let done = match done {
                    Ok(who) => {
                        mentoring::set(tx, access, who, a.ambassador, changes[index].id).await
                    }
                    Err(e) => Err(e),
                };
                (done, reference)
            }
            FieldChange::Learner(l) => {
                let choice = MentorChoice {
                    mentor_id: l.mentor_id,
                };
                let done = mentoring::choose(tx, access, l.resident_id, &choice, now).await;
                (done.map(|_| ()), "resident_id")
            }
            FieldChange::Stall(s) => {
                let today = domain::time::day(now);
                let done = stalls::put(tx, access, s.stall_id, s.details.clone(), today).await;
                (done.map(|_| ()), "stall_id")
            }
            FieldChange::Guide(g) => {
                let done = set_guide(tx, access, g.household_id, g.resident_id).await;
                (done, "household_id")
            }
            FieldChange::Attendance(a) => {
                let done = attendance::change(tx, access, a).await;
                (done, "activity_id")
            }
            FieldChange::Learning(l) => {
                let learnt = Learning {
                    achieved: l.achieved.clone(),
                };
                let done = attendance::confirm(tx, access, l.activity_id, &learnt, now).await;
                (done, "activity_id")
            }
            FieldChange::Comment(c) => {
                let comment = NewComment {
                    id: changes[index].id,
                    text: c.text.clone(),
                };
                let done = escalations::comment(tx, access, c.ticket_id, &comment, now).await;
                (done, "ticket_id")
            }
            FieldChange::Ticket(t) => {
                let done = match escalations::open(tx, access, code, t, now).await {
                    Ok((_, true)) => Ok(()),
                    // A ticket of that id was there already, not from this outbox.
                    Ok((_, false)) => Err(Error::field("id", FieldCode::Duplicate)),
                    Err(e) => Err(e),
                };
                (done, "household_id")
            }
            // `fixes` holds the last stage only.
            FieldChange::Household(_) | FieldChange::Resident(_) | FieldChange::Visit(_) => {
                unreachable!("a change of an earlier stage")
            }
        };
        let end = if done.is_ok() {
            "release savepoint change"
        } else {
            "rollback to savepoint change"
        };
        sqlx::query(end).execute(&mut **tx).await?;
        outcomes[index] = Some(match done {
            Ok(()) => Ok(Recorded::New(changes[index].id)),
            // A record this person cannot see, or not yet stored: the same to them.
            Err(Error::NotFound) => Err(Error::field(reference, FieldCode::UnknownReference)),
            Err(e) if is_database(&e) => return Err(e),
            Err(e) => Err(e),
        });
    }

    // An id another request of the same phone stored while this one ran: a retry after all.
    let raced: Vec<Uuid> = outcomes
        .iter()
        .zip(&changes)
        .filter(|(o, _)| matches!(o, Some(Err(Error::Validation(f))) if f.iter().any(|f| f.field == "id")))
        .map(|(_, c)| c.id)
        .collect();
    if !raced.is_empty() {
        let kept = sent_before(tx, &raced).await?;
        for (index, change) in changes.iter().enumerate() {
            if let Some(k) = kept.get(&change.id)
                && first_copy.get(&change.id) == Some(&index)
            {
                outcomes[index] = Some(k.judge(access, code, change.id, &digests[index]));
            }
        }
    }

    let stored: Vec<usize> = (0..changes.len())
        .filter(|&i| {
            !matches!(changes[i].change, FieldChange::Visit(_))
                && matches!(outcomes[i], Some(Ok(Recorded::New(_))))
        })
        .collect();
    keep(tx, access, code, &changes, &digests, &stored, now).await?;

    for (index, change) in changes.iter().enumerate() {
        if outcomes[index].is_none()
            && let Some(&first) = first_copy.get(&change.id)
        {
            outcomes[index] = Some(if digests[index] == digests[first] {
                match &outcomes[first] {
                    Some(Ok(Recorded::New(id) | Recorded::Already(id))) => {
                        Ok(Recorded::Already(*id))
                    }
                    Some(Err(Error::Validation(fields))) => Err(Error::Validation(fields.clone())),
                    _ => Err(Error::Conflict),
                }
            } else {
                Err(Error::Conflict)
            });
        }
    }
    Ok(outcomes
        .into_iter()
        .map(|o| o.unwrap_or(Err(Error::Conflict)))
        .collect())
}

/// The residents and households among `ids` that were merged into another, each with the
/// field a change names it by.
pub async fn merged(tx: &mut Write, ids: &[Uuid]) -> Result<HashMap<Uuid, &'static str>> {
    Ok(sqlx::query!(
        r#"select id as "id!", true as "resident!" from merged_residents where id = any($1)
           union all
           select id, false from merged_households where id = any($1)"#,
        ids
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|m| {
        let field = if m.resident {
            "resident_id"
        } else {
            "household_id"
        };
        (m.id, field)
    })
    .collect())
}

/// What the phone is told of one change.
pub fn outcome(id: Option<Uuid>, result: Result<Recorded>) -> SyncOutcome {
    let (status, fields) = match result {
        Ok(Recorded::New(_)) => (SyncStatus::Stored, Vec::new()),
        Ok(Recorded::Already(_)) => (SyncStatus::AlreadyStored, Vec::new()),
        Err(Error::Validation(fields)) if waits(&fields) => (SyncStatus::Waiting, fields),
        Err(Error::Validation(fields)) => (SyncStatus::Invalid, fields),
        Err(Error::Forbidden | Error::NotFound) => (SyncStatus::Refused, Vec::new()),
        Err(_) => (SyncStatus::Conflict, Vec::new()),
    };
    SyncOutcome { id, status, fields }
}

/// Whether a change was refused only for referring to households, residents or visits the
/// server does not know (yet): records another change of the phone may create.
fn waits(fields: &[FieldError]) -> bool {
    !fields.is_empty()
        && fields.iter().all(|f| {
            f.code == FieldCode::UnknownReference
                && (f.field == "household_id"
                    || f.field == "fields.household_id"
                    || f.field == "visit_id"
                    || f.field == "resident_id"
                    || f.field == "ticket_id"
                    || f.field == "mentor_id"
                    || f.field.ends_with(".resident_id")
                    || f.field.starts_with("resident_ids[")
                    || f.field.starts_with("achieved["))
        })
}

/// The record a change creates takes the change's id.
fn own_id(mut change: OutboxChange) -> OutboxChange {
    match &mut change.change {
        FieldChange::Household(h) => h.id = Some(change.id),
        FieldChange::Resident(r) => r.id = Some(change.id),
        FieldChange::Visit(v) => v.id = Some(change.id),
        FieldChange::Ticket(t) => t.id = change.id,
        FieldChange::CorrectVisit(c) => c.visit.id = Some(change.id),
        FieldChange::VoidVisit(_)
        | FieldChange::ResidentDeparture(_)
        | FieldChange::Consent(_)
        | FieldChange::HouseholdEdit(_)
        | FieldChange::ResidentEdit(_)
        | FieldChange::Attendance(_)
        | FieldChange::Learning(_)
        | FieldChange::Comment(_)
        | FieldChange::Guide(_)
        | FieldChange::Ambassador(_)
        | FieldChange::Learner(_)
        | FieldChange::Stall(_) => {}
    }
    change
}

fn is_database(e: &Error) -> bool {
    !matches!(
        e,
        Error::Validation(_) | Error::Forbidden | Error::NotFound | Error::Conflict
    )
}

/// A change sent before.
struct Kept {
    ward: i32,
    digest: Vec<u8>,
    by: Option<Uuid>,
}

impl Kept {
    /// The same content from the same person is a retry; anything else a conflict.
    fn judge(&self, access: &Access, code: i32, id: Uuid, digest: &[u8]) -> Result<Recorded> {
        if self.ward == code && self.by == Some(access.user.id) && self.digest == digest {
            Ok(Recorded::Already(id))
        } else {
            Err(Error::Conflict)
        }
    }
}

async fn sent_before(tx: &mut Write, ids: &[Uuid]) -> Result<HashMap<Uuid, Kept>> {
    Ok(sqlx::query!(
        "select id, ward_code, digest, user_id from device_changes where id = any($1)",
        ids
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| {
        let kept = Kept {
            ward: r.ward_code,
            digest: r.digest,
            by: r.user_id,
        };
        (r.id, kept)
    })
    .collect())
}

/// Keeps the stored changes' digests, so that sending them again is recognised.
async fn keep(
    tx: &mut Write,
    access: &Access,
    code: i32,
    changes: &[OutboxChange],
    digests: &[Vec<u8>],
    stored: &[usize],
    now: DateTime<Utc>,
) -> Result<()> {
    let kind = |c: &FieldChange| match c {
        FieldChange::Household(_) => "household",
        FieldChange::Resident(_) => "resident",
        FieldChange::Visit(_) => "visit",
        FieldChange::VoidVisit(_) => "void_visit",
        FieldChange::CorrectVisit(_) => "correct_visit",
        FieldChange::ResidentDeparture(_) => "resident_departure",
        FieldChange::Consent(_) => "consent",
        FieldChange::Ticket(_) => "ticket",
        FieldChange::Comment(_) => "comment",
        FieldChange::HouseholdEdit(_) => "household_edit",
        FieldChange::ResidentEdit(_) => "resident_edit",
        FieldChange::Attendance(_) => "attendance",
        FieldChange::Learning(_) => "learning",
        FieldChange::Guide(_) => "guide",
        FieldChange::Ambassador(_) => "ambassador",
        FieldChange::Learner(_) => "learner",
        FieldChange::Stall(_) => "stall",
    };
    sqlx::query!(
        "insert into device_changes (id, ward_code, kind, digest, made_at, received_at, user_id)
         select c.id, $2, c.kind, c.digest, c.made_at, $6, $7
         from unnest($1::uuid[], $3::text[], $4::bytea[], $5::timestamptz[])
             as c(id, kind, digest, made_at)
         on conflict (id) do nothing",
        &stored.iter().map(|&i| changes[i].id).collect::<Vec<_>>(),
        code,
        &stored
            .iter()
            .map(|&i| kind(&changes[i].change).to_owned())
            .collect::<Vec<_>>(),
        &stored
            .iter()
            .map(|&i| digests[i].clone())
            .collect::<Vec<_>>(),
        &stored
            .iter()
            .map(|&i| changes[i].made_at)
            .collect::<Vec<_>>(),
        now,
        access.user.id,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
