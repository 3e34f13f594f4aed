//! The ward's briefing: what the projector shows at party-cell meetings and what anyone who
//! scans its QR code sees. Open without signing in, so it is built from figures alone — the
//! dashboard's counts and shares, the TDPs' boundaries — and never reads a person's or a
//! household's record.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use domain::ErrorBody;
use domain::access::Action;
use domain::api::{Briefing, UpcomingActivity};
use domain::pages;
use sqlx::PgPool;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::AppState;
use crate::auth::{Access, ClientAddress};
use crate::db::{activities, campaigns, dashboard, map};
use crate::error::{Error, Json, Path, Result};
use crate::limits::Limit;

/// Activities on the slide: a table readable from the back of the room.
const UPCOMING: usize = 4;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_briefing))
}

/// The ward's figures for the projector and its public progress page, open to anyone: every
/// skill ward-wide and per TDP against its target, visit coverage, satisfaction, the TDPs'
/// boundaries, the next activities and the campaigns running, and a QR code of the page's
/// own address. Anyone gets the snapshot taken in the current hour (the first reader of an
/// hour takes it), with every cell that would tell about fewer than 5 people, households or
/// traders withheld, and satisfaction for the whole ward only; someone signed in who may see
/// the ward's figures gets them live and whole (`live`). Wards with no TDPs in Ngõ Số
/// answer 404.
#[utoipa::path(get, path = "/wards/{code}/briefing", tag = "wards",
    params(("code" = i32, Path, description = "Official ward code")),
    security(()),
    responses((status = 200, body = Briefing), (status = 429, body = ErrorBody)))]
async fn get_briefing(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    access: Option<Access>,
    Path(code): Path<i32>,
) -> Result<Response> {
    state.limits.check(Limit::Briefing, address, None)?;
    if access.is_some_and(|a| !a.reach(code, Action::ViewFigures).is_nothing()) {
        let mut briefing = read(&state, code).await?;
        briefing.live = true;
        return Ok(Json(briefing).into_response());
    }
    let hour = state
        .now()
        .duration_trunc(TimeDelta::hours(1))
        .map_err(anyhow::Error::from)?;
    if let Some(kept) = snapshot(&state.db, code, hour).await? {
        return Ok(json(kept));
    }
    let mut briefing = read(&state, code).await?;
    domain::disclosure::protect(&mut briefing.totals, &mut briefing.tdps);
    let taken = serde_json::to_string(&briefing).map_err(anyhow::Error::from)?;
    // Two first readers of an hour at once: the first snapshot stays, both answer it.
    sqlx::query!(
        "insert into briefing_snapshots (ward_code, taken_at, briefing)
         values ($1, $2, $3::text::jsonb)
         on conflict (ward_code) do update
             set taken_at = excluded.taken_at, briefing = excluded.briefing
             where briefing_snapshots.taken_at < $4",
        code,
        briefing.generated_at,
        taken,
        hour,
    )
    .execute(&state.db)
    .await?;
    Ok(json(
        snapshot(&state.db, code, hour).await?.unwrap_or(taken),
    ))
}

/// The ward's snapshot taken since `hour`, as JSON.
async fn snapshot(db: &PgPool, code: i32, hour: DateTime<Utc>) -> Result<Option<String>> {
    Ok(sqlx::query_scalar!(
        r#"select briefing::text as "briefing!" from briefing_snapshots
           where ward_code = $1 and taken_at >= $2"#,
        code,
        hour,
    )
    .fetch_optional(db)
    .await?)
}

fn json(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The ward's briefing as its records stand now, nothing withheld.
async fn read(state: &AppState, code: i32) -> Result<Briefing> {
    let generated_at = state.now();
    let dashboard = dashboard::current(state, code).await?.dashboard;
    if dashboard.tdps.is_empty() {
        return Err(Error::NotFound);
    }
    let boundaries = map::boundaries(&state.db, code).await?;
    let progress_url = format!("{}{}", super::origin(state), pages::projector(code));
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
    Ok(Briefing {
        live: false,
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
    })
}
