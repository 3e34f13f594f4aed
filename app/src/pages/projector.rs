//! The projector ("Trình chiếu"): the ward's briefing as full-screen slides for party-cell
//! meetings, and the ward's public progress page its closing QR code opens. Figures only —
//! the API it reads (`GET /wards/{code}/briefing`) has no names to show. `?to=<TDP id>`
//! makes a deck about one TDP. Large type sized to the screen, dark text on white for lit
//! rooms, colours always with words; the keys, clickers and swipes of `SlideDeck`.

use std::time::Duration;

use domain::api::{Briefing, Figure, TdpIndicators};
use domain::indicators::{COVERAGE_TARGET, Pace, Progress, Standing, progress, ranking};
use domain::map::Projection;
use domain::models::Model;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use super::{code_param, not_found};
use crate::api;
use crate::components::{
    ErrorNotice, MapView, SlideDeck, TdpShape, band_class, bar_row, colour, legend_bands,
    skill_bar_row,
};
use crate::format::{date, date_time, hour_minute, number, percent, rating};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{model_name, skill_name};

/// How often a deck left running fetches fresh figures.
const REFRESH: Duration = Duration::from_secs(120);
/// TDPs per ranking slide: a table readable from the back of the room.
const RANKED_PER_SLIDE: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slide {
    Cover,
    Skills,
    /// The movement's four models against the ward's targets.
    Models,
    /// The campaigns running, each indicator against the straight line to its target.
    Campaigns,
    Map,
    Leaders,
    Behind,
    Bands,
    Satisfaction,
    /// Classes and help points of the coming days.
    Activities,
    Closing,
}

const SLIDES: [Slide; 11] = [
    Slide::Cover,
    Slide::Skills,
    Slide::Models,
    Slide::Campaigns,
    Slide::Map,
    Slide::Leaders,
    Slide::Behind,
    Slide::Bands,
    Slide::Satisfaction,
    Slide::Activities,
    Slide::Closing,
];

/// The briefing, with whether it is the copy kept on this device (offline), and the TDP the
/// deck is about, if any.
#[derive(Clone)]
struct Deck {
    briefing: Briefing,
    kept: bool,
    focus: Option<usize>,
    standings: Vec<Standing>,
}

impl Deck {
    fn new(briefing: Briefing, kept: bool, focus: Option<Uuid>) -> Self {
        let standings = ranking(&briefing.tdps, &briefing.skills);
        let focus = focus.and_then(|id| briefing.tdps.iter().position(|t| t.tdp_id == Some(id)));
        Self {
            briefing,
            kept,
            focus,
            standings,
        }
    }

    /// The figures the headline slides show: the TDP's, or the ward's.
    fn figures(&self) -> &TdpIndicators {
        self.focus
            .map_or(&self.briefing.totals, |i| &self.briefing.tdps[i])
    }

    fn title(&self) -> String {
        match self.focus {
            Some(i) => format!(
                "{} · {}",
                self.briefing.tdps[i].name, self.briefing.ward.name
            ),
            None => self.briefing.ward.name.clone(),
        }
    }
}

