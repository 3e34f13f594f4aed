//! The ward's indicators, read from the counts the database keeps per TDP, skill and birth
//! year (migration 0002): a few thousand small rows per ward, however many residents, visits
//! and wards the database holds.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate};
use domain::api::{Dashboard, ModelFigures, ModelSettings, Skill, SkillFigure, TdpIndicators};
use domain::indicators::{
    Pace, figure, latest_eligible_birth_year, mean_rating, population, share_percent,
};
use domain::models::{IDENTITY_MIN_AGE, Model};
use sqlx::PgPool;
use uuid::Uuid;

use crate::AppState;
use crate::error::Result;
use crate::latest::{Found, Latest, Moment};
use crate::precompressed::Precompressed;

/// How long a busy ward's figures serve every reader: a ward is busy when its figures changed
/// again while they were being computed, as on a campaign day when its phones sync all day.
/// Its dashboard is then computed at most about once a second, whoever reads it, rather than
/// once per read (and says when: `Dashboard::computed_at`).
const BUSY_FOR: Duration = Duration::from_secs(1);

/// How old figures may be to answer a reader who arrives while another reader computes newer
/// ones: it is answered at once rather than queued behind the computation.
const FRESH_ENOUGH: Duration = Duration::from_secs(2);

/// Each ward's latest dashboard, kept both as figures (for the briefing and the weekly report)
/// and serialised (for the dashboard itself).
pub type Cache = Latest<i32, Cached>;

#[derive(Clone)]
pub struct Cached {
    stamp: Stamp,
    counted: Arc<Counted>,
    pub dashboard: Arc<Dashboard>,
    pub body: Precompressed,
}

/// What a dashboard was counted from, kept so that the next is counted again only for the
/// TDPs whose counter has moved since: on a campaign day a phone's sync changes one TDP.
struct Counted {
    counters: Counters,
    basis: Arc<Basis>,
    own: HashMap<Uuid, OwnCounts>,
}

/// The ward's own change counter and each of its TDPs', read in one snapshot (0 until their
/// first change).
struct Counters {
    ward: i64,
    tdps: HashMap<Uuid, i64>,
}

impl Counters {
    async fn read(db: &PgPool, ward_code: i32) -> Result<Counters> {
        let row = sqlx::query!(
            r#"select coalesce((select changes from ward_changes where ward_code = $1), 0)
                          as "ward!",
                      array(select tdp_id from tdp_changes where ward_code = $1 order by tdp_id)
                          as "tdp_ids!",
                      array(select changes from tdp_changes where ward_code = $1 order by tdp_id)
                          as "changes!""#,
            ward_code
        )
        .fetch_one(db)
        .await?;
        Ok(Counters {
            ward: row.ward,
            tdps: row.tdp_ids.into_iter().zip(row.changes).collect(),
        })
    }

    fn label(&self) -> Label {
        Label {
            ward: self.ward,
            tdps: self.tdps.values().sum(),
        }
    }

    /// The TDPs of `basis` whose counter is not what it was at `before`.
    fn moved_since(&self, before: &Counters, basis: &Basis) -> Vec<Uuid> {
        basis
            .tdps
            .iter()
            .map(|t| t.id)
            .filter(|id| self.tdps.get(id) != before.tdps.get(id))
            .collect()
    }
}

/// What a computed dashboard was computed from, and when.
#[derive(Debug, Clone, Copy)]
struct Stamp {
    /// The ward's label, read before the figures: figures newer than their label only cost a
    /// recomputation, never a stale answer.
    label: Label,
    /// The day the figures were judged on: ages count by its year, pace by the day itself.
    day: NaiveDate,
    /// When the label was read.
    at: Instant,
    /// The label had moved again by the time the figures were ready.
    busy: bool,
}

impl Stamp {
    /// Whether figures so stamped may answer a read now, when the ward's label is `label`.
    fn serves(&self, label: Label, day: NaiveDate, now: Instant, moment: Moment) -> bool {
        let age = now.saturating_duration_since(self.at);
        self.busy_serves(day, now)
            || (self.day == day
                && (self.label >= label || (moment == Moment::Counting && age < FRESH_ENOUGH)))
    }

