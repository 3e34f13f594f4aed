//! TDPs, their teams and the households the teams still have to reach.

use chrono::{Datelike, NaiveDate};
use domain::FieldCode;
use domain::api::{HouseholdFilter, Tdp, TdpDetail, TeamMember, TeamRole};
use domain::indicators::latest_eligible_birth_year;
use domain::models::IDENTITY_MIN_AGE;
use sqlx::PgPool;
use uuid::Uuid;

use crate::db::dashboard;
use crate::error::{Error, Result};
pub async fn tdp(db: &PgPool, id: Uuid) -> Result<Tdp> {
    sqlx::query_as!(
        Tdp,
        "select id, ward_code, code, name, households_registered, adults_registered
         from tdps where id = $1",
        id
    )
    .fetch_optional(db)
    .await?
    .ok_or(Error::NotFound)
}

/// Checks that the TDP named by a request's `field` exists and belongs to `ward_code`.
pub async fn check_in_ward(db: &PgPool, id: Uuid, ward_code: i32, field: &str) -> Result<()> {
    match sqlx::query_scalar!("select ward_code from tdps where id = $1", id)
        .fetch_optional(db)
        .await?
    {
        None => Err(Error::field(field, FieldCode::UnknownReference)),
        Some(w) if w != ward_code => Err(Error::field(field, FieldCode::OtherWard)),
        Some(_) => Ok(()),
    }
}

/// A TDP with its team and its figures on a day.
pub async fn detail(db: &PgPool, id: Uuid, today: NaiveDate) -> Result<TdpDetail> {
    let tdp = tdp(db, id).await?;
    let team = sqlx::query_as!(
        TeamMember,
        r#"select id, tdp_id, full_name, role as "role: TeamRole", phone
         from team_members where tdp_id = $1
         order by array_position(array['leader', 'party_secretary', 'tdp_head', 'police',
                                       'youth_union', 'teacher_student', 'telecom', 'other'], role),
                  full_name"#,
        id
    )
    .fetch_all(db)
    .await?;
    let mut figures = dashboard::figures(db, tdp.ward_code, Some(id), today).await?;
    let indicators = figures.tdps.pop().ok_or(Error::NotFound)?;
    Ok(TdpDetail {
        tdp,
        team,
        indicators,
    })
}

/// A TDP's households that `show` keeps on a day (who is 16 and over depends on its year), in
/// the order the teams visit them: priority households first, then never-visited ones, then
/// by address.
pub async fn household_ids(
    db: &PgPool,
    tdp: Uuid,
    show: HouseholdFilter,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<Vec<Uuid>> {
    Ok(sqlx::query_scalar!(
        "select h.id from households h
         where h.tdp_id = $1
           and ($4 <> 'not_visited' or not exists (select from visits v where v.household_id = h.id))
           and ($4 <> 'not_digital' or not exists (select from model_people mp
                                                   where mp.resident_id = h.guide_id and mp.capable))
           and ($4 <> 'missing_identity'
                or exists (select from residents r
                           where r.household_id = h.id and r.birth_year <= $5
                             and not exists (select from model_people mp
                                             where mp.resident_id = r.id and mp.identity)))
         order by (h.elderly_alone or h.disability or h.poverty <> 'none') desc,
                  exists (select from visits v where v.household_id = h.id),
                  h.search, h.id
         limit $2 offset $3",
        tdp,
        limit,
        offset,
        show.as_str(),
        latest_eligible_birth_year(IDENTITY_MIN_AGE, today.year()),
    )
    .fetch_all(db)
    .await?)
}
