//! "Chợ số – Nông thôn số" (4T): a ward's markets and cooperatives, their traders, and each
//! trader's 4T steps. A market's figures name nobody; its traders are personal data, seen by
//! those who may see the TDP each lives in.

use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use domain::FieldCode;
use domain::access::Action;
use domain::api::{
    AuditAction, Market, MarketKind, MarketSummary, ModelSettings, NewMarket, Stall, StallDetails,
};
use domain::models::{FourT, cashless_market};
use sqlx::PgPool;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::{Access, only_tdps};
use crate::db::{models, wards};
use crate::error::{Error, Json, OnConstraint, Path, Result};
use crate::stalls;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_markets, create_market))
        .routes(routes!(get_market))
        .routes(routes!(put_stall))
}

/// The ward's markets (or the one `only`) with their figures on `today`, in name order.
async fn summaries(
    db: &PgPool,
    ward: i32,
    only: Option<Uuid>,
    today: NaiveDate,
) -> Result<Vec<MarketSummary>> {
    let settings: ModelSettings = models::settings(db, ward).await?;
    let rows = sqlx::query!(
        r#"select m.id, m.name, m.kind as "kind: MarketKind", count(s.id) as "traders!",
                  count(s.trained_on) as "trained!", count(s.ecommerce_on) as "ecommerce!",
                  count(s.cashless_on) as "cashless!", count(s.savings_on) as "savings!"
           from markets m left join stalls s on s.market_id = m.id
           where m.ward_code = $1 and ($2::uuid is null or m.id = $2)
           group by m.id
           order by m.name, m.id"#,
        ward,
        only,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|m| MarketSummary {
            id: m.id,
            ward_code: ward,
            name: m.name,
            kind: m.kind,
            cashless: domain::indicators::figure(
                m.cashless,
                m.traders,
                settings.cashless_market_percent,
                domain::indicators::Pace::this_year(today),
            ),
            cashless_market: cashless_market(m.cashless, m.traders, &settings),
            steps: FourT::ALL
                .map(|step| match step {
                    FourT::Trained => m.trained,
                    FourT::Ecommerce => m.ecommerce,
                    FourT::Cashless => m.cashless,
                    FourT::Savings => m.savings,
                })
                .to_vec(),
        })
        .collect())
}

/// The ward's markets and cooperatives with their shares of cashless traders; figures only.
#[utoipa::path(get, path = "/wards/{code}/markets", tag = "models",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = [MarketSummary])))]
async fn list_markets(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<Vec<MarketSummary>> {
    access.ward(code, Action::ViewFigures)?;
    wards::ward(&state.db, code).await?;
    Ok(Json(summaries(&state.db, code, None, state.today()).await?))
}

/// Adds a market or cooperative (ward admins). The id is the client's: sending the same market
/// again answers it unchanged.
#[utoipa::path(post, path = "/wards/{code}/markets", tag = "models",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = NewMarket,
    responses((status = 201, body = MarketSummary)))]
async fn create_market(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewMarket>,
) -> Result<(StatusCode, Json<MarketSummary>)> {
    access.ward(code, Action::ManageWard)?;
    wards::ward(&state.db, code).await?;
    domain::validate::new_market(&new).map_err(Error::Validation)?;
    let name = new.name.trim();
    let mut tx = access.write(&state.db).await?;
    let existing = sqlx::query!(
        "select ward_code, name, kind from markets where id = $1",
        new.id
    )
    .fetch_optional(&mut *tx)
    .await?;
    match existing {
        Some(m) if m.ward_code == code && m.name == name && m.kind == new.kind.as_str() => {}
        Some(_) => return Err(Error::field("id", FieldCode::Duplicate)),
        None => {
            sqlx::query!(
                "insert into markets (id, ward_code, name, kind) values ($1, $2, $3, $4)",
                new.id,
                code,
                name,
                new.kind.as_str(),
            )
            .execute(&mut *tx)
            .await
            .on_constraint("markets_ward_name_key", "name", FieldCode::Duplicate)?;
            tx.audit(code, AuditAction::Create, "markets", new.id, &new)
                .await?;
        }
    }
    tx.commit().await?;
    let summary = summaries(&state.db, code, Some(new.id), state.today())
        .await?
        .pop()
        .ok_or(Error::NotFound)?;
    Ok((StatusCode::CREATED, Json(summary)))
}

/// A market's traders the person may see, by stall code.
async fn stalls(db: &PgPool, market: Uuid, seen: Option<&[Uuid]>) -> Result<Vec<Stall>> {
    Ok(sqlx::query!(
        "select id, market_id, tdp_id, trader_name, stall_code, goods, trained_on, ecommerce_on,
                cashless_on, savings_on
         from stalls where market_id = $1 and ($2::uuid[] is null or tdp_id = any($2))
         order by stall_code, id",
        market,
        seen,
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|s| Stall {
        id: s.id,
        details: StallDetails {
            market_id: s.market_id,
            tdp_id: s.tdp_id,
            trader_name: s.trader_name,
            stall_code: s.stall_code,
            goods: s.goods,
            trained_on: s.trained_on,
            ecommerce_on: s.ecommerce_on,
            cashless_on: s.cashless_on,
            savings_on: s.savings_on,
        },
    })
    .collect())
}

/// A market's figures, and the traders of the TDPs the person may see (none for figures-only
/// roles).
#[utoipa::path(get, path = "/markets/{id}", tag = "models",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Market)))]
async fn get_market(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<Market> {
    let ward = sqlx::query_scalar!("select ward_code from markets where id = $1", id)
        .fetch_optional(&state.db)
        .await?
        .ok_or(Error::NotFound)?;
    access.ward(ward, Action::ViewFigures)?;
    let market = summaries(&state.db, ward, Some(id), state.today())
        .await?
        .pop()
        .ok_or(Error::NotFound)?;
    let seen = only_tdps(&access.reach(ward, Action::ViewPeople));
    Ok(Json(Market {
        market,
        stalls: stalls(&state.db, id, seen.as_deref()).await?,
    }))
}

/// Records a trader, or sets their details and 4T dates whole: idempotent. Recording needs the
/// trader's TDP, and to move a trader, their old TDP too.
#[utoipa::path(put, path = "/stalls/{id}", tag = "models",
    params(("id" = Uuid, Path)),
    request_body = StallDetails,
    responses((status = 200, body = Stall)))]
async fn put_stall(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(details): Json<StallDetails>,
) -> ApiResult<Stall> {
    let mut tx = access.write(&state.db).await?;
    let d = stalls::put(&mut tx, &access, id, details, state.today()).await?;
    tx.commit().await?;
    Ok(Json(Stall { id, details: d }))
}
