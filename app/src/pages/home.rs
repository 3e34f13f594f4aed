//! The start page: goes straight to the person's one ward, or one province, else lists them.

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
    let held = LocalResource::new(api::my_provinces);
    // The provinces the person holds a role over, by code (none until they have come).
    let provinces = move || {
        let mut provinces: Vec<(i32, String)> = held
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|g| (g.province_code, g.province_name))
            .collect();
        provinces.dedup_by_key(|(code, _)| *code);
        provinces
    };
    let navigate = use_navigate();
    let location = use_location();
    Effect::new(move |_| {
        let (Some(Ok(list)), Some(_)) = (wards.get(), held.get()) else {
            return;
        };
        let only = match (list.as_slice(), provinces().as_slice()) {
            ([ward], []) => Route::Dashboard(ward.code),
            ([], [(province, _)]) => Route::Province(*province),
            _ => return,
        };
        // A tap elsewhere while the list loaded is not undone (this page stays on screen
        // until the next one's code has come).
        if location.pathname.get_untracked() == Route::Home.path() {
            navigate(
                &only.path(),
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
            let over = provinces();
            let nothing = list.is_empty() && over.is_empty();
            let province_links = over
                .into_iter()
                .map(|(code, name)| {
                    view! {
                        <li>
                            <A href=Route::Province(code).path()>{name}</A>
                        </li>
                    }
                })
                .collect_view();
            if nothing {
                view! { <p>{t!(i18n, home.no_wards)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list">
                        {province_links}
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
