//! Campaigns ("45 ngày đêm"…): the ward's list with a countdown and a form to start one, and a
//! campaign's page with a daily burn-up chart per indicator — for its whole scope or one TDP —
//! and what each TDP has achieved.

mod detail;
mod form;
mod list;

pub use detail::CampaignPage;
pub use list::Campaigns;