    /// Whether figures so stamped serve a read now because the ward is busy, whatever its
    /// label.
    fn busy_serves(&self, day: NaiveDate, now: Instant) -> bool {
        self.day == day && self.busy && now.saturating_duration_since(self.at) < BUSY_FOR
    }
}

/// A ward's change counters, which the database raises on every change its figures depend on
/// (migrations 0002 and 0038): the ward's own, then the sum of its TDPs'. Ordered as they
/// move: a later label is greater, and a label never comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Label {
    ward: i64,
    tdps: i64,
}

impl Label {
    /// A ward's label from its counters read as `label` reads them, with other things in
    /// the same statement (a province page's key).
    pub fn of(ward: i64, tdps: i64) -> Label {
        Label { ward, tdps }
    }
}

/// The ward's dashboard: the latest computed while nothing has changed since (or while the
/// ward is busy, or another reader computes), else computed afresh, one reader at a time.
pub async fn current(state: &AppState, code: i32) -> Result<Cached> {
    current_with(state, code, None).await
}

/// The same, for a ward whose label was read already with others' (`labels`): a province's
/// page reads its wards' labels in one statement rather than one each.
pub async fn current_labelled(state: &AppState, code: i32, label: Label) -> Result<Cached> {
    current_with(state, code, Some(label)).await
}

async fn current_with(state: &AppState, code: i32, known: Option<Label>) -> Result<Cached> {
    let day = state.today();
    // A busy ward's latest figures serve whatever its label: no need to read it.
    if let Some(latest) = state.dashboards.latest(&code)
        && latest.stamp.busy_serves(day, Instant::now())
    {
        return Ok(latest);
    }
    let label = match known {
        Some(label) => label,
        None => label(&state.db, code).await?,
    };
    // Figures put while this reader waited serve it only if they are as new as its label: a
    // volunteer who has just synced sees the visit on the dashboard.
    let serves = |c: &Cached, moment| c.stamp.serves(label, day, Instant::now(), moment);
    let (latest, _turn) = match state.dashboards.find(&code, serves).await {
        Found::Kept(cached) => return Ok(cached),
        Found::Turn { latest, turn } => (latest, turn),
    };
    let cached = compute(state, code, latest).await?;
    state.dashboards.put(code, cached.clone());
    Ok(cached)
}

/// The ward's dashboard counted afresh: from `previous` and the TDPs whose counter has moved
/// since it, when neither the ward's own counter nor the year has; else from the beginning.
async fn compute(state: &AppState, code: i32, previous: Option<Cached>) -> Result<Cached> {
    let today = state.today();
    let counters = Counters::read(&state.db, code).await?;
    let label = counters.label();
    let at = Instant::now();
    let computed_at = state.now();
    let ward = super::wards::ward(&state.db, code).await?;
    let counted = match previous
        .filter(|p| p.stamp.day.year() == today.year() && p.counted.counters.ward == counters.ward)
    {
        Some(previous) => {
            let before = &previous.counted;
            let moved = counters.moved_since(&before.counters, &before.basis);
            let mut own = before.own.clone();
            own.extend(before.basis.own_counts(&state.db, &moved).await?);
            Counted {
                counters,
                basis: before.basis.clone(),
                own,
            }
        }
        None => {
            let basis = Basis::read(&state.db, code, None, today).await?;
            let own = basis.own_counts(&state.db, &basis.tdp_ids()).await?;
            Counted {
                counters,
                basis: Arc::new(basis),
                own,
            }
        }
    };
    let f = counted
        .basis
        .figures(&state.db, &counted.own, today)
        .await?;
    let dashboard = Dashboard {
        ward,
        computed_at,
        as_of_year: f.as_of_year,
        skills: f.skills,
        models: f.models,
        totals: f.totals,
        tdps: f.tdps,
    };
    let busy = self::label(&state.db, code).await? != label;
    Ok(Cached {
        stamp: Stamp {
            label,
            day: today,
            at,
            busy,
        },
        counted: Arc::new(counted),
        body: Precompressed::json(serde_json::to_vec(&dashboard).map_err(anyhow::Error::from)?)
            .map_err(anyhow::Error::from)?,
        dashboard: Arc::new(dashboard),
    })
}

