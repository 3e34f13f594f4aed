//! The weekly report for the party committee: the ward's figures now and what one week
//! (Monday to Sunday) added, against the week before. Counts only, as the dashboard.

use std::collections::HashMap;

use axum::extract::State;
use chrono::NaiveDate;
use domain::access::Action;
use domain::api::WeeklyReport;
use domain::time::week_of;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::Access;
use crate::error::{Json, Path, Query};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(weekly))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct WeekQuery {
    /// Any day of the week wanted (`YYYY-MM-DD`); the last complete week when absent.
    week: Option<NaiveDate>,
}

/// The ward's weekly report: its figures now, and the week's visits, first visits and skills
/// achieved against the week before, in all and per TDP; the running campaigns; the rapid-response
/// team's tickets.
#[utoipa::path(get, path = "/wards/{code}/weekly", tag = "wards",
    params(("code" = i32, Path, description = "Official ward code"), WeekQuery),
    responses((status = 200, body = WeeklyReport)))]
async fn weekly(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Query(query): Query<WeekQuery>,
) -> ApiResult<WeeklyReport> {
    access.ward(code, Action::ViewFigures)?;
    let dashboard = (*crate::db::dashboard::current(&state, code).await?.dashboard).clone();
    let (from, to) = week_of(
        query
            .week
            .unwrap_or_else(|| state.today() - chrono::Days::new(7)),
    );
    let (before_from, before_to) = week_of(from - chrono::Days::new(1));
    let visits = sqlx::query!(
        r#"select count(*) filter (where visited_on between $2 and $3) as "week!",
                  count(*) filter (where visited_on between $4 and $5) as "before!"
           from visits where ward_code = $1 and visited_on between $4 and $3"#,
        code,
        from,
        to,
        before_from,
        before_to,
    )
    .fetch_one(&state.db)
    .await?;
    let first_visits = sqlx::query_scalar!(
        r#"select count(*) as "n!" from (
               select household_id from visits where ward_code = $1
               group by household_id having min(visited_on) between $2 and $3) first"#,
        code,
        from,
        to,
    )
    .fetch_one(&state.db)
    .await?;
    let mut per_skill: HashMap<Uuid, (i64, i64)> = HashMap::new();
    for row in sqlx::query!(
        r#"select rs.skill_id,
                  count(*) filter (where rs.since between $2 and $3) as "week!",
                  count(*) filter (where rs.since between $4 and $5) as "before!"
           from resident_skills rs join skills s on s.id = rs.skill_id
           where s.ward_code = $1 and rs.status = 'achieved' and rs.since between $4 and $3
           group by rs.skill_id"#,
        code,
        from,
        to,
        before_from,
        before_to,
    )
    .fetch_all(&state.db)
    .await?
    {
        per_skill.insert(row.skill_id, (row.week, row.before));
    }
    let tdp_visits: HashMap<Uuid, i64> = sqlx::query!(
        r#"select tdp_id, count(*) as "n!" from visits
           where ward_code = $1 and visited_on between $2 and $3 group by tdp_id"#,
        code,
        from,
        to,
    )
    .fetch_all(&state.db)
    .await?
    .into_iter()
    .map(|r| (r.tdp_id, r.n))
    .collect();
    let achieved = dashboard
        .skills
        .iter()
        .map(|s| per_skill.get(&s.id).map_or(0, |c| c.0))
        .collect();
    let achieved_before = per_skill.values().map(|c| c.1).sum();
    let tdp_visits = dashboard
        .tdps
        .iter()
        .map(|t| {
            t.tdp_id
                .and_then(|id| tdp_visits.get(&id))
                .copied()
                .unwrap_or(0)
        })
        .collect();
    Ok(Json(WeeklyReport {
        dashboard,
        from,
        to,
        visits: visits.week,
        visits_before: visits.before,
        first_visits,
        achieved,
        achieved_before,
        tdp_visits,
        campaigns: crate::db::campaigns::standings(&state.db, code, state.today()).await?,
        tickets: crate::db::tickets::week(&state.db, code, from, to).await?,
    }))
}
