//! The ward dashboard: each skill and each of the movement's models against its target, and
//! every TDP side by side.

use std::cmp::Ordering;

use domain::api::{Dashboard as Data, ModelSettings, Skill, TdpIndicators};
use domain::indicators::Progress;
use domain::models::Model;
use leptos::prelude::*;
use leptos_router::components::A;

mod panels;

use self::panels::{OpenTickets, Programmes, RunningCampaigns, UpcomingActivities};
use super::{code_param, not_found};
use crate::api;
use crate::components::{ProgressBadge, Sort, TableFrame, band_class, figure_cells, loaded_with};
use crate::contexts::set_current_ward;
use crate::format::{clock_time, date, percent, rating};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{model_name, model_short_name, skill_name, words};
use crate::routes::Route;
use crate::session::use_session;
use domain::access::Action;

#[component]
pub fn Dashboard() -> impl IntoView {
    let code = code_param();
    let data = LocalResource::new(move || {
        let code = code.get();
        async move {
            match code {
                Some(c) => api::dashboard(c).await,
                None => Err(not_found()),
            }
        }
    });
    let programmes = Programmes::fetch(code);
    // Shown whole, once the programmes' sections have answered too: nothing moves after.
    loaded_with(
        data,
        move || programmes.answered(),
        move |d: Data| {
            set_current_ward(d.ward.code);
            view! { <DashboardView data=d programmes /> }
        },
    )
}

#[component]
fn DashboardView(data: Data, programmes: Programmes) -> impl IntoView {
    let i18n = use_i18n();
    let totals = data.totals.clone();
    let skills = data.skills.clone();
    let skill_rows = skills
        .iter()
        .zip(totals.skills.iter())
        .map(|(skill, figure)| {
            view! {
                <tr>
                    <th scope="row">{skill_name(skill)}</th>
                    {figure_cells(&figure.figure())}
                    <td class="num">{format!("{}%", skill.target_percent)}</td>
                    <td>{date(skill.deadline)}</td>
                    <td>
                        <ProgressBadge progress=figure.progress />
                    </td>
                </tr>
            }
        })
        .collect_view();
    // Back to the province's wards, for those who see the ward by a role over its province
    // rather than in it.
    let province = data.ward.province_code;
    let over_province = use_session()
        .reach(data.ward.code, Action::ViewFigures)
        .is_nothing();
    let province_name = data.ward.province_name.clone();
    view! {
        {over_province
            .then(|| {
                view! {
                    <p class="back">
                        <A href=Route::Province(province).path()>
                            {t!(i18n, province.back, province = province_name)}
                        </A>
                    </p>
                }
            })}
        <h1>{data.ward.name.clone()}</h1>
        <p class="subtitle">
            {data.ward.province_name.clone()} " · "
            {t!(i18n, dashboard.data_at, time = clock_time(data.computed_at))}
        </p>
        <section class="cards" aria-label=move || t_string!(i18n, dashboard.summary)>
            <div class="card">
                <p class="card-label">{t!(i18n, dashboard.households_visited)}</p>
                <p class="card-value">{percent(totals.visit_coverage)}</p>
                <p class="card-note">
                    {format!("{} / {}", totals.households_visited, totals.households_registered)}
                </p>
            </div>
            <div class="card">
                <p class="card-label">{t!(i18n, dashboard.satisfaction)}</p>
                <p class="card-value">
                    {rating(totals.satisfaction)}
                </p>
                <p class="card-note">
                    {t!(i18n, dashboard.ratings, count = totals.ratings)}
                </p>
            </div>
        </section>
        <RunningCampaigns programmes />
        <UpcomingActivities ward=data.ward.code programmes />
        <OpenTickets ward=data.ward.code programmes />
        <h2>{t!(i18n, dashboard.skills_title)}</h2>
        <TableFrame label=words(|i18n| t_string!(i18n, dashboard.skills_title))>
            <table class="skills">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, dashboard.skill)}</th>
                        <th scope="col" class="num">{t!(i18n, dashboard.achieved)}</th>
                        <th scope="col" class="num">{t!(i18n, dashboard.share)}</th>
                        <th scope="col" class="num">{t!(i18n, dashboard.target)}</th>
                        <th scope="col">{t!(i18n, dashboard.deadline)}</th>
                        <th scope="col">{t!(i18n, dashboard.status)}</th>
                    </tr>
                </thead>
                <tbody>{skill_rows}</tbody>
            </table>
        </TableFrame>
        <h2>{t!(i18n, models.title)}</h2>
        <ModelTable ward=data.ward.code settings=data.models.clone() totals=totals.clone() />
        <h2>{t!(i18n, dashboard.tdps_title)}</h2>
        <p class="downloads">
            {t!(i18n, dashboard.download)} " "
            <a href=api::export_indicators(data.ward.code, "xlsx") download>{t!(i18n, dashboard.download_xlsx)}</a>
            " · "
            <a href=api::export_indicators(data.ward.code, "csv") download>{t!(i18n, dashboard.download_csv)}</a>
            " · "
            <A href=Route::Weekly(data.ward.code).path()>{t!(i18n, weekly.link)}</A>
        </p>
        <TdpTable ward=data.ward.code skills=data.skills tdps=data.tdps />
    }
}

