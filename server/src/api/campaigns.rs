//! Campaigns ("45 ngày đêm"…): time-boxed targets per indicator, in chosen TDPs or the whole
//! ward, and their burn-up computed from the visits and skill statuses dated within them.

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use domain::access::Action;
use domain::api::{
    AuditAction, Campaign, CampaignProgress, CampaignStanding, CampaignTarget, CampaignTdp,
    IndicatorBurnUp, IndicatorStanding, NewCampaign,
};
use domain::campaigns::{HOUSEHOLDS_VISITED, burn_up};
use domain::{ErrorBody, FieldCode, FieldError};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::error::{Error, Json, Path, Query, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_campaigns, create_campaign))
        .routes(routes!(get_campaign))
}

/// The ward's campaigns (or the one `only`), latest first.
async fn campaigns(db: &PgPool, ward: i32, only: Option<Uuid>) -> Result<Vec<Campaign>> {
    let rows = sqlx::query!(
        r#"select c.id, c.ward_code, c.name, c.starts_on, c.ends_on,
                  coalesce((select array_agg(t.tdp_id order by t.tdp_id) from campaign_tdps t
                            where t.campaign_id = c.id), '{}') as "tdp_ids!",
                  coalesce((select array_agg(g.indicator order by g.position)
                            from campaign_targets g where g.campaign_id = c.id), '{}')
                      as "indicators!",
                  coalesce((select array_agg(g.target order by g.position)
                            from campaign_targets g where g.campaign_id = c.id), '{}')
                      as "targets!"
           from campaigns c
           where c.ward_code = $1 and ($2::uuid is null or c.id = $2)
           order by c.starts_on desc, c.id"#,
        ward,
        only,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|c| Campaign {
            id: c.id,
            ward_code: c.ward_code,
            name: c.name,
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            tdp_ids: c.tdp_ids,
            targets: c
                .indicators
                .into_iter()
                .zip(c.targets)
                .map(|(indicator, target)| CampaignTarget { indicator, target })
                .collect(),
        })
        .collect())
}

