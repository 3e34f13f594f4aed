//! "Hộ của tôi": the households a team leader sent the signed-in volunteer to, priority
//! households first; each leaves the list once the volunteer's visit is recorded.

use leptos::prelude::*;

use crate::api;
use crate::components::{HouseholdItem, loaded};
use crate::i18n::{t, use_i18n};

#[component]
pub fn MyHouseholds() -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(api::my_households);
    view! {
        <h1>{t!(i18n, assignments.mine_title)}</h1>
        <p class="subtitle">{t!(i18n, assignments.mine_hint)}</p>
        {loaded(list, move |households| {
            if households.is_empty() {
                view! { <p class="done">{t!(i18n, assignments.mine_empty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list households">
                        {households
                            .into_iter()
                            .map(|h| view! { <HouseholdItem household=h /> })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }
        })}
    }
}
