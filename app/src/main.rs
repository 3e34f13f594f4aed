//! Ngõ Số's web app, rendered in the browser.

mod api;
mod components;
mod offline;
mod pages;
mod pwa;
mod routes;
mod session;

include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};

use crate::i18n::I18nSubContextProvider;
use crate::routes::{
    ACCOUNTS, ACTIVITIES, AMBASSADORS, AUDIT, CAMPAIGNS, CHECK_IN, CODE, HOUSEHOLD, ID, INVITATION,
    INVITATIONS, MAP, MARKET, MARKETS, MODELS, MY_HOUSEHOLDS, NEW, PROJECTOR, RECORD_VISIT,
    REGISTER, RESIDENT, SEARCH, SYNC, TDP, TICKETS, TOKEN, WARD, WEEKLY, segment,
};

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
                    <session::SessionGate>
                    <Routes fallback=pages::NotFound>
                        <Route path=segment("") view=pages::Home />
                        <Route path=(segment(WARD), CODE) view=pages::Dashboard />
                        <Route path=(segment(WARD), CODE, segment(SEARCH)) view=pages::Search />
                        <Route path=(segment(WARD), CODE, segment(MAP)) view=pages::MapPage />
                        <Route path=(segment(WARD), CODE, segment(PROJECTOR)) view=pages::Projector />
                        <Route path=(segment(TDP), ID) view=pages::TdpPage />
                        <Route path=(segment(HOUSEHOLD), ID) view=pages::HouseholdPage />
                        <Route
                            path=(segment(HOUSEHOLD), ID, segment(RECORD_VISIT))
                            view=pages::RecordVisit
                        />
                        <Route path=(segment(RESIDENT), ID) view=pages::ResidentPage />
                        <Route path=(segment(INVITATION), TOKEN) view=pages::InvitationPage />
                        <Route path=(segment(CHECK_IN), ID) view=pages::CheckInPage />
                        <Route path=segment(ACCOUNTS) view=pages::MyAccount />
                        <Route path=(segment(WARD), CODE, segment(ACCOUNTS)) view=pages::Accounts />
                        <Route path=(segment(WARD), CODE, segment(AUDIT)) view=pages::AuditLog />
                        <Route path=(segment(WARD), CODE, segment(MODELS)) view=pages::ModelSettingsPage />
                        <Route path=(segment(WARD), CODE, segment(AMBASSADORS)) view=pages::Ambassadors />
                        <Route path=(segment(WARD), CODE, segment(MARKETS)) view=pages::Markets />
                        <Route path=(segment(MARKET), ID) view=pages::MarketPage />
                        <Route path=segment(MY_HOUSEHOLDS) view=pages::MyHouseholds />
                        <Route path=(segment(WARD), CODE, segment(WEEKLY)) view=pages::Weekly />
                        <Route path=(segment(WARD), CODE, segment(REGISTER)) view=pages::RegisterImport />
                        <Route path=(segment(WARD), CODE, segment(ACTIVITIES)) view=pages::Activities />
                        <Route path=(segment(ACTIVITIES), ID) view=pages::ActivityPage />
                        <Route path=(segment(WARD), CODE, segment(CAMPAIGNS)) view=pages::Campaigns />
                        <Route path=(segment(CAMPAIGNS), ID) view=pages::CampaignPage />
                        <Route path=(segment(WARD), CODE, segment(TICKETS)) view=pages::Tickets />
                        <Route path=(segment(WARD), CODE, segment(TICKETS), segment(NEW)) view=pages::NewTicket />
                        <Route path=(segment(TICKETS), ID) view=pages::TicketPage />
                        <Route path=(segment(TDP), ID, segment(INVITATIONS)) view=pages::Invitations />
                        <Route path=segment(SYNC) view=pages::SyncPage />
                    </Routes>
                    </session::SessionGate>
                </components::Layout>
            </Router>
        </I18nSubContextProvider>
    }
}
