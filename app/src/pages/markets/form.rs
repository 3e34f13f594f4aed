//! The forms that add a market and a trader's stall.

use domain::api::{FieldChange, MarketKind, NewMarket, StallChange, StallDetails, Tdp};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::api;
use crate::components::{ChoiceSelect, FormState, KeptNotice, TextField};
use crate::format::today;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{field_message, market_kind_name, words};
use crate::offline::{Saved, use_sync};

#[component]
pub(super) fn NewMarketForm(
    ward: i32,
    on_added: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
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
                label=words(|i18n| t_string!(i18n, markets.name))
                value=name
                error=form.field("name")
            />
            <ChoiceSelect
                id="market-kind"
                label=words(|i18n| t_string!(i18n, markets.kind))
                value=kind
                options=MarketKind::ALL
                name=market_kind_name
            />
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, markets.add)}
            </button>
        </form>
    }
}

#[component]
pub(super) fn NewStallForm(
    ward: i32,
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
    let kept = RwSignal::new(false);
    let sync = use_sync();
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
                let change = FieldChange::Stall(StallChange {
                    stall_id: id.get_untracked(),
                    details,
                });
                let Some(saved) = form.finish(sync.save(ward, Uuid::now_v7(), change).await) else {
                    return;
                };
                trader.set(String::new());
                code.set(String::new());
                goods.set(String::new());
                id.set(Uuid::now_v7());
                kept.set(saved == Saved::Queued);
                if saved == Saved::Sent {
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
                label=words(|i18n| t_string!(i18n, markets.stall_code))
                value=code
                error=form.field("stall_code")
            />
            <TextField
                id="trader-name"
                label=words(|i18n| t_string!(i18n, markets.trader_name))
                value=trader
                error=form.field("trader_name")
            />
            <TextField
                id="goods"
                label=words(|i18n| t_string!(i18n, markets.goods))
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
            <KeptNotice kept />
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, markets.add_stall)}
            </button>
        </form>
    }
}
