//! The ward's markets and cooperatives with their share of cashless traders.

use domain::access::Action;
use domain::api::{MarketSummary, ModelSettings};
use leptos::prelude::*;
use leptos_router::components::A;

use super::badge;
use super::form::NewMarketForm;
use crate::api::{self, ApiError};
use crate::components::{TableFrame, loaded};
use crate::contexts::set_current_ward;
use crate::format::percent;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{market_kind_name, words};
use crate::pages::{code_param, not_found};
use crate::routes::Route;
use crate::session::use_session;

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
                <TableFrame label=words(|i18n| t_string!(i18n, markets.title))>
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
                                            <td>{market_kind_name(m.kind)}</td>
                                            <td class="num">{m.cashless.population}</td>
                                            <td class="num share">{percent(m.cashless.share)}</td>
                                            <td>{badge(&m)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </TableFrame>
            }
                .into_any()
        }}
        {may_add.then(|| view! { <NewMarketForm ward on_added /> })}
    }
}
