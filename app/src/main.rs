//! Ngõ Số's web app, rendered in the browser.

mod api;
mod components;
mod contexts;
mod format;
mod labels;
mod offline;
mod pages;
mod pwa;
mod routes;
mod session;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos_router::Lazy;
use leptos_router::components::{Route, Router, Routes};

use crate::i18n::I18nSubContextProvider;
use crate::routes::{
    ACCOUNTS, ACTIVITIES, AMBASSADORS, AUDIT, CAMPAIGNS, CHECK_IN, CODE, DATA, HOUSEHOLD, ID,
    INVITATION, INVITATIONS, MAP, MARKET, MARKETS, MODELS, MY_HOUSEHOLDS, NEW, PROJECTOR, PROVINCE,
    RECORD_VISIT, REGISTER, RESIDENT, SEARCH, SYNC, TDP, TICKETS, TOKEN, WARD, WEEKLY, segment,
};

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    view! {
        <I18nSubContextProvider initial_locale=Signal::stored(contexts::saved_locale())>
            <Router>
                <components::Layout>
                    <session::SessionGate>
                    <Routes fallback=pages::NotFound>
                        <Route path=segment("") view={Lazy::<pages::Home>::new()} />
                        <Route path=(segment(PROVINCE), CODE) view={Lazy::<pages::Province>::new()} />
                        <Route path=(segment(PROVINCE), CODE, segment(PROJECTOR)) view={Lazy::<pages::ProvinceProjector>::new()} />
                        <Route path=(segment(WARD), CODE) view={Lazy::<pages::Dashboard>::new()} />
                        <Route path=(segment(WARD), CODE, segment(SEARCH)) view={Lazy::<pages::Search>::new()} />
                        <Route path=(segment(WARD), CODE, segment(MAP)) view={Lazy::<pages::Map>::new()} />
                        <Route path=(segment(WARD), CODE, segment(PROJECTOR)) view={Lazy::<pages::Projector>::new()} />
                        <Route path=(segment(TDP), ID) view={Lazy::<pages::Tdp>::new()} />
                        <Route path=(segment(HOUSEHOLD), ID) view={Lazy::<pages::Household>::new()} />
                        <Route
                            path=(segment(HOUSEHOLD), ID, segment(RECORD_VISIT))
                            view={Lazy::<pages::RecordVisit>::new()}
                        />
                        <Route path=(segment(RESIDENT), ID) view={Lazy::<pages::Resident>::new()} />
                        <Route path=(segment(RESIDENT), ID, segment(DATA)) view={Lazy::<pages::ResidentData>::new()} />
                        <Route path=(segment(INVITATION), TOKEN) view={Lazy::<pages::Invitation>::new()} />
                        <Route path=(segment(CHECK_IN), ID) view={Lazy::<pages::CheckIn>::new()} />
                        <Route path=segment(ACCOUNTS) view={Lazy::<pages::MyAccount>::new()} />
                        <Route path=(segment(WARD), CODE, segment(ACCOUNTS)) view={Lazy::<pages::Accounts>::new()} />
                        <Route path=(segment(WARD), CODE, segment(AUDIT)) view={Lazy::<pages::AuditLog>::new()} />
                        <Route path=(segment(WARD), CODE, segment(MODELS)) view={Lazy::<pages::ModelSettings>::new()} />
                        <Route path=(segment(WARD), CODE, segment(AMBASSADORS)) view={Lazy::<pages::Ambassadors>::new()} />
                        <Route path=(segment(WARD), CODE, segment(MARKETS)) view={Lazy::<pages::Markets>::new()} />
                        <Route path=(segment(MARKET), ID) view={Lazy::<pages::Market>::new()} />
                        <Route path=segment(MY_HOUSEHOLDS) view={Lazy::<pages::MyHouseholds>::new()} />
                        <Route path=(segment(WARD), CODE, segment(WEEKLY)) view={Lazy::<pages::Weekly>::new()} />
                        <Route path=(segment(WARD), CODE, segment(REGISTER)) view={Lazy::<pages::RegisterImport>::new()} />
                        <Route path=(segment(WARD), CODE, segment(ACTIVITIES)) view={Lazy::<pages::Activities>::new()} />
                        <Route path=(segment(ACTIVITIES), ID) view={Lazy::<pages::Activity>::new()} />
                        <Route path=(segment(WARD), CODE, segment(CAMPAIGNS)) view={Lazy::<pages::Campaigns>::new()} />
                        <Route path=(segment(CAMPAIGNS), ID) view={Lazy::<pages::Campaign>::new()} />
                        <Route path=(segment(WARD), CODE, segment(TICKETS)) view={Lazy::<pages::Tickets>::new()} />
                        <Route path=(segment(WARD), CODE, segment(TICKETS), segment(NEW)) view={Lazy::<pages::NewTicket>::new()} />
                        <Route path=(segment(TICKETS), ID) view={Lazy::<pages::Ticket>::new()} />
                        <Route path=(segment(TDP), ID, segment(INVITATIONS)) view={Lazy::<pages::Invitations>::new()} />
                        <Route path=segment(SYNC) view={Lazy::<pages::Sync>::new()} />
                    </Routes>
                    </session::SessionGate>
                </components::Layout>
            </Router>
        </I18nSubContextProvider>
    }
}