#[component]
pub fn Projector() -> impl IntoView {
    let i18n = use_i18n();
    let code = code_param();
    let query = use_query_map();
    let focus = Memo::new(move |_| {
        query
            .read()
            .get("to")
            .and_then(|id| id.parse::<Uuid>().ok())
    });
    let deck = RwSignal::new(None::<Result<Deck, api::ApiError>>);
    let load = move || {
        let (Some(ward), focus) = (code.get_untracked(), focus.get_untracked()) else {
            deck.set(Some(Err(not_found())));
            return;
        };
        leptos::task::spawn_local(async move {
            let answer = api::briefing(ward).await;
            // A failed refresh keeps the figures on screen; only the first load shows it.
            match answer {
                Ok((briefing, kept)) => deck.set(Some(Ok(Deck::new(briefing, kept, focus)))),
                Err(e) if deck.with_untracked(|d| !matches!(d, Some(Ok(_)))) => {
                    deck.set(Some(Err(e)));
                }
                Err(_) => {}
            }
        });
    };
    Effect::new(move |_| {
        code.track();
        focus.track();
        load();
    });
    if let Ok(handle) = set_interval_with_handle(load, REFRESH) {
        on_cleanup(move || handle.clear());
    }

    let slide = move |index: usize| {
        deck.with(|d| match d {
            None => view! { <p class="loading" role="status">{t!(i18n, common.loading)}</p> }.into_any(),
            Some(Err(error)) => view! { <ErrorNotice error=error.clone() /> }.into_any(),
            Some(Ok(deck)) => {
                view! {
                    <section class="slide" aria-roledescription=move || t_string!(i18n, projector.slide)
                        aria-label=move || slide_title(SLIDES[index])()>
                        {render(SLIDES[index], deck)}
                        <footer class="slide-footer">
                            <span>{deck.title()}</span>
                            <span class="data-time">
                                {t!(i18n, projector.data_at, time = date_time(deck.briefing.generated_at))}
                                {deck.kept.then(|| view! { " · " {t!(i18n, projector.kept)} })}
                            </span>
                            <span>{t!(i18n, projector.page, n = index + 1, total = SLIDES.len())}</span>
                        </footer>
                    </section>
                }
                .into_any()
            }
        })
    };

    view! { <SlideDeck titles=SLIDES.map(slide_title).to_vec() slide /> }
}

fn slide_title(slide: Slide) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    let i18n = use_i18n();
    move || match slide {
        Slide::Cover => t_string!(i18n, projector.cover),
        Slide::Skills => t_string!(i18n, projector.skills),
        Slide::Models => t_string!(i18n, projector.models),
        Slide::Campaigns => t_string!(i18n, projector.campaigns),
        Slide::Map => t_string!(i18n, projector.map),
        Slide::Leaders => t_string!(i18n, projector.leaders),
        Slide::Behind => t_string!(i18n, projector.behind),
        Slide::Bands => t_string!(i18n, projector.bands),
        Slide::Satisfaction => t_string!(i18n, projector.satisfaction),
        Slide::Activities => t_string!(i18n, projector.activities),
        Slide::Closing => t_string!(i18n, projector.closing),
    }
}

fn render(slide: Slide, deck: &Deck) -> AnyView {
    match slide {
        Slide::Cover => cover(deck),
        Slide::Skills => skills(deck),
        Slide::Models => models(deck),
        Slide::Campaigns => campaigns(deck),
        Slide::Map => map(deck),
        Slide::Leaders => ranked(deck, false),
        Slide::Behind => ranked(deck, true),
        Slide::Bands => bands(deck),
        Slide::Satisfaction => satisfaction(deck),
        Slide::Activities => activities(deck),
        Slide::Closing => closing(deck),
    }
}

/// A count as the public briefing may show it: "< 5" where it is withheld.
fn count(n: i64, withheld: bool) -> String {
    if withheld {
        format!("< {}", domain::disclosure::THRESHOLD)
    } else {
        number(n)
    }
}

fn cover(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let f = deck.figures().clone();
    let total = deck.briefing.tdps.len();
    let standing = deck
        .focus
        .and_then(|i| deck.standings.iter().find(|s| s.tdp == i).copied());
    view! {
        <p class="slide-kicker">{t!(i18n, projector.movement)}</p>
        <h1>{deck.title()}</h1>
        <div class="headline">
            <div class="figure">
                <span class="figure-value">{percent(f.visit_coverage)}</span>
                <span class="figure-label">{t!(i18n, projector.households_visited)}</span>
                <span class="figure-detail">
                    {t!(i18n, projector.of_households, visited = count(f.households_visited, f.visits_withheld), registered = number(f.households_registered))}
                </span>
            </div>
            <div class="figure">
                <span class="figure-value">{rating(f.satisfaction)}</span>
                <span class="figure-label">{t!(i18n, projector.satisfaction)}</span>
                <span class="figure-detail">{ratings(&f)}</span>
            </div>
            {match standing {
                Some(s) => view! {
                    <div class="figure">
                        <span class="figure-value">{format!("{}/{total}", s.rank)}</span>
                        <span class="figure-label">{t!(i18n, projector.rank)}</span>
                        <span class="figure-detail">{t!(i18n, projector.score, score = format!("{:.1}", s.score))}</span>
                    </div>
                }.into_any(),
                None => view! {
                    <div class="figure">
                        <span class="figure-value">{total}</span>
                        <span class="figure-label">{t!(i18n, projector.tdps)}</span>
                    </div>
                }.into_any(),
            }}
        </div>
    }
    .into_any()
}

