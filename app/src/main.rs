//! Ngõ Số's web app, rendered in the browser.

mod api;
mod components;
mod pages;
mod routes;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};

use crate::i18n::I18nSubContextProvider;
use crate::routes::{CODE, HOUSEHOLD, ID, RECORD_VISIT, RESIDENT, SEARCH, TDP, WARD, segment};

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    view! {
        <I18nSubContextProvider initial_locale=Signal::stored(components::saved_locale())>
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
        </I18nSubContextProvider>
    }
}
