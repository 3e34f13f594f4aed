//! "Chợ số – Nông thôn số" (4T): the ward's markets and cooperatives with their share of
//! traders taking cashless payment, and one market's traders with their 4T steps, ticked off
//! as the team helps each one.

mod detail;
mod form;
mod list;

pub use detail::MarketPage;
pub use list::Markets;

use domain::api::MarketSummary;
use leptos::prelude::*;

use crate::i18n::{t, use_i18n};

/// "Chợ không dùng tiền mặt", when earned.
fn badge(market: &MarketSummary) -> impl IntoView + use<> {
    let i18n = use_i18n();
    market.cashless_market.then(
        || view! { <span class="badge reached cashless-badge">{t!(i18n, markets.badge)}</span> },
    )
}