/// The ward's campaigns, latest first. Figures only: everyone in the ward may read them.
#[utoipa::path(get, path = "/wards/{code}/campaigns", tag = "activities",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = [Campaign]), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
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
    responses((status = 201, body = Campaign), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
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
    let mut problems: Vec<FieldError> = new
        .tdp_ids
        .iter()
        .enumerate()
        .filter(|(_, t)| !in_ward.contains(t))
        .map(|(i, _)| FieldError::new(format!("tdp_ids[{i}]"), FieldCode::UnknownReference))
        .collect();
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
    let mut tx = state.db.begin().await?;
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
        access
            .audit(
                &mut tx,
                code,
                AuditAction::Create,
                "campaigns",
                new.id,
                &new,
            )
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

/// A TDP in a campaign's scope, with what its share of a target is weighed by.
struct ScopeTdp {
    id: Uuid,
    name: String,
    households_registered: i32,
    adults_registered: i32,
}

/// A campaign's burn-up per indicator, for its whole scope or `tdp`, and what each TDP in
/// scope has achieved. Households count on the day of their first visit within the campaign;
/// people on the day a skill was first achieved, by a visit or a class, within the campaign.
/// Figures only: everyone in the ward may read it.
#[utoipa::path(get, path = "/campaigns/{id}", tag = "activities",
    params(("id" = Uuid, Path), Scope),
    responses((status = 200, body = CampaignProgress), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
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

/// The ward's campaigns running `today`, each indicator against its target and the straight
/// line to it: for the projector and the weekly report.
pub(super) async fn standings(
    db: &PgPool,
    ward: i32,
    today: NaiveDate,
) -> Result<Vec<CampaignStanding>> {
    let mut out = Vec::new();
    for c in campaigns(db, ward, None).await? {
        if !matches!(
            domain::campaigns::phase(c.starts_on, c.ends_on, today),
            domain::campaigns::Phase::Running(_)
        ) {
            continue;
        }
        let p = progress(db, c, None, today).await?;
        out.push(CampaignStanding {
            name: p.campaign.name,
            starts_on: p.campaign.starts_on,
            ends_on: p.campaign.ends_on,
            indicators: p
                .indicators
                .into_iter()
                .map(|i| IndicatorStanding {
                    expected: i
                        .days
                        .iter()
                        .find(|d| d.day == today)
                        .map_or(0.0, |d| d.line),
                    name_vi: i.name_vi,
                    name_en: i.name_en,
                    achieved: i.achieved,
                    target: i.target,
                })
                .collect(),
        });
    }
    Ok(out)
}

/// A campaign's burn-up per indicator for its scope, or `tdp` of it, and each TDP's results,
/// as they stand `today`.
async fn progress(
    db: &PgPool,
    campaign: Campaign,
    tdp: Option<Uuid>,
    today: NaiveDate,
) -> Result<CampaignProgress> {
    let ward = campaign.ward_code;
    let scope = Scope { tdp };
    let tdps: Vec<ScopeTdp> = sqlx::query_as!(
        ScopeTdp,
        "select id, name, households_registered, adults_registered from tdps
         where ward_code = $1 and (cardinality($2::uuid[]) = 0 or id = any($2))
         order by code",
        ward,
        &campaign.tdp_ids,
    )
    .fetch_all(db)
    .await?;
    if scope.tdp.is_some_and(|t| !tdps.iter().any(|s| s.id == t)) {
        return Err(Error::field("tdp", FieldCode::UnknownReference));
    }
    let ids: Vec<Uuid> = tdps.iter().map(|t| t.id).collect();
    let (from, to) = (campaign.starts_on, campaign.ends_on);
    // New achievements per TDP, indicator and day.
    let mut daily: HashMap<(Uuid, String), Vec<(NaiveDate, i64)>> = HashMap::new();
    for r in sqlx::query!(
        r#"select tdp_id, first_day as "day!", count(*) as "n!" from (
               select household_id, tdp_id, min(visited_on) as first_day from visits
               where ward_code = $1 and tdp_id = any($2) and visited_on between $3 and $4
               group by household_id, tdp_id) first
           group by tdp_id, first_day"#,
        ward,
        &ids,
        from,
        to,
    )
    .fetch_all(db)
    .await?
    {
        daily
            .entry((r.tdp_id, HOUSEHOLDS_VISITED.to_owned()))
            .or_default()
            .push((r.day, r.n));
    }
    for r in sqlx::query!(
        r#"select rs.tdp_id, s.code, rs.since, count(*) as "n!"
           from resident_skills rs join skills s on s.id = rs.skill_id
           where s.ward_code = $1 and rs.tdp_id = any($2) and rs.status = 'achieved'
               and rs.since between $3 and $4
           group by rs.tdp_id, s.code, rs.since"#,
        ward,
        &ids,
        from,
        to,
    )
    .fetch_all(db)
    .await?
    {
        daily
            .entry((r.tdp_id, r.code))
            .or_default()
            .push((r.since, r.n));
    }
    let names: HashMap<String, (String, String)> = sqlx::query!(
        "select code, name_vi, name_en from skills where ward_code = $1",
        ward
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|s| (s.code, (s.name_vi, s.name_en)))
    .collect();
    let days_of = |tdp: Uuid, indicator: &str| -> Vec<(NaiveDate, i64)> {
        daily
            .get(&(tdp, indicator.to_owned()))
            .cloned()
            .unwrap_or_default()
    };
    let so_far = |days: &[(NaiveDate, i64)]| -> i64 {
        days.iter()
            .filter(|(d, _)| *d <= today)
            .map(|(_, n)| n)
            .sum()
    };
    let indicators = campaign
        .targets
        .iter()
        .map(|t| {
            let weight = |s: &ScopeTdp| {
                f64::from(if t.indicator == HOUSEHOLDS_VISITED {
                    s.households_registered
                } else {
                    s.adults_registered
                })
            };
            let shown: Vec<&ScopeTdp> = tdps
                .iter()
                .filter(|s| scope.tdp.is_none_or(|only| s.id == only))
                .collect();
            let total: f64 = tdps.iter().map(weight).sum();
            let target = match scope.tdp {
                None => f64::from(t.target),
                Some(_) if total > 0.0 => {
                    f64::from(t.target) * shown.iter().map(|s| weight(s)).sum::<f64>() / total
                }
                Some(_) => f64::from(t.target) / tdps.len().max(1) as f64,
            };
            let days: Vec<(NaiveDate, i64)> = shown
                .iter()
                .flat_map(|s| days_of(s.id, &t.indicator))
                .collect();
            let (name_vi, name_en) = match names.get(&t.indicator) {
                Some(n) => n.clone(),
                None => (
                    "Hộ được đến thăm trong chiến dịch".to_owned(),
                    "Households visited during the campaign".to_owned(),
                ),
            };
            IndicatorBurnUp {
                indicator: t.indicator.clone(),
                name_vi,
                name_en,
                target,
                achieved: so_far(&days),
                days: burn_up(from, to, today, target, &days),
            }
        })
        .collect();
    let per_tdp = tdps
        .iter()
        .map(|s| CampaignTdp {
            tdp_id: s.id,
            tdp_name: s.name.clone(),
            achieved: campaign
                .targets
                .iter()
                .map(|t| so_far(&days_of(s.id, &t.indicator)))
                .collect(),
        })
        .collect();
    Ok(CampaignProgress {
        campaign,
        tdp_id: scope.tdp,
        indicators,
        tdps: per_tdp,
    })
}
