//! A province's deck for the city's steering-committee and party-committee meetings: where
//! its wards stand together against the province's targets, which lead the emulation, which
//! need help and which have not started. Wards are named; no one else is: it reads only the
//! province's figures-only page (`GET /provinces/{code}`), its skills catalogue and its
//! models' targets, which every province role may read.

use std::time::Duration;

use domain::api::{CatalogueSkill, Figure, ModelTargets, ProvinceOverview, ProvinceWard};
use domain::indicators::{Pace, figure};
use domain::models::{Model, SKILL_MODELS};
use leptos::prelude::*;

use super::{code_param, not_found};
use crate::api::{self, ApiError, Catalogue};
use crate::components::{ErrorNotice, SlideDeck, WardTiles, bar_row, skill_bar_row};
use crate::format::{date, date_time, number, percent};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{localised, model_name};

/// How often a deck left running fetches fresh figures.
const REFRESH: Duration = Duration::from_secs(120);
/// Wards per table slide: readable from the back of the room.
const WARDS_PER_SLIDE: usize = 8;
/// Wards not started, named on their slide before "and N more".
const WAITING_NAMED: usize = 30;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slide {
    Cover,
    /// Every ward as a tile, coloured by its households visited.
    Map,
    Skills,
    Models,
    Leaders,
    NeedHelp,
    NotStarted,
}

const SLIDES: [Slide; 7] = [
    Slide::Cover,
    Slide::Map,
    Slide::Skills,
    Slide::Models,
    Slide::Leaders,
    Slide::NeedHelp,
    Slide::NotStarted,
];

/// What the deck shows: the province's page, with the targets its wards are judged by.
#[derive(Clone)]
struct Deck {
    overview: ProvinceOverview,
    skills: Vec<CatalogueSkill>,
    models: ModelTargets,
}

impl Deck {
    fn started(&self) -> impl Iterator<Item = (&ProvinceWard, &domain::api::WardStanding)> {
        self.overview
            .wards
            .iter()
            .filter_map(|w| Some((w, w.standing.as_ref()?)))
    }

    /// The started wards in the emulation table's order, first first.
    fn ranked(&self) -> Vec<(&ProvinceWard, &domain::api::WardStanding)> {
        let mut wards: Vec<_> = self.started().collect();
        wards.sort_by_key(|(_, s)| s.rank);
        wards
    }

    fn day(&self) -> chrono::NaiveDate {
        domain::time::day(self.overview.computed_at)
    }

    /// The province's figure of a skill: every started ward's residents who have it, of all
    /// their residents it counts, judged against the province's target and deadline.
    fn skill(&self, skill: &CatalogueSkill) -> Figure {
        let (achieved, population) = self
            .started()
            .filter_map(|(_, s)| {
                let i = s.skills.iter().position(|t| t.code == skill.code)?;
                s.totals.skills.get(i)
            })
            .fold((0, 0), |(a, p), f| (a + f.achieved, p + f.population));
        let pace = Pace::to(skill.deadline, self.day());
        figure(achieved, population, skill.target_percent, pace)
    }

    /// The province's figure of a model with a target of its own, as `skill` counts.
    fn model(&self, model: Model) -> Option<(Figure, domain::api::TargetChange)> {
        let target = self.models.of(model)?;
        let (achieved, population) = self
            .started()
            .map(|(_, s)| model.figure(&s.totals.models))
            .fold((0, 0), |(a, p), f| (a + f.achieved, p + f.population));
        let pace = Pace::to(target.deadline, self.day());
        Some((
            figure(achieved, population, target.target_percent, pace),
            target,
        ))
    }
}

async fn load(province: i32) -> Result<Deck, ApiError> {
    let overview = api::province(province).await?;
    let skills = api::catalogue(Catalogue::Province(province)).await?;
    let models = api::province_models(province).await?;
    Ok(Deck {
        overview,
        skills,
        models,
    })
}

