//! A trader of a market (Chợ số) and the 4T steps they took, apart from HTTP: from the
//! market's page or a phone's outbox, in the caller's transaction.

use chrono::NaiveDate;
use domain::FieldCode;
use domain::access::Action;
use domain::api::{AuditAction, StallDetails};
use uuid::Uuid;

use crate::audit::Write;
use crate::auth::Access;
use crate::error::{Error, OnConstraint, Result};

/// Records trader `id`, or sets their details and 4T dates whole, with its audit entry;
/// answers them as stored. The same again changes nothing. Recording needs the trader's TDP,
/// and to move a trader, their old TDP too.
pub async fn put(
    tx: &mut Write,
    access: &Access,
    id: Uuid,
    details: StallDetails,
    today: NaiveDate,
) -> Result<StallDetails> {
    let stored = sqlx::query_as!(
        crate::auth::Place,
        "select ward_code as ward, tdp_id as tdp from stalls where id = $1",
        id
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(place) = stored {
        access.record(place, Action::Record)?;
    }
    let market_ward = sqlx::query_scalar!(
        "select ward_code from markets where id = $1",
        details.market_id
    )
    .fetch_optional(&mut **tx)
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
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| Error::field("tdp_id", FieldCode::UnknownReference))?;
    if tdp_ward != ward {
        return Err(Error::field("tdp_id", FieldCode::OtherWard));
    }
    access.tdp(ward, details.tdp_id, Action::Record)?;
    domain::validate::stall(&details, today).map_err(Error::Validation)?;
    let d = StallDetails {
        trader_name: details.trader_name.trim().to_owned(),
        stall_code: details.stall_code.trim().to_owned(),
        goods: details.goods.trim().to_owned(),
        ..details
    };
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
    .fetch_optional(&mut **tx)
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
    Ok(d)
}
