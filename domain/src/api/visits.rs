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

    /// A phone's outbox, sent when it has signal (`POST /wards/{code}/sync/outbox`): every
    /// change a team member made in the field, of any kind, oldest first.
    pub struct ChangeBatch {
        /// The phone's clock when it sent the batch: how far off that clock is.
        pub sent_at: DateTime<Utc>,
        pub changes: Vec<OutboxChange>,
    }

    /// One change made on a phone.
    pub struct OutboxChange {
        /// Made on the phone (UUIDv7): what makes sending it again safe. A change that creates
        /// a record gives the record this id (the body's own `id` is not read), so later
        /// changes of the same round can refer to it.
        pub id: Uuid,
        /// When the person made it, by the phone's clock.
        pub made_at: DateTime<Utc>,
        pub change: FieldChange,
    }

    /// What a change does. The server applies a batch's changes in this order, whatever the
    /// order they came in: households, residents, visits, then one at a time in the batch's
    /// order the rest (tickets and comments, a visit voided or corrected, a resident who left
    /// or gave or withdrew their consent, edits, attendance and learning, guides, ambassadors
    /// and learners, traders).
    #[serde(tag = "kind", rename_all = "snake_case")]
    pub enum FieldChange {
        Household(super::households::NewHousehold),
        Resident(super::residents::NewResident),
        Visit(NewVisit),
        VoidVisit(VisitVoiding),
        /// A visit voided and recorded again as it should have been, both or neither.
        CorrectVisit(VisitCorrection),
        ResidentDeparture(super::residents::ResidentDeparture),
        /// A resident's consent, given or withdrawn (Law 91/2025).
        Consent(super::residents::ResidentConsent),
        /// A ticket escalated to the rapid-response team.
        Ticket(super::tickets::NewTicket),
        /// A comment on a ticket.
        Comment(super::tickets::TicketComment),
        /// An edit of a household's address, head, priorities or note.
        HouseholdEdit(super::edits::HouseholdEdit),
        /// An edit of a resident's name, birth year, gender or note.
        ResidentEdit(super::edits::ResidentEdit),
        /// Residents added to or taken off a class's attendance.
        Attendance(super::activities::AttendanceChange),
        /// What a class's attendees learnt, confirmed by its organiser.
        Learning(super::activities::LearningChange),
        /// Who guides the rest of a household ("Gia đình số").
        Guide(super::households::HouseholdGuide),
        /// A digital ambassador registered or withdrawn ("Đại sứ số").
        Ambassador(super::models::AmbassadorChange),
        /// Whom a resident learns from.
        Learner(super::models::LearnerChange),
        /// A trader and their 4T steps ("Chợ số").
        Stall(super::models::StallChange),
    }

    /// A visit voided from the outbox (`POST /visits/{id}/void` online).
    pub struct VisitVoiding {
        pub visit_id: Uuid,
        pub reason: String,
    }

    /// A visit corrected: voided with the reason, and recorded again as `visit` says (under
    /// the change's id) in the same change. Whoever may void the visit may correct it.
    pub struct VisitCorrection {
        pub visit_id: Uuid,
        pub reason: String,
        pub visit: NewVisit,
    }

    /// What became of one change (or visit) of a batch, in the batch's order.
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
        /// The activities of those TDPs and the ward-wide ones, from a week ago to a month
        /// ahead, with their attendees, always all of them: attendance is taken offline too.
        #[serde(default)]
        pub activities: Vec<super::activities::ActivityDetail>,
        /// Households of those TDPs merged into another since `since`: the phone forgets them
        /// (the one that stays is in `households`).
        #[serde(default)]
        pub merged_households: Vec<Uuid>,
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

impl FieldChange {
    /// Where the change comes in a batch: after everything it may refer to.
    pub fn stage(&self) -> u8 {
        match self {
            Self::Household(_) => 0,
            Self::Resident(_) => 1,
            Self::Visit(_) => 2,
            Self::VoidVisit(_)
            | Self::CorrectVisit(_)
            | Self::ResidentDeparture(_)
            | Self::Consent(_)
            | Self::Ticket(_)
            | Self::Comment(_)
            | Self::HouseholdEdit(_)
            | Self::ResidentEdit(_)
            | Self::Attendance(_)
            | Self::Learning(_)
            | Self::Guide(_)
            | Self::Ambassador(_)
            | Self::Learner(_)
            | Self::Stall(_) => 3,
        }
    }

    /// The records it refers to, which an earlier change of the same phone may create.
    pub fn refers_to(&self) -> Vec<Uuid> {
        match self {
            Self::Household(_) => Vec::new(),
            Self::Resident(r) => vec![r.household_id],
            Self::Visit(v) => visit_refers_to(v).collect(),
            Self::VoidVisit(v) => vec![v.visit_id],
            Self::CorrectVisit(c) => std::iter::once(c.visit_id)
                .chain(visit_refers_to(&c.visit))
                .collect(),
            Self::ResidentDeparture(d) => vec![d.resident_id],
            Self::Consent(c) => vec![c.resident_id],
            Self::Ticket(t) => t.household_id.into_iter().chain(t.resident_id).collect(),
            Self::Comment(c) => vec![c.ticket_id],
            Self::HouseholdEdit(e) => vec![e.household_id],
            Self::ResidentEdit(e) => std::iter::once(e.resident_id)
                .chain(e.fields.household_id)
                .collect(),
            Self::Attendance(a) => a.added.clone(),
            Self::Learning(l) => l.achieved.clone(),
            Self::Guide(g) => std::iter::once(g.household_id)
                .chain(g.resident_id)
                .collect(),
            Self::Ambassador(a) => a.resident_id.into_iter().collect(),
            Self::Learner(l) => vec![l.resident_id],
            Self::Stall(_) => Vec::new(),
        }
    }
}

fn visit_refers_to(v: &NewVisit) -> impl Iterator<Item = Uuid> + '_ {
    std::iter::once(v.household_id).chain(v.help.iter().map(|h| h.resident_id))
}

choice! {
    pub enum SyncStatus {
        Stored,
        AlreadyStored,
        Conflict,
        Invalid,
        Refused,
        /// It refers to a household or resident the server does not have, or not yet: one
        /// the phone created that has not arrived (or was refused). Nothing was stored; send
        /// it again once that one is.
        Waiting,
    }

    /// How a team leader settles a conflict.
    pub enum ConflictChoice {
        /// The stored visit is right: the copy sent again is let go.
        KeepStored,
        /// They were two visits: the copy sent again is recorded too, under a new id.
        KeepBoth,
    }
}