/// The labels of the wards `codes` now, each read as `label` reads one, in one statement.
pub async fn labels(db: &PgPool, codes: &[i32]) -> Result<HashMap<i32, Label>> {
    let rows = sqlx::query!(
        r#"select w.code as "code!",
                  coalesce((select changes from ward_changes c where c.ward_code = w.code), 0)
                      as "ward!",
                  coalesce((select sum(changes) from tdp_changes t where t.ward_code = w.code), 0)
                      ::bigint as "tdps!"
           from unnest($1::int[]) as w(code)"#,
        codes
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let label = Label {
                ward: r.ward,
                tdps: r.tdps,
            };
            (r.code, label)
        })
        .collect())
}

/// The ward's label now: both counters in one snapshot, 0 until their first change.
pub async fn label(db: &PgPool, ward_code: i32) -> Result<Label> {
    let row = sqlx::query!(
        r#"select coalesce((select changes from ward_changes where ward_code = $1), 0) as "ward!",
                  coalesce((select sum(changes) from tdp_changes where ward_code = $1), 0)::bigint
                      as "tdps!""#,
        ward_code
    )
    .fetch_one(db)
    .await?;
    Ok(Label {
        ward: row.ward,
        tdps: row.tdps,
    })
}

pub struct Figures {
    pub as_of_year: i32,
    pub skills: Vec<Skill>,
    pub models: ModelSettings,
    pub totals: TdpIndicators,
    pub tdps: Vec<TdpIndicators>,
}

pub async fn skills(db: &PgPool, ward_code: i32) -> Result<Vec<Skill>> {
    Ok(sqlx::query_as!(
        Skill,
        "select id, ward_code, code, name_vi, name_en, min_age, target_percent, deadline, position
         from skills where ward_code = $1 and retired_on is null order by position, code",
        ward_code
    )
    .fetch_all(db)
    .await?)
}

/// The figures of a ward's TDPs (or of one TDP, with `only`) on a day: ages are counted by
/// its year.
pub async fn figures(
    db: &PgPool,
    ward_code: i32,
    only: Option<Uuid>,
    today: NaiveDate,
) -> Result<Figures> {
    let basis = Basis::read(db, ward_code, only, today).await?;
    let own = basis.own_counts(db, &basis.tdp_ids()).await?;
    basis.figures(db, &own, today).await
}

/// What all of a ward's figures hang on: its TDPs, its skills and the models' settings, and
/// the year ages are counted in. Read again when the ward's own counter moves.
struct Basis {
    as_of_year: i32,
    skills: Vec<Skill>,
    /// The latest birth year eligible for each skill, in the order of `skills`.
    max_birth_years: Vec<i32>,
    models: ModelSettings,
    tdps: Vec<Tdp>,
}

struct Tdp {
    id: Uuid,
    code: String,
    name: String,
    households_registered: i32,
    adults_registered: i32,
}

/// The counts of one TDP that change only with its own counter, whoever reads them.
#[derive(Clone, Default)]
struct OwnCounts {
    /// Residents recorded per birth year (bucket): enough to count the eligible for any age.
    born: Vec<(i32, i64)>,
    /// Residents with each skill, eligible by age, in the order of `Basis::skills`.
    achieved: Vec<i64>,
    /// Households visited, and the sum and count of their ratings.
    visits: (i64, i64, i64),
    models: super::models::Counts,
}

impl Basis {
    async fn read(
        db: &PgPool,
        ward_code: i32,
        only: Option<Uuid>,
        today: NaiveDate,
    ) -> Result<Basis> {
        let as_of_year = today.year();
        let skills = skills(db, ward_code).await?;
        let tdps = sqlx::query_as!(
            Tdp,
            "select id, code, name, households_registered, adults_registered from tdps
             where ward_code = $1 and ($2::uuid is null or id = $2) order by code",
            ward_code,
            only,
        )
        .fetch_all(db)
        .await?;
        Ok(Basis {
            as_of_year,
            max_birth_years: skills
                .iter()
                .map(|s| latest_eligible_birth_year(s.min_age, as_of_year))
                .collect(),
            skills,
            models: super::models::settings(db, ward_code).await?,
            tdps,
        })
    }

    fn tdp_ids(&self) -> Vec<Uuid> {
        self.tdps.iter().map(|t| t.id).collect()
    }

