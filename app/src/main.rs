//! Ngõ Số's web app, rendered in the browser.

mod api;
mod components;
mod pages;
mod routes;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos_i18n::context::CookieOptions;
use leptos_router::components::{Route, Router, Routes};

use crate::i18n::{I18nContextProvider, Locale};
use crate::routes::{CODE, HOUSEHOLD, ID, RECORD_VISIT, RESIDENT, SEARCH, TDP, WARD, segment};

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// The app speaks Vietnamese first, whatever language the phone's browser prefers; English is
/// one tap away, and the choice is remembered for a year on every page of the site (without a
/// path, the cookie would only hold for the page's folder).
fn locale_cookie() -> CookieOptions<Locale> {
    const YEAR_MS: i64 = 365 * 24 * 3600 * 1000;
    CookieOptions::<Locale>::default()
        .path("/")
        .max_age(YEAR_MS)
        .default_value(Some(Locale::vi))
}

#[component]
fn App() -> impl IntoView {
    view! {
        <I18nContextProvider cookie_name="ngo_so_locale" cookie_options=locale_cookie()>
            <Router>
                <components::Layout>
                    <Routes fallback=pages::NotFound>
                        <Route path=segment("") view=pages::Home />
                        <Route path=(segment(WARD), CODE) view=pages::Dashboard />
                        <Route path=(segment(WARD), CODE, segment(SEARCH)) view=pages::Search />
                        <Route path=(segment(TDP), ID) view=pages::TdpPage />
                        <Route path=(segment(HOUSEHOLD), ID) view=pages::HouseholdPage />
                        <Route
                            path=(segment(HOUSEHOLD), ID, segment(RECORD_VISIT))
                            view=pages::RecordVisit
                        />
                        <Route path=(segment(RESIDENT), ID) view=pages::ResidentPage />
                    </Routes>
                </components::Layout>
            </Router>
        </I18nContextProvider>
    }
}
