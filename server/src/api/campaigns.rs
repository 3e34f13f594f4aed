//! Campaigns ("45 ngày đêm"…): time-boxed targets per indicator, in chosen TDPs or the whole
//! ward, and their burn-up computed from the visits and skill statuses dated within them.

use std::collections::HashSet;

use axum::extract::State;
use axum::http::StatusCode;
use domain::access::Action;
use domain::api::{AuditAction, Campaign, CampaignProgress, NewCampaign};
use domain::campaigns::HOUSEHOLDS_VISITED;
use domain::validate::unknown;
use domain::{FieldCode, FieldError};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::db::campaigns::{campaigns, progress};
use crate::error::{Error, Json, Path, Query, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_campaigns, create_campaign))
        .routes(routes!(get_campaign))
}

/// The ward's campaigns, latest first. Figures only: everyone in the ward may read them.
#[utoipa::path(get, path = "/wards/{code}/campaigns", tag = "activities",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = [Campaign])))]
async fn list_campaigns(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<Vec<Campaign>> {
    access.ward(code, Action::ViewFigures)?;
    Ok(Json(campaigns(&state.db, code, None).await?))
}

/// Starts a campaign (ward admins): its days, its TDPs (none for the whole ward) and a target
/// for each indicator — `households_visited` or a skill's code. The id is the client's: the
/// same campaign sent again answers it unchanged.
#[utoipa::path(post, path = "/wards/{code}/campaigns", tag = "activities",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = NewCampaign,
    responses((status = 201, body = Campaign)))]
async fn create_campaign(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewCampaign>,
) -> Result<(StatusCode, Json<Campaign>)> {
    access.ward(code, Action::ManageWard)?;
    domain::validate::new_campaign(&new).map_err(Error::Validation)?;
    let in_ward: HashSet<Uuid> = sqlx::query_scalar!(
        "select id from tdps where ward_code = $1 and id = any($2)",
        code,
        &new.tdp_ids,
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .collect();
    let skills: HashSet<String> =
        sqlx::query_scalar!("select code from skills where ward_code = $1", code)
            .fetch_all(&state.db)
            .await?
            .into_iter()
            .collect();
    let mut problems = unknown("tdp_ids", &new.tdp_ids, |t| in_ward.contains(t));
    problems.extend(
        new.targets
            .iter()
            .enumerate()
            .filter(|(_, t)| t.indicator != HOUSEHOLDS_VISITED && !skills.contains(&t.indicator))
            .map(|(i, _)| {
                FieldError::new(
                    format!("targets[{i}].indicator"),
                    FieldCode::UnknownReference,
                )
            }),
    );
    if !problems.is_empty() {
        return Err(Error::Validation(problems));
    }
    let name = new.name.trim();
    let mut tx = access.write(&state.db).await?;
    let inserted = sqlx::query!(
        "insert into campaigns (id, ward_code, name, starts_on, ends_on)
         values ($1, $2, $3, $4, $5) on conflict (id) do nothing",
        new.id,
        code,
        name,
        new.starts_on,
        new.ends_on,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        sqlx::query!(
            "insert into campaign_tdps (campaign_id, ward_code, tdp_id)
             select $1, $2, unnest($3::uuid[])",
            new.id,
            code,
            &new.tdp_ids,
        )
        .execute(&mut *tx)
        .await?;
        let indicators: Vec<String> = new.targets.iter().map(|t| t.indicator.clone()).collect();
        let targets: Vec<i32> = new.targets.iter().map(|t| t.target).collect();
        sqlx::query!(
            "insert into campaign_targets (campaign_id, indicator, target, position)
             select $1, t.indicator, t.target, t.position
             from unnest($2::text[], $3::int[]) with ordinality as t(indicator, target, position)",
            new.id,
            &indicators,
            &targets,
        )
        .execute(&mut *tx)
        .await?;
        tx.audit(code, AuditAction::Create, "campaigns", new.id, &new)
            .await?;
    }
    tx.commit().await?;
    let stored = campaigns(&state.db, code, Some(new.id))
        .await?
        .pop()
        .ok_or_else(|| Error::field("id", FieldCode::Duplicate))?;
    let mut asked = new.tdp_ids.clone();
    asked.sort();
    let same = stored.name == name
        && (stored.starts_on, stored.ends_on) == (new.starts_on, new.ends_on)
        && stored.tdp_ids == asked
        && stored.targets == new.targets;
    if !same {
        return Err(Error::field("id", FieldCode::Duplicate));
    }
    Ok((StatusCode::CREATED, Json(stored)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Scope {
    /// One TDP of the campaign: its burn-up against its share of each target.
    tdp: Option<Uuid>,
}

/// A campaign's burn-up per indicator, for its whole scope or `tdp`, and what each TDP in
/// scope has achieved. Households count on the day of their first visit within the campaign;
/// people on the day a skill was first achieved, by a visit or a class, within the campaign.
/// Figures only: everyone in the ward may read it.
#[utoipa::path(get, path = "/campaigns/{id}", tag = "activities",
    params(("id" = Uuid, Path), Scope),
    responses((status = 200, body = CampaignProgress)))]
async fn get_campaign(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Query(scope): Query<Scope>,
) -> ApiResult<CampaignProgress> {
    let ward = sqlx::query_scalar!("select ward_code from campaigns where id = $1", id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(Error::NotFound)?;
    access.ward(ward, Action::ViewFigures)?;
    let campaign = campaigns(&state.db, ward, Some(id))
        .await?
        .pop()
        .ok_or(Error::NotFound)?;
    Ok(Json(
        progress(&state.db, campaign, scope.tdp, state.today()).await?,
    ))
}
