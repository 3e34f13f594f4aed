//! One module per page of the route table in `main.rs`.

mod accounts;
mod activities;
mod ambassadors;
mod audit;
mod campaigns;
mod check_in;
mod dashboard;
mod home;
mod household;
mod invitation;
mod invitations;
mod map;
mod markets;
mod models;
mod my_account;
mod my_households;
mod not_found;
mod projector;
mod province;
mod province_deck;
mod record_visit;
mod register;
mod resident;
mod resident_data;
mod search;
mod sync;
mod tdp;
mod tickets;
mod weekly;

pub use not_found::NotFound;

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos_router::LazyRoute;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;
use wasm_split_helpers::SplitLoaderError;

use crate::api::ApiError;
use crate::components::ErrorNotice;
use crate::contexts::PageFetch;

/// Every page but "not found" has a route type here, named after it, for the route table in
/// `main.rs`. Its view comes from a WASM chunk that `app/build.sh` cuts out of the bundle,
/// fetched the first time one of the group's pages opens (and kept by the service worker for
/// offline use): a phone's first visit downloads the shell, not the whole ward office.
/// Pages are grouped by who opens them together, because every split point multiplies the
/// small chunks that the code groups share is cut into (one chunk per page made 166 of them
/// for the dashboard alone).
macro_rules! page_groups {
    ($($group:ident { $($route:ident => $page:path,)* })*) => {$(
        mod $group {
            use super::*;

            pub enum Page {
                $($route,)*
            }

            #[wasm_split_helpers::wasm_split($group, fallible)]
            fn view(page: Page) -> Result<AnyView, SplitLoaderError> {
                Ok(match page {
                    $(Page::$route => $page().into_any(),)*
                })
            }

            /// The group's pages share this loader, so that each route's own code in the
            /// shell stays one call.
            pub fn load(page: Page) -> Pin<Box<dyn Future<Output = AnyView>>> {
                Box::pin(async move {
                    let _fetching = PageFetch::start();
                    match view(page).await {
                        Ok(page) => page,
                        // Not fetched (no signal, and no copy yet): trying again fetches anew.
                        Err(_) => view! { <ErrorNotice error=ApiError::Network /> }.into_any(),
                    }
                })
            }
        }

        $(
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    Self
                }

                async fn view(_this: Self) -> AnyView {
                    $group::load($group::Page::$route).await
                }
            }
        )*
    )*};
}

page_groups! {
    // An official's overview of the ward, and the projector at a meeting. The start page goes
    // on to the ward's dashboard.
    ward {
        Home => home::Home,
        Dashboard => dashboard::Dashboard,
        Map => map::MapPage,
        Projector => projector::Projector,
        Weekly => weekly::Weekly,
    }
    // A province's steering committee: every ward side by side, and onboarding them; the
    // city's meetings' deck.
    city {
        Province => province::ProvincePage,
        ProvinceProjector => province_deck::ProvinceDeck,
    }
    // A volunteer's round: their households, a visit, the phone's sync.
    field {
        MyHouseholds => my_households::MyHouseholds,
        Household => household::HouseholdPage,
        RecordVisit => record_visit::RecordVisit,
        Resident => resident::ResidentPage,
        Tdp => tdp::TdpPage,
        Search => search::Search,
        Sync => sync::SyncPage,
        NewTicket => tickets::NewTicket,
        MyAccount => my_account::MyAccount,
    }
    // The movement's programmes: classes, campaigns, the rapid-response queue, the models.
    programmes {
        Activities => activities::Activities,
        Activity => activities::ActivityPage,
        Campaigns => campaigns::Campaigns,
        Campaign => campaigns::CampaignPage,
        Tickets => tickets::Tickets,
        Ticket => tickets::TicketPage,
        Markets => markets::Markets,
        Market => markets::MarketPage,
        Ambassadors => ambassadors::Ambassadors,
        ModelSettings => models::ModelSettingsPage,
    }
    // The ward admins' tools.
    admin {
        Accounts => accounts::Accounts,
        AuditLog => audit::AuditLog,
        Invitations => invitations::Invitations,
        RegisterImport => register::RegisterImport,
        ResidentData => resident_data::ResidentData,
    }
    // Pages opened without an account, often on a phone that has never seen the app.
    guest {
        CheckIn => check_in::CheckInPage,
        Invitation => invitation::InvitationPage,
    }
}

/// The `:id` of the current route, if it is a UUID.
fn id_param() -> Memo<Option<Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|id| id.parse().ok()))
}

/// The `:code` of the current route, if it is a ward's or a province's code.
fn code_param() -> Memo<Option<i32>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("code").and_then(|c| c.parse().ok()))
}

/// The error a page shows for an address that names nothing.
fn not_found() -> crate::api::ApiError {
    crate::api::ApiError::Server(domain::ErrorBody::new(domain::ErrorCode::NotFound))
}