    /// The own counts of the TDPs `tdp_ids`, each of them (zero where nothing is recorded).
    async fn own_counts(&self, db: &PgPool, tdp_ids: &[Uuid]) -> Result<HashMap<Uuid, OwnCounts>> {
        let mut own: HashMap<Uuid, OwnCounts> = tdp_ids
            .iter()
            .map(|id| {
                let counts = OwnCounts {
                    achieved: vec![0; self.skills.len()],
                    ..OwnCounts::default()
                };
                (*id, counts)
            })
            .collect();
        // The counts are kept by the database (migration 0002), whose lowest birth bucket
        // holds everyone born up to 2007, eligible for every age in every year from 2025 on.
        for row in sqlx::query!(
            "select tdp_id, birth_bucket, residents from tdp_resident_counts
             where tdp_id = any($1)",
            tdp_ids
        )
        .fetch_all(db)
        .await?
        {
            if let Some(c) = own.get_mut(&row.tdp_id) {
                c.born.push((row.birth_bucket, row.residents));
            }
        }

        let skill_ids: Vec<Uuid> = self.skills.iter().map(|s| s.id).collect();
        for row in sqlx::query!(
            r#"select c.tdp_id, s.i::int as "i!", sum(c.achieved)::bigint as "n!"
               from unnest($1::uuid[], $2::int[]) with ordinality as s(skill_id, max_birth_year, i)
               join tdp_skill_counts c
                 on c.skill_id = s.skill_id and c.birth_bucket <= s.max_birth_year
               where c.tdp_id = any($3)
               group by c.tdp_id, s.i"#,
            &skill_ids,
            &self.max_birth_years,
            tdp_ids,
        )
        .fetch_all(db)
        .await?
        {
            let i = usize::try_from(row.i - 1).map_err(anyhow::Error::from)?;
            if let Some(n) = own.get_mut(&row.tdp_id).and_then(|c| c.achieved.get_mut(i)) {
                *n = row.n;
            }
        }

        for row in sqlx::query!(
            "select tdp_id, households_visited, rating_sum, ratings from tdp_visit_counts
             where tdp_id = any($1)",
            tdp_ids,
        )
        .fetch_all(db)
        .await?
        {
            if let Some(c) = own.get_mut(&row.tdp_id) {
                c.visits = (row.households_visited, row.rating_sum, row.ratings);
            }
        }

        for (id, counts) in super::models::counts(db, tdp_ids, self.as_of_year).await? {
            if let Some(c) = own.get_mut(&id) {
                c.models = counts;
            }
        }
        Ok(own)
    }

    /// The figures of every TDP of the basis from their own counts, with their mentors
    /// counted afresh, and the ward's totals.
    async fn figures(
        &self,
        db: &PgPool,
        own: &HashMap<Uuid, OwnCounts>,
        on: NaiveDate,
    ) -> Result<Figures> {
        let mentors = super::models::mentors(db, &self.tdp_ids(), &self.models).await?;
        let identity_max_year = latest_eligible_birth_year(IDENTITY_MIN_AGE, self.as_of_year);
        let mut total_models = [(0i64, 0i64); 4];
        let mut total_achieved = vec![0i64; self.skills.len()];
        let mut total_population = vec![0i64; self.skills.len()];
        let (mut total_households, mut total_visited, mut total_rating_sum, mut total_ratings) =
            (0i64, 0i64, 0i64, 0i64);
        let none = OwnCounts::default();
        let mut rows = Vec::with_capacity(self.tdps.len());
        for tdp in &self.tdps {
            let own = own.get(&tdp.id).unwrap_or(&none);
            let recorded = |max_year: i32| -> i64 {
                own.born
                    .iter()
                    .filter(|(year, _)| *year <= max_year)
                    .map(|(_, n)| n)
                    .sum()
            };
            let figures: Vec<SkillFigure> = self
                .skills
                .iter()
                .enumerate()
                .map(|(i, skill)| {
                    let population = population(
                        tdp.adults_registered.into(),
                        recorded(self.max_birth_years[i]),
                    );
                    let achieved = own.achieved.get(i).copied().unwrap_or(0);
                    total_achieved[i] += achieved;
                    total_population[i] += population;
                    skill_figure(skill, achieved, population, on)
                })
                .collect();
            let (visited, rating_sum, ratings) = own.visits;
            let households = i64::from(tdp.households_registered);
            let counts = own.models;
            let mentors = mentors.get(&tdp.id).copied().unwrap_or_default();
            let model_figures = [
                (counts.families, population(households, counts.households)),
                (
                    counts.identity,
                    population(tdp.adults_registered.into(), recorded(identity_max_year)),
                ),
                (mentors.at_quota, mentors.mentors),
                (counts.cashless, counts.traders),
            ];
            for (total, (achieved, population)) in total_models.iter_mut().zip(model_figures) {
                total.0 += achieved;
                total.1 += population;
            }
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
                models: model_figures_of(&self.models, model_figures, on),
                visits_withheld: false,
                ratings_withheld: false,
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
            skills: self
                .skills
                .iter()
                .enumerate()
                .map(|(i, s)| skill_figure(s, total_achieved[i], total_population[i], on))
                .collect(),
            models: model_figures_of(&self.models, total_models, on),
            visits_withheld: false,
            ratings_withheld: false,
        };
        Ok(Figures {
            as_of_year: self.as_of_year,
            skills: self.skills.clone(),
            models: self.models.clone(),
            totals,
            tdps: rows,
        })
    }
}

