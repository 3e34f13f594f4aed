//! A form's guard against adding to the register what is already there: the first save shows
//! the likely duplicates (`domain::duplicates`, asked of the server or offline of the phone's
//! copy) and waits; the person opens the one meant, or saves again to add a new one.

use domain::api::{DuplicateCheck, LikelyDuplicates};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api;
use crate::i18n::{t, use_i18n};
use crate::routes::Route;

#[derive(Clone, Copy)]
pub struct DuplicateGuard {
    /// What the person was shown, and for which input.
    found: RwSignal<Option<(DuplicateCheck, LikelyDuplicates)>>,
}

impl DuplicateGuard {
    pub fn new() -> Self {
        Self {
            found: RwSignal::new(None),
        }
    }

    /// Whether the form may save `check`: nothing in the register is like it, or the person
    /// was shown what is and saves the same again.
    pub async fn clear(self, ward: i32, check: DuplicateCheck) -> bool {
        let seen = self
            .found
            .with_untracked(|f| f.as_ref().is_some_and(|(shown, _)| *shown == check));
        if seen {
            return true;
        }
        match api::duplicate_check(ward, &check).await {
            Ok(found) if !found.households.is_empty() || !found.residents.is_empty() => {
                self.found.set(Some((check, found)));
                false
            }
            // Nothing alike, or no way to ask (no signal and no copy on the phone): the server
            // looks again when the change arrives, and keeps a likely duplicate for the team
            // leader.
            _ => {
                self.found.set(None);
                true
            }
        }
    }

    /// Whether the person is being shown likely duplicates.
    pub fn warned(self) -> bool {
        self.found.with(Option::is_some)
    }

    pub fn forget(self) {
        self.found.set(None);
    }

    pub fn view(self) -> impl IntoView {
        move || {
            self.found
                .get()
                .map(|(_, found)| view! { <LikelyDuplicatesNotice found /> })
        }
    }
}

/// "Có thể đã có trong sổ: …", with a link to each.
#[component]
fn LikelyDuplicatesNotice(found: LikelyDuplicates) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="card duplicates" role="status" data-testid="likely-duplicates">
            <p><strong>{t!(i18n, duplicates.title)}</strong></p>
            <ul>
                {found
                    .households
                    .into_iter()
                    .map(|h| view! {
                        <li>
                            <A href=Route::Household(h.id).path()>{h.head_name}</A>
                            {format!(" – {}", h.address)}
                        </li>
                    })
                    .collect_view()}
                {found
                    .residents
                    .into_iter()
                    .map(|r| view! {
                        <li>
                            <A href=Route::Resident(r.id).path()>
                                {format!("{} ({})", r.full_name, r.birth_year)}
                            </A>
                            {format!(" – {}, {}", r.household_address, r.tdp_name)}
                        </li>
                    })
                    .collect_view()}
            </ul>
            <p class="muted small">{t!(i18n, duplicates.hint)}</p>
        </div>
    }
}
