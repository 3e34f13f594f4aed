//! Finding a resident by name, or a household by address, to act on: adding an attendee to an
//! activity, a learner to a digital ambassador, moving a resident to another household.

use domain::api::SearchResults;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::ErrorNotice;
use crate::api::{self, ApiError};
use crate::i18n::{t, use_i18n};

/// What a picker looks for.
#[derive(Clone, Copy, PartialEq)]
pub enum Finds {
    Residents,
    Households,
}

/// One line of what was found: a name or address, and what tells it apart.
#[derive(Clone)]
struct Hit {
    id: Uuid,
    name: String,
    detail: String,
}

impl Finds {
    fn hits(self, found: SearchResults) -> Vec<Hit> {
        match self {
            Self::Residents => found
                .residents
                .into_iter()
                .map(|r| Hit {
                    id: r.id,
                    detail: format!(" · {} · {}", r.birth_year, r.household_address),
                    name: r.full_name,
                })
                .collect(),
            Self::Households => found
                .households
                .into_iter()
                .map(|h| Hit {
                    id: h.id,
                    detail: format!(" · {} · {}", h.head_name, h.tdp_name),
                    name: h.address,
                })
                .collect(),
        }
    }
}

/// Finds residents of `ward` by name (diacritics optional), or households by address, and
/// hands the one picked to `on_pick`; the list then closes for the next search. `label` says
/// what the search is for, `action` what picking does, and the buttons are disabled while
/// `busy`.
#[component]
pub fn Picker(
    /// The search box's id, unique on the page.
    id: String,
    ward: i32,
    finds: Finds,
    #[prop(into)] label: TextProp,
    #[prop(into)] action: TextProp,
    busy: RwSignal<bool>,
    on_pick: impl Fn(Uuid) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<Hit>>);
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
                Ok(r) => found.set(Some(finds.hits(r))),
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
                .map(|hits| {
                    if hits.is_empty() {
                        return match finds {
                            Finds::Residents => view! { <p class="muted">{t!(i18n, picker.no_match)}</p> }.into_any(),
                            Finds::Households => view! { <p class="muted">{t!(i18n, picker.no_household)}</p> }.into_any(),
                        };
                    }
                    view! {
                        <ul class="list">
                            {hits
                                .into_iter()
                                .map(|p| {
                                    let id = p.id;
                                    let label = format!("{} {}", action.get(), p.name);
                                    view! {
                                        <li>
                                            {p.name}
                                            <span class="muted">{p.detail}</span>
                                            " "
                                            <button
                                                type="button"
                                                class="button primary small"
                                                disabled=move || busy.get()
                                                aria-label=label
                                                on:click=move |_| pick(id)
                                            >
                                                {action.get()}
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
