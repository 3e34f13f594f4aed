//! "Đại sứ số": digital ambassadors — mentors, each a resident or a team member — and the
//! residents each one guides.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use domain::FieldCode;
use domain::access::Action;
use domain::api::{AmbassadorNetwork, AuditAction, Learner, Mentor, MentorChoice, Resident};
use serde_json::json;
use sqlx::PgPool;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::{Access, Place, only_tdps};
use crate::db::{models, residents, wards};
use crate::error::{Error, Json, OnConstraint, Path, Query, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(network))
        .routes(routes!(register_resident, withdraw_resident))
        .routes(routes!(register_team_member, withdraw_team_member))
        .routes(routes!(put_mentor))
}

/// Which mentors to read.
enum Which {
    Ward,
    Tdp(Uuid),
    One(Uuid),
}

/// A ward's mentors (or some of them), with the learners the person reaching `seen` may see.
async fn mentors(
    db: &PgPool,
    ward: i32,
    seen: Option<&[Uuid]>,
    which: Which,
) -> Result<Vec<Mentor>> {
    let (tdp, one) = match which {
        Which::Ward => (None, None),
        Which::Tdp(t) => (Some(t), None),
        Which::One(m) => (None, Some(m)),
    };
    let rows = sqlx::query!(
        r#"select m.id, m.tdp_id, t.code as tdp_code, t.name as tdp_name, m.resident_id,
                  m.team_member_id, coalesce(r.full_name, tm.full_name) as "full_name!",
                  (select count(*) from mentor_learners l where l.mentor_id = m.id) as "learners!"
           from mentors m
           join tdps t on t.id = m.tdp_id
           left join residents r on r.id = m.resident_id
           left join team_members tm on tm.id = m.team_member_id
           where m.ward_code = $1 and ($2::uuid[] is null or m.tdp_id = any($2))
               and ($3::uuid is null or m.tdp_id = $3) and ($4::uuid is null or m.id = $4)"#,
        ward,
        seen,
        tdp,
        one,
    )
    .fetch_all(db)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let mut learners: HashMap<Uuid, Vec<Learner>> = HashMap::new();
    for l in sqlx::query!(
        r#"select l.mentor_id, r.id, r.household_id, r.full_name, r.birth_year,
                  array(select s.code from resident_skills rs join skills s on s.id = rs.skill_id
                        where rs.resident_id = r.id and rs.status = 'achieved'
                        order by s.position) as "achieved!"
           from mentor_learners l join residents r on r.id = l.resident_id
           where l.mentor_id = any($1) and ($2::uuid[] is null or l.tdp_id = any($2))
           order by r.name_sort, r.id"#,
        &ids,
        seen,
    )
    .fetch_all(db)
    .await?
    {
        learners.entry(l.mentor_id).or_default().push(Learner {
            resident_id: l.id,
            household_id: l.household_id,
            full_name: l.full_name,
            birth_year: l.birth_year,
            achieved: l.achieved,
        });
    }
    let mut mentors: Vec<(String, String, Mentor)> = rows
        .into_iter()
        .map(|m| {
            (
                m.tdp_code,
                domain::text::name_sort_key(&m.full_name),
                Mentor {
                    id: m.id,
                    tdp_id: m.tdp_id,
                    tdp_name: m.tdp_name,
                    resident_id: m.resident_id,
                    team_member_id: m.team_member_id,
                    full_name: m.full_name,
                    learner_count: m.learners,
                    learners: learners.remove(&m.id).unwrap_or_default(),
                },
            )
        })
        .collect();
    mentors.sort_by(|a, b| (&a.0, &a.1, a.2.id).cmp(&(&b.0, &b.1, b.2.id)));
    Ok(mentors.into_iter().map(|(_, _, m)| m).collect())
}

/// The mentor `id` as `access` may see it.
async fn mentor(db: &PgPool, access: &Access, ward: i32, id: Uuid) -> Result<Mentor> {
    let seen = only_tdps(&access.reach(ward, Action::ViewPeople));
    mentors(db, ward, seen.as_deref(), Which::One(id))
        .await?
        .pop()
        .ok_or(Error::NotFound)
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct NetworkQuery {
    /// Only the mentors of this TDP.
    tdp: Option<Uuid>,
}

/// The ward's mentors and their learners, in TDP and name order, as far as the signed-in
/// person may see; each mentor's count includes learners of TDPs they may not see.
#[utoipa::path(get, path = "/wards/{code}/ambassadors", tag = "models",
    params(("code" = i32, Path, description = "Official ward code"), NetworkQuery),
    responses((status = 200, body = AmbassadorNetwork)))]
async fn network(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Query(query): Query<NetworkQuery>,
) -> ApiResult<AmbassadorNetwork> {
    let seen = only_tdps(&access.ward(code, Action::ViewPeople)?);
    wards::ward(&state.db, code).await?;
    let settings = models::settings(&state.db, code).await?;
    let which = query.tdp.map_or(Which::Ward, Which::Tdp);
    Ok(Json(AmbassadorNetwork {
        quota: settings.ambassador_quota,
        skills: settings.family_skills,
        mentors: mentors(&state.db, code, seen.as_deref(), which).await?,
    }))
}