/// The movement's four models, ward-wide, against the ward's targets; "Đại sứ số" and "Chợ số"
/// link to their own pages.
#[component]
fn ModelTable(ward: i32, settings: ModelSettings, totals: TdpIndicators) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may_see_people = !session.reach(ward, Action::ViewPeople).is_nothing();
    let line = |model: Model| {
        let figure = model.figure(&totals.models).clone();
        let target = model.target(&settings);
        let name = model_name(model);
        let page = match model {
            Model::Ambassadors if may_see_people => Some(Route::Ambassadors(ward)),
            Model::Cashless => Some(Route::Markets(ward)),
            _ => None,
        };
        let label = match page {
            Some(route) => view! { <A href=route.path()>{name}</A> }.into_any(),
            None => name.into_any(),
        };
        view! {
            <tr data-model=model.key()>
                <th scope="row">{label}</th>
                {figure_cells(&figure)}
                <td class="num">{format!("{target}%")}</td>
                <td>
                    <ProgressBadge progress=figure.progress />
                </td>
            </tr>
        }
    };
    let rows = Model::ALL.into_iter().map(line).collect_view();
    view! {
        <TableFrame label=words(|i18n| t_string!(i18n, models.title))>
            <table class="skills">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, models.model)}</th>
                        <th scope="col" class="num">{t!(i18n, dashboard.achieved)}</th>
                        <th scope="col" class="num">{t!(i18n, dashboard.share)}</th>
                        <th scope="col" class="num">{t!(i18n, dashboard.target)}</th>
                        <th scope="col">{t!(i18n, dashboard.status)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </TableFrame>
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    Name,
    Coverage,
    Satisfaction,
    Model(Model),
    Skill(usize),
}

fn value(row: &TdpIndicators, column: Column) -> Option<f64> {
    match column {
        Column::Name => None,
        Column::Coverage => row.visit_coverage,
        Column::Satisfaction => row.satisfaction,
        Column::Model(m) => m.figure(&row.models).share,
        Column::Skill(i) => row.skills.get(i).and_then(|f| f.share),
    }
}

/// A share in a TDP row, coloured by where it stands against its target.
fn share_cell(share: Option<f64>, progress: Progress, column: &'static str) -> impl IntoView {
    view! { <td class=format!("num {}", band_class(progress)) data-col=column>{percent(share)}</td> }
}

/// TDPs side by side; a column header sorts by that column (again: reverses). A TDP's name
/// links to its page (team and households) for those whose roles let them see its people.
#[component]
fn TdpTable(ward: i32, skills: Vec<Skill>, tdps: Vec<TdpIndicators>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may_open = move |tdp| session.reach(ward, Action::ViewPeople).includes(tdp);
    let sort = Sort::new(Column::Name, |c| c == Column::Name);
    let rows = move || {
        let (column, ascending) = sort.get();
        let mut rows = tdps.clone();
        rows.sort_by(|a, b| {
            let order = match column {
                Column::Name => a.code.cmp(&b.code),
                _ => value(a, column)
                    .partial_cmp(&value(b, column))
                    .unwrap_or(Ordering::Equal),
            };
            sort.apply(ascending, order)
        });
        rows
    };
    let header = move |column, label| sort.header(column, label);
    let skill_headers = skills
        .iter()
        .enumerate()
        .map(|(i, s)| header(Column::Skill(i), Box::new(skill_name(s))))
        .collect_view();
    view! {
        <TableFrame label=words(|i18n| t_string!(i18n, dashboard.tdps_title))>
            <table class="tdps">
                <thead>
                    <tr>
                        {header(Column::Name, Box::new(move || t_string!(i18n, dashboard.tdp).to_owned()))}
                        {header(
                            Column::Coverage,
                            Box::new(move || t_string!(i18n, dashboard.visited).to_owned()),
                        )}
                        {header(
                            Column::Satisfaction,
                            Box::new(move || t_string!(i18n, dashboard.satisfaction).to_owned()),
                        )}
                        {Model::ALL
                            .into_iter()
                            .map(|m| header(Column::Model(m), Box::new(move || model_short_name(m)().to_owned())))
                            .collect_view()}
                        {skill_headers}
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=rows
                        key=|row| (row.tdp_id, row.households_visited, row.ratings)
                        children=move |row| {
                            let id = row.tdp_id.unwrap_or_default();
                            view! {
                                <tr data-tdp=row.code.clone()>
                                    <th scope="row">
                                        {if may_open(id) {
                                            view! { <A href=Route::Tdp(id).path()>{row.name.clone()}</A> }.into_any()
                                        } else {
                                            row.name.clone().into_any()
                                        }}
                                    </th>
                                    <td class="num" data-col="visited">
                                        {percent(row.visit_coverage)}
                                    </td>
                                    <td class="num">
                                        {row.satisfaction.map_or_else(|| "–".into(), |s| format!("{s:.1}"))}
                                    </td>
                                    {Model::ALL
                                        .into_iter()
                                        .map(|m| {
                                            let f = m.figure(&row.models);
                                            share_cell(f.share, f.progress, m.key())
                                        })
                                        .collect_view()}
                                    {row
                                        .skills
                                        .iter()
                                        .map(|f| share_cell(f.share, f.progress, "skill"))
                                        .collect_view()}
                                </tr>
                            }
                        }
                    />
                </tbody>
            </table>
        </TableFrame>
    }
}
