//! Search a ward's households and residents; diacritics are optional.

use leptos::prelude::*;
use leptos_router::components::A;

use super::code_param;
use crate::api;
use crate::components::{HouseholdItem, loaded};
use crate::contexts::set_current_ward;
use crate::i18n::{t, t_string, use_i18n};
use crate::routes::Route;

#[component]
pub fn Search() -> impl IntoView {
    let i18n = use_i18n();
    let code = code_param();
    Effect::new(move |_| {
        if let Some(c) = code.get() {
            set_current_ward(c);
        }
    });
    let typed = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let results = LocalResource::new(move || {
        let (code, q) = (code.get(), query.get());
        async move {
            match code {
                Some(c) if domain::text::fold(&q).chars().count() >= 2 => {
                    api::search(c, &q).await.map(Some)
                }
                _ => Ok(None),
            }
        }
    });
    view! {
        <h1>{t!(i18n, search.title)}</h1>
        <form
            role="search"
            class="search"
            on:submit=move |ev| {
                ev.prevent_default();
                query.set(typed.get_untracked());
            }
        >
            <label for="q">{t!(i18n, search.label)}</label>
            <div class="row">
                <input
                    id="q"
                    type="search"
                    autocomplete="off"
                    placeholder=move || t_string!(i18n, search.placeholder)
                    bind:value=typed
                />
                <button type="submit" class="primary">{t!(i18n, search.submit)}</button>
            </div>
        </form>
        {loaded(results, move |found| match found {
            None => view! { <p class="muted">{t!(i18n, search.hint)}</p> }.into_any(),
            Some(r) if r.households.is_empty() && r.residents.is_empty() => {
                view! { <p>{t!(i18n, search.nothing)}</p> }.into_any()
            }
            Some(r) => {
                view! {
                    <h2>{t!(i18n, search.residents)}</h2>
                    <ul class="list">
                        {r
                            .residents
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <li>
                                        <A href=Route::Resident(p.id).path()>{p.full_name.clone()}</A>
                                        <span class="muted">
                                            {format!(" · {} · {} · {}", p.birth_year, p.household_address, p.tdp_name)}
                                        </span>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <h2>{t!(i18n, search.households)}</h2>
                    <ul class="list">
                        {r.households.into_iter().map(|h| view! { <HouseholdItem household=h /> }).collect_view()}
                    </ul>
                }
                    .into_any()
            }
        })}
    }
}
