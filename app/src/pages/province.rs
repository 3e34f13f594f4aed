//! A province's wards side by side, for its steering committee: where each ward stands, which
//! lag behind, a drill-down to each ward's figures; and, for its admin, starting Ngõ Số in a
//! ward and making its first admin. Figures only: no one's name.

use std::cmp::Ordering;

use domain::api::{
    ModelTargets, NewProvinceWard, NewWardAdmin, ProvinceOverview, ProvinceWard, SkillColumn, Ward,
};
use domain::indicators::Progress;
use domain::models::{Model, SKILL_MODELS};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::{code_param, not_found};
use crate::api::{self, Catalogue};
use crate::components::{
    CatalogueSection, FormState, ModelTargetFields, NewAccountFields, PrintButton, Sort,
    TableFrame, WardTiles, band_class, loaded, typed_day, typed_number,
};
use crate::format::{clock_time, date, percent, rating, today};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{localised, model_short_name, words};
use crate::routes::Route;

#[component]
pub fn ProvincePage() -> impl IntoView {
    let code = code_param();
    let data = LocalResource::new(move || {
        let code = code.get();
        async move {
            match code {
                Some(c) => api::province(c).await,
                None => Err(not_found()),
            }
        }
    });
    // Kept above the figures, which are read again after a ward starts or a target changes.
    let started = RwSignal::new(None::<Ward>);
    let on_change = move || data.refetch();
    // Whether the reader may change the province's targets, known from its first figures and
    // kept while they are read again: the targets' forms below are not drawn again under a
    // hand typing in them.
    let manages = Memo::new(move |was: Option<&Option<bool>>| match data.get() {
        Some(Ok(overview)) => Some(overview.may_manage),
        _ => was.copied().flatten(),
    });
    view! {
        <div class="province-report">
            {loaded(data, move |overview: ProvinceOverview| {
                view! { <ProvinceView overview started on_change /> }
            })}
            {move || {
                let (province, may_change) = (code.get()?, manages.get()?);
                Some(view! {
                    <div class="no-print">
                        <ModelTargetsSection province may_change on_change />
                        <CatalogueSection owner=Catalogue::Province(province) may_change on_change />
                    </div>
                })
            }}
        </div>
    }
}

#[component]
fn ProvinceView(
    overview: ProvinceOverview,
    started: RwSignal<Option<Ward>>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let manages = overview.may_manage;
    let total = overview.wards.len();
    let onboarded: Vec<&ProvinceWard> = overview
        .wards
        .iter()
        .filter(|w| w.standing.is_some())
        .collect();
    let (visited, registered) =
        onboarded
            .iter()
            .filter_map(|w| w.standing.as_ref())
            .fold((0, 0), |(v, r), s| {
                (
                    v + s.totals.households_visited,
                    r + s.totals.households_registered,
                )
            });
    let coverage = (registered > 0).then(|| 100.0 * visited as f64 / registered as f64);
    let count = onboarded.len();
    let (week_from, week_to) = (
        date(overview.week_from),
        date(overview.week_from + chrono::TimeDelta::days(6)),
    );
    // Printed, the page is the province's weekly report: landscape A4, without its tools.
    view! {
            <h1>{overview.name.clone()}</h1>
            <p class="subtitle">
                {t!(i18n, province.title_hint)} " "
                {t!(i18n, dashboard.data_at, time = clock_time(overview.computed_at))}
            </p>
            <p class="subtitle">{t!(i18n, province.week, from = week_from, to = week_to)}</p>
            <p class="no-print">
                <PrintButton label=words(|i18n| t_string!(i18n, province.print)) />
                " "
                <A href=Route::ProvinceProjector(overview.code).path() attr:class="button">
                    {t!(i18n, city_deck.open)}
                </A>
            </p>
            <section class="cards" aria-label=move || t_string!(i18n, dashboard.summary)>
                <div class="card">
                    <p class="card-label">{t!(i18n, province.onboarded)}</p>
                    <p class="card-value">{format!("{count} / {total}")}</p>
                    <p class="card-note">{t!(i18n, province.waiting_count, count = total - count)}</p>
                </div>
                <div class="card">
                    <p class="card-label">{t!(i18n, province.households_visited)}</p>
                    <p class="card-value">{percent(coverage)}</p>
                    <p class="card-note">{format!("{visited} / {registered}")}</p>
                </div>
            </section>
            <h2>{t!(i18n, province.map_title)}</h2>
            <WardTiles wards=overview.wards.clone() day=domain::time::day(overview.computed_at) links=true />
            <h2>{t!(i18n, province.wards_title)}</h2>
            <p class="downloads no-print">
                {t!(i18n, province.download)} " "
                <a href=api::export_province(overview.code, "xlsx") download>{t!(i18n, dashboard.download_xlsx)}</a>
                " · "
                <a href=api::export_province(overview.code, "csv") download>{t!(i18n, dashboard.download_csv)}</a>
            </p>
            <WardTable skills=overview.skills.clone() wards=overview.wards.clone() />
            {manages.then(|| view! { <div class="no-print"><Onboarding overview=overview.clone() started on_change /></div> })}
    }
}

