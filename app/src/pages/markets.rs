//! "Chợ số – Nông thôn số" (4T): the ward's markets and cooperatives with their share of
//! traders taking cashless payment, and one market's traders with their 4T steps, ticked off
//! as the team helps each one.

use domain::access::Action;
use domain::api::{
    Market, MarketKind, MarketSummary, ModelSettings, NewMarket, Stall, StallDetails, Tdp,
};
use domain::models::FourT;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

use super::{code_param, id_param, not_found};
use crate::api::{self, ApiError};
use crate::components::{
    ErrorNotice, FormState, ProgressBadge, TextField, date, field_message, loaded, percent,
    set_current_ward, today,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::routes::Route;
use crate::session::use_session;

fn kind_label(kind: MarketKind) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match kind {
        MarketKind::Market => t_string!(i18n, markets.kind_market),
        MarketKind::Cooperative => t_string!(i18n, markets.kind_cooperative),
    }
}

fn step_label(step: FourT) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match step {
        FourT::Trained => t_string!(i18n, markets.trained),
        FourT::Ecommerce => t_string!(i18n, markets.ecommerce),
        FourT::Cashless => t_string!(i18n, markets.cashless_step),
        FourT::Savings => t_string!(i18n, markets.savings),
    }
}

/// "Chợ không dùng tiền mặt", when earned.
fn badge(market: &MarketSummary) -> impl IntoView + use<> {
    let i18n = use_i18n();
    market.cashless_market.then(
        || view! { <span class="badge reached cashless-badge">{t!(i18n, markets.badge)}</span> },
    )
}

#[component]
pub fn Markets() -> impl IntoView {
    let code = code_param();
    let data = LocalResource::new(move || {
        let code = code.get();
        async move {
            let ward = code.ok_or_else(not_found)?;
            Ok::<_, ApiError>((ward, api::markets(ward).await?, api::models(ward).await?))
        }
    });
    loaded(
        data,
        move |(ward, markets, settings): (i32, Vec<MarketSummary>, ModelSettings)| {
            set_current_ward(ward);
            view! { <MarketList ward markets settings on_added=move || data.refetch() /> }
        },
    )
}

#[component]
fn MarketList(
    ward: i32,
    markets: Vec<MarketSummary>,
    settings: ModelSettings,
    on_added: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may_add = session.reach(ward, Action::ManageWard).is_ward();
    let threshold = settings.cashless_market_percent;
    view! {
        <h1>{t!(i18n, markets.title)}</h1>
        <p class="subtitle">{t!(i18n, markets.intro, percent = threshold)}</p>
        {if markets.is_empty() {
            view! { <p>{t!(i18n, markets.none)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="markets">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, markets.name)}</th>
                                <th scope="col">{t!(i18n, markets.kind)}</th>
                                <th scope="col" class="num">{t!(i18n, markets.traders)}</th>
                                <th scope="col" class="num">{t!(i18n, markets.cashless)}</th>
                                <th scope="col"></th>
                            </tr>
                        </thead>
                        <tbody>
                            {markets
                                .into_iter()
                                .map(|m| {
                                    let name = m.name.clone();
                                    view! {
                                        <tr data-market=m.name.clone()>
                                            <th scope="row">
                                                <A href=Route::Market(m.id).path()>{name}</A>
                                            </th>
                                            <td>{kind_label(m.kind)}</td>
                                            <td class="num">{m.cashless.population}</td>
                                            <td class="num share">{percent(m.cashless.share)}</td>
                                            <td>{badge(&m)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            }
                .into_any()
        }}
        {may_add.then(|| view! { <NewMarketForm ward on_added /> })}
    }
}

#[component]
fn NewMarketForm(ward: i32, on_added: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(MarketKind::Market);
    // One id per market being added, so that a retried submit cannot add it twice.
    let id = RwSignal::new(Uuid::now_v7());
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewMarket {
            id: id.get_untracked(),
            name: name.get_untracked(),
            kind: kind.get_untracked(),
        };
        if form.start(domain::validate::new_market(&body)) {
            spawn_local(async move {
                if form.finish(api::create_market(ward, &body).await).is_some() {
                    name.set(String::new());
                    id.set(Uuid::now_v7());
                    on_added();
                }
            });
        }
    };
    view! {
        <h2>{t!(i18n, markets.add)}</h2>
        <form class="form" on:submit=submit novalidate>
            <TextField
                id="market-name"
                label=Signal::derive(move || t_string!(i18n, markets.name).to_owned())
                value=name
                error=form.field("name")
            />
            <div class="field">
                <label for="market-kind">{t!(i18n, markets.kind)}</label>
                <select
                    id="market-kind"
                    on:change=move |ev| {
                        kind.set(MarketKind::parse(&event_target_value(&ev)).unwrap_or(MarketKind::Market))
                    }
                >
                    {MarketKind::ALL
                        .iter()
                        .copied()
                        .map(|k| view! { <option value=k.as_str()>{kind_label(k)}</option> })
                        .collect_view()}
                </select>
            </div>
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, markets.add)}
            </button>
        </form>
    }
}

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
        .map(|(step, n)| view! { <li>{step_label(step)} ": " {n} "/" {m.cashless.population}</li> })
        .collect_view();
    view! {
        <p class="crumb"><A href=Route::Markets(ward).path()>{t!(i18n, markets.title)}</A></p>
        <h1>{m.name.clone()} " " {badge(&m)}</h1>
        <p class="subtitle">{kind_label(m.kind)}</p>
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
            view! { <StallTable stalls=market.stalls recordable=recordable.clone() on_change /> }.into_any()
        }}
        {unseen.then(|| view! { <p class="muted small">{t!(i18n, markets.hidden)}</p> })}
        {(!recordable.is_empty())
            .then(|| view! { <NewStallForm market=m.id tdps=recordable on_added=on_change /> })}
    }
}

