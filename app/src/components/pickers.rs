//! Finding a resident by name to act on: adding an attendee to an activity, a learner to a
//! digital ambassador.

use domain::api::ResidentHit;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::ErrorNotice;
use crate::api::{self, ApiError};
use crate::i18n::{t, t_string, use_i18n};

/// Finds residents of `ward` by name (diacritics optional) and hands the one picked to
/// `on_pick`; the list then closes for the next search. `label` says what the search is for,
/// and the buttons are disabled while `busy`.
#[component]
pub fn ResidentPicker(
    /// The search box's id, unique on the page.
    id: String,
    ward: i32,
    #[prop(into)] label: TextProp,
    busy: RwSignal<bool>,
    on_pick: impl Fn(Uuid) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<ResidentHit>>);
    let failure = RwSignal::new(None::<ApiError>);
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = typed.get_untracked();
        if domain::text::fold(&q).chars().count() < 2 {
            return;
        }
        failure.set(None);
        spawn_local(async move {
            match api::search(ward, &q).await {
                Ok(r) => found.set(Some(r.residents)),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let pick = move |resident: Uuid| {
        on_pick(resident);
        found.set(None);
        typed.set(String::new());
    };
    view! {
        <form class="search" role="search" on:submit=search>
            <label for=id.clone()>{move || label.get()}</label>
            <div class="row">
                <input id=id type="search" autocomplete="off" bind:value=typed />
                <button type="submit" class="button secondary">{t!(i18n, picker.search)}</button>
            </div>
        </form>
        {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
        {move || {
            found
                .get()
                .map(|people| {
                    if people.is_empty() {
                        return view! { <p class="muted">{t!(i18n, picker.no_match)}</p> }.into_any();
                    }
                    view! {
                        <ul class="list">
                            {people
                                .into_iter()
                                .map(|p| {
                                    let id = p.id;
                                    let label = format!("{} {}", t_string!(i18n, picker.add), p.full_name);
                                    view! {
                                        <li>
                                            {p.full_name.clone()}
                                            <span class="muted">
                                                {format!(" · {} · {}", p.birth_year, p.household_address)}
                                            </span>
                                            " "
                                            <button
                                                type="button"
                                                class="button primary small"
                                                disabled=move || busy.get()
                                                aria-label=label
                                                on:click=move |_| pick(id)
                                            >
                                                {t!(i18n, picker.add)}
                                            </button>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                })
        }}
    }
}
