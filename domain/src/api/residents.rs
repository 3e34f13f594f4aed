//! Residents, their skills and the search over them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::activities::AttendedActivity;
use super::households::HouseholdSummary;
use super::models::{Figure, MentorRef};
use super::places::Tdp;
use super::visits::HelpRecord;
use crate::indicators::Progress;

/// Why Ngõ Số holds a resident's data, as their export says.
pub const PURPOSE_VI: &str = "Phục vụ phong trào \"Bình dân học vụ số\": tổ công nghệ số cộng đồng \
    hướng dẫn từng hộ, từng người dân sử dụng dịch vụ số (VNeID, dịch vụ công trực tuyến, thanh toán \
    không dùng tiền mặt, an toàn trên mạng) và thống kê kết quả theo chỉ tiêu của phường.";

schema! {
    pub struct ResidentSummary {
        pub id: Uuid,
        pub household_id: Uuid,
        pub full_name: String,
        pub birth_year: i32,
        pub gender: Gender,
        /// Codes of the skills this resident has achieved.
        pub achieved: Vec<String>,
        /// They withdrew their consent: the forms offer them for nothing new.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub consent_withdrawn: bool,
        /// They moved out of the ward or died: counted nowhere, offered for nothing new.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub departure: Option<Departure>,
        /// How many times the record was written: an edit says which version it was made
        /// against. 0 in a phone's copy kept before records had versions.
        #[serde(default)]
        pub version: i32,
        #[serde(default)]
        pub note: String,
    }

    pub struct Resident {
        pub id: Uuid,
        pub household_id: Uuid,
        pub household_address: String,
        pub tdp: Tdp,
        pub full_name: String,
        pub birth_year: i32,
        pub gender: Gender,
        pub skills: Vec<ResidentSkill>,
        /// Every time a visit helped this resident, newest first.
        pub history: Vec<HelpRecord>,
        /// The resident's own mentor record, when they are a digital ambassador.
        pub mentor_id: Option<Uuid>,
        /// The digital ambassador guiding this resident.
        pub learns_from: Option<MentorRef>,
        /// Classes and other activities attended, newest first.
        #[serde(default)]
        pub activities: Vec<AttendedActivity>,
        #[serde(default)]
        pub consent: Consent,
        #[serde(default)]
        pub departure: Option<Departure>,
        #[serde(default)]
        pub version: i32,
        #[serde(default)]
        pub note: String,
    }

    /// A resident's consent to Ngõ Số holding their data (Law 91/2025/QH15): who recorded it,
    /// when and for what, and whether they withdrew it since. Residents imported from the
    /// ward's register have none recorded until a team member asks them.
    #[derive(Default)]
    pub struct Consent {
        pub given_at: Option<DateTime<Utc>>,
        /// The account that recorded it.
        pub given_by: Option<String>,
        /// What they agreed to, in the words shown to them then.
        pub purpose: Option<String>,
        pub withdrawn_at: Option<DateTime<Utc>>,
        pub withdrawn_by: Option<String>,
    }

    /// Records a resident's consent as given (asked at the door), or as withdrawn.
    pub struct ConsentChange {
        pub given: bool,
    }

    /// Everything Ngõ Số holds about one resident, for the ward admin to hand to them (Law
    /// 91/2025/QH15: the right to see one's data). Other people's data is left out: the
    /// household's other members, the volunteers' names.
    pub struct ResidentExport {
        pub generated_at: DateTime<Utc>,
        pub ward_name: String,
        /// Why the data is held, in the ward's words.
        pub purpose: String,
        pub resident: Resident,
        /// The household they live in, as held.
        pub household: HouseholdRecord,
        /// Every visit to the household, newest first; the note only of those that helped
        /// them (another's may be about someone else).
        pub household_visits: Vec<VisitRecord>,
        /// Rapid-response tickets about them, newest first.
        pub tickets: Vec<TicketRecord>,
        /// Every change to their record and their household's: when, by whom, the fields.
        pub changes: Vec<ChangeRecord>,
    }

    pub struct HouseholdRecord {
        pub address: String,
        /// When they are the household's head; another head's name is not theirs to see.
        pub head_name: Option<String>,
        pub priority: super::households::Priority,
        pub location: Option<super::places::Location>,
    }

    pub struct VisitRecord {
        pub visited_on: NaiveDate,
        pub satisfaction: Option<i32>,
        pub note: String,
    }

    pub struct TicketRecord {
        pub opened_at: DateTime<Utc>,
        pub title: String,
        pub description: String,
        pub status: super::tickets::TicketStatus,
    }

    pub struct ChangeRecord {
        pub at: DateTime<Utc>,
        /// Who made it: an account's name, none for a change nobody signed in made.
        pub by: Option<String>,
        pub action: super::accounts::AuditAction,
        /// `residents` or `households`.
        pub entity: String,
        pub fields: Vec<String>,
    }

    /// No identity-card (CCCD) number: the product stores the least personal data it can.
    pub struct NewResident {
        pub id: Option<Uuid>,
        pub household_id: Uuid,
        pub full_name: String,
        pub birth_year: i32,
        pub gender: Gender,
        /// The team member asked them, and they agreed to `PURPOSE_VI`.
        #[serde(default)]
        pub consent: bool,
    }

    /// A resident's current status for one skill, and the visit or the activity that
    /// established it (one of the two).
    pub struct ResidentSkill {
        pub skill_id: Uuid,
        pub skill_code: String,
        pub skill_name: String,
        pub status: SkillStatus,
        pub since: NaiveDate,
        pub visit_id: Option<Uuid>,
        pub activity_id: Option<Uuid>,
    }

    /// A skill or service the ward tracks. Data, not code: each ward edits its own catalogue.
    pub struct Skill {
        pub id: Uuid,
        pub ward_code: i32,
        pub code: String,
        pub name_vi: String,
        pub name_en: String,
        /// The youngest age counted (15, 16 or 18).
        pub min_age: i32,
        pub target_percent: f64,
        pub deadline: NaiveDate,
        pub position: i32,
    }

    pub struct SkillFigure {
        pub skill_id: Uuid,
        pub achieved: i64,
        pub population: i64,
        pub share: Option<f64>,
        pub progress: Progress,
        /// Withheld from the public briefing (`disclosure`): fewer than 5 stand behind the
        /// count, or behind the rest. `achieved` is then 0 and `share` none; they say nothing.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub withheld: bool,
    }

    pub struct SearchResults {
        pub households: Vec<HouseholdSummary>,
        pub residents: Vec<ResidentHit>,
    }

    pub struct ResidentHit {
        pub id: Uuid,
        pub full_name: String,
        pub birth_year: i32,
        pub household_id: Uuid,
        pub household_address: String,
        pub tdp_name: String,
    }

    /// A resident's leaving the ward's counts: the day, and why.
    #[derive(Copy)]
    pub struct Departure {
        pub on: NaiveDate,
        pub reason: DepartureReason,
    }

    /// Marks a resident as moved out of the ward or deceased (`PUT /residents/{id}/departure`),
    /// or with `null` counts them again (entered by mistake, or they came back). A misspelt
    /// field is refused rather than read as `null`.
    #[serde(deny_unknown_fields)]
    pub struct DepartureChange {
        pub departure: Option<Departure>,
    }

    /// Merges a resident or a household entered twice into the record that stays
    /// (`POST /residents/{id}/merge`, `POST /households/{id}/merge`): the copy's history goes
    /// to `into_id`, and the copy is gone. A misspelt field is refused.
    #[serde(deny_unknown_fields)]
    pub struct MergeInto {
        pub into_id: Uuid,
    }

    /// The same from a phone's outbox.
    pub struct ResidentDeparture {
        pub resident_id: Uuid,
        pub departure: Option<Departure>,
    }

    /// A resident's consent from a phone's outbox, asked at the door
    /// (`PUT /residents/{id}/consent` online).
    pub struct ResidentConsent {
        pub resident_id: Uuid,
        pub given: bool,
    }

    /// What a form about to add a household or a resident asks
    /// (`POST /wards/{code}/duplicate-check`): a resident by name and year of birth, or a
    /// household by address, in the TDP first and then in the rest of the ward. Sent in a
    /// body, so that no name lands in an address that logs keep.
    pub struct DuplicateCheck {
        pub tdp_id: Uuid,
        #[serde(default)]
        pub full_name: Option<String>,
        #[serde(default)]
        pub birth_year: Option<i32>,
        #[serde(default)]
        pub address: Option<String>,
    }

    /// Records already in the register that the new one may be (`domain::duplicates`), those
    /// of its TDP first, among those the person may see.
    pub struct LikelyDuplicates {
        pub households: Vec<HouseholdSummary>,
        pub residents: Vec<ResidentHit>,
    }

    /// A record added although it looked like one already in the register: kept for the team
    /// leader to merge or dismiss, never dropped.
    pub struct LikelyDuplicate {
        pub id: i64,
        pub kind: DuplicateKind,
        pub found_at: DateTime<Utc>,
        /// The record added.
        pub added: DuplicateRecord,
        /// The one it looks like.
        pub existing: DuplicateRecord,
    }

    /// One side of a likely duplicate: a resident (with their household) or a household.
    pub struct DuplicateRecord {
        pub id: Uuid,
        pub household_id: Uuid,
        /// The resident's name, or the head of household's.
        pub name: String,
        pub birth_year: Option<i32>,
        pub address: String,
        pub tdp_name: String,
    }
}

choice! {
    pub enum DepartureReason {
        /// Moved out of the ward.
        MovedOut,
        Deceased,
    }

    pub enum DuplicateKind {
        Household,
        Resident,
    }

    pub enum Gender {
        Female,
        Male,
        Other,
    }

    /// A resident's status for a skill.
    pub enum SkillStatus {
        /// Shown how, not yet able alone (đang hướng dẫn).
        InProgress,
        /// Can do it / has it (đã đạt): this is what the indicators count.
        Achieved,
    }
}

impl ResidentSummary {
    /// Whether a form may record something new about them: not erased (nameless), not
    /// having withdrawn their consent, and still living in the ward.
    pub fn takes_records(&self) -> bool {
        !self.full_name.is_empty() && !self.consent_withdrawn && self.departure.is_none()
    }
}

impl Consent {
    /// Withdrawn, and not given again since.
    pub fn withdrawn(&self) -> bool {
        self.withdrawn_at.is_some()
    }
}

impl SkillFigure {
    /// The figure without its skill, to show like any other.
    pub fn figure(&self) -> Figure {
        Figure {
            achieved: self.achieved,
            population: self.population,
            share: self.share,
            progress: self.progress,
            withheld: self.withheld,
        }
    }
}