#[component]
fn StallTable(
    stalls: Vec<Stall>,
    recordable: Vec<Tdp>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap">
            <table class="stalls">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, markets.stall_code)}</th>
                        <th scope="col">{t!(i18n, markets.trader_name)}</th>
                        <th scope="col">{t!(i18n, markets.goods)}</th>
                        {FourT::ALL
                            .into_iter()
                            .map(|s| view! { <th scope="col">{step_label(s)}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {stalls
                        .into_iter()
                        .map(|stall| {
                            let may_tick = recordable.iter().any(|t| t.id == stall.details.tdp_id);
                            view! { <StallRow stall may_tick on_change /> }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A trader and their 4T steps: ticking a step dates it today; unticking clears it.
#[component]
fn StallRow(
    stall: Stall,
    may_tick: bool,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let failure = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let id = stall.id;
    let details = StoredValue::new(stall.details.clone());
    let code = stall.details.stall_code.clone();
    let tick = move |step: FourT, on: bool| {
        let mut d = details.get_value();
        step.set(&mut d, on.then(today));
        busy.set(true);
        spawn_local(async move {
            let saved = api::put_stall(id, &d).await;
            busy.set(false);
            match saved {
                Ok(_) => on_change(),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let cells = FourT::ALL
        .into_iter()
        .map(|step| {
            let reached = step.reached_on(&stall.details);
            let label = format!("{} – {}", code, step_label(step)());
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
        {move || failure.get().map(|error| view! { <tr><td colspan="7"><ErrorNotice error /></td></tr> })}
    }
}

#[component]
fn NewStallForm(
    market: Uuid,
    tdps: Vec<Tdp>,
    on_added: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let trader = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let goods = RwSignal::new(String::new());
    let tdp = RwSignal::new(tdps.first().map(|t| t.id).unwrap_or_default());
    // The new trader's id, made here so that a retried submit records them once.
    let id = RwSignal::new(Uuid::now_v7());
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let details = StallDetails {
            market_id: market,
            tdp_id: tdp.get_untracked(),
            trader_name: trader.get_untracked(),
            stall_code: code.get_untracked(),
            goods: goods.get_untracked(),
            trained_on: None,
            ecommerce_on: None,
            cashless_on: None,
            savings_on: None,
        };
        if form.start(domain::validate::stall(&details, today())) {
            spawn_local(async move {
                if form
                    .finish(api::put_stall(id.get_untracked(), &details).await)
                    .is_some()
                {
                    trader.set(String::new());
                    code.set(String::new());
                    goods.set(String::new());
                    id.set(Uuid::now_v7());
                    on_added();
                }
            });
        }
    };
    let tdp_error = form.field("tdp_id");
    view! {
        <h2>{t!(i18n, markets.add_stall)}</h2>
        <form class="form" on:submit=submit novalidate>
            <TextField
                id="stall-code"
                label=Signal::derive(move || t_string!(i18n, markets.stall_code).to_owned())
                value=code
                error=form.field("stall_code")
            />
            <TextField
                id="trader-name"
                label=Signal::derive(move || t_string!(i18n, markets.trader_name).to_owned())
                value=trader
                error=form.field("trader_name")
            />
            <TextField
                id="goods"
                label=Signal::derive(move || t_string!(i18n, markets.goods).to_owned())
                value=goods
                error=form.field("goods")
            />
            <div class="field">
                <label for="stall-tdp">{t!(i18n, markets.tdp)}</label>
                <select
                    id="stall-tdp"
                    on:change=move |ev| {
                        if let Ok(id) = event_target_value(&ev).parse() {
                            tdp.set(id);
                        }
                    }
                >
                    {tdps
                        .into_iter()
                        .map(|t| view! { <option value=t.id.to_string()>{t.name}</option> })
                        .collect_view()}
                </select>
                {move || tdp_error.get().map(|c| view! { <p class="field-error">{field_message(c)}</p> })}
            </div>
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, markets.add_stall)}
            </button>
        </form>
    }
}