/// The models' targets and deadlines the province gives its wards, read when shown; its admin
/// changes them, and the wards that kept the province's follow.
#[component]
fn ModelTargetsSection(
    province: i32,
    may_change: bool,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let data = LocalResource::new(move || api::province_models(province));
    loaded(data, move |was: ModelTargets| {
        view! { <ModelTargetsForm province was may_change on_change /> }
    })
}

#[component]
fn ModelTargetsForm(
    province: i32,
    was: ModelTargets,
    may_change: bool,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let field = |text: String| RwSignal::new(text);
    let family = (
        field(was.family_target.to_string()),
        field(was.family_deadline.to_string()),
    );
    let identity = (
        field(was.identity_target.to_string()),
        field(was.identity_deadline.to_string()),
    );
    let form = FormState::new();
    let saved = RwSignal::new(false);
    // What a change is judged from: a deadline gone by may stay as it was.
    let was = StoredValue::new(was);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let new = ModelTargets {
            family_target: typed_number(&family.0.get_untracked()),
            family_deadline: typed_day(&family.1.get_untracked()),
            identity_target: typed_number(&identity.0.get_untracked()),
            identity_deadline: typed_day(&identity.1.get_untracked()),
        };
        let checked =
            was.with_value(|was| domain::validate::model_targets(&new, was, None, today()));
        if form.start(checked) {
            spawn_local(async move {
                if let Some(now) = form.finish(api::set_province_models(province, &new).await) {
                    was.set_value(now);
                    saved.set(true);
                    on_change();
                }
            });
        }
    };
    view! {
        <section class="model-targets">
            <h2>{t!(i18n, province.models_title)}</h2>
            <p class="subtitle">{t!(i18n, catalogue.hint)}</p>
            <form class="form" on:submit=submit novalidate>
                <fieldset disabled=!may_change class="plain">
                    <h3>{t!(i18n, models.families)}</h3>
                    <ModelTargetFields model=&SKILL_MODELS[0] target=family.0 deadline=family.1 form province=None />
                    <h3>{t!(i18n, models.identity)}</h3>
                    <ModelTargetFields model=&SKILL_MODELS[1] target=identity.0 deadline=identity.1 form province=None />
                </fieldset>
                {form.failure_view()}
                {may_change
                    .then(|| {
                        view! {
                            <button type="submit" class="button primary" disabled=move || form.busy.get()>
                                {t!(i18n, models.save)}
                            </button>
                        }
                    })}
                <Show when=move || saved.get()>
                    <p role="status" class="saved">{t!(i18n, models.saved)}</p>
                </Show>
            </form>
        </section>
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Column {
    /// The emulation table's order (thi đua), first first: how the table opens.
    Rank,
    Name,
    Coverage,
    Satisfaction,
    Model(Model),
    /// The index of a skill among the province's columns.
    Skill(usize),
    Week,
    Tickets,
}

/// A ward's figure in a column: none for a ward not started, or a figure not counted yet.
fn value(ward: &ProvinceWard, skills: &[SkillColumn], column: Column) -> Option<f64> {
    let s = ward.standing.as_ref()?;
    match column {
        Column::Rank | Column::Name => None,
        Column::Coverage => s.totals.visit_coverage,
        Column::Satisfaction => s.totals.satisfaction,
        Column::Model(m) => m.figure(&s.totals.models).share,
        Column::Skill(i) => skill_figure(ward, &skills[i]).and_then(|(share, _)| share),
        Column::Week => Some(s.visits_this_week as f64),
        Column::Tickets => Some(s.open_tickets as f64),
    }
}

/// A ward's share of a skill of the province's columns, and where it stands, found by the
/// skill's code in the ward's own catalogue.
fn skill_figure(ward: &ProvinceWard, skill: &SkillColumn) -> Option<(Option<f64>, Progress)> {
    let s = ward.standing.as_ref()?;
    let i = s.skills.iter().position(|t| t.code == skill.code)?;
    let f = s.totals.skills.get(i)?;
    Some((f.share, f.progress))
}

/// The province's wards side by side, started ones first, in the emulation table's order
/// until a header sorts by its column (again: reverses). A ward's name opens its dashboard.
#[component]
fn WardTable(skills: Vec<SkillColumn>, wards: Vec<ProvinceWard>) -> impl IntoView {
    let i18n = use_i18n();
    let sort = Sort::new(Column::Rank, |c| matches!(c, Column::Rank | Column::Name));
    let columns = skills.clone();
    let rows = move || {
        let (column, ascending) = sort.get();
        let mut rows = wards.clone();
        rows.sort_by(|a, b| {
            let started = b.standing.is_some().cmp(&a.standing.is_some());
            let rank = |w: &ProvinceWard| w.standing.as_ref().map(|s| s.rank);
            let order = match column {
                Column::Rank => rank(a).cmp(&rank(b)).then_with(|| a.name.cmp(&b.name)),
                Column::Name => a.name.cmp(&b.name),
                _ => value(a, &columns, column)
                    .partial_cmp(&value(b, &columns, column))
                    .unwrap_or(Ordering::Equal),
            };
            started.then(sort.apply(ascending, order))
        });
        rows
    };
    let header = move |column, label| sort.header(column, label);
    let text = move |f: fn(leptos_i18n::I18nContext<crate::i18n::Locale>) -> &'static str| {
        Box::new(move || f(i18n).to_owned()) as Box<dyn Fn() -> String + Send + Sync>
    };
    let skill_headers = skills
        .iter()
        .enumerate()
        .map(|(i, s)| {
            header(
                Column::Skill(i),
                Box::new(localised(&s.name_vi, &s.name_en)),
            )
        })
        .collect_view();
    let cells = skills.clone();
    view! {
        <TableFrame label=words(|i18n| t_string!(i18n, province.wards_title))>
            <table class="tdps wards">
                <thead>
                    <tr>
                        {header(Column::Rank, text(|i18n| t_string!(i18n, province.rank)))}
                        {header(Column::Name, text(|i18n| t_string!(i18n, province.ward)))}
                        {header(Column::Coverage, text(|i18n| t_string!(i18n, dashboard.visited)))}
                        {header(Column::Satisfaction, text(|i18n| t_string!(i18n, dashboard.satisfaction)))}
                        {Model::ALL
                            .into_iter()
                            .map(|m| header(Column::Model(m), Box::new(move || model_short_name(m)().to_owned())))
                            .collect_view()}
                        {skill_headers}
                        {header(Column::Week, text(|i18n| t_string!(i18n, province.week_visits)))}
                        {header(Column::Tickets, text(|i18n| t_string!(i18n, province.open_tickets)))}
                        <th scope="col">{t!(i18n, province.flags)}</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=rows
                        key=|ward| ward.code
                        children=move |ward| view! { <WardRow ward skills=cells.clone() /> }
                    />
                </tbody>
            </table>
        </TableFrame>
    }
}

