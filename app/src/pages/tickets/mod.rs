//! The rapid-response team's tickets (tổ ứng cứu): the queue and the resolved ones, the form a
//! team member escalates a problem with (from a household's page, or about a place), and a
//! ticket's page — its history, comments, and for the responders taking it on and resolving
//! it. The dashboard shows the unresolved ones per TDP.

mod detail;
mod form;
mod list;

pub use detail::TicketPage;
pub use form::NewTicket;
pub use list::Tickets;

use chrono::{DateTime, Utc};
use domain::api::TicketStatus;

fn status_class(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::Open => "badge status-open",
        TicketStatus::InProgress => "badge status-in-progress",
        TicketStatus::Resolved => "badge status-resolved",
    }
}

fn hours_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_minutes() as f64 / 60.0
}