fn skills(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let rows = deck
        .briefing
        .skills
        .iter()
        .zip(&deck.figures().skills)
        .map(|(skill, figure)| {
            skill_bar_row(
                skill_name(skill).into_any(),
                &figure.figure(),
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

/// "Gia đình số", "Danh tính số", "Đại sứ số" and "Chợ số": counts, never names.
fn models(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let rows = Model::ALL
        .map(|model| {
            let figure = model.figure(&deck.figures().models);
            let target = model.target(&deck.briefing.models);
            let detail = t!(
                i18n,
                projector.model_count,
                achieved = count(figure.achieved, figure.withheld),
                population = number(figure.population),
                target = format!("{target:.0}")
            );
            bar_row(
                model_name(model).into_any(),
                figure,
                target,
                detail.into_any(),
            )
        })
        .into_iter()
        .collect_view();
    view! {
        <h2>{t!(i18n, projector.models_title)}</h2>
        <ul class="skill-rows models">{rows}</ul>
    }
    .into_any()
}

fn map(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let features = &deck.briefing.boundaries.features;
    let Some(projection) = Projection::fit(features.iter().map(|f| &f.geometry)) else {
        return view! {
            <h2>{t!(i18n, projector.map_title)}</h2>
            <p>{t!(i18n, map.no_boundaries)}</p>
        }
        .into_any();
    };
    let focused = deck.focus.and_then(|i| deck.briefing.tdps[i].tdp_id);
    // Households visited, against the pace to all of them by the year's end.
    let year = Pace::this_year(domain::time::day(deck.briefing.generated_at));
    let shapes = features
        .iter()
        .map(|f| {
            let coverage = deck
                .briefing
                .tdps
                .iter()
                .find(|t| t.tdp_id == Some(f.properties.tdp_id))
                .and_then(|t| t.visit_coverage);
            let class = if focused == Some(f.properties.tdp_id) {
                "tdp focus"
            } else {
                "tdp"
            };
            let fill = colour(coverage.map(|c| progress(Some(c), COVERAGE_TARGET, year)));
            TdpShape {
                path: projection.path(&f.geometry),
                at: projection.label(&f.geometry),
                code: f.properties.code.clone(),
                class,
            }
            .view(fill)
        })
        .collect_view();
    view! {
        <h2>{t!(i18n, projector.map_title)}</h2>
        <div class="deck-map-frame">
            <svg class="ward-map deck-map" viewBox=MapView::whole(&projection).view_box() role="img"
                aria-label=move || t_string!(i18n, projector.map_title)>
                {shapes}
            </svg>
            <ul class="legend">{legend_bands(move || (COVERAGE_TARGET, year))}</ul>
        </div>
    }
    .into_any()
}

/// The first TDPs of the ranking, or the last ones (`behind`), the last first.
fn ranked(deck: &Deck, behind: bool) -> AnyView {
    let i18n = use_i18n();
    let total = deck.standings.len();
    let chosen: Vec<Standing> = if behind {
        deck.standings
            .iter()
            .rev()
            .take(RANKED_PER_SLIDE)
            .copied()
            .collect()
    } else {
        deck.standings
            .iter()
            .take(RANKED_PER_SLIDE)
            .copied()
            .collect()
    };
    let rows = chosen
        .into_iter()
        .map(|s| {
            let tdp = &deck.briefing.tdps[s.tdp];
            let class = (deck.focus == Some(s.tdp)).then_some("focus");
            view! {
                <tr class=class>
                    <td class="num">{s.rank}</td>
                    <th scope="row">{tdp.name.clone()}</th>
                    <td class="num">{format!("{:.1}", s.score)}</td>
                    <td class="num">{percent(tdp.visit_coverage)}</td>
                </tr>
            }
        })
        .collect_view();
    let focus_row = deck.focus.and_then(|i| {
        let s = deck.standings.iter().find(|s| s.tdp == i)?;
        Some(view! {
            <p class="slide-note">
                {t!(i18n, projector.focus_rank, name = deck.briefing.tdps[i].name.clone(), rank = s.rank, total = total)}
            </p>
        })
    });
    view! {
        <h2>{if behind { t!(i18n, projector.behind_title).into_any() } else { t!(i18n, projector.leaders_title).into_any() }}</h2>
        <table class="ranking">
            <thead>
                <tr>
                    <th scope="col" class="num">{t!(i18n, projector.rank_col)}</th>
                    <th scope="col">{t!(i18n, projector.tdp_col)}</th>
                    <th scope="col" class="num">{t!(i18n, projector.score_col)}</th>
                    <th scope="col" class="num">{t!(i18n, projector.visited_col)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {focus_row}
        <p class="slide-note">{t!(i18n, projector.score_rule)}</p>
    }
    .into_any()
}

/// For each skill, how many TDPs have reached its target, are on track, or are behind.
fn bands(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let total = deck.briefing.tdps.len().max(1);
    let rows = deck
        .briefing
        .skills
        .iter()
        .enumerate()
        .map(|(i, skill)| {
            let count = |p: Progress| {
                deck.briefing
                    .tdps
                    .iter()
                    .filter(|t| t.skills.get(i).is_some_and(|f| f.progress == p))
                    .count()
            };
            let parts =
                [Progress::Reached, Progress::OnTrack, Progress::Behind].map(|p| (p, count(p)));
            view! {
                <li class="skill-row bands">
                    <span class="skill-name">{skill_name(skill)}</span>
                    <span class="stack">
                        {parts.into_iter().filter(|(_, n)| *n > 0).map(|(p, n)| view! {
                            <span class=format!("stack-part {}", band_class(p))
                                style:flex-grow=(n * 100 / total).to_string()>{n}</span>
                        }).collect_view()}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! {
        <h2>{t!(i18n, projector.bands_title)}</h2>
        <ul class="legend">
            <li><span class="swatch reached"></span>{t!(i18n, progress.reached)}</li>
            <li><span class="swatch on-track"></span>{t!(i18n, progress.on_track)}</li>
            <li><span class="swatch behind"></span>{t!(i18n, progress.behind)}</li>
        </ul>
        <ul class="skill-rows">{rows}</ul>
    }
    .into_any()
}

/// How many ratings a mean is made of; in the public briefing, a TDP's are not shown.
fn ratings(f: &TdpIndicators) -> impl IntoView + use<> {
    let i18n = use_i18n();
    if f.ratings_withheld {
        t!(i18n, projector.ratings_ward_only).into_any()
    } else {
        t!(i18n, projector.ratings, count = number(f.ratings)).into_any()
    }
}

fn satisfaction(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let f = deck.figures();
    let tdps = &deck.briefing.tdps;
    let count = |low: f64, high: f64| {
        tdps.iter()
            .filter(|t| t.satisfaction.is_some_and(|s| s >= low && s < high))
            .count()
    };
    let unrated = tdps.iter().filter(|t| t.satisfaction.is_none()).count();
    // The public briefing shows ratings for the whole ward only.
    let by_tdp = if tdps.iter().any(|t| t.ratings_withheld) {
        view! { <p class="slide-note">{t!(i18n, projector.ratings_ward_only)}</p> }.into_any()
    } else {
        view! {
            <table class="ranking">
                <caption>{t!(i18n, projector.tdps_by_satisfaction)}</caption>
                <tbody>
                    <tr><th scope="row">{t!(i18n, projector.sat_high)}</th><td class="num">{count(4.5, 6.0)}</td></tr>
                    <tr><th scope="row">{t!(i18n, projector.sat_mid)}</th><td class="num">{count(4.0, 4.5)}</td></tr>
                    <tr><th scope="row">{t!(i18n, projector.sat_low)}</th><td class="num">{count(0.0, 4.0)}</td></tr>
                    <tr><th scope="row">{t!(i18n, projector.sat_none)}</th><td class="num">{unrated}</td></tr>
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <h2>{t!(i18n, projector.satisfaction_title)}</h2>
        <div class="headline">
            <div class="figure">
                <span class="figure-value">{rating(f.satisfaction)}</span>
                <span class="figure-label">{t!(i18n, projector.satisfaction)}</span>
                <span class="figure-detail">{ratings(f)}</span>
            </div>
        </div>
        {by_tdp}
    }
    .into_any()
}

/// The first campaign running: each indicator's achievement against its target, with the mark
/// where the straight line to the target stands today. The ward's figures, whatever the deck.
fn campaigns(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let Some(c) = deck.briefing.campaigns.first() else {
        return view! {
            <h2>{t!(i18n, projector.campaigns_title)}</h2>
            <p class="slide-note">{t!(i18n, projector.no_campaign)}</p>
        }
        .into_any();
    };
    let rows = c
        .indicators
        .iter()
        .map(|i| {
            let share = |n: f64| (i.target > 0.0).then(|| (n / i.target * 100.0).min(100.0));
            let figure = Figure {
                achieved: i.achieved,
                population: i.target.round() as i64,
                share: share(i.achieved as f64),
                progress: domain::campaigns::standing(i.achieved, i.target, i.expected),
                withheld: false,
            };
            let detail = t!(
                i18n,
                projector.campaign_count,
                achieved = number(i.achieved),
                target = number(i.target.round() as i64),
                expected = number(i.expected.round() as i64)
            );
            bar_row(
                i.name_vi.clone().into_any(),
                &figure,
                share(i.expected).unwrap_or(0.0),
                detail.into_any(),
            )
        })
        .collect_view();
    view! {
        <p class="slide-kicker">
            {format!("{} – {}", date(c.starts_on), date(c.ends_on))}
        </p>
        <h2>{c.name.clone()}</h2>
        <ul class="skill-rows campaign">{rows}</ul>
    }
    .into_any()
}

/// Classes and help points of the coming days: when, what, where. Nobody is named.
fn activities(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let list = &deck.briefing.activities;
    if list.is_empty() {
        return view! {
            <h2>{t!(i18n, projector.activities_title)}</h2>
            <p class="slide-note">{t!(i18n, projector.no_activity)}</p>
        }
        .into_any();
    }
    let rows = list
        .iter()
        .map(|a| {
            let start = domain::time::local(a.starts_at);
            let end = domain::time::local(a.ends_at);
            let whom = a
                .tdp_name
                .clone()
                .unwrap_or_else(|| t_string!(i18n, activities.ward_wide).to_owned());
            view! {
                <tr>
                    <td>{format!("{} {}–{}", date(start.date()), hour_minute(start), hour_minute(end))}</td>
                    <th scope="row">{a.title.clone()}</th>
                    <td>{format!("{} · {}", a.place, whom)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{t!(i18n, projector.activities_title)}</h2>
        <table class="ranking activities">
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

fn closing(deck: &Deck) -> AnyView {
    let i18n = use_i18n();
    let url = deck.briefing.progress_url.clone();
    view! {
        <h2>{t!(i18n, projector.closing_title)}</h2>
        <div class="closing">
            // The SVG is the server's rendering of the page's own address.
            <div class="qr" inner_html=deck.briefing.progress_qr_svg.clone()></div>
            <div>
                <p class="figure-label">{t!(i18n, projector.scan)}</p>
                <p class="closing-url">{url}</p>
            </div>
        </div>
    }
    .into_any()
}
