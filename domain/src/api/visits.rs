//! Door-step visits, and what an offline phone sends and receives.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::households::Household;
use super::models::ModelSettings;
use super::places::{TdpDetail, TeamMember, Ward};
use super::residents::{Skill, SkillStatus};

schema! {
    pub struct NewVisit {
        /// Made by the client (UUIDv7) so that sending the same visit twice records it once.
        pub id: Option<Uuid>,
        pub household_id: Uuid,
        pub visited_on: NaiveDate,
        pub volunteer_ids: Vec<Uuid>,
        pub help: Vec<HelpItem>,
        /// The household's rating of the help, 1 (poor) to 5 (very satisfied).
        pub satisfaction: Option<i32>,
        pub note: String,
    }

    /// One resident helped with one skill during a visit.
    #[derive(Eq)]
    pub struct HelpItem {
        pub resident_id: Uuid,
        pub skill_id: Uuid,
        pub outcome: SkillStatus,
    }

    pub struct Visit {
        pub id: Uuid,
        pub household_id: Uuid,
        pub visited_on: NaiveDate,
        pub volunteers: Vec<TeamMember>,
        pub help: Vec<HelpRecord>,
        pub satisfaction: Option<i32>,
        pub note: String,
        /// When the server received it (the visit date is the volunteer's).
        pub recorded_at: DateTime<Utc>,
        /// The account that recorded it, when known: they may void it for 7 days.
        pub recorded_by: Option<Uuid>,
    }

    /// Why a visit is voided: recorded against the wrong household, or never made.
    pub struct VoidVisit {
        pub reason: String,
    }

    /// A voided visit: gone from the household and from every figure.
    pub struct VoidedVisit {
        pub id: Uuid,
        pub household_id: Uuid,
        pub voided_at: DateTime<Utc>,
    }

    /// Visits from a phone's outbox, sent together.
    pub struct VisitBatch {
        /// The phone's clock when it sent the batch: how far off that clock is.
        pub sent_at: DateTime<Utc>,
        pub visits: Vec<OutboxVisit>,
    }

    pub struct OutboxVisit {
        /// When the phone recorded the visit, by its own clock.
        pub recorded_at: DateTime<Utc>,
        /// Its `id` is required: it is what makes sending again safe.
        pub visit: NewVisit,
    }

    /// What became of one visit of a batch, in the batch's order.
    pub struct SyncOutcome {
        pub id: Option<Uuid>,
        pub status: SyncStatus,
        pub fields: Vec<crate::FieldError>,
    }

    /// What a phone keeps to work offline in one ward (`GET /wards/{code}/sync/changes`): the
    /// households of the TDPs where its person is on the team, whole, changed since `since`.
    pub struct SyncChanges {
        /// Sent back as `since` on the next pull (opaque: what the server had seen).
        pub cursor: String,
        /// Everything rather than changes (no `since` was given): the phone replaces what it had.
        pub full: bool,
        pub ward: Ward,
        pub skills: Vec<Skill>,
        pub models: ModelSettings,
        /// The TDPs whose households the phone keeps, always whole; households of any other
        /// TDP are no longer the person's to keep.
        pub tdps: Vec<TdpDetail>,
        pub households: Vec<Household>,
    }

    pub struct ConflictResolution {
        pub choice: ConflictChoice,
    }

    /// A client id that arrived again with other content, kept for a person to resolve.
    pub struct SyncConflict {
        pub id: i64,
        pub entity: String,
        pub client_id: Uuid,
        pub tdp_id: Uuid,
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub received: serde_json::Value,
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub stored: serde_json::Value,
        pub received_at: DateTime<Utc>,
        /// Who sent the conflicting copy.
        pub user_name: Option<String>,
    }

    pub struct HelpRecord {
        pub visit_id: Uuid,
        pub visited_on: NaiveDate,
        pub resident_id: Uuid,
        pub resident_name: String,
        pub skill_id: Uuid,
        pub skill_name: String,
        pub outcome: SkillStatus,
    }
}

choice! {
    pub enum SyncStatus {
        Stored,
        AlreadyStored,
        Conflict,
        Invalid,
        Refused,
    }

    /// How a team leader settles a conflict.
    pub enum ConflictChoice {
        /// The stored visit is right: the copy sent again is let go.
        KeepStored,
        /// They were two visits: the copy sent again is recorded too, under a new id.
        KeepBoth,
    }
}
