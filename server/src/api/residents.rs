//! Residents: record one in a household, read one with their skills and history.

use axum::extract::State;
use axum::http::StatusCode;
use domain::access::Action;
use domain::api::{
    AuditAction, ChangeRecord, ConsentChange, DepartureChange, HouseholdRecord, Location,
    MergeInto, NewResident, PURPOSE_VI, Poverty, Priority, Resident, ResidentExport, TicketRecord,
    TicketStatus, VisitRecord,
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::db::residents::resident;
use crate::error::{Json, Path, Result};
use crate::people::{self, add_residents, one};
use crate::{corrections, merges};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_resident))
        .routes(routes!(get_resident))
        .routes(routes!(erase_resident))
        .routes(routes!(put_consent))
        .routes(routes!(put_departure))
        .routes(routes!(merge_resident))
        .routes(routes!(export_resident))
}

/// Everything held about one resident, for the ward admin to hand to them (Law 91/2025, the
/// right to see one's data): their record, skills, help and classes, their household as held
/// and its visits, tickets about them, and who changed their records when. Other people's
/// data is left out.
#[utoipa::path(get, path = "/residents/{id}/export", tag = "residents",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ResidentExport)))]
async fn export_resident(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<ResidentExport> {
    access.resident(&state.db, id, Action::ManageWard).await?;
    let resident = resident(&state.db, id).await?;
    let h = sqlx::query!(
        r#"select h.address, h.head_name, h.elderly_alone, h.disability,
                  h.poverty as "poverty: Poverty", h.lat, h.lon, w.name as ward_name
           from households h join tdps t on t.id = h.tdp_id join wards w on w.code = t.ward_code
           where h.id = $1"#,
        resident.household_id
    )
    .fetch_one(&state.db)
    .await?;
    let household_visits = sqlx::query_as!(
        VisitRecord,
        r#"select v.visited_on, v.satisfaction,
                  case when exists (select from visit_help h
                                    where h.visit_id = v.id and h.resident_id = $2)
                       then v.note else '' end as "note!"
           from visits v where v.household_id = $1
           order by v.visited_on desc, v.recorded_at desc"#,
        resident.household_id,
        id
    )
    .fetch_all(&state.db)
    .await?;
    let tickets = sqlx::query_as!(
        TicketRecord,
        r#"select opened_at, title, description, status as "status: TicketStatus"
           from tickets where resident_id = $1 order by opened_at desc"#,
        id
    )
    .fetch_all(&state.db)
    .await?;
    let changes = sqlx::query!(
        r#"select a.at, u.full_name as "by?", a.action as "action: AuditAction", a.entity,
                  a.change, a.forgotten
           from audit_log a left join users u on u.id = a.user_id
           where (a.entity = 'residents' and a.entity_id = $1)
              or (a.entity = 'households' and a.entity_id = $2)
           order by a.id desc"#,
        id.to_string(),
        resident.household_id.to_string(),
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|c| ChangeRecord {
        at: c.at,
        by: c.by,
        action: c.action,
        entity: c.entity,
        fields: fields(&c.change, c.forgotten),
    })
    .collect();
    Ok(Json(ResidentExport {
        generated_at: state.now(),
        ward_name: h.ward_name,
        purpose: PURPOSE_VI.to_owned(),
        household: HouseholdRecord {
            address: h.address,
            head_name: (domain::text::fold(&h.head_name)
                == domain::text::fold(&resident.full_name))
            .then_some(h.head_name),
            priority: Priority {
                elderly_alone: h.elderly_alone,
                disability: h.disability,
                poverty: h.poverty,
            },
            location: h.lat.zip(h.lon).map(|(lat, lon)| Location { lat, lon }),
        },
        resident,
        household_visits,
        tickets,
        changes,
    }))
}

/// The names of the fields an audit entry recorded: its keys, or once its values are
/// forgotten, the names it kept.
fn fields(change: &serde_json::Value, forgotten: bool) -> Vec<String> {
    let names = if forgotten {
        change["fields"].as_array().map(|f| {
            f.iter()
                .filter_map(|n| n.as_str())
                .map(str::to_owned)
                .collect()
        })
    } else {
        change.as_object().map(|o| o.keys().cloned().collect())
    };
    names.unwrap_or_default()
}

/// Erases a resident's data at their request (Law 91/2025, the right to deletion), for the
/// ward admin: their name, their birth year beyond what the counts need, the household's
/// head's name if they were the head and its address if nobody else is left, the notes and
/// tickets that name them, and the audit log's values about them. The resident stays counted
/// in every figure, unnamed. Asking again changes nothing.
#[utoipa::path(post, path = "/residents/{id}/erasure", tag = "residents",
    params(("id" = Uuid, Path)),
    responses((status = 204)))]
