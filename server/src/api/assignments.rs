//! Door-to-door assignments ("đi từng ngõ, gõ từng nhà"): a team leader sends team members to
//! households; each volunteer's "my households" lists those they have not visited since,
//! priority households first, and empties as their visits are recorded.

use axum::extract::State;
use domain::access::Action;
use domain::api::{Assignment, AuditAction, HouseholdSummary};
use domain::validate::unknown;
use domain::{FieldCode, FieldError};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::db::households::summaries;
use crate::error::{Error, Json, Path};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(assign))
        .routes(routes!(my_households))
}

/// Sends a member of the TDP's team to some of its households (a household has one at a time),
/// or calls them back with `team_member_id: null`. Sending the same member again changes
/// nothing, unless they have visited since: then they are sent again. Answers the households.
#[utoipa::path(put, path = "/tdps/{id}/assignments", tag = "tdps",
    params(("id" = Uuid, Path)),
    request_body = Assignment,
    responses((status = 200, body = Vec<HouseholdSummary>)))]
async fn assign(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(a): Json<Assignment>,
) -> ApiResult<Vec<HouseholdSummary>> {
    let place = access.tdp_place(&state.db, id, Action::ManageTeam).await?;
    domain::validate::assignment(&a).map_err(Error::Validation)?;
    let mut fields = Vec::new();
    if let Some(member) = a.team_member_id {
        let in_team = sqlx::query_scalar!(
            r#"select exists (select from team_members where id = $1 and tdp_id = $2) as "in!""#,
            member,
            id
        )
        .fetch_one(&state.db)
        .await?;
        if !in_team {
            fields.push(FieldError::new(
                "team_member_id",
                FieldCode::UnknownReference,
            ));
        }
    }
    let known: Vec<Uuid> = sqlx::query_scalar!(
        "select id from households where tdp_id = $1 and id = any($2)",
        id,
        &a.household_ids
    )
    .fetch_all(&state.db)
    .await?;
    fields.extend(unknown("household_ids", &a.household_ids, |h| {
        known.contains(h)
    }));
    if !fields.is_empty() {
        return Err(Error::Validation(fields));
    }
    let mut tx = access.write(&state.db).await?;
    let changed = match a.team_member_id {
        Some(member) => sqlx::query!(
            "insert into assignments (household_id, tdp_id, team_member_id, assigned_at)
             select unnest($1::uuid[]), $2, $3, $4
             on conflict (household_id) do update
             set team_member_id = excluded.team_member_id, assigned_at = excluded.assigned_at
             where assignments.team_member_id <> excluded.team_member_id
                 or exists (select from visits v
                            where v.household_id = assignments.household_id
                                and v.recorded_at >= assignments.assigned_at)",
            &a.household_ids,
            id,
            member,
            state.now(),
        )
        .execute(&mut *tx)
        .await?
        .rows_affected(),
        None => sqlx::query!(
            "delete from assignments where household_id = any($1)",
            &a.household_ids
        )
        .execute(&mut *tx)
        .await?
        .rows_affected(),
    };
    if changed > 0 {
        tx.audit(place.ward, AuditAction::Update, "assignments", id, &a)
            .await?;
    }
    tx.commit().await?;
    Ok(Json(summaries(&state.db, &a.household_ids).await?))
}

/// The households the signed-in person was sent to, as a member of a TDP's team, and has not
/// visited since: priority households first, then by address. Empty for those on no team.
#[utoipa::path(get, path = "/me/households", tag = "tdps",
    responses((status = 200, body = Vec<HouseholdSummary>)))]
async fn my_households(
    State(state): State<AppState>,
    access: Access,
) -> ApiResult<Vec<HouseholdSummary>> {
    let rows = sqlx::query!(
        "select h.id, t.ward_code, h.tdp_id
         from assignments a
         join team_members m on m.id = a.team_member_id
         join households h on h.id = a.household_id
         join tdps t on t.id = h.tdp_id
         where m.user_id = $1
             and not exists (select from visits v
                             where v.household_id = a.household_id
                                 and v.recorded_at >= a.assigned_at)
         order by (h.elderly_alone or h.disability or h.poverty <> 'none') desc, h.search, h.id",
        access.user.id,
    )
    .fetch_all(&state.db)
    .await?;
    // Only where the person still records: a role taken away takes the list with it.
    let ids: Vec<Uuid> = rows
        .into_iter()
        .filter(|r| access.reach(r.ward_code, Action::Record).includes(r.tdp_id))
        .map(|r| r.id)
        .collect();
    Ok(Json(summaries(&state.db, &ids).await?))
}
