//! A province's wards side by side: each onboarded ward's dashboard totals, which the ward's
//! own dashboard cache keeps counted, and its week.

use std::collections::HashMap;

use domain::api::{ProvinceOverview, ProvinceWard, SkillColumn, SkillTarget, WardStanding};
use domain::indicators::{rank, score};

use crate::AppState;
use crate::error::{Error, Result};

/// Every ward of province `code` in the official list, by name, each onboarded one with its
/// standing; `may_manage` says whether the person asking may start wards.
pub async fn overview(state: &AppState, code: i32, may_manage: bool) -> Result<ProvinceOverview> {
    let name = sqlx::query_scalar!("select name from provinces where code = $1", code)
        .fetch_optional(&state.db)
        .await?
        .ok_or(Error::NotFound)?;
    let computed_at = state.now();
    let (week_from, _) = domain::time::week_of(state.today());
    let wards = sqlx::query!(
        r#"select w.code, w.name, exists (select from skills s where s.ward_code = w.code)
                      as "onboarded!"
           from wards w where w.province_code = $1 order by w.name, w.code"#,
        code
    )
    .fetch_all(&state.db)
    .await?;
    let onboarded: Vec<i32> = wards
        .iter()
        .filter(|w| w.onboarded)
        .map(|w| w.code)
        .collect();
    let week = sqlx::query!(
        r#"select v.ward_code as "ward!", count(*) as "visits!"
           from visits v where v.ward_code = any($1) and v.visited_on >= $2
           group by v.ward_code"#,
        &onboarded,
        week_from,
    )
    .fetch_all(&state.db)
    .await?;
    let week: HashMap<i32, i64> = week.into_iter().map(|r| (r.ward, r.visits)).collect();
    let tickets = sqlx::query!(
        r#"select t.ward_code as "ward!", count(*) as "open!"
           from tickets t where t.ward_code = any($1) and t.status <> 'resolved'
           group by t.ward_code"#,
        &onboarded,
    )
    .fetch_all(&state.db)
    .await?;
    let tickets: HashMap<i32, i64> = tickets.into_iter().map(|r| (r.ward, r.open)).collect();
    let mut standing = HashMap::new();
    let mut skills: Vec<SkillColumn> = Vec::new();
    let labels = super::dashboard::labels(&state.db, &onboarded).await?;
    for &ward in &onboarded {
        let dashboard = match labels.get(&ward) {
            Some(&label) => super::dashboard::current_labelled(state, ward, label).await?,
            None => super::dashboard::current(state, ward).await?,
        }
        .dashboard;
        for s in &dashboard.skills {
            if !skills.iter().any(|c| c.code == s.code) {
                skills.push(SkillColumn {
                    code: s.code.clone(),
                    name_vi: s.name_vi.clone(),
                    name_en: s.name_en.clone(),
                });
            }
        }
        let targets: Vec<f64> = dashboard.skills.iter().map(|s| s.target_percent).collect();
        standing.insert(
            ward,
            WardStanding {
                tdps: dashboard.tdps.len() as i64,
                score: score(&dashboard.totals, &targets),
                rank: 0,
                totals: dashboard.totals.clone(),
                skills: dashboard
                    .skills
                    .iter()
                    .map(|s| SkillTarget {
                        code: s.code.clone(),
                        target_percent: s.target_percent,
                        deadline: s.deadline,
                    })
                    .collect(),
                visits_this_week: week.get(&ward).copied().unwrap_or(0),
                open_tickets: tickets.get(&ward).copied().unwrap_or(0),
            },
        );
    }
    let scores: Vec<f64> = onboarded.iter().map(|w| standing[w].score).collect();
    for place in rank(&scores) {
        if let Some(s) = standing.get_mut(&onboarded[place.tdp]) {
            s.rank = place.rank;
        }
    }
    Ok(ProvinceOverview {
        code,
        name,
        computed_at,
        week_from,
        skills,
        may_manage,
        wards: wards
            .into_iter()
            .map(|w| ProvinceWard {
                standing: standing.remove(&w.code),
                code: w.code,
                name: w.name,
            })
            .collect(),
    })
}
