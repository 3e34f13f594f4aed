//! "Chợ số – Nông thôn số" (4T): a ward's markets and cooperatives, their traders, and each
//! trader's 4T steps. A market's figures name nobody; its traders are personal data, seen by
//! those who may see the TDP each lives in.

use axum::extract::State;
use axum::http::StatusCode;
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

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_markets, create_market))
        .routes(routes!(get_market))
        .routes(routes!(put_stall))
}

/// The ward's markets (or the one `only`) with their figures, in name order.
async fn summaries(db: &PgPool, ward: i32, only: Option<Uuid>) -> Result<Vec<MarketSummary>> {
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
    Ok(Json(summaries(&state.db, code, None).await?))
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
    let summary = summaries(&state.db, code, Some(new.id))
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
    let market = summaries(&state.db, ward, Some(id))
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
    let stored = sqlx::query_as!(
        crate::auth::Place,
        "select ward_code as ward, tdp_id as tdp from stalls where id = $1",
        id
    )
    .fetch_optional(&state.db)
    .await?;
    if let Some(place) = stored {
        access.record(place, Action::Record)?;
    }
    let market_ward = sqlx::query_scalar!(
        "select ward_code from markets where id = $1",
        details.market_id
    )
    .fetch_optional(&state.db)
    .await?;
    let ward = match (stored, market_ward) {
        (Some(place), Some(w)) if w != place.ward => {
            return Err(Error::field("market_id", FieldCode::OtherWard));
        }
        (_, Some(w)) => w,
        (Some(_), None) | (None, None) => {
            return Err(Error::field("market_id", FieldCode::UnknownReference));
        }
    };
    let tdp_ward = sqlx::query_scalar!("select ward_code from tdps where id = $1", details.tdp_id)
        .fetch_optional(&state.db)
        .await?
        .ok_or_else(|| Error::field("tdp_id", FieldCode::UnknownReference))?;
    if tdp_ward != ward {
        return Err(Error::field("tdp_id", FieldCode::OtherWard));
    }
    access.tdp(ward, details.tdp_id, Action::Record)?;
    domain::validate::stall(&details, state.today()).map_err(Error::Validation)?;
    let d = StallDetails {
        trader_name: details.trader_name.trim().to_owned(),
        stall_code: details.stall_code.trim().to_owned(),
        goods: details.goods.trim().to_owned(),
        ..details
    };
    let mut tx = access.write(&state.db).await?;
    let changed = sqlx::query_scalar!(
        r#"insert into stalls (id, market_id, ward_code, tdp_id, trader_name, stall_code, goods,
                               trained_on, ecommerce_on, cashless_on, savings_on)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           on conflict (id) do update
           set market_id = excluded.market_id, tdp_id = excluded.tdp_id,
               trader_name = excluded.trader_name, stall_code = excluded.stall_code,
               goods = excluded.goods, trained_on = excluded.trained_on,
               ecommerce_on = excluded.ecommerce_on, cashless_on = excluded.cashless_on,
               savings_on = excluded.savings_on
           where (stalls.market_id, stalls.tdp_id, stalls.trader_name, stalls.stall_code,
                  stalls.goods, stalls.trained_on, stalls.ecommerce_on, stalls.cashless_on,
                  stalls.savings_on)
                 is distinct from
                 (excluded.market_id, excluded.tdp_id, excluded.trader_name,
                  excluded.stall_code, excluded.goods, excluded.trained_on,
                  excluded.ecommerce_on, excluded.cashless_on, excluded.savings_on)
           returning (xmax = 0) as "created!""#,
        id,
        d.market_id,
        ward,
        d.tdp_id,
        d.trader_name,
        d.stall_code,
        d.goods,
        d.trained_on,
        d.ecommerce_on,
        d.cashless_on,
        d.savings_on,
    )
    .fetch_optional(&mut *tx)
    .await
    .on_constraint("stalls_market_code_key", "stall_code", FieldCode::Duplicate)?;
    if let Some(created) = changed {
        let action = if created {
            AuditAction::Create
        } else {
            AuditAction::Update
        };
        tx.audit(ward, action, "stalls", id, &d).await?;
    }
    tx.commit().await?;
    Ok(Json(Stall { id, details: d }))
}
