//! The movement's models: each ward's settings for them, who guides each household, and the
//! models' counts per TDP — the rules of `domain::models`, counted in SQL.

use std::collections::HashMap;

use axum::extract::State;
use domain::access::Action;
use domain::api::{AuditAction, GuideChoice, Household, ModelSettings};
use domain::indicators::latest_eligible_birth_year;
use domain::models::{IDENTITY_MIN_AGE, default_settings};
use domain::{ErrorBody, FieldCode, FieldError};
use sqlx::{PgConnection, PgPool};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{ApiResult, households};
use crate::AppState;
use crate::auth::Access;
use crate::error::{Error, Json, Path, Result};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(put_guide))
}

const FAMILY: &str = "digital_family";
const IDENTITY: &str = "digital_identity";

/// The ward's settings; a ward without a skills catalogue yet has the defaults and no skills.
pub async fn settings(db: &PgPool, ward_code: i32) -> Result<ModelSettings> {
    let row = sqlx::query!(
        r#"select s.family_target, s.identity_target, s.ambassador_quota, s.cashless_market_percent,
                  array(select k.code from model_skills m join skills k on k.id = m.skill_id
                        where m.ward_code = s.ward_code and m.model = $2
                        order by k.position, k.code) as "family_skills!",
                  array(select k.code from model_skills m join skills k on k.id = m.skill_id
                        where m.ward_code = s.ward_code and m.model = $3
                        order by k.position, k.code) as "identity_skills!"
           from model_settings s where s.ward_code = $1"#,
        ward_code,
        FAMILY,
        IDENTITY,
    )
    .fetch_optional(db)
    .await?;
    Ok(match row {
        Some(r) => ModelSettings {
            family_target: r.family_target,
            family_skills: r.family_skills,
            identity_target: r.identity_target,
            identity_skills: r.identity_skills,
            ambassador_quota: r.ambassador_quota,
            cashless_market_percent: r.cashless_market_percent,
        },
        None => ModelSettings {
            family_skills: Vec::new(),
            identity_skills: Vec::new(),
            ..default_settings()
        },
    })
}

/// Saves a ward's settings whole; the skills are codes of its own catalogue.
pub async fn save_settings(tx: &mut PgConnection, ward_code: i32, s: &ModelSettings) -> Result<()> {
    let named = |field: &str, codes: &[String]| -> Vec<(String, String)> {
        codes
            .iter()
            .enumerate()
            .map(|(i, code)| (format!("{field}[{i}]"), code.clone()))
            .collect()
    };
    let given = [
        named("family_skills", &s.family_skills),
        named("identity_skills", &s.identity_skills),
    ]
    .concat();
    let codes: Vec<String> = given.iter().map(|(_, code)| code.clone()).collect();
    let known: Vec<String> = sqlx::query_scalar!(
        "select code from skills where ward_code = $1 and code = any($2)",
        ward_code,
        &codes,
    )
    .fetch_all(&mut *tx)
    .await?;
    let fields: Vec<FieldError> = given
        .into_iter()
        .filter(|(_, code)| !known.contains(code))
        .map(|(field, _)| FieldError::new(field, FieldCode::UnknownReference))
        .collect();
    if !fields.is_empty() {
        return Err(Error::Validation(fields));
    }
    sqlx::query!(
        "insert into model_settings (ward_code, family_target, identity_target, ambassador_quota,
                                     cashless_market_percent)
         values ($1, $2, $3, $4, $5)
         on conflict (ward_code) do update
         set family_target = excluded.family_target, identity_target = excluded.identity_target,
             ambassador_quota = excluded.ambassador_quota,
             cashless_market_percent = excluded.cashless_market_percent",
        ward_code,
        s.family_target,
        s.identity_target,
        s.ambassador_quota,
        s.cashless_market_percent,
    )
    .execute(&mut *tx)
    .await?;
    // Only what changed: every change to a ward's skill sets re-judges all its residents
    // (migration 0010), so saving the same sets again costs nothing.
    sqlx::query!(
        "with wanted as (
             select m.model, k.id as skill_id
             from (select $2::text as model, unnest($3::text[]) as code
                   union all select $4, unnest($5::text[])) m
             join skills k on k.ward_code = $1 and k.code = m.code
         ),
         dropped as (
             delete from model_skills m
             where m.ward_code = $1 and (m.model, m.skill_id) not in (select * from wanted)
         )
         insert into model_skills (ward_code, model, skill_id)
         select $1, model, skill_id from wanted
         on conflict do nothing",
        ward_code,
        FAMILY,
        &s.family_skills,
        IDENTITY,
        &s.identity_skills,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A TDP's households and how many count for each model.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    /// Households recorded.
    pub households: i64,
    /// Households whose guide has every skill of the "digitally capable" set.
    pub families: i64,
    /// Residents aged 16+ with every identity skill.
    pub identity: i64,
    /// Digital ambassadors living or working in the TDP, and those at the ward's quota.
    pub mentors: i64,
    pub mentors_at_quota: i64,
    /// Traders of the ward's markets living in the TDP, and those taking cashless payment.
    pub traders: i64,
    pub cashless: i64,
}

