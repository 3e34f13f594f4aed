//! "Đại sứ số" apart from HTTP: who is a digital ambassador, and whom each resident learns
//! from. In the caller's transaction, for the API and a phone's outbox alike.

use chrono::{DateTime, Utc};
use domain::FieldCode;
use domain::access::Action;
use domain::api::{AuditAction, MentorChoice};
use serde_json::json;
use uuid::Uuid;

use crate::audit::Write;
use crate::auth::{Access, Place};
use crate::error::{Error, OnConstraint, Result};

/// Who a mentor is.
#[derive(Clone, Copy)]
pub enum Person {
    Resident(Uuid),
    TeamMember(Uuid),
}

impl Person {
    /// (resident_id, team_member_id), as the `mentors` table holds them.
    pub fn ids(self) -> (Option<Uuid>, Option<Uuid>) {
        match self {
            Self::Resident(id) => (Some(id), None),
            Self::TeamMember(id) => (None, Some(id)),
        }
    }

    fn audited(self) -> serde_json::Value {
        let (resident, member) = self.ids();
        json!({ "resident_id": resident, "team_member_id": member })
    }

    /// Where the person is, checked: a resident for recording in their TDP, a team member for
    /// managing their team.
    pub async fn place(self, tx: &mut Write, access: &Access) -> Result<Place> {
        match self {
            Self::Resident(id) => {
                let place = sqlx::query_as!(
                    Place,
                    "select t.ward_code as ward, t.id as tdp
                     from residents r join tdps t on t.id = r.tdp_id where r.id = $1",
                    id
                )
                .fetch_optional(&mut **tx)
                .await?
                .ok_or(Error::NotFound)?;
                access.record(place, Action::Record)?;
                Ok(place)
            }
            Self::TeamMember(id) => {
                let place = sqlx::query_as!(
                    Place,
                    "select t.ward_code as ward, t.id as tdp
                     from team_members m join tdps t on t.id = m.tdp_id where m.id = $1",
                    id
                )
                .fetch_optional(&mut **tx)
                .await?
                .ok_or(Error::NotFound)?;
                access.tdp(place.ward, place.tdp, Action::ManageTeam)?;
                Ok(place)
            }
        }
    }
}

/// Makes `person` (at `place`) a mentor under `id`, once: registering again changes nothing.
/// Answers the mentor's id, `id` or the one they had.
pub async fn register(tx: &mut Write, place: Place, person: Person, id: Uuid) -> Result<Uuid> {
    let (resident, member) = person.ids();
    let created = sqlx::query_scalar!(
        "insert into mentors (id, ward_code, tdp_id, resident_id, team_member_id)
         values ($1, $2, $3, $4, $5)
         on conflict do nothing returning id",
        id,
        place.ward,
        place.tdp,
        resident,
        member,
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = created {
        tx.audit(
            place.ward,
            AuditAction::Create,
            "mentors",
            id,
            &person.audited(),
        )
        .await?;
        return Ok(id);
    }
    Ok(sqlx::query_scalar!(
        "select id from mentors where resident_id = $1 or team_member_id = $2",
        resident,
        member,
    )
    .fetch_one(&mut **tx)
    .await?)
}

/// Registers (`on`) or withdraws `person` as a digital ambassador, as the outbox says; a
/// mentor registered so takes `id`.
pub async fn set(
    tx: &mut Write,
    access: &Access,
    person: Person,
    on: bool,
    id: Uuid,
) -> Result<()> {
    let place = person.place(tx, access).await?;
    if on {
        register(tx, place, person, id).await.map(|_| ())
    } else {
        withdraw(tx, place, person).await
    }
}

/// Ends a mentorship: the mentor's learners are left without one. Idempotent.
pub async fn withdraw(tx: &mut Write, place: Place, person: Person) -> Result<()> {
    let (resident, member) = person.ids();
    let removed = sqlx::query_scalar!(
        "delete from mentors where resident_id = $1 or team_member_id = $2 returning id",
        resident,
        member,
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(id) = removed {
        tx.audit(
            place.ward,
            AuditAction::Delete,
            "mentors",
            id,
            &person.audited(),
        )
        .await?;
    }
    Ok(())
}

/// Sets the digital ambassador resident `id` learns from, or clears it. A mentor of the ward
/// the person may see; a resident never learns from themself (`own_mentor`). Answers where
/// the resident is.
pub async fn choose(
    tx: &mut Write,
    access: &Access,
    id: Uuid,
    choice: &MentorChoice,
    now: DateTime<Utc>,
) -> Result<Place> {
    let place = Person::Resident(id).place(tx, access).await?;
    let changed = match choice.mentor_id {
        Some(mentor) => {
            let m = sqlx::query!(
                "select ward_code, tdp_id, resident_id from mentors where id = $1",
                mentor
            )
            .fetch_optional(&mut **tx)
            .await?
            .filter(|m| {
                m.ward_code != place.ward
                    || access
                        .reach(place.ward, Action::ViewPeople)
                        .includes(m.tdp_id)
            })
            .ok_or_else(|| Error::field("mentor_id", FieldCode::UnknownReference))?;
            if m.ward_code != place.ward {
                return Err(Error::field("mentor_id", FieldCode::OtherWard));
            }
            if !domain::models::may_learn_from(id, m.resident_id) {
                return Err(Error::field("mentor_id", FieldCode::OwnMentor));
            }
            sqlx::query!(
                "insert into mentor_learners (resident_id, tdp_id, ward_code, mentor_id,
                                              mentor_resident_id, created_at)
                 values ($1, $2, $3, $4, $5, $6)
                 on conflict (resident_id) do update
                 set mentor_id = excluded.mentor_id,
                     mentor_resident_id = excluded.mentor_resident_id,
                     created_at = excluded.created_at
                 where mentor_learners.mentor_id <> excluded.mentor_id",
                id,
                place.tdp,
                place.ward,
                mentor,
                m.resident_id,
                now,
            )
            .execute(&mut **tx)
            .await
            .on_constraint(
                "residents_consent",
                "mentor_id",
                FieldCode::ConsentWithdrawn,
            )?
            .rows_affected()
        }
        None => sqlx::query!("delete from mentor_learners where resident_id = $1", id)
            .execute(&mut **tx)
            .await?
            .rows_affected(),
    };
    if changed > 0 {
        tx.audit(
            place.ward,
            AuditAction::Update,
            "mentor_learners",
            id,
            choice,
        )
        .await?;
    }
    Ok(place)
}
