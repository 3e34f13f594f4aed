//! Ngõ Số's web app, rendered in the browser.

mod api;
mod components;
mod pages;
mod routes;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};

use crate::i18n::I18nContextProvider;
use crate::routes::{CODE, HOUSEHOLD, ID, RECORD_VISIT, RESIDENT, SEARCH, TDP, WARD, segment};

/// Where the chosen language is remembered.
const LOCALE_COOKIE: &str = "ngo_so_locale";

fn main() {
    console_error_panic_hook::set_once();
    default_to_vietnamese();
    leptos::mount::mount_to_body(App);
}

/// The app speaks Vietnamese first, whatever language the phone's browser prefers; English is
/// one tap away and remembered once chosen.
fn default_to_vietnamese() {
    use wasm_bindgen::JsCast;
    let Some(doc) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
    else {
        return;
    };
    let cookies = doc.cookie().unwrap_or_default();
    if !cookies
        .split(';')
        .any(|c| c.trim_start().starts_with(LOCALE_COOKIE))
    {
        let _ = doc.set_cookie(&format!(
            "{LOCALE_COOKIE}=vi; path=/; max-age=31536000; SameSite=Lax"
        ));
    }
}

#[component]
fn App() -> impl IntoView {
    view! {
        <I18nContextProvider cookie_name=LOCALE_COOKIE>
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