/// The models' counts of the TDPs `tdp_ids`, ages counted in `as_of_year`: households and
/// identities read from the counts the database keeps by the rules of `domain::models`
/// (migration 0010); mentors and traders, a few per TDP, counted here.
pub async fn counts(
    db: &PgPool,
    tdp_ids: &[Uuid],
    as_of_year: i32,
    settings: &ModelSettings,
) -> Result<HashMap<Uuid, Counts>> {
    let mut counts: HashMap<Uuid, Counts> = HashMap::new();
    for row in sqlx::query!(
        r#"select h.tdp_id, count(*) as "households!",
                  coalesce((select f.families from tdp_family_counts f where f.tdp_id = h.tdp_id), 0)
                      as "families!"
           from households h
           where h.tdp_id = any($1)
           group by h.tdp_id"#,
        tdp_ids,
    )
    .fetch_all(db)
    .await?
    {
        let c = counts.entry(row.tdp_id).or_default();
        c.households = row.households;
        c.families = row.families;
    }
    for row in sqlx::query!(
        r#"select tdp_id, sum(people)::bigint as "n!" from tdp_identity_counts
           where tdp_id = any($1) and birth_bucket <= $2
           group by tdp_id"#,
        tdp_ids,
        latest_eligible_birth_year(IDENTITY_MIN_AGE, as_of_year),
    )
    .fetch_all(db)
    .await?
    {
        counts.entry(row.tdp_id).or_default().identity = row.n;
    }
    for row in sqlx::query!(
        r#"select m.tdp_id,
                  (select count(*) from mentor_learners l where l.mentor_id = m.id) as "learners!"
           from mentors m where m.tdp_id = any($1)"#,
        tdp_ids,
    )
    .fetch_all(db)
    .await?
    {
        let c = counts.entry(row.tdp_id).or_default();
        c.mentors += 1;
        c.mentors_at_quota += i64::from(domain::models::at_quota(row.learners, settings));
    }
    for row in sqlx::query!(
        r#"select tdp_id, count(*) as "traders!", count(cashless_on) as "cashless!"
           from stalls where tdp_id = any($1) group by tdp_id"#,
        tdp_ids,
    )
    .fetch_all(db)
    .await?
    {
        let c = counts.entry(row.tdp_id).or_default();
        c.traders = row.traders;
        c.cashless = row.cashless;
    }
    Ok(counts)
}

/// What the ward judges its models by.
#[utoipa::path(get, path = "/wards/{code}/models", tag = "models",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = ModelSettings), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn get_settings(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<ModelSettings> {
    access.ward(code, Action::ViewFigures)?;
    super::wards::ward(&state.db, code).await?;
    Ok(Json(settings(&state.db, code).await?))
}

/// Sets the ward's targets, thresholds and the skills each model asks for (ward admins).
#[utoipa::path(put, path = "/wards/{code}/models", tag = "models",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = ModelSettings,
    responses((status = 200, body = ModelSettings), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_settings(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<ModelSettings>,
) -> ApiResult<ModelSettings> {
    access.ward(code, Action::ManageWard)?;
    super::wards::ward(&state.db, code).await?;
    domain::validate::model_settings(&new).map_err(Error::Validation)?;
    let mut tx = state.db.begin().await?;
    save_settings(&mut tx, code, &new).await?;
    access
        .audit(
            &mut tx,
            code,
            AuditAction::Update,
            "model_settings",
            code,
            &new,
        )
        .await?;
    tx.commit().await?;
    Ok(Json(settings(&state.db, code).await?))
}

/// Marks the resident who guides the rest of the household ("Gia đình số"), or clears it.
#[utoipa::path(put, path = "/households/{id}/guide", tag = "models",
    params(("id" = Uuid, Path)),
    request_body = GuideChoice,
    responses((status = 200, body = Household), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_guide(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(choice): Json<GuideChoice>,
) -> ApiResult<Household> {
    let place = access.household(&state.db, id, Action::Record).await?;
    if let Some(resident) = choice.resident_id {
        match sqlx::query_scalar!("select household_id from residents where id = $1", resident)
            .fetch_optional(&state.db)
            .await?
        {
            None => return Err(Error::field("resident_id", FieldCode::UnknownReference)),
            Some(h) if h != id => {
                return Err(Error::field("resident_id", FieldCode::OtherHousehold));
            }
            Some(_) => {}
        }
    }
    let mut tx = state.db.begin().await?;
    // `changed`: phones keeping this household pull it again (migration 0005).
    let updated = sqlx::query!(
        "update households set guide_id = $2, changed = pg_current_xact_id()
         where id = $1 and guide_id is distinct from $2",
        id,
        choice.resident_id,
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() > 0 {
        access
            .audit(
                &mut tx,
                place.ward,
                AuditAction::Update,
                "households",
                id,
                &choice,
            )
            .await?;
    }
    tx.commit().await?;
    Ok(Json(households::household(&state.db, id).await?))
}
