//! A province's wards side by side: each onboarded ward's dashboard totals, which the ward's
//! own dashboard cache keeps counted, and its week; kept as sent while nothing it counts has
//! moved.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use domain::api::{ProvinceOverview, ProvinceWard, SkillColumn, SkillTarget, WardStanding};
use domain::indicators::{rank, score};
use sqlx::PgPool;

use super::dashboard::{Label, labels};
use crate::AppState;
use crate::error::{Error, Result};
use crate::latest::{Found, Latest, Moment};
use crate::precompressed::Precompressed;

/// How long a province's page answers while nothing it counts has moved. Not for ever: a ward
/// busy with syncs answers with figures up to a second older than its label
/// (`dashboard::BUSY_FOR`), which a page kept by that label would hold on to.
const KEPT_FOR: Duration = Duration::from_secs(5);

/// How old a page may be to answer a reader who arrives while another reader counts a newer
/// one: answered at once rather than queued. On a campaign day every sync in the province
/// moves the page's key, and its readers would otherwise each count it again, all at once
/// (p95 over a second at 8.7 million residents while 25 phones synced, and the phones slowed
/// to a third).
const FRESH_ENOUGH: Duration = Duration::from_secs(2);

/// Each province's latest page as sent, for those who may manage it and for those who may
/// not: one page serves every reader of a steering committee's meeting.
pub type Cache = Latest<(i32, bool), Kept>;

#[derive(Clone)]
pub struct Kept {
    key: Arc<Key>,
    /// When its key was read.
    read_at: Instant,
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

impl Key {
    /// The province's key now, in one statement: every read of the page reads it, and the
    /// kept page answers most of them.
    async fn read(db: &PgPool, code: i32, day: NaiveDate) -> Result<Key> {
        let rows = sqlx::query!(
            r#"select w.code,
                      coalesce((select changes from ward_changes c where c.ward_code = w.code), 0)
                          as "ward!",
                      coalesce((select sum(changes) from tdp_changes t
                                where t.ward_code = w.code), 0)::bigint as "tdps!",
                      (select count(*) from tickets k
                       where k.ward_code = w.code and k.status <> 'resolved') as "open!"
               from wards w
               where w.province_code = $1
                 and exists (select from skills s where s.ward_code = w.code)
               order by w.code"#,
            code
        )
        .fetch_all(db)
        .await?;
        Ok(Key {
            day,
            labels: rows
                .iter()
                .map(|r| (r.code, Label::of(r.ward, r.tdps)))
                .collect(),
            // Only the wards with some, as `open_tickets` counts them for the page.
            tickets: rows
                .iter()
                .filter(|r| r.open > 0)
                .map(|r| (r.code, r.open))
                .collect(),
        })
    }
}

impl Kept {
    /// Whether this page answers a reader who read `key`. Never one of another day. A page
    /// put while the reader waited serves it even if counted from a key read just before
    /// its own: the readers queued behind a count share its page.
    fn serves(&self, key: &Key, moment: Moment) -> bool {
        let age = self.read_at.elapsed();
        self.key.day == key.day
            && match moment {
                Moment::Idle => *self.key == *key && age < KEPT_FOR,
                Moment::Counting => age < FRESH_ENOUGH,
                Moment::Counted => true,
            }
    }
}

/// The province's page (`overview`) as sent: the one kept while its key holds, else counted
/// again, once at a time. The key is read before the page, so a page is never older than its
/// key.
pub async fn page(state: &AppState, code: i32, may_manage: bool) -> Result<Precompressed> {
    let read_at = Instant::now();
    let key = Key::read(&state.db, code, state.today()).await?;
    let page = (code, may_manage);
    let serves = |kept: &Kept, moment| kept.serves(&key, moment);
    let _turn = match state.provinces.find(&page, serves).await {
        Found::Kept(kept) => return Ok(kept.body),
        Found::Turn { turn, .. } => turn,
    };
    let overview = overview(state, code, may_manage).await?;
    let body = Precompressed::json(serde_json::to_vec(&overview).map_err(anyhow::Error::from)?)
        .map_err(anyhow::Error::from)?;
    let kept = Kept {
        key: Arc::new(key),
        read_at,
        body: body.clone(),
    };
    state.provinces.put(page, kept);
    Ok(body)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(day: &str, open_tickets: i64) -> Key {
        Key {
            day: day.parse().unwrap(),
            labels: Vec::new(),
            tickets: vec![(619, open_tickets)],
        }
    }

    fn kept(key: Key, age: Duration) -> Kept {
        Kept {
            key: Arc::new(key),
            read_at: Instant::now() - age,
            body: Precompressed::json(b"[]".to_vec()).unwrap(),
        }
    }

    #[test]
    fn a_page_serves_its_key_then_briefly_while_a_newer_is_counted() {
        let page = kept(key("2026-12-07", 1), Duration::ZERO);
        assert!(page.serves(&key("2026-12-07", 1), Moment::Idle));
        assert!(!page.serves(&key("2026-12-07", 2), Moment::Idle));
        assert!(page.serves(&key("2026-12-07", 2), Moment::Counting));
        assert!(page.serves(&key("2026-12-07", 2), Moment::Counted));
        let old = kept(key("2026-12-07", 1), FRESH_ENOUGH);
        assert!(!old.serves(&key("2026-12-07", 2), Moment::Counting));
        let stale = kept(key("2026-12-07", 1), KEPT_FOR);
        assert!(!stale.serves(&key("2026-12-07", 1), Moment::Idle));
    }

    #[test]
    fn a_page_never_serves_another_day() {
        let page = kept(key("2026-12-07", 1), Duration::ZERO);
        for moment in [Moment::Idle, Moment::Counting, Moment::Counted] {
            assert!(!page.serves(&key("2026-12-08", 1), moment));
        }
    }
}
