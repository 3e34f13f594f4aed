//! Requests for help (phiếu hỗ trợ) and their history.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

schema! {
    /// A problem the TDP's team could not solve, escalated to the ward's rapid-response team
    /// (`POST /wards/{code}/tickets`): about a household (and one of its residents), or about
    /// a place in a TDP.
    pub struct NewTicket {
        /// Made by the client, so that sending the same ticket twice opens it once.
        pub id: Uuid,
        pub household_id: Option<Uuid>,
        pub resident_id: Option<Uuid>,
        /// Without a household: the TDP the place is in, and the place.
        pub tdp_id: Option<Uuid>,
        pub place: Option<String>,
        /// The skill it is about, from the ward's catalogue ("VNeID level 2"...).
        pub skill_id: Option<Uuid>,
        pub title: String,
        /// What was tried and what went wrong. Never an identity-card number.
        pub description: String,
    }

    /// A ticket as the queue shows it. It names the household or place, so only those who may
    /// see the TDP's people read it.
    pub struct Ticket {
        pub id: Uuid,
        pub ward_code: i32,
        pub tdp_id: Uuid,
        pub tdp_name: String,
        pub household_id: Option<Uuid>,
        pub household_address: Option<String>,
        pub resident_id: Option<Uuid>,
        pub resident_name: Option<String>,
        pub place: Option<String>,
        pub skill_id: Option<Uuid>,
        pub title: String,
        pub description: String,
        pub status: TicketStatus,
        pub assignee_id: Option<Uuid>,
        pub assignee_name: Option<String>,
        pub opened_by_name: String,
        pub opened_at: DateTime<Utc>,
        /// When it was resolved; none while it is open.
        pub resolved_at: Option<DateTime<Utc>>,
    }

    /// A ticket with its history (`GET /tickets/{id}`).
    pub struct TicketDetail {
        pub ticket: Ticket,
        /// Oldest first: opened, each assignment, status change and comment.
        pub events: Vec<TicketEvent>,
        /// Whom it can be assigned to: the ward's rapid-response team (and its admins). Empty
        /// for those who may not assign.
        pub responders: Vec<ResponderRef>,
    }

    pub struct TicketEvent {
        pub at: DateTime<Utc>,
        pub author_name: String,
        pub kind: TicketEventKind,
        /// The status it moved to, for `opened` and `status`.
        pub status: Option<TicketStatus>,
        /// Who it was assigned to, for `assigned`; none when it was unassigned.
        pub assignee_name: Option<String>,
        /// A comment, or the note given with a status change.
        pub text: Option<String>,
    }

    pub struct ResponderRef {
        pub user_id: Uuid,
        pub full_name: String,
    }

    /// A comment on a ticket (`POST /tickets/{id}/comments`).
    pub struct NewComment {
        /// Made by the client, so that a comment sent twice is added once.
        pub id: Uuid,
        pub text: String,
    }

    /// A comment from a phone's outbox (`POST /tickets/{id}/comments` online): the change's id
    /// is the comment's.
    pub struct TicketComment {
        pub ticket_id: Uuid,
        pub text: String,
    }

    /// Who handles a ticket (`PUT /tickets/{id}/assignee`); none takes it back to the queue.
    pub struct TicketAssignment {
        pub assignee_id: Option<Uuid>,
    }

    /// A ticket's new status (`PUT /tickets/{id}/status`), with a note saying what was done:
    /// required to resolve it, so that the team learns how.
    pub struct TicketStatusChange {
        pub status: TicketStatus,
        #[serde(default)]
        pub note: String,
    }

    /// The ward's tickets in figures (`GET /wards/{code}/tickets/figures`), for the dashboard.
    pub struct TicketFigures {
        pub open: i64,
        pub in_progress: i64,
        /// Resolved in the last 30 days, and the median time they took, in hours.
        pub resolved_30_days: i64,
        pub median_hours_30_days: Option<f64>,
        /// TDPs with tickets not yet resolved, most first.
        pub tdps: Vec<TdpTickets>,
    }

    pub struct TdpTickets {
        pub tdp_id: Uuid,
        pub code: String,
        pub name: String,
        pub open: i64,
        pub in_progress: i64,
    }

    /// The tickets of a week, for the weekly report.
    #[derive(Default)]
    pub struct TicketWeek {
        pub opened: i64,
        pub resolved: i64,
        /// Still unresolved at the end of the week.
        pub unresolved: i64,
        /// The median time the week's resolved tickets took, in hours.
        pub median_hours: Option<f64>,
    }
}

choice! {
    /// Where a ticket stands.
    pub enum TicketStatus {
        /// Escalated, waiting for someone to take it on.
        Open,
        /// Someone of the rapid-response team is on it.
        InProgress,
        Resolved,
    }

    pub enum TicketEventKind {
        Opened,
        Assigned,
        Status,
        Comment,
    }
}
