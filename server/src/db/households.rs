//! Households as lists show them, and whole with their residents and visits.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::api::{
    Departure, DepartureReason, Gender, Household, HouseholdSummary, Location, Poverty, Priority,
    ResidentSummary, Tdp, Visit,
};
use sqlx::PgPool;
use uuid::Uuid;

use crate::db::visits;
use crate::error::{Error, Result};
/// Households by id, in the order given.
pub async fn summaries(db: &PgPool, ids: &[Uuid]) -> Result<Vec<HouseholdSummary>> {
    let rows = sqlx::query!(
        r#"select h.id, h.tdp_id, t.name as tdp_name, h.address, h.head_name,
                  h.elderly_alone, h.disability, h.poverty as "poverty: Poverty",
                  (select count(*) from residents r where r.household_id = h.id and r.counted)
                      as "residents!",
                  (select max(v.visited_on) from visits v where v.household_id = h.id) as last_visit,
                  exists (select from model_people mp where mp.resident_id = h.guide_id and mp.capable)
                      as "digital_family!",
                  (select m.full_name from assignments a
                   join team_members m on m.id = a.team_member_id
                   where a.household_id = h.id
                       and not exists (select from visits v
                                       where v.household_id = h.id
                                           and v.recorded_at >= a.assigned_at)) as assigned_to
           from unnest($1::uuid[]) with ordinality as wanted(id, n)
           join households h on h.id = wanted.id
           join tdps t on t.id = h.tdp_id
           order by wanted.n"#,
        ids
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| HouseholdSummary {
            id: r.id,
            tdp_id: r.tdp_id,
            tdp_name: r.tdp_name,
            address: r.address,
            head_name: r.head_name,
            priority: Priority {
                elderly_alone: r.elderly_alone,
                disability: r.disability,
                poverty: r.poverty,
            },
            residents: r.residents,
            last_visit: r.last_visit,
            digital_family: r.digital_family,
            assigned_to: r.assigned_to,
        })
        .collect())
}

/// A resident's departure as the database holds it: both columns or neither.
pub fn departure(on: Option<NaiveDate>, reason: Option<DepartureReason>) -> Option<Departure> {
    Some(Departure {
        on: on?,
        reason: reason?,
    })
}

pub async fn household(db: &PgPool, id: Uuid) -> Result<Household> {
    households(db, &[id]).await?.pop().ok_or(Error::NotFound)
}

/// Households by id, whole: residents oldest first, visits newest first. A few queries
/// whatever the number, so a phone's whole TDP loads at once.
pub async fn households(db: &PgPool, ids: &[Uuid]) -> Result<Vec<Household>> {
    let rows = sqlx::query!(
        r#"select id, tdp_id, address, head_name, elderly_alone, disability,
                  poverty as "poverty: Poverty", lat, lon, guide_id, version, note
           from households where id = any($1) order by search, id"#,
        ids
    )
    .fetch_all(db)
    .await?;
    let mut residents: HashMap<Uuid, Vec<ResidentSummary>> = HashMap::new();
    for r in sqlx::query!(
        r#"select r.id, r.household_id, r.full_name, r.birth_year, r.gender as "gender: Gender",
                  r.consent_withdrawn_at is not null as "consent_withdrawn!",
                  r.left_on, r.left_reason as "left_reason: DepartureReason", r.version, r.note,
                  coalesce(array_agg(s.code order by s.position)
                      filter (where s.code is not null), '{}') as "achieved!"
           from residents r
           left join resident_skills rs on rs.resident_id = r.id and rs.status = 'achieved'
           left join skills s on s.id = rs.skill_id
           where r.household_id = any($1)
           group by r.id
           order by r.birth_year, r.name_sort"#,
        ids
    )
    .fetch_all(db)
    .await?
    {
        residents
            .entry(r.household_id)
            .or_default()
            .push(ResidentSummary {
                id: r.id,
                household_id: r.household_id,
                full_name: r.full_name,
                birth_year: r.birth_year,
                gender: r.gender,
                achieved: r.achieved,
                consent_withdrawn: r.consent_withdrawn,
                departure: departure(r.left_on, r.left_reason),
                version: r.version,
                note: r.note,
            });
    }
    let mut visits: HashMap<Uuid, Vec<Visit>> = HashMap::new();
    for v in visits::for_households(db, ids).await? {
        visits.entry(v.household_id).or_default().push(v);
    }
    let tdp_ids: Vec<Uuid> = rows.iter().map(|h| h.tdp_id).collect();
    let tdps: HashMap<Uuid, Tdp> = sqlx::query_as!(
        Tdp,
        "select id, ward_code, code, name, households_registered, adults_registered
         from tdps where id = any($1)",
        &tdp_ids
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|t| (t.id, t))
    .collect();
    let mut out = Vec::with_capacity(rows.len());
    for h in rows {
        let tdp = tdps.get(&h.tdp_id).cloned().ok_or(Error::NotFound)?;
        out.push(Household {
            id: h.id,
            tdp,
            address: h.address,
            head_name: h.head_name,
            priority: Priority {
                elderly_alone: h.elderly_alone,
                disability: h.disability,
                poverty: h.poverty,
            },
            location: h.lat.zip(h.lon).map(|(lat, lon)| Location { lat, lon }),
            residents: residents.remove(&h.id).unwrap_or_default(),
            guide_id: h.guide_id,
            visits: visits.remove(&h.id).unwrap_or_default(),
            version: h.version,
            note: h.note,
        });
    }
    Ok(out)
}
