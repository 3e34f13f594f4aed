//! A province's wards side by side: each onboarded ward's dashboard totals, which the ward's
//! own dashboard cache keeps counted, and its week; kept as sent while nothing it counts has
//! moved.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use domain::api::{ProvinceOverview, ProvinceWard, SkillColumn, SkillTarget, WardStanding};
use domain::indicators::{rank, score};
use sqlx::PgPool;

use super::dashboard::{Label, labels};
use crate::AppState;
use crate::error::{Error, Result};
use crate::precompressed::Precompressed;

/// How long a province's page answers while nothing it counts has moved. Not for ever: a ward
/// busy with syncs answers with figures up to a second older than its label
/// (`dashboard::BUSY_FOR`), which a page kept by that label would hold on to.
const KEPT_FOR: Duration = Duration::from_secs(5);

/// Each province's latest page as sent, for those who may manage it and for those who may
/// not: one page serves every reader of a steering committee's meeting.
#[derive(Default)]
pub struct Cache(Mutex<HashMap<(i32, bool), Kept>>);

struct Kept {
    key: Key,
    at: Instant,
    body: Precompressed,
}

/// What a page was counted from: the day (the week, the pace), its onboarded wards' labels
/// (which move with every change to their figures and visits) and their open tickets.
#[derive(PartialEq)]
struct Key {
    day: NaiveDate,
    labels: Vec<(i32, Label)>,
    tickets: Vec<(i32, i64)>,
}

impl Cache {
    fn get(&self, page: (i32, bool), key: &Key) -> Option<Precompressed> {
        let kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(&page)
            .filter(|k| k.key == *key && k.at.elapsed() < KEPT_FOR)
            .map(|k| k.body.clone())
    }

    fn put(&self, page: (i32, bool), key: Key, body: Precompressed) {
        let mut kept = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let at = Instant::now();
        kept.insert(page, Kept { key, at, body });
    }
}

/// The province's page (`overview`) as sent: the one kept while its key holds, else counted
/// again. The key is read before the page, so a page is never older than its key.
pub async fn page(state: &AppState, code: i32, may_manage: bool) -> Result<Precompressed> {
    let onboarded = onboarded(&state.db, code).await?;
    let mut labels: Vec<(i32, Label)> = labels(&state.db, &onboarded).await?.into_iter().collect();
    labels.sort_by_key(|&(ward, _)| ward);
    let mut tickets: Vec<(i32, i64)> = open_tickets(&state.db, &onboarded)
        .await?
        .into_iter()
        .collect();
    tickets.sort_unstable();
    let key = Key {
        day: state.today(),
        labels,
        tickets,
    };
    if let Some(body) = state.provinces.get((code, may_manage), &key) {
        return Ok(body);
    }
    let overview = overview(state, code, may_manage).await?;
    let body = Precompressed::json(serde_json::to_vec(&overview).map_err(anyhow::Error::from)?)
        .map_err(anyhow::Error::from)?;
    state.provinces.put((code, may_manage), key, body.clone());
    Ok(body)
}

/// The province's wards that have started Ngõ Số (they have a catalogue), by code.
async fn onboarded(db: &PgPool, code: i32) -> Result<Vec<i32>> {
    Ok(sqlx::query_scalar!(
        "select w.code from wards w
         where w.province_code = $1 and exists (select from skills s where s.ward_code = w.code)
         order by w.code",
        code
    )
    .fetch_all(db)
    .await?)
}

/// The rapid-response tickets not yet resolved in each of the wards `codes` that has some.
async fn open_tickets(db: &PgPool, codes: &[i32]) -> Result<HashMap<i32, i64>> {
    let rows = sqlx::query!(
        r#"select t.ward_code as "ward!", count(*) as "open!"
           from tickets t where t.ward_code = any($1) and t.status <> 'resolved'
           group by t.ward_code"#,
        codes,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.ward, r.open)).collect())
}

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
    let tickets = open_tickets(&state.db, &onboarded).await?;
    let mut standing = HashMap::new();
    let mut skills: Vec<SkillColumn> = Vec::new();
    let labels = labels(&state.db, &onboarded).await?;
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
