//! The weekly report for the party committee ("Báo cáo tuần"): one week (Monday to Sunday)
//! against the week before, the figures now against their targets, the TDPs' ranking and what
//! needs attention — laid out for A4 paper (the print stylesheet drops the app's menus).

use domain::api::{Figure, WeeklyReport};
use domain::indicators::{Progress, ranking};
use domain::models::Model;
use leptos::prelude::*;
use leptos_router::components::A;

use super::{code_param, not_found};
use crate::api;
use crate::components::{PrintButton, ProgressBadge, loaded};
use crate::contexts::set_current_ward;
use crate::format::{date, percent, rating, today, took};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{model_name, skill_name, words};
use crate::routes::Route;

/// TDPs shown at each end of the ranking.
const RANKED: usize = 5;

#[component]
pub fn Weekly() -> impl IntoView {
    let i18n = use_i18n();
    let code = code_param();
    // The last complete week: the report the committee meets over.
    let week = RwSignal::new(today() - chrono::TimeDelta::days(7));
    let data = LocalResource::new(move || {
        let (code, week) = (code.get(), week.get());
        async move { api::weekly(code.ok_or_else(not_found)?, week).await }
    });
    let shift = move |days: i64| week.update(|w| *w += chrono::TimeDelta::days(days));
    view! {
        <div class="no-print week-nav">
            <button type="button" class="button secondary" on:click=move |_| shift(-7)>
                {t!(i18n, weekly.previous)}
            </button>
            <button type="button" class="button secondary" on:click=move |_| shift(7)>
                {t!(i18n, weekly.next)}
            </button>
            <PrintButton label=words(|i18n| t_string!(i18n, weekly.print)) />
        </div>
        {loaded(data, |r: WeeklyReport| {
            set_current_ward(r.dashboard.ward.code);
            view! { <Report report=r /> }
        })}
    }
}

/// "+12 so với tuần trước", "−3 …", "bằng tuần trước".
fn change(now: i64, before: i64) -> impl IntoView {
    let i18n = use_i18n();
    let d = now - before;
    match d.signum() {
        0 => t!(i18n, weekly.same).into_any(),
        1 => t!(i18n, weekly.more, n = d).into_any(),
        _ => t!(i18n, weekly.fewer, n = -d).into_any(),
    }
}

