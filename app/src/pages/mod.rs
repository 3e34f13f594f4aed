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
mod record_visit;
mod register;
mod resident;
mod search;
mod sync;
mod tdp;
mod tickets;
mod weekly;

pub use accounts::Accounts;
pub use activities::{Activities, ActivityPage};
pub use ambassadors::Ambassadors;
pub use audit::AuditLog;
pub use campaigns::{CampaignPage, Campaigns};
pub use check_in::CheckInPage;
pub use dashboard::Dashboard;
pub use home::Home;
pub use household::HouseholdPage;
pub use invitation::InvitationPage;
pub use invitations::Invitations;
pub use map::MapPage;
pub use markets::{MarketPage, Markets};
pub use models::ModelSettingsPage;
pub use my_account::MyAccount;
pub use my_households::MyHouseholds;
pub use not_found::NotFound;
pub use projector::Projector;
pub use record_visit::RecordVisit;
pub use register::RegisterImport;
pub use resident::ResidentPage;
pub use search::Search;
pub use sync::SyncPage;
pub use tdp::TdpPage;
pub use tickets::{NewTicket, TicketPage, Tickets};
pub use weekly::Weekly;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

/// The `:id` of the current route, if it is a UUID.
fn id_param() -> Memo<Option<Uuid>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|id| id.parse().ok()))
}

/// The `:code` of the current route, if it is a ward code.
fn code_param() -> Memo<Option<i32>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("code").and_then(|c| c.parse().ok()))
}

/// The error a page shows for an address that names nothing.
fn not_found() -> crate::api::ApiError {
    crate::api::ApiError::Server(domain::ErrorBody::new(domain::ErrorCode::NotFound))
}