/// Who a mentor is.
#[derive(Clone, Copy)]
enum Person {
    Resident(Uuid),
    TeamMember(Uuid),
}

impl Person {
    /// (resident_id, team_member_id), as the `mentors` table holds them.
    fn ids(self) -> (Option<Uuid>, Option<Uuid>) {
        match self {
            Self::Resident(id) => (Some(id), None),
            Self::TeamMember(id) => (None, Some(id)),
        }
    }

    fn audited(self) -> serde_json::Value {
        let (resident, member) = self.ids();
        json!({ "resident_id": resident, "team_member_id": member })
    }
}

/// Makes `person` a mentor, once: registering again changes nothing.
async fn register(
    state: &AppState,
    access: &Access,
    place: Place,
    person: Person,
) -> Result<Mentor> {
    let (resident, member) = person.ids();
    let mut tx = access.write(&state.db).await?;
    let created = sqlx::query_scalar!(
        "insert into mentors (id, ward_code, tdp_id, resident_id, team_member_id)
         values ($1, $2, $3, $4, $5)
         on conflict do nothing returning id",
        Uuid::now_v7(),
        place.ward,
        place.tdp,
        resident,
        member,
    )
    .fetch_optional(&mut *tx)
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
    }
    tx.commit().await?;
    let id = sqlx::query_scalar!(
        "select id from mentors where resident_id = $1 or team_member_id = $2",
        resident,
        member,
    )
    .fetch_one(&state.db)
    .await?;
    mentor(&state.db, access, place.ward, id).await
}

/// Ends a mentorship: the mentor's learners are left without one. Idempotent.
async fn withdraw(state: &AppState, access: &Access, place: Place, person: Person) -> Result<()> {
    let (resident, member) = person.ids();
    let mut tx = access.write(&state.db).await?;
    let removed = sqlx::query_scalar!(
        "delete from mentors where resident_id = $1 or team_member_id = $2 returning id",
        resident,
        member,
    )
    .fetch_optional(&mut *tx)
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
    tx.commit().await?;
    Ok(())
}

/// Registers a resident as a digital ambassador (idempotent).
#[utoipa::path(put, path = "/residents/{id}/ambassador", tag = "models",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Mentor)))]
async fn register_resident(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<Mentor> {
    let place = access.resident(&state.db, id, Action::Record).await?;
    Ok(Json(
        register(&state, &access, place, Person::Resident(id)).await?,
    ))
}

/// A resident is no longer a digital ambassador; their learners keep their progress.
#[utoipa::path(delete, path = "/residents/{id}/ambassador", tag = "models",
    params(("id" = Uuid, Path)),
    responses((status = 204)))]
async fn withdraw_resident(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let place = access.resident(&state.db, id, Action::Record).await?;
    withdraw(&state, &access, place, Person::Resident(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Where a team member works, checked for managing the team.
async fn team_member_place(state: &AppState, access: &Access, id: Uuid) -> Result<Place> {
    let tdp = sqlx::query_scalar!("select tdp_id from team_members where id = $1", id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(Error::NotFound)?;
    access.tdp_place(&state.db, tdp, Action::ManageTeam).await
}

/// Registers a team member as a digital ambassador (idempotent; the TDP's team leader).
#[utoipa::path(put, path = "/team-members/{id}/ambassador", tag = "models",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Mentor)))]
async fn register_team_member(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<Mentor> {
    let place = team_member_place(&state, &access, id).await?;
    Ok(Json(
        register(&state, &access, place, Person::TeamMember(id)).await?,
    ))
}

/// A team member is no longer a digital ambassador.
#[utoipa::path(delete, path = "/team-members/{id}/ambassador", tag = "models",
    params(("id" = Uuid, Path)),
    responses((status = 204)))]
async fn withdraw_team_member(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let place = team_member_place(&state, &access, id).await?;
    withdraw(&state, &access, place, Person::TeamMember(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the digital ambassador a resident learns from, or clears it. A mentor of the ward the
/// person may see; a resident never learns from themself (`own_mentor`).
#[utoipa::path(put, path = "/residents/{id}/mentor", tag = "models",
    params(("id" = Uuid, Path)),
    request_body = MentorChoice,
    responses((status = 200, body = Resident)))]
async fn put_mentor(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(choice): Json<MentorChoice>,
) -> ApiResult<Resident> {
    let place = access.resident(&state.db, id, Action::Record).await?;
    let mut tx = access.write(&state.db).await?;
    let changed = match choice.mentor_id {
        Some(mentor) => {
            let m = sqlx::query!(
                "select ward_code, tdp_id, resident_id from mentors where id = $1",
                mentor
            )
            .fetch_optional(&mut *tx)
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
                state.now(),
            )
            .execute(&mut *tx)
            .await
            .on_constraint(
                "residents_consent",
                "mentor_id",
                FieldCode::ConsentWithdrawn,
            )?
            .rows_affected()
        }
        None => sqlx::query!("delete from mentor_learners where resident_id = $1", id)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
    };
    if changed > 0 {
        tx.audit(
            place.ward,
            AuditAction::Update,
            "mentor_learners",
            id,
            &choice,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Json(residents::resident(&state.db, id).await?))
}