/// (achieved, population) of "Gia đình số", "Mỗi công dân – Một danh tính số", "Đại sứ số"
/// and "Chợ số", judged on `on` against the pace to their targets by the year's end.
fn model_figures_of(
    settings: &ModelSettings,
    [families, identity, ambassadors, cashless]: [(i64, i64); 4],
    on: NaiveDate,
) -> ModelFigures {
    let of = |model: Model, (achieved, population): (i64, i64)| {
        figure(
            achieved,
            population,
            model.target(settings),
            model.pace(settings, on),
        )
    };
    ModelFigures {
        families: of(Model::Families, families),
        identity: of(Model::Identity, identity),
        ambassadors: of(Model::Ambassadors, ambassadors),
        cashless: of(Model::Cashless, cashless),
    }
}

fn skill_figure(skill: &Skill, achieved: i64, population: i64, on: NaiveDate) -> SkillFigure {
    let f = figure(
        achieved,
        population,
        skill.target_percent,
        Pace::to(skill.deadline, on),
    );
    SkillFigure {
        skill_id: skill.id,
        achieved: f.achieved,
        population: f.population,
        share: f.share,
        progress: f.progress,
        withheld: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn label(ward: i64, tdps: i64) -> Label {
        Label { ward, tdps }
    }

    fn stamp(at: Instant, busy: bool) -> Stamp {
        Stamp {
            label: label(3, 40),
            day: day("2026-12-07"),
            at,
            busy,
        }
    }

    #[test]
    fn labels_order_as_the_counters_move() {
        assert!(label(3, 41) > label(3, 40));
        // A TDP removed: the sum falls, the ward's counter rises.
        assert!(label(4, 10) > label(3, 40));
    }

    #[test]
    fn a_quiet_ward_is_computed_again_on_its_next_change() {
        let at = Instant::now();
        let s = stamp(at, false);
        assert!(s.serves(label(3, 40), day("2026-12-07"), at, Moment::Idle));
        assert!(!s.serves(label(3, 41), day("2026-12-07"), at, Moment::Idle));
        assert!(!s.serves(label(4, 0), day("2026-12-07"), at, Moment::Idle));
        // Nor does a new day wait: pace and ages count by it.
        assert!(!s.serves(label(3, 40), day("2026-12-08"), at, Moment::Idle));
    }

    #[test]
    fn a_busy_ward_is_computed_again_after_a_second() {
        let at = Instant::now();
        let s = stamp(at, true);
        assert!(s.serves(
            label(3, 90),
            day("2026-12-07"),
            at + Duration::from_millis(900),
            Moment::Idle
        ));
        assert!(!s.serves(label(3, 90), day("2026-12-07"), at + BUSY_FOR, Moment::Idle));
        assert!(!s.serves(label(3, 40), day("2026-12-08"), at, Moment::Idle));
    }

    #[test]
    fn a_reader_does_not_wait_for_another_s_computation_of_recent_figures() {
        let at = Instant::now();
        let s = stamp(at, false);
        assert!(s.serves(
            label(3, 41),
            day("2026-12-07"),
            at + Duration::from_millis(1900),
            Moment::Counting
        ));
        assert!(!s.serves(
            label(3, 41),
            day("2026-12-07"),
            at + FRESH_ENOUGH,
            Moment::Counting
        ));
    }
}
