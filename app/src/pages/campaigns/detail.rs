//! A campaign's page: a daily burn-up per indicator, for its whole scope or one TDP, and
//! what each TDP has achieved.

use domain::api::{CampaignProgress, IndicatorBurnUp};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use crate::api;
use crate::components::{TableFrame, loaded};
use crate::contexts::set_current_ward;
use crate::format::{countdown, date, percent, period};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::words;
use crate::pages::{id_param, not_found};
use crate::routes::Route;

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
        <TableFrame label=words(|i18n| t_string!(i18n, campaigns.by_tdp))>
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
        </TableFrame>
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
