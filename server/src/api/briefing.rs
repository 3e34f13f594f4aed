//! The ward's briefing: what the projector shows at party-cell meetings and what anyone who
//! scans its QR code sees. Open without signing in, so it is built from figures alone — the
//! dashboard's counts and shares, the TDPs' boundaries — and never reads a person's or a
//! household's record.

use axum::extract::State;
use domain::ErrorBody;
use domain::api::{Briefing, UpcomingActivity};
use domain::pages;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ApiResult;
use crate::AppState;
use crate::auth::ClientAddress;
use crate::db::{activities, campaigns, dashboard, map};
use crate::error::{Error, Json, Path};
use crate::limits::Limit;

/// Activities on the slide: a table readable from the back of the room.
const UPCOMING: usize = 4;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_briefing))
}

/// The ward's figures for the projector and its public progress page, open to anyone: every
/// skill ward-wide and per TDP against its target, visit coverage, satisfaction, the TDPs'
/// boundaries, the next activities and the campaigns running, and a QR code of the page's
/// own address. Wards with no TDPs in Ngõ Số answer 404.
#[utoipa::path(get, path = "/wards/{code}/briefing", tag = "wards",
    params(("code" = i32, Path, description = "Official ward code")),
    security(()),
    responses((status = 200, body = Briefing), (status = 429, body = ErrorBody)))]
async fn get_briefing(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path(code): Path<i32>,
) -> ApiResult<Briefing> {
    state.limits.check(Limit::Briefing, address, None)?;
    let generated_at = state.now();
    let dashboard = dashboard::current(&state, code).await?.dashboard;
    if dashboard.tdps.is_empty() {
        return Err(Error::NotFound);
    }
    let boundaries = map::boundaries(&state.db, code).await?;
    let progress_url = format!("{}{}", super::origin(&state), pages::projector(code));
    let today = domain::time::day(generated_at);
    let activities = activities::in_period(
        &state.db,
        code,
        Some(today),
        today.checked_add_days(chrono::Days::new(13)),
    )
    .await?
    .into_iter()
    .filter(|a| a.ends_at >= generated_at)
    .take(UPCOMING)
    .map(|a| UpcomingActivity {
        kind: a.kind,
        title: a.title,
        place: a.place,
        tdp_name: a.tdp_name,
        starts_at: a.starts_at,
        ends_at: a.ends_at,
    })
    .collect();
    let campaigns = campaigns::standings(&state.db, code, today).await?;
    Ok(Json(Briefing {
        activities,
        campaigns,
        ward: dashboard.ward.clone(),
        generated_at,
        as_of_year: dashboard.as_of_year,
        skills: dashboard.skills.clone(),
        models: dashboard.models.clone(),
        totals: dashboard.totals.clone(),
        tdps: dashboard.tdps.clone(),
        boundaries,
        progress_qr_svg: super::qr_svg(&progress_url)?,
        progress_url,
    }))
}
