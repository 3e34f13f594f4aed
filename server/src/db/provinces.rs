//! A province's wards side by side: each onboarded ward's dashboard totals, which the ward's
//! own dashboard cache keeps counted, and its week; kept as sent while nothing it counts has
//! moved.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
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

/// How old a page may be to answer a reader who arrives while another reader counts a newer
/// one: answered at once rather than queued. On a campaign day every sync in the province
/// moves the page's key, and its readers would otherwise each count it again, all at once
/// (p95 over a second at 8.7 million residents while 25 phones synced, and the phones slowed
/// to a third).
const FRESH_ENOUGH: Duration = Duration::from_secs(2);

/// Each province's latest page as sent, for those who may manage it and for those who may
/// not: one page serves every reader of a steering committee's meeting. With it, the turn to
/// count the next one, so that readers who find it too old share one count.
#[derive(Default)]
pub struct Cache(Mutex<HashMap<(i32, bool), Page>>);

#[derive(Default)]
struct Page {
    kept: Option<Kept>,
    counting: Arc<tokio::sync::Mutex<()>>,
}

struct Kept {
    key: Key,
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

/// What the cache gives a reader who read `key`.
enum Found {
    /// A page to send.
    Page(Precompressed),
    /// None new enough: count it, holding this turn.
    Count(tokio::sync::OwnedMutexGuard<()>),
}

impl Cache {
    async fn find(&self, page: (i32, bool), key: &Key) -> Found {
        let (counting, seen) = {
            let mut pages = self.0.lock().unwrap_or_else(|e| e.into_inner());
            let entry = pages.entry(page).or_default();
            let kept = entry.kept.as_ref();
            if let Some(k) = kept.filter(|k| k.key == *key && k.read_at.elapsed() < KEPT_FOR) {
                return Found::Page(k.body.clone());
            }
            match entry.counting.clone().try_lock_owned() {
                Ok(turn) => return Found::Count(turn),
                Err(_) => {
                    if let Some(k) = kept.filter(|k| k.read_at.elapsed() < FRESH_ENOUGH) {
                        return Found::Page(k.body.clone());
                    }
                }
            }
            (entry.counting.clone(), kept.map(|k| k.read_at))
        };
        // Queued behind a count: its page, once there, is the one these readers share, even
        // if counted from a key read just before theirs.
        let turn = counting.lock_owned().await;
        let pages = self.0.lock().unwrap_or_else(|e| e.into_inner());
        match pages.get(&page).and_then(|p| p.kept.as_ref()) {
            Some(k) if Some(k.read_at) > seen => Found::Page(k.body.clone()),
            _ => Found::Count(turn),
        }
    }

    fn put(&self, page: (i32, bool), key: Key, read_at: Instant, body: Precompressed) {
        let mut pages = self.0.lock().unwrap_or_else(|e| e.into_inner());
        pages.entry(page).or_default().kept = Some(Kept { key, read_at, body });
    }
}

/// The province's page (`overview`) as sent: the one kept while its key holds, else counted
/// again, once at a time. The key is read before the page, so a page is never older than its
/// key.
pub async fn page(state: &AppState, code: i32, may_manage: bool) -> Result<Precompressed> {
    let read_at = Instant::now();
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
    let _turn = match state.provinces.find((code, may_manage), &key).await {
        Found::Page(body) => return Ok(body),
        Found::Count(turn) => turn,
    };
    let overview = overview(state, code, may_manage).await?;
    let body = Precompressed::json(serde_json::to_vec(&overview).map_err(anyhow::Error::from)?)
        .map_err(anyhow::Error::from)?;
    state
        .provinces
        .put((code, may_manage), key, read_at, body.clone());
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(open_tickets: i64) -> Key {
        Key {
            day: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            labels: Vec::new(),
            tickets: vec![(619, open_tickets)],
        }
    }

    fn body(text: &str) -> Precompressed {
        Precompressed::json(text.as_bytes().to_vec()).unwrap()
    }

    fn sent(found: Found) -> Option<Precompressed> {
        match found {
            Found::Page(body) => Some(body),
            Found::Count(_) => None,
        }
    }

    #[tokio::test]
    async fn readers_share_one_count_and_take_a_fresh_page_meanwhile() {
        let cache = Cache::default();
        let page = (1, false);
        // Nothing kept: the first reader counts.
        let Found::Count(turn) = cache.find(page, &key(1)).await else {
            panic!("nothing was kept")
        };
        cache.put(page, key(1), Instant::now(), body("[1]"));
        drop(turn);
        // The same key: the kept page.
        assert!(sent(cache.find(page, &key(1)).await).is_some());
        // A moved key and nobody counting: counted again.
        let Found::Count(turn) = cache.find(page, &key(2)).await else {
            panic!("the key moved")
        };
        // Meanwhile another reader is answered at once with the page kept a moment ago.
        assert!(sent(cache.find(page, &key(2)).await).is_some());
        // A reader who finds the kept page too old waits for the count, and takes its page.
        cache.put(page, key(1), Instant::now() - FRESH_ENOUGH, body("[1]"));
        let waiting = {
            let cache = Arc::new(cache);
            let waiter = cache.clone();
            let handle = tokio::spawn(async move { sent(waiter.find(page, &key(3)).await) });
            tokio::task::yield_now().await;
            cache.put(page, key(2), Instant::now(), body("[2]"));
            drop(turn);
            handle
        };
        assert!(waiting.await.unwrap().is_some());
    }
}
