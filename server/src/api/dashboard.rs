//! The ward's indicators, computed from four grouped queries whose cost grows with one ward's
//! data, never with the whole database: every query starts from the ward's skills or TDPs and
//! reads covering indexes.

use std::collections::HashMap;

use chrono::Datelike;
use domain::api::{Skill, SkillFigure, TdpIndicators};
use domain::indicators::{
    latest_eligible_birth_year, mean_rating, population, progress, share_percent,
};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::Result;

pub struct Figures {
    pub as_of_year: i32,
    pub skills: Vec<Skill>,
    pub totals: TdpIndicators,
    pub tdps: Vec<TdpIndicators>,
}

pub async fn skills(db: &PgPool, ward_code: i32) -> Result<Vec<Skill>> {
    Ok(sqlx::query_as!(
        Skill,
        "select id, ward_code, code, name_vi, name_en, min_age, target_percent, deadline, position
         from skills where ward_code = $1 order by position, code",
        ward_code
    )
    .fetch_all(db)
    .await?)
}

/// The figures of a ward's TDPs (or of one TDP, with `only`).
pub async fn figures(db: &PgPool, ward_code: i32, only: Option<Uuid>) -> Result<Figures> {
    let as_of_year = super::today().year();
    let skills = skills(db, ward_code).await?;
    let tdps = sqlx::query!(
        "select id, code, name, households_registered, adults_registered from tdps
         where ward_code = $1 and ($2::uuid is null or id = $2) order by code",
        ward_code,
        only,
    )
    .fetch_all(db)
    .await?;
    let tdp_ids: Vec<Uuid> = tdps.iter().map(|t| t.id).collect();

    // Residents recorded per TDP and birth year: enough to count the eligible for any age.
    let mut born: HashMap<Uuid, Vec<(i32, i64)>> = HashMap::new();
    for row in sqlx::query!(
        r#"select tdp_id, birth_year, count(*) as "n!" from residents
           where tdp_id = any($1) group by tdp_id, birth_year"#,
        &tdp_ids
    )
    .fetch_all(db)
    .await?
    {
        born.entry(row.tdp_id)
            .or_default()
            .push((row.birth_year, row.n));
    }

    let skill_ids: Vec<Uuid> = skills.iter().map(|s| s.id).collect();
    let max_birth_years: Vec<i32> = skills
        .iter()
        .map(|s| latest_eligible_birth_year(s.min_age, as_of_year))
        .collect();
    let mut achieved: HashMap<(Uuid, Uuid), i64> = HashMap::new();
    for row in sqlx::query!(
        r#"select rs.tdp_id, rs.skill_id, count(*) as "n!"
           from unnest($1::uuid[], $2::int[]) as s(skill_id, max_birth_year)
           join resident_skills rs on rs.skill_id = s.skill_id
               and rs.status = 'achieved' and rs.birth_year <= s.max_birth_year
           where rs.tdp_id = any($3)
           group by rs.tdp_id, rs.skill_id"#,
        &skill_ids,
        &max_birth_years,
        &tdp_ids,
    )
    .fetch_all(db)
    .await?
    {
        achieved.insert((row.tdp_id, row.skill_id), row.n);
    }

    let mut visits: HashMap<Uuid, (i64, i64, i64)> = HashMap::new();
    for row in sqlx::query!(
        r#"select tdp_id, count(distinct household_id) as "households!",
                  coalesce(sum(satisfaction), 0)::bigint as "rating_sum!",
                  count(satisfaction) as "ratings!"
           from visits where ward_code = $1 and tdp_id = any($2) group by tdp_id"#,
        ward_code,
        &tdp_ids,
    )
    .fetch_all(db)
    .await?
    {
        visits.insert(row.tdp_id, (row.households, row.rating_sum, row.ratings));
    }

    let mut total_achieved = vec![0i64; skills.len()];
    let mut total_population = vec![0i64; skills.len()];
    let (mut total_households, mut total_visited, mut total_rating_sum, mut total_ratings) =
        (0i64, 0i64, 0i64, 0i64);
    let mut rows = Vec::with_capacity(tdps.len());
    for tdp in &tdps {
        let years = born.get(&tdp.id).map(Vec::as_slice).unwrap_or_default();
        let figures: Vec<SkillFigure> = skills
            .iter()
            .enumerate()
            .map(|(i, skill)| {
                let max_year = max_birth_years[i];
                let recorded: i64 = years
                    .iter()
                    .filter(|(year, _)| *year <= max_year)
                    .map(|(_, n)| n)
                    .sum();
                let population = population(tdp.adults_registered.into(), recorded);
                let achieved = achieved.get(&(tdp.id, skill.id)).copied().unwrap_or(0);
                total_achieved[i] += achieved;
                total_population[i] += population;
                figure(skill, achieved, population)
            })
            .collect();
        let (visited, rating_sum, ratings) = visits.get(&tdp.id).copied().unwrap_or_default();
        let households = i64::from(tdp.households_registered);
        total_households += households;
        total_visited += visited;
        total_rating_sum += rating_sum;
        total_ratings += ratings;
        rows.push(TdpIndicators {
            tdp_id: Some(tdp.id),
            code: tdp.code.clone(),
            name: tdp.name.clone(),
            households_registered: households,
            households_visited: visited,
            visit_coverage: share_percent(visited, households.max(visited)),
            satisfaction: mean_rating(rating_sum, ratings),
            ratings,
            skills: figures,
        });
    }
    let totals = TdpIndicators {
        tdp_id: None,
        code: String::new(),
        name: String::new(),
        households_registered: total_households,
        households_visited: total_visited,
        visit_coverage: share_percent(total_visited, total_households.max(total_visited)),
        satisfaction: mean_rating(total_rating_sum, total_ratings),
        ratings: total_ratings,
        skills: skills
            .iter()
            .enumerate()
            .map(|(i, s)| figure(s, total_achieved[i], total_population[i]))
            .collect(),
    };
    Ok(Figures {
        as_of_year,
        skills,
        totals,
        tdps: rows,
    })
}

fn figure(skill: &Skill, achieved: i64, population: i64) -> SkillFigure {
    let share = share_percent(achieved, population);
    SkillFigure {
        skill_id: skill.id,
        achieved,
        population,
        share,
        progress: progress(share, skill.target_percent),
    }
}
