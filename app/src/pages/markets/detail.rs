//! A market's page: its traders and their 4T steps, ticked off as the team helps each one.

use domain::access::Action;
use domain::api::{FieldChange, Market, Stall, StallChange, Tdp};
use domain::models::FourT;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

use super::badge;
use super::form::NewStallForm;
use crate::api::{self, ApiError};
use crate::components::{ErrorNotice, KeptNotice, ProgressBadge, TableFrame, loaded};
use crate::contexts::set_current_ward;
use crate::format::{date, percent, today};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{four_t_name, market_kind_name, words};
use crate::offline::{Saved, use_sync};
use crate::pages::{id_param, not_found};
use crate::routes::Route;
use crate::session::use_session;

#[component]
pub fn MarketPage() -> impl IntoView {
    let id = id_param();
    let data = LocalResource::new(move || {
        let id = id.get();
        async move {
            let market = api::market(id.ok_or_else(not_found)?).await?;
            let ward = market.market.ward_code;
            let threshold = api::models(ward).await?.cashless_market_percent;
            Ok::<_, ApiError>((market, api::tdps(ward).await?, threshold))
        }
    });
    loaded(
        data,
        move |(market, tdps, threshold): (Market, Vec<Tdp>, f64)| {
            set_current_ward(market.market.ward_code);
            view! { <MarketView market tdps threshold on_change=move || data.refetch() /> }
        },
    )
}

#[component]
fn MarketView(
    market: Market,
    tdps: Vec<Tdp>,
    threshold: f64,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let m = market.market;
    let ward = m.ward_code;
    let recordable: Vec<Tdp> = tdps
        .into_iter()
        .filter(|t| session.reach(ward, Action::Record).includes(t.id))
        .collect();
    // Traders living in TDPs the person may not see are counted but not listed.
    let unseen = m.cashless.population > market.stalls.len() as i64;
    let share = t!(
        i18n,
        markets.share,
        percent = percent(m.cashless.share),
        achieved = m.cashless.achieved,
        population = m.cashless.population,
        target = threshold,
    );
    let steps = FourT::ALL
        .into_iter()
        .zip(m.steps.clone())
        .map(
            |(step, n)| view! { <li>{four_t_name(step)} ": " {n} "/" {m.cashless.population}</li> },
        )
        .collect_view();
    view! {
        <p class="crumb"><A href=Route::Markets(ward).path()>{t!(i18n, markets.title)}</A></p>
        <h1>{m.name.clone()} " " {badge(&m)}</h1>
        <p class="subtitle">{market_kind_name(m.kind)}</p>
        <p class="market-share" role="status">
            {share} " " <ProgressBadge progress=m.cashless.progress />
        </p>
        <ul class="list steps">{steps}</ul>
        <h2>{t!(i18n, markets.traders)}</h2>
        {if m.cashless.population == 0 {
            view! { <p>{t!(i18n, markets.no_stalls)}</p> }.into_any()
        } else if market.stalls.is_empty() {
            ().into_any()
        } else {
            view! { <StallTable ward stalls=market.stalls recordable=recordable.clone() on_change /> }.into_any()
        }}
        {unseen.then(|| view! { <p class="muted small">{t!(i18n, markets.hidden)}</p> })}
        {(!recordable.is_empty())
            .then(|| view! { <NewStallForm ward market=m.id tdps=recordable on_added=on_change /> })}
    }
}

#[component]
fn StallTable(
    ward: i32,
    stalls: Vec<Stall>,
    recordable: Vec<Tdp>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <TableFrame label=words(|i18n| t_string!(i18n, markets.traders))>
            <table class="stalls">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, markets.stall_code)}</th>
                        <th scope="col">{t!(i18n, markets.trader_name)}</th>
                        <th scope="col">{t!(i18n, markets.goods)}</th>
                        {FourT::ALL
                            .into_iter()
                            .map(|s| view! { <th scope="col">{four_t_name(s)}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {stalls
                        .into_iter()
                        .map(|stall| {
                            let may_tick = recordable.iter().any(|t| t.id == stall.details.tdp_id);
                            view! { <StallRow ward stall may_tick on_change /> }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableFrame>
    }
}

/// A trader and their 4T steps: ticking a step dates it today; unticking clears it.
#[component]
fn StallRow(
    ward: i32,
    stall: Stall,
    may_tick: bool,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let failure = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let kept = RwSignal::new(false);
    let sync = use_sync();
    let id = stall.id;
    let details = StoredValue::new(stall.details.clone());
    let code = stall.details.stall_code.clone();
    let tick = move |step: FourT, on: bool| {
        let mut d = details.get_value();
        step.set(&mut d, on.then(today));
        // Each change carries every step: the next tick, before the page is read again,
        // starts from this one.
        details.set_value(d.clone());
        busy.set(true);
        spawn_local(async move {
            let change = FieldChange::Stall(StallChange {
                stall_id: id,
                details: d,
            });
            let saved = sync.save(ward, Uuid::now_v7(), change).await;
            busy.set(false);
            match saved {
                Ok(Saved::Sent) => on_change(),
                Ok(Saved::Queued) => kept.set(true),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let cells = FourT::ALL
        .into_iter()
        .map(|step| {
            let reached = step.reached_on(&stall.details);
            let label = format!("{} – {}", code, four_t_name(step)());
            view! {
                <td>
                    <label class="check">
                        <input
                            type="checkbox"
                            aria-label=label
                            prop:checked=reached.is_some()
                            disabled=move || !may_tick || busy.get()
                            on:change=move |ev| tick(step, event_target_checked(&ev))
                        />
                        {reached
                            .map(|d| {
                                view! {
                                    <span class="muted small">
                                        {t!(i18n, markets.since, date = date(d))}
                                    </span>
                                }
                            })}
                    </label>
                </td>
            }
        })
        .collect_view();
    view! {
        <tr data-stall=stall.details.stall_code.clone()>
            <th scope="row">{stall.details.stall_code.clone()}</th>
            <td>{stall.details.trader_name.clone()}</td>
            <td>{stall.details.goods.clone()}</td>
            {cells}
        </tr>
        {move || kept.get().then(|| view! { <tr><td colspan="7"><KeptNotice kept /></td></tr> })}
        {move || failure.get().map(|error| view! { <tr><td colspan="7"><ErrorNotice error /></td></tr> })}
    }
}
