//! The movement's models: a ward's settings and the counts the database keeps.

use std::collections::HashMap;

use domain::api::{ModelSettings, ModelTargets};
use domain::indicators::latest_eligible_birth_year;
use domain::models::{IDENTITY_MIN_AGE, SKILL_MODELS, default_settings, default_targets};
use domain::{FieldCode, FieldError};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::error::{Error, Result};

/// The models whose skills a ward chooses, as the database names them.
const FAMILY: &str = SKILL_MODELS[0].stored;
const IDENTITY: &str = SKILL_MODELS[1].stored;
/// The ward's settings, with its province's targets; a ward without a skills catalogue yet
/// has its province's targets, the other defaults and no skills.
pub async fn settings(db: &PgPool, ward_code: i32) -> Result<ModelSettings> {
    let province = province_targets(db, ward_code).await?;
    let row = sqlx::query!(
        r#"select s.family_target, s.family_deadline, s.identity_target, s.identity_deadline,
                  s.ambassador_quota, s.cashless_market_percent,
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
            family_deadline: r.family_deadline,
            family_skills: r.family_skills,
            identity_target: r.identity_target,
            identity_deadline: r.identity_deadline,
            identity_skills: r.identity_skills,
            ambassador_quota: r.ambassador_quota,
            cashless_market_percent: r.cashless_market_percent,
            province: Some(province),
        },
        None => ModelSettings {
            family_skills: Vec::new(),
            identity_skills: Vec::new(),
            ..inheriting(province)
        },
    })
}

/// The models' default settings, with `province`'s targets and deadlines: a new ward's.
pub fn inheriting(province: ModelTargets) -> ModelSettings {
    ModelSettings {
        family_target: province.family_target,
        family_deadline: province.family_deadline,
        identity_target: province.identity_target,
        identity_deadline: province.identity_deadline,
        province: Some(province),
        ..default_settings()
    }
}

/// The models' targets and deadlines the ward's province sets.
async fn province_targets(db: &PgPool, ward_code: i32) -> Result<ModelTargets> {
    let province =
        sqlx::query_scalar!("select province_code from wards where code = $1", ward_code)
            .fetch_optional(db)
            .await?
            .ok_or(Error::NotFound)?;
    province_models(db, province).await
}

/// The models' targets and deadlines a province sets: the movement's until its first change.
pub async fn province_models(
    db: impl sqlx::PgExecutor<'_>,
    province_code: i32,
) -> Result<ModelTargets> {
    Ok(sqlx::query_as!(
        ModelTargets,
        "select family_target, family_deadline, identity_target, identity_deadline
         from province_models where province_code = $1",
        province_code
    )
    .fetch_optional(db)
    .await?
    .unwrap_or_else(default_targets))
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
        "select code from skills where ward_code = $1 and code = any($2) and retired_on is null",
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
        "insert into model_settings (ward_code, family_target, family_deadline, identity_target,
                                     identity_deadline, ambassador_quota, cashless_market_percent)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (ward_code) do update
         set family_target = excluded.family_target, family_deadline = excluded.family_deadline,
             identity_target = excluded.identity_target,
             identity_deadline = excluded.identity_deadline,
             ambassador_quota = excluded.ambassador_quota,
             cashless_market_percent = excluded.cashless_market_percent",
        ward_code,
        s.family_target,
        s.family_deadline,
        s.identity_target,
        s.identity_deadline,
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
    /// Traders of the ward's markets living in the TDP, and those taking cashless payment.
    pub traders: i64,
    pub cashless: i64,
}

/// A TDP's digital ambassadors, and those at the ward's quota.
#[derive(Debug, Default, Clone, Copy)]
pub struct Mentors {
    pub mentors: i64,
    pub at_quota: i64,
}

/// The models' counts of the TDPs `tdp_ids`, ages counted in `as_of_year`: households and
/// identities read from the counts the database keeps by the rules of `domain::models`
/// (migration 0010); traders, a few per TDP, counted here.
pub async fn counts(
    db: &PgPool,
    tdp_ids: &[Uuid],
    as_of_year: i32,
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

/// The digital ambassadors living or working in each of the TDPs `tdp_ids`, and those at the
/// ward's quota. Counted apart from the rest of a TDP's figures: a mentor's learners live in
/// any TDP of the ward, so this figure may change with another TDP's counter.
pub async fn mentors(
    db: &PgPool,
    tdp_ids: &[Uuid],
    settings: &ModelSettings,
) -> Result<HashMap<Uuid, Mentors>> {
    let mut mentors: HashMap<Uuid, Mentors> = HashMap::new();
    for row in sqlx::query!(
        // A resident who left the ward neither mentors nor learns in the counts.
        r#"select m.tdp_id,
                  (select count(*) from mentor_learners l join residents lr on lr.id = l.resident_id
                   where l.mentor_id = m.id and lr.counted) as "learners!"
           from mentors m left join residents mr on mr.id = m.resident_id
           where m.tdp_id = any($1) and coalesce(mr.counted, true)"#,
        tdp_ids,
    )
    .fetch_all(db)
    .await?
    {
        let m = mentors.entry(row.tdp_id).or_default();
        m.mentors += 1;
        m.at_quota += i64::from(domain::models::at_quota(row.learners, settings));
    }
    Ok(mentors)
}
