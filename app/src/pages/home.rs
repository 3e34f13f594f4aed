//! The start page: goes straight to the ward when the server has one, else lists them.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};

use crate::api;
use crate::components::loaded;
use crate::i18n::{t, use_i18n};
use crate::routes::Route;

#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    let wards = LocalResource::new(api::wards);
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        if let Some(Ok(list)) = wards.get()
            && let [only] = list.as_slice()
            // A tap elsewhere while the list loaded is not undone (this page stays on screen
            // until the next one's code has come).
            && location.pathname.get_untracked() == Route::Home.path()
        {
            navigate(
                &Route::Dashboard(only.code).path(),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    view! {
        <h1>{t!(i18n, home.title)}</h1>
        <p>{t!(i18n, home.intro)}</p>
        {loaded(wards, move |list| {
            if list.is_empty() {
                view! { <p>{t!(i18n, home.no_wards)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list">
                        {list
                            .into_iter()
                            .map(|w| {
                                view! {
                                    <li>
                                        <A href=Route::Dashboard(w.code).path()>
                                            {format!("{} – {}", w.name, w.province_name)}
                                        </A>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }
        })}
    }
}
