//! Campaigns ("45 ngày đêm"…): the ward's list with a countdown and a form to start one, and a
//! campaign's page with a daily burn-up chart per indicator — for its whole scope or one TDP —
//! and what each TDP has achieved.

use chrono::NaiveDate;
use domain::access::Action;
use domain::api::{
    Campaign, CampaignProgress, CampaignTarget, IndicatorBurnUp, NewCampaign, Skill, Tdp,
};
use domain::campaigns::{HOUSEHOLDS_VISITED, Phase, phase};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use super::{code_param, id_param, not_found};
use crate::api::{self, ApiError};
use crate::components::{
    FormState, TextField, date, field_message, loaded, percent, set_current_ward, today,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::routes::Route;
use crate::session::use_session;

/// "Còn 12 ngày", "Bắt đầu sau 3 ngày", "Đã kết thúc".
fn countdown(c: &Campaign) -> String {
    let i18n = use_i18n();
    match phase(c.starts_on, c.ends_on, today()) {
        Phase::NotStarted(n) => t_string!(i18n, campaigns.starts_in, n = n).to_string(),
        Phase::Running(0) => t_string!(i18n, campaigns.last_day).to_string(),
        Phase::Running(n) => t_string!(i18n, campaigns.days_left, n = n).to_string(),
        Phase::Ended => t_string!(i18n, campaigns.ended).to_string(),
    }
}

fn period(c: &Campaign) -> String {
    format!("{} – {}", date(c.starts_on), date(c.ends_on))
}

#[component]
pub fn Campaigns() -> impl IntoView {
    let code = code_param();
    let data = LocalResource::new(move || {
        let code = code.get();
        async move {
            let ward = code.ok_or_else(not_found)?;
            Ok::<_, ApiError>((
                ward,
                api::campaigns(ward).await?,
                api::skills(ward).await?,
                api::tdps(ward).await?,
            ))
        }
    });
    loaded(
        data,
        move |(ward, list, skills, tdps): (i32, Vec<Campaign>, Vec<Skill>, Vec<Tdp>)| {
            set_current_ward(ward);
            view! { <CampaignList ward list skills tdps /> }
        },
    )
}

#[component]
fn CampaignList(
    ward: i32,
    list: Vec<Campaign>,
    skills: Vec<Skill>,
    tdps: Vec<Tdp>,
) -> impl IntoView {
    let i18n = use_i18n();
    let may_start = use_session().reach(ward, Action::ManageWard).is_ward();
    view! {
        <p class="crumb"><A href=Route::Activities(ward).path()>{t!(i18n, activities.title)}</A></p>
        <h1>{t!(i18n, campaigns.title)}</h1>
        {if list.is_empty() {
            view! { <p>{t!(i18n, campaigns.none)}</p> }.into_any()
        } else {
            view! {
                <ul class="list campaigns">
                    {list
                        .into_iter()
                        .map(|c| {
                            let (when, left) = (period(&c), countdown(&c));
                            view! {
                                <li>
                                    <A href=Route::Campaign(c.id).path()>{c.name.clone()}</A>
                                    <span class="muted">{format!(" · {when} · ")}</span>
                                    <strong>{left}</strong>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
        {may_start.then(|| view! { <NewCampaignForm ward skills tdps /> })}
    }
}

/// The campaigns running or about to start, for the dashboard; left out offline.
#[component]
pub fn RunningCampaigns(ward: i32) -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(move || api::campaigns(ward));
    move || {
        let list = data.get()?.ok()?;
        let current: Vec<Campaign> = list
            .into_iter()
            .filter(|c| phase(c.starts_on, c.ends_on, today()) != Phase::Ended)
            .collect();
        (!current.is_empty()).then(|| {
            view! {
                <h2>{t!(i18n, campaigns.title)}</h2>
                <ul class="list campaigns">
                    {current
                        .into_iter()
                        .map(|c| {
                            let left = countdown(&c);
                            view! {
                                <li>
                                    <A href=Route::Campaign(c.id).path()>{c.name.clone()}</A>
                                    " · " <strong>{left}</strong>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
        })
    }
}

#[component]
fn NewCampaignForm(ward: i32, skills: Vec<Skill>, tdps: Vec<Tdp>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    // One id per campaign being started, so that a retried submit cannot start it twice.
    let id = RwSignal::new(Uuid::now_v7());
    let name = RwSignal::new(String::new());
    let starts = RwSignal::new(today().to_string());
    let ends = RwSignal::new((today() + chrono::Days::new(44)).to_string());
    let chosen = RwSignal::new(Vec::<Uuid>::new());
    let mut indicators = vec![(
        HOUSEHOLDS_VISITED.to_owned(),
        t_string!(i18n, campaigns.households_visited).to_owned(),
    )];
    indicators.extend(skills.into_iter().map(|s| (s.code, s.name_vi)));
    let targets: Vec<(String, String, RwSignal<String>)> = indicators
        .into_iter()
        .map(|(code, label)| (code, label, RwSignal::new(String::new())))
        .collect();
    let form = FormState::new();
    let submit = {
        let targets = targets.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let day = |s: RwSignal<String>| s.get_untracked().parse::<NaiveDate>().ok();
            let (Some(starts_on), Some(ends_on)) = (day(starts), day(ends)) else {
                form.errors.set(vec![domain::FieldError::new(
                    "starts_on",
                    domain::FieldCode::InvalidFormat,
                )]);
                return;
            };
            let body = NewCampaign {
                id: id.get_untracked(),
                name: name.get_untracked(),
                starts_on,
                ends_on,
                tdp_ids: chosen.get_untracked(),
                targets: targets
                    .iter()
                    .filter_map(|(code, _, value)| {
                        let text = value.get_untracked();
                        let text = text.trim();
                        (!text.is_empty()).then(|| CampaignTarget {
                            indicator: code.clone(),
                            target: text.parse().unwrap_or(0),
                        })
                    })
                    .collect(),
            };
            if form.start(domain::validate::new_campaign(&body)) {
                let navigate = navigate.clone();
                spawn_local(async move {
                    // On to its page: the countdown and the burn-up are what comes next.
                    if let Some(created) = form.finish(api::create_campaign(ward, &body).await) {
                        navigate(&Route::Campaign(created.id).path(), Default::default());
                    }
                });
            }
        }
    };
    let label = move |s: &'static str| Signal::derive(move || s.to_owned());
    let targets_error = form.field("targets");
    view! {
        <h2>{t!(i18n, campaigns.add)}</h2>
        <form class="form" on:submit=submit novalidate>
            <TextField id="campaign-name" label=label(t_string!(i18n, campaigns.name)) value=name error=form.field("name") />
            <TextField id="campaign-starts" kind="date" label=label(t_string!(i18n, campaigns.starts_on)) value=starts error=form.field("starts_on") />
            <TextField id="campaign-ends" kind="date" label=label(t_string!(i18n, campaigns.ends_on)) value=ends error=form.field("ends_on") />
            <details class="field">
                <summary>{t!(i18n, campaigns.where_)}</summary>
                {tdps
                    .into_iter()
                    .map(|t| {
                        let id = t.id;
                        let input_id = format!("campaign-tdp-{id}");
                        view! {
                            <div class="check">
                                <input
                                    type="checkbox"
                                    id=input_id.clone()
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| {
                                            c.retain(|x| *x != id);
                                            if on {
                                                c.push(id);
                                            }
                                        });
                                    }
                                />
                                <label for=input_id>{t.name.clone()}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </details>
            <fieldset class="field targets">
                <legend>{t!(i18n, campaigns.targets)}</legend>
                <p class="hint">{t!(i18n, campaigns.targets_hint)}</p>
                {move || targets_error.get().map(|c| view! { <p class="field-error" role="alert">{field_message(c)}</p> })}
                {targets
                    .into_iter()
                    .enumerate()
                    .map(|(i, (_, text, value))| {
                        let input_id = format!("campaign-target-{i}");
                        view! {
                            <div class="target-row">
                                <label for=input_id.clone()>{text}</label>
                                <input id=input_id type="number" min="1" inputmode="numeric" bind:value=value />
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, campaigns.add)}
            </button>
        </form>
    }
}

#[component]
pub fn CampaignPage() -> impl IntoView {
    let id = id_param();
    let tdp = RwSignal::new(None::<Uuid>);
    let data = LocalResource::new(move || {
        let (id, tdp) = (id.get(), tdp.get());
        async move { api::campaign(id.ok_or_else(not_found)?, tdp).await }
    });
    loaded(data, move |p: CampaignProgress| {
        set_current_ward(p.campaign.ward_code);
        view! { <CampaignView progress=p tdp /> }
    })
}

#[component]
fn CampaignView(progress: CampaignProgress, tdp: RwSignal<Option<Uuid>>) -> impl IntoView {
    let i18n = use_i18n();
    let c = progress.campaign.clone();
    let ward = c.ward_code;
    let names: Vec<(Uuid, String)> = progress
        .tdps
        .iter()
        .map(|t| (t.tdp_id, t.tdp_name.clone()))
        .collect();
    let whole = if c.tdp_ids.is_empty() {
        t_string!(i18n, activities.ward_wide).to_owned()
    } else {
        t_string!(i18n, campaigns.all_tdps, n = c.tdp_ids.len()).to_string()
    };
    let indicators = progress.indicators.clone();
    view! {
        <p class="crumb"><A href=Route::Campaigns(ward).path()>{t!(i18n, campaigns.title)}</A></p>
        <h1>{c.name.clone()}</h1>
        <p class="subtitle">{period(&c)} " · " <strong class="countdown">{countdown(&c)}</strong></p>
        <div class="field">
            <label for="campaign-scope">{t!(i18n, campaigns.scope)}</label>
            <select id="campaign-scope" on:change=move |ev| tdp.set(event_target_value(&ev).parse().ok())>
                <option value="" selected=progress.tdp_id.is_none()>{whole}</option>
                {names
                    .iter()
                    .map(|(id, name)| {
                        view! { <option value=id.to_string() selected=progress.tdp_id == Some(*id)>{name.clone()}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
        {progress.indicators.into_iter().map(|b| view! { <BurnUp burn_up=b /> }).collect_view()}
        <h2>{t!(i18n, campaigns.by_tdp)}</h2>
        <div class="table-wrap">
            <table class="report">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, dashboard.tdp)}</th>
                        {indicators.iter().map(|i| view! { <th scope="col" class="num">{i.name_vi.clone()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {progress
                        .tdps
                        .into_iter()
                        .map(|t| {
                            view! {
                                <tr>
                                    <th scope="row">{t.tdp_name.clone()}</th>
                                    {t.achieved.iter().map(|n| view! { <td class="num">{*n}</td> }).collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One indicator: achieved so far against the target, and the chart of its days.
#[component]
fn BurnUp(burn_up: IndicatorBurnUp) -> impl IntoView {
    let i18n = use_i18n();
    let b = burn_up;
    let share = (b.target > 0.0).then(|| b.achieved as f64 / b.target * 100.0);
    let summary = t_string!(
        i18n,
        campaigns.achieved,
        n = b.achieved,
        target = format!("{:.0}", b.target),
        share = percent(share)
    )
    .to_string();
    // The chart, in a 600×220 box: days across, counts up; the straight line to the target
    // dashed, what was achieved solid.
    let (width, height, pad) = (600.0, 220.0, 24.0);
    let top = b
        .days
        .iter()
        .filter_map(|d| d.achieved)
        .max()
        .map_or(b.target, |m| (m as f64).max(b.target))
        .max(1.0);
    let n = b.days.len().max(2) - 1;
    let x = |i: usize| pad + (width - 2.0 * pad) * i as f64 / n as f64;
    let y = |v: f64| height - pad - (height - 2.0 * pad) * v / top;
    let line: String = std::iter::once(format!("{},{}", x(0), y(0.0)))
        .chain(
            b.days
                .iter()
                .enumerate()
                .map(|(i, d)| format!("{:.1},{:.1}", x(i), y(d.line))),
        )
        .collect::<Vec<_>>()
        .join(" ");
    let achieved: String = b
        .days
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            d.achieved
                .map(|a| format!("{:.1},{:.1}", x(i), y(a as f64)))
        })
        .collect::<Vec<_>>()
        .join(" ");
    let (first, last) = (
        b.days.first().map(|d| date(d.day)).unwrap_or_default(),
        b.days.last().map(|d| date(d.day)).unwrap_or_default(),
    );
    view! {
        <section class="burn-up" data-indicator=b.indicator.clone()>
            <h2>{b.name_vi.clone()}</h2>
            <p class="burn-up-figure">{summary.clone()}</p>
            <svg viewBox=format!("0 0 {width} {height}") role="img" aria-label=summary class="chart">
                <line class="axis" x1=pad y1=height - pad x2=width - pad y2=height - pad />
                <polyline class="target-line" points=line />
                <polyline class="achieved-line" points=achieved />
                <text x=pad y=height - 4.0 class="tick">{first}</text>
                <text x=width - pad y=height - 4.0 class="tick end">{last}</text>
                <text x=width - pad y=y(b.target) - 6.0 class="tick end">{format!("{:.0}", b.target)}</text>
            </svg>
            <p class="legend muted small">
                <span class="key achieved"></span> {t!(i18n, campaigns.legend_achieved)}
                " " <span class="key target"></span> {t!(i18n, campaigns.legend_line)}
            </p>
        </section>
    }
}