#[component]
pub fn ProvinceDeck() -> impl IntoView {
    let i18n = use_i18n();
    let code = code_param();
    let deck = RwSignal::new(None::<Result<Deck, ApiError>>);
    let fetch = move || {
        let Some(province) = code.get_untracked() else {
            deck.set(Some(Err(not_found())));
            return;
        };
        leptos::task::spawn_local(async move {
            // A failed refresh keeps the figures on screen; only the first load shows it.
            match load(province).await {
                Ok(d) => deck.set(Some(Ok(d))),
                Err(e) if deck.with_untracked(|d| !matches!(d, Some(Ok(_)))) => {
                    deck.set(Some(Err(e)));
                }
                Err(_) => {}
            }
        });
    };
    Effect::new(move |_| {
        code.track();
        fetch();
    });
    if let Ok(handle) = set_interval_with_handle(fetch, REFRESH) {
        on_cleanup(move || handle.clear());
    }
    let slide = move |index: usize| {
        deck.with(|d| match d {
            None => view! { <p class="loading" role="status">{t!(i18n, common.loading)}</p> }.into_any(),
            Some(Err(error)) => view! { <ErrorNotice error=error.clone() /> }.into_any(),
            Some(Ok(deck)) => view! {
                <section class="slide" aria-roledescription=move || t_string!(i18n, projector.slide)
                    aria-label=move || slide_title(SLIDES[index])()>
                    {render(SLIDES[index], deck)}
                    <footer class="slide-footer">
                        <span>{deck.overview.name.clone()}</span>
                        <span class="data-time">
                            {t!(i18n, projector.data_at, time = date_time(deck.overview.computed_at))}
                        </span>
                        <span>{t!(i18n, projector.page, n = index + 1, total = SLIDES.len())}</span>
                    </footer>
                </section>
            }
            .into_any(),
        })
    };
    view! { <SlideDeck titles=SLIDES.map(slide_title).to_vec() slide /> }
}

fn slide_title(slide: Slide) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || match slide {
        Slide::Cover => t_string!(i18n, projector.cover),
        Slide::Map => t_string!(i18n, projector.map),
        Slide::Skills => t_string!(i18n, projector.skills),
        Slide::Models => t_string!(i18n, projector.models),
        Slide::Leaders => t_string!(i18n, projector.leaders),
        Slide::NeedHelp => t_string!(i18n, projector.behind),
        Slide::NotStarted => t_string!(i18n, city_deck.not_started),
    }
}

fn render(slide: Slide, deck: &Deck) -> AnyView {
    match slide {
        Slide::Cover => cover(deck),
        Slide::Map => map(deck),
        Slide::Skills => skills(deck),
        Slide::Models => models(deck),
        Slide::Leaders => leaders(deck),
        Slide::NeedHelp => need_help(deck),
        Slide::NotStarted => not_started(deck),
    }
}

fn cover(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let total = deck.overview.wards.len();
    let started = deck.started().count();
    let (visited, registered, week) = deck.started().fold((0, 0, 0), |(v, r, w), (_, s)| {
        (
            v + s.totals.households_visited,
            r + s.totals.households_registered,
            w + s.visits_this_week,
        )
    });
    let coverage = (registered > 0).then(|| 100.0 * visited as f64 / registered as f64);
    view! {
        <p class="slide-kicker">{t!(i18n, projector.movement)}</p>
        <h1>{deck.overview.name.clone()}</h1>
        <div class="headline">
            <div class="figure">
                <span class="figure-value">{format!("{started}/{total}")}</span>
                <span class="figure-label">{t!(i18n, city_deck.wards_started)}</span>
            </div>
            <div class="figure">
                <span class="figure-value">{percent(coverage)}</span>
                <span class="figure-label">{t!(i18n, projector.households_visited)}</span>
                <span class="figure-detail">
                    {t!(i18n, projector.of_households, visited = number(visited), registered = number(registered))}
                </span>
            </div>
            <div class="figure">
                <span class="figure-value">{number(week)}</span>
                <span class="figure-label">{t!(i18n, city_deck.visits_this_week)}</span>
            </div>
        </div>
    }
    .into_any()
}

fn map(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    view! {
        <h2>{t!(i18n, province.map_title)}</h2>
        <WardTiles wards=deck.overview.wards.clone() day=deck.day() links=false />
    }
    .into_any()
}

