//! Request and response bodies of the JSON API under `/api/v1`.
//!
//! Conventions, written down once: ids are UUIDs (v7, made by whoever creates the record, so
//! an offline phone can make them too); dates are `YYYY-MM-DD`; timestamps are RFC 3339 in
//! UTC; lists the client pages through take `limit` (default 50, at most 200) and `offset`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::indicators::Progress;

macro_rules! schema {
    ($($item:item)*) => {
        $(
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
            $item
        )*
    };
}

schema! {
    pub struct Health {
        /// `ok` when the server can reach its database.
        pub status: String,
        pub version: String,
    }

    /// A commune or ward (xã/phường) from the official list, identified by its code.
    pub struct Ward {
        pub code: i32,
        pub name: String,
        pub province_code: i32,
        pub province_name: String,
    }

    /// A residential group (tổ dân phố, thôn/bản) of a ward.
    pub struct Tdp {
        pub id: Uuid,
        pub ward_code: i32,
        /// The ward's own short code, e.g. `TDP-07`.
        pub code: String,
        pub name: String,
        /// Households on the ward's register: the denominator of visit coverage.
        pub households_registered: i32,
        /// Adults on the ward's register: the denominator of skill shares.
        pub adults_registered: i32,
    }

    pub struct NewTdp {
        pub code: String,
        pub name: String,
        pub households_registered: i32,
        pub adults_registered: i32,
    }

    /// A member of a TDP's community digital technology team (tổ công nghệ số cộng đồng).
    pub struct TeamMember {
        pub id: Uuid,
        pub tdp_id: Uuid,
        pub full_name: String,
        pub role: TeamRole,
        pub phone: Option<String>,
    }

    pub struct NewTeamMember {
        pub full_name: String,
        pub role: TeamRole,
        pub phone: Option<String>,
    }

    /// A TDP with its team, for the TDP page.
    pub struct TdpDetail {
        pub tdp: Tdp,
        pub team: Vec<TeamMember>,
        pub indicators: TdpIndicators,
    }

    pub struct HouseholdSummary {
        pub id: Uuid,
        pub tdp_id: Uuid,
        pub tdp_name: String,
        pub address: String,
        pub head_name: String,
        pub priority: Priority,
        pub residents: i64,
        pub last_visit: Option<NaiveDate>,
    }

    /// Why a household comes first in the teams' lists.
    #[derive(Default, Copy, Eq)]
    pub struct Priority {
        pub elderly_alone: bool,
        pub disability: bool,
        pub poverty: Poverty,
    }

    pub struct Household {
        pub id: Uuid,
        pub tdp: Tdp,
        pub address: String,
        pub head_name: String,
        pub priority: Priority,
        pub residents: Vec<ResidentSummary>,
        /// Newest first.
        pub visits: Vec<Visit>,
    }

    pub struct NewHousehold {
        pub id: Option<Uuid>,
        pub tdp_id: Uuid,
        pub address: String,
        pub head_name: String,
        pub priority: Priority,
    }

    pub struct ResidentSummary {
        pub id: Uuid,
        pub household_id: Uuid,
        pub full_name: String,
        pub birth_year: i32,
        pub gender: Gender,
        /// Codes of the skills this resident has achieved.
        pub achieved: Vec<String>,
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
    }

    /// No identity-card (CCCD) number: the product stores the least personal data it can.
    pub struct NewResident {
        pub id: Option<Uuid>,
        pub household_id: Uuid,
        pub full_name: String,
        pub birth_year: i32,
        pub gender: Gender,
    }

    /// A resident's current status for one skill, and the visit that established it.
    pub struct ResidentSkill {
        pub skill_id: Uuid,
        pub skill_code: String,
        pub skill_name: String,
        pub status: SkillStatus,
        pub since: NaiveDate,
        pub visit_id: Uuid,
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

    /// The ward dashboard: every skill ward-wide and per TDP, visit coverage and satisfaction.
    pub struct Dashboard {
        pub ward: Ward,
        /// Ages are counted in this year.
        pub as_of_year: i32,
        pub skills: Vec<Skill>,
        pub totals: TdpIndicators,
        /// One row per TDP, in TDP code order.
        pub tdps: Vec<TdpIndicators>,
    }

    /// The figures of one TDP, or of the whole ward.
    pub struct TdpIndicators {
        /// `None` for the ward total.
        pub tdp_id: Option<Uuid>,
        pub code: String,
        pub name: String,
        pub households_registered: i64,
        pub households_visited: i64,
        pub visit_coverage: Option<f64>,
        pub satisfaction: Option<f64>,
        pub ratings: i64,
        /// In the order of `Dashboard::skills`.
        pub skills: Vec<SkillFigure>,
    }

    pub struct SkillFigure {
        pub skill_id: Uuid,
        pub achieved: i64,
        pub population: i64,
        pub share: Option<f64>,
        pub progress: Progress,
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
}

macro_rules! choice {
    ($($item:item)*) => {
        $(
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
            #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
            #[serde(rename_all = "snake_case")]
            $item
        )*
    };
}

choice! {
    /// A team member's role, as the ward's decisions name them.
    pub enum TeamRole {
        /// Tổ trưởng tổ công nghệ số cộng đồng.
        Leader,
        /// Bí thư chi bộ.
        PartySecretary,
        /// Trưởng tổ dân phố.
        TdpHead,
        /// Đoàn viên thanh niên.
        YouthUnion,
        /// Công an khu vực.
        Police,
        /// Nhân viên viễn thông.
        Telecom,
        /// Giáo viên, sinh viên.
        TeacherStudent,
        Other,
    }

    pub enum Gender {
        Female,
        Male,
        Other,
    }

    #[derive(Default)]
    pub enum Poverty {
        #[default]
        None,
        /// Hộ cận nghèo.
        NearPoor,
        /// Hộ nghèo.
        Poor,
    }

    /// A resident's status for a skill.
    pub enum SkillStatus {
        /// Shown how, not yet able alone (đang hướng dẫn).
        InProgress,
        /// Can do it / has it (đã đạt): this is what the indicators count.
        Achieved,
    }
}

impl TeamRole {
    pub const ALL: [TeamRole; 8] = [
        Self::Leader,
        Self::PartySecretary,
        Self::TdpHead,
        Self::YouthUnion,
        Self::Police,
        Self::Telecom,
        Self::TeacherStudent,
        Self::Other,
    ];

    /// The name stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Leader => "leader",
            Self::PartySecretary => "party_secretary",
            Self::TdpHead => "tdp_head",
            Self::YouthUnion => "youth_union",
            Self::Police => "police",
            Self::Telecom => "telecom",
            Self::TeacherStudent => "teacher_student",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

impl Gender {
    pub const ALL: [Gender; 3] = [Self::Female, Self::Male, Self::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Female => "female",
            Self::Male => "male",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

impl Poverty {
    pub const ALL: [Poverty; 3] = [Self::None, Self::NearPoor, Self::Poor];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::NearPoor => "near_poor",
            Self::Poor => "poor",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

impl SkillStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "in_progress",
            Self::Achieved => "achieved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::InProgress, Self::Achieved]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

impl Priority {
    /// Elderly living alone, disability or (near-)poverty: visited first.
    pub fn any(&self) -> bool {
        self.elderly_alone || self.disability || self.poverty != Poverty::None
    }
}