#[component]
fn Report(report: WeeklyReport) -> impl IntoView {
    let i18n = use_i18n();
    let r = report;
    let d = &r.dashboard;
    let achieved: i64 = r.achieved.iter().sum();
    let totals = d.totals.clone();
    let figure_row = |name: AnyView, f: &Figure, target: f64, new: Option<i64>| {
        view! {
            <tr>
                <th scope="row">{name}</th>
                <td class="num">{format!("{} / {}", f.achieved, f.population)}</td>
                <td class="num">{percent(f.share)}</td>
                <td class="num">{format!("{target:.0}%")}</td>
                <td class="num">{new.map(|n| format!("+{n}"))}</td>
                <td><ProgressBadge progress=f.progress /></td>
            </tr>
        }
    };
    let campaigns = r.campaigns.clone();
    let skills = d
        .skills
        .iter()
        .zip(&totals.skills)
        .zip(&r.achieved)
        .map(|((s, f), new)| {
            figure_row(
                skill_name(s).into_any(),
                &f.figure(),
                s.target_percent,
                Some(*new),
            )
        })
        .collect_view();
    let models = Model::ALL
        .map(|model| {
            figure_row(
                model_name(model).into_any(),
                model.figure(&totals.models),
                model.target(&d.models),
                None,
            )
        })
        .into_iter()
        .collect_view();
    let figures_head = move || {
        view! {
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, weekly.indicator)}</th>
                    <th scope="col" class="num">{t!(i18n, dashboard.achieved)}</th>
                    <th scope="col" class="num">{t!(i18n, dashboard.share)}</th>
                    <th scope="col" class="num">{t!(i18n, dashboard.target)}</th>
                    <th scope="col" class="num">{t!(i18n, weekly.added)}</th>
                    <th scope="col">{t!(i18n, dashboard.status)}</th>
                </tr>
            </thead>
        }
    };
    let standings = ranking(&d.tdps, &d.skills);
    let ranked_row = |i: usize| {
        let s = standings[i];
        let tdp = &d.tdps[s.tdp];
        view! {
            <tr>
                <td class="num">{s.rank}</td>
                <th scope="row">{tdp.name.clone()}</th>
                <td class="num">{format!("{:.1}", s.score)}</td>
                <td class="num">{r.tdp_visits[s.tdp]}</td>
            </tr>
        }
    };
    let top = (0..standings.len().min(RANKED))
        .map(ranked_row)
        .collect_view();
    let bottom = (standings.len().saturating_sub(RANKED).max(RANKED)..standings.len())
        .map(ranked_row)
        .collect_view();
    let behind: Vec<String> = d
        .skills
        .iter()
        .zip(&totals.skills)
        .filter(|(_, f)| f.progress == Progress::Behind)
        .map(|(s, _)| s.name_vi.clone())
        .collect();
    let idle: Vec<String> = d
        .tdps
        .iter()
        .zip(&r.tdp_visits)
        .filter(|(_, n)| **n == 0)
        .map(|(t, _)| t.name.clone())
        .collect();
    view! {
        <p class="crumb no-print">
            <A href=Route::Dashboard(d.ward.code).path()>{t!(i18n, nav.dashboard)}</A>
        </p>
        <article class="weekly">
            <h1>{t!(i18n, weekly.title, ward = d.ward.name.clone())}</h1>
            <p class="subtitle">
                {t!(i18n, weekly.period, from = date(r.from), to = date(r.to))}
            </p>
            <h2>{t!(i18n, weekly.headline)}</h2>
            <table class="report">
                <tbody>
                    <tr>
                        <th scope="row">{t!(i18n, weekly.visits)}</th>
                        <td class="num" data-testid="week-visits">{r.visits}</td>
                        <td>{change(r.visits, r.visits_before)}</td>
                    </tr>
                    <tr>
                        <th scope="row">{t!(i18n, weekly.first_visits)}</th>
                        <td class="num">{r.first_visits}</td>
                        <td></td>
                    </tr>
                    <tr>
                        <th scope="row">{t!(i18n, weekly.achieved)}</th>
                        <td class="num">{achieved}</td>
                        <td>{change(achieved, r.achieved_before)}</td>
                    </tr>
                    <tr>
                        <th scope="row">{t!(i18n, dashboard.households_visited)}</th>
                        <td class="num">{percent(totals.visit_coverage)}</td>
                        <td>{format!("{} / {}", totals.households_visited, totals.households_registered)}</td>
                    </tr>
                    <tr>
                        <th scope="row">{t!(i18n, dashboard.satisfaction)}</th>
                        <td class="num">{rating(totals.satisfaction)}</td>
                        <td></td>
                    </tr>
                </tbody>
            </table>
            <h2>{t!(i18n, dashboard.skills_title)}</h2>
            <table class="report">
                {figures_head()}
                <tbody>{skills}</tbody>
            </table>
            <h2>{t!(i18n, models.title)}</h2>
            <table class="report">
                {figures_head()}
                <tbody>{models}</tbody>
            </table>
            {(!campaigns.is_empty()).then(|| view! {
                <h2>{t!(i18n, campaigns.title)}</h2>
                <table class="report campaigns">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, weekly.campaign)}</th>
                            <th scope="col" class="num">{t!(i18n, weekly.campaign_achieved)}</th>
                            <th scope="col" class="num">{t!(i18n, weekly.campaign_target)}</th>
                            <th scope="col" class="num">{t!(i18n, weekly.campaign_expected)}</th>
                            <th scope="col"></th>
                        </tr>
                    </thead>
                    <tbody>
                        {campaigns
                            .iter()
                            .flat_map(|c| c.indicators.iter().map(move |i| (c, i)))
                            .map(|(c, i)| {
                                let standing = domain::campaigns::standing(i.achieved, i.target, i.expected);
                                view! {
                                    <tr>
                                        <th scope="row">{format!("{} – {}", c.name, i.name_vi)}</th>
                                        <td class="num">{i.achieved}</td>
                                        <td class="num">{format!("{:.0}", i.target)}</td>
                                        <td class="num">{format!("{:.0}", i.expected)}</td>
                                        <td><ProgressBadge progress=standing /></td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            })}
            <h2>{t!(i18n, weekly.ranking)}</h2>
            <table class="report">
                <thead>
                    <tr>
                        <th scope="col" class="num">{t!(i18n, weekly.rank)}</th>
                        <th scope="col">{t!(i18n, dashboard.tdp)}</th>
                        <th scope="col" class="num">{t!(i18n, weekly.score)}</th>
                        <th scope="col" class="num">{t!(i18n, weekly.visits_short)}</th>
                    </tr>
                </thead>
                <tbody>{top}{bottom}</tbody>
            </table>
            <h2>{t!(i18n, weekly.tickets)}</h2>
            <table class="report">
                <tbody>
                    <tr>
                        <th scope="row">{t!(i18n, weekly.tickets_opened)}</th>
                        <td class="num" data-testid="week-tickets-opened">{r.tickets.opened}</td>
                    </tr>
                    <tr>
                        <th scope="row">{t!(i18n, weekly.tickets_resolved)}</th>
                        <td class="num">{r.tickets.resolved}</td>
                    </tr>
                    <tr>
                        <th scope="row">{t!(i18n, weekly.tickets_unresolved)}</th>
                        <td class="num">{r.tickets.unresolved}</td>
                    </tr>
                    <tr>
                        <th scope="row">{t!(i18n, weekly.tickets_median)}</th>
                        <td class="num">{r.tickets.median_hours.map_or_else(|| "–".to_owned(), took)}</td>
                    </tr>
                </tbody>
            </table>
            <h2>{t!(i18n, weekly.attention)}</h2>
            <ul class="attention">
                {(!behind.is_empty())
                    .then(|| view! { <li>{t!(i18n, weekly.skills_behind, skills = behind.join(", "))}</li> })}
                {(!idle.is_empty())
                    .then(|| {
                        view! {
                            <li data-testid="idle-tdps">
                                {t!(i18n, weekly.no_visits, n = idle.len(), tdps = idle.join(", "))}
                            </li>
                        }
                    })}
            </ul>
        </article>
    }
}