#[component]
fn WardRow(ward: ProvinceWard, skills: Vec<SkillColumn>) -> impl IntoView {
    let i18n = use_i18n();
    let Some(s) = ward.standing.clone() else {
        return view! {
            <tr data-ward=ward.code class="not-started">
                <td></td>
                <th scope="row">{ward.name.clone()}</th>
                <td colspan=6 + skills.len() + 2>{t!(i18n, province.not_onboarded)}</td>
                <td></td>
            </tr>
        }
        .into_any();
    };
    let share = |share: Option<f64>, progress: Progress| {
        view! { <td class=format!("num {}", band_class(progress))>{percent(share)}</td> }
    };
    let behind = s.skills_behind();
    let no_visits = s.visits_this_week == 0;
    let skill_cells = skills
        .iter()
        .map(|c| match skill_figure(&ward, c) {
            Some((value, progress)) => share(value, progress).into_any(),
            None => view! { <td class="num">"–"</td> }.into_any(),
        })
        .collect_view();
    let link = view! { <A href=Route::Dashboard(ward.code).path()>{ward.name}</A> };
    view! {
        <tr data-ward=ward.code>
            <td class="num" title=format!("{:.1}", s.score)>{s.rank}</td>
            <th scope="row">{link}</th>
            <td class="num" data-col="visited">{percent(s.totals.visit_coverage)}</td>
            <td class="num">{rating(s.totals.satisfaction)}</td>
            {Model::ALL
                .into_iter()
                .map(|m| {
                    let f = m.figure(&s.totals.models);
                    share(f.share, f.progress)
                })
                .collect_view()}
            {skill_cells}
            <td class="num" data-col="week">{s.visits_this_week}</td>
            <td class="num">{s.open_tickets}</td>
            <td class="flags">
                {no_visits.then(|| view! { <span class="badge behind">{t!(i18n, province.no_visits)}</span> })}
                {(behind > 0).then(|| view! { <span class="badge behind">{t!(i18n, province.behind, count = behind)}</span> })}
            </td>
        </tr>
    }
    .into_any()
}