async fn erase_resident(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    let place = access.resident(&state.db, id, Action::ManageWard).await?;
    let mut tx = access.write(&state.db).await?;
    match crate::erasure::erase(&mut tx, id).await? {
        Some(erased) => {
            tx.commit_with(place.ward, AuditAction::Delete, "residents", id, &erased)
                .await?
        }
        None => tx.commit().await?,
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Records a resident's consent (Law 91/2025): given, when a team member asked them at the
/// door (a resident imported from the register has none recorded), or withdrawn. Once
/// withdrawn, nothing new is recorded about them (visit help, attendance, a mentor, a skill)
/// until they give it again; what is already recorded stays counted. Sending the same state
/// again changes nothing.
#[utoipa::path(put, path = "/residents/{id}/consent", tag = "residents",
    params(("id" = Uuid, Path)),
    request_body = ConsentChange,
    responses((status = 200, body = Resident)))]
async fn put_consent(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(change): Json<ConsentChange>,
) -> ApiResult<Resident> {
    let mut tx = access.write(&state.db).await?;
    people::consent(&mut tx, &access, id, change.given, state.now()).await?;
    tx.commit().await?;
    Ok(Json(resident(&state.db, id).await?))
}

/// Marks a resident as moved out of the ward or deceased, from a day that has come; with
/// `departure: null`, counts them again (entered by mistake, or they came back). They leave
/// every count at once (population, skills, digital identity, "Gia đình số" as their
/// household's guide, the ambassadors' learners) and nothing new is recorded for them; they
/// stay in the register, the visits' history and the audit log. Any team member of their TDP
/// may; sending the same again changes nothing.
#[utoipa::path(put, path = "/residents/{id}/departure", tag = "residents",
    params(("id" = Uuid, Path)),
    request_body = DepartureChange,
    responses((status = 200, body = Resident)))]
async fn put_departure(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(change): Json<DepartureChange>,
) -> ApiResult<Resident> {
    let mut tx = access.write(&state.db).await?;
    corrections::depart(&mut tx, &access, id, change.departure, state.now()).await?;
    tx.commit().await?;
    Ok(Json(resident(&state.db, id).await?))
}

/// Merges a resident entered twice into the record that stays (`into_id`), for the team
/// leader of both records' TDPs or the ward's admin: the copy's help, skills, classes,
/// tickets, check-ins and mentoring go to that record, and the copy is deleted, leaving every
/// count. A phone's later change about the copy is refused as merged. Merging the same again
/// answers the same; into another record, 409.
#[utoipa::path(post, path = "/residents/{id}/merge", tag = "residents",
    params(("id" = Uuid, Path, description = "The copy")),
    request_body = MergeInto,
    responses((status = 200, body = Resident, description = "The record that stays")))]
async fn merge_resident(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(merge): Json<MergeInto>,
) -> ApiResult<Resident> {
    let mut tx = access.write(&state.db).await?;
    merges::merge_resident(&mut tx, &access, id, merge.into_id, state.now()).await?;
    tx.commit().await?;
    Ok(Json(resident(&state.db, merge.into_id).await?))
}

/// A resident with each skill's current status and every help received.
#[utoipa::path(get, path = "/residents/{id}", tag = "residents",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Resident)))]
async fn get_resident(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<Resident> {
    access.resident(&state.db, id, Action::ViewPeople).await?;
    Ok(Json(resident(&state.db, id).await?))
}

/// Records a resident in a household of the ward.
#[utoipa::path(post, path = "/wards/{code}/residents", tag = "residents",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = NewResident,
    responses((status = 201, body = Resident)))]
async fn create_resident(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewResident>,
) -> Result<(StatusCode, Json<Resident>)> {
    access.ward(code, Action::Record)?;
    let new = NewResident {
        id: Some(new.id.unwrap_or_else(Uuid::now_v7)),
        ..new
    };
    let mut tx = access.write(&state.db).await?;
    let id = one(add_residents(&mut tx, &access, code, &[(0, &new)], state.now()).await?)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(resident(&state.db, id).await?)))
}