fn skills(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let rows = deck
        .skills
        .iter()
        .map(|skill| {
            let name = localised(&skill.name_vi, &skill.name_en);
            skill_bar_row(
                view! { {name} }.into_any(),
                &deck.skill(skill),
                skill.target_percent,
                skill.deadline,
            )
        })
        .collect_view();
    view! {
        <h2>{t!(i18n, projector.skills_title)}</h2>
        <ul class="skill-rows">{rows}</ul>
    }
    .into_any()
}

/// The two models the province sets targets for, counted over its started wards.
fn models(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let rows = SKILL_MODELS
        .iter()
        .filter_map(|m| {
            let (figure, target) = deck.model(m.model)?;
            let detail = t!(
                i18n,
                city_deck.model_count,
                achieved = number(figure.achieved),
                population = number(figure.population),
                target = format!("{:.0}", target.target_percent),
                deadline = date(target.deadline)
            );
            Some(bar_row(
                model_name(m.model).into_any(),
                &figure,
                target.target_percent,
                detail.into_any(),
            ))
        })
        .collect_view();
    view! {
        <h2>{t!(i18n, projector.models_title)}</h2>
        <ul class="skill-rows models">{rows}</ul>
    }
    .into_any()
}

fn ward_table(
    wards: Vec<(&ProvinceWard, &domain::api::WardStanding)>,
    last: &'static str,
    value: impl Fn(&domain::api::WardStanding) -> String,
) -> AnyView {
    let i18n = use_i18n();
    let rows = wards
        .into_iter()
        .map(|(w, s)| {
            view! {
                <tr>
                    <td class="num">{s.rank}</td>
                    <th scope="row">{w.name.clone()}</th>
                    <td class="num">{format!("{:.1}", s.score)}</td>
                    <td class="num">{percent(s.totals.visit_coverage)}</td>
                    <td class="num">{value(s)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="ranking">
            <thead>
                <tr>
                    <th scope="col" class="num">{t!(i18n, projector.rank_col)}</th>
                    <th scope="col">{t!(i18n, province.ward)}</th>
                    <th scope="col" class="num">{t!(i18n, projector.score_col)}</th>
                    <th scope="col" class="num">{t!(i18n, projector.visited_col)}</th>
                    <th scope="col" class="num">{last}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn leaders(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let first = deck.ranked().into_iter().take(WARDS_PER_SLIDE).collect();
    view! {
        <h2>{t!(i18n, city_deck.leaders_title)}</h2>
        {ward_table(first, t_string!(i18n, province.week_visits), |s| number(s.visits_this_week))}
        <p class="slide-note">{t!(i18n, projector.score_rule)}</p>
    }
    .into_any()
}

/// The wards the province's page flags (no visit this week, or a skill behind its pace), the
/// last in the emulation table first.
fn need_help(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let mut flagged: Vec<_> = deck
        .ranked()
        .into_iter()
        .filter(|(_, s)| s.flagged())
        .collect();
    let count = flagged.len();
    flagged.reverse();
    flagged.truncate(WARDS_PER_SLIDE);
    let body = if count == 0 {
        view! { <p class="slide-note">{t!(i18n, city_deck.none_flagged)}</p> }.into_any()
    } else {
        view! {
            {ward_table(flagged, t_string!(i18n, city_deck.behind_col), |s| {
                if s.visits_this_week == 0 {
                    t_string!(use_i18n(), province.no_visits).to_owned()
                } else {
                    number(s.skills_behind() as i64)
                }
            })}
            <p class="slide-note">{t!(i18n, city_deck.flagged, count = count)}</p>
        }
        .into_any()
    };
    view! {
        <h2>{t!(i18n, city_deck.need_help_title)}</h2>
        {body}
    }
    .into_any()
}

fn not_started(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let waiting: Vec<&ProvinceWard> = deck
        .overview
        .wards
        .iter()
        .filter(|w| w.standing.is_none())
        .collect();
    let count = waiting.len();
    let more = count.saturating_sub(WAITING_NAMED);
    let names = waiting
        .into_iter()
        .take(WAITING_NAMED)
        .map(|w| view! { <li>{w.name.clone()}</li> })
        .collect_view();
    view! {
        <h2>{t!(i18n, city_deck.not_started_title, count = count)}</h2>
        <ul class="ward-names">{names}</ul>
        {(more > 0).then(|| view! { <p class="slide-note">{t!(i18n, city_deck.and_more, count = more)}</p> })}
    }
    .into_any()
}