/// Starting Ngõ Số in a ward of the province, and making a ward's admin: the province admin's.
#[component]
fn Onboarding(
    overview: ProvinceOverview,
    started: RwSignal<Option<Ward>>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let province = overview.code;
    let waiting: Vec<(i32, String)> = overview
        .wards
        .iter()
        .filter(|w| w.standing.is_none())
        .map(|w| (w.code, w.name.clone()))
        .collect();
    let onboarded: Vec<(i32, String)> = overview
        .wards
        .iter()
        .filter(|w| w.standing.is_some())
        .map(|w| (w.code, w.name.clone()))
        .collect();
    let chosen = RwSignal::new(waiting.first().map(|(c, _)| *c));
    let onboard_form = FormState::new();
    let onboard = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(ward_code) = chosen.get_untracked() else {
            return;
        };
        if onboard_form.start(Ok(())) {
            spawn_local(async move {
                let body = NewProvinceWard { ward_code };
                if let Some(ward) = onboard_form.finish(api::onboard_ward(province, &body).await) {
                    started.set(Some(ward));
                    on_change();
                }
            });
        }
    };
    // The ward started last, whose first admin comes next.
    let admin_ward = RwSignal::new(
        started
            .get_untracked()
            .map(|w| w.code)
            .or(onboarded.first().map(|(c, _)| *c)),
    );
    let name = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let admin_form = FormState::new();
    let created = RwSignal::new(None::<(String, String)>);
    let names = onboarded.clone();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(ward) = admin_ward.get_untracked() else {
            return;
        };
        let body = NewWardAdmin {
            phone: phone.get_untracked(),
            full_name: name.get_untracked(),
            password: password.get_untracked(),
        };
        let ward_name = names
            .iter()
            .find(|(c, _)| *c == ward)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        if admin_form.start(domain::validate::new_ward_admin(&body)) {
            spawn_local(async move {
                let made = api::create_ward_admin(province, ward, &body).await;
                if let Some(account) = admin_form.finish(made) {
                    created.set(Some((account.full_name, ward_name)));
                    name.set(String::new());
                    phone.set(String::new());
                    password.set(String::new());
                }
            });
        }
    };
    let ward_options = |wards: Vec<(i32, String)>, value: RwSignal<Option<i32>>| {
        wards
            .into_iter()
            .map(|(code, name)| {
                view! { <option value=code selected=move || value.get() == Some(code)>{name}</option> }
            })
            .collect_view()
    };
    view! {
        <section class="onboarding">
            <h2>{t!(i18n, province.onboard_title)}</h2>
            <p>{t!(i18n, province.onboard_hint)}</p>
            <form class="form sign-in" on:submit=onboard novalidate>
                <div class="field">
                    <label for="onboard-ward">{t!(i18n, province.onboard_ward)}</label>
                    <select
                        id="onboard-ward"
                        on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())
                    >
                        {ward_options(waiting, chosen)}
                    </select>
                </div>
                {onboard_form.failure_view()}
                <button type="submit" class="button primary" disabled=onboard_form.busy>
                    {t!(i18n, province.onboard)}
                </button>
                {move || {
                    started
                        .get()
                        .map(|w| view! { <p role="status">{t!(i18n, province.onboarded_now, ward = w.name)}</p> })
                }}
            </form>
            <h2>{t!(i18n, province.admin_title)}</h2>
            <form class="form sign-in" on:submit=create novalidate>
                <div class="field">
                    <label for="admin-ward">{t!(i18n, province.admin_ward)}</label>
                    <select
                        id="admin-ward"
                        on:change=move |ev| admin_ward.set(event_target_value(&ev).parse().ok())
                    >
                        {ward_options(onboarded, admin_ward)}
                    </select>
                </div>
                <NewAccountFields id="admin" name phone password form=admin_form />
                {admin_form.failure_view()}
                <button type="submit" class="button primary" disabled=admin_form.busy>
                    {t!(i18n, accounts.create)}
                </button>
                {move || {
                    created
                        .get()
                        .map(|(name, ward)| {
                            view! { <p role="status">{t!(i18n, province.admin_created, name = name, ward = ward)}</p> }
                        })
                }}
            </form>
        </section>
    }
}
