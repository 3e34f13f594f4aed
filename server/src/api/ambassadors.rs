//! "Đại sứ số": digital ambassadors — mentors, each a resident or a team member — and the
//! residents each one guides.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use domain::access::Action;
use domain::api::{AmbassadorNetwork, Learner, Mentor, MentorChoice, Resident};
use sqlx::PgPool;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::{Access, only_tdps};
use crate::db::{models, residents, wards};
use crate::error::{Error, Json, Path, Query, Result};
use crate::mentoring::{self, Person};

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

/// Makes `person` a mentor (idempotent) and answers them as `access` sees them.
async fn register(state: &AppState, access: &Access, person: Person) -> Result<Mentor> {
    let mut tx = access.write(&state.db).await?;
    let place = person.place(&mut tx, access).await?;
    let id = mentoring::register(&mut tx, place, person, Uuid::now_v7()).await?;
    tx.commit().await?;
    mentor(&state.db, access, place.ward, id).await
}

/// Ends `person`'s mentorship (idempotent).
async fn withdraw(state: &AppState, access: &Access, person: Person) -> Result<()> {
    let mut tx = access.write(&state.db).await?;
    let place = person.place(&mut tx, access).await?;
    mentoring::withdraw(&mut tx, place, person).await?;
    tx.commit().await
}

#[utoipa::path(put, path = "/residents/{id}/ambassador", tag = "models",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Mentor)))]
async fn register_resident(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<Mentor> {
    Ok(Json(register(&state, &access, Person::Resident(id)).await?))
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
    withdraw(&state, &access, Person::Resident(id)).await?;
    Ok(StatusCode::NO_CONTENT)
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
    Ok(Json(
        register(&state, &access, Person::TeamMember(id)).await?,
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
    withdraw(&state, &access, Person::TeamMember(id)).await?;
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
    let mut tx = access.write(&state.db).await?;
    mentoring::choose(&mut tx, &access, id, &choice, state.now()).await?;
    tx.commit().await?;
    Ok(Json(residents::resident(&state.db, id).await?))
}
