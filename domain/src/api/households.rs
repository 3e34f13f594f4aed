//! Households, their priorities and who visits them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::places::{Location, Tdp};
use super::residents::ResidentSummary;
use super::visits::Visit;

schema! {
    pub struct HouseholdSummary {
        pub id: Uuid,
        pub tdp_id: Uuid,
        pub tdp_name: String,
        pub address: String,
        pub head_name: String,
        pub priority: Priority,
        pub residents: i64,
        pub last_visit: Option<NaiveDate>,
        /// Its guide has every skill the ward asks of one ("Gia đình số").
        pub digital_family: bool,
        /// The team member sent to it who has not visited it since (door-to-door assignments).
        #[serde(default)]
        pub assigned_to: Option<String>,
    }

    /// Sends a team member to households of a TDP, or calls them back with `team_member_id:
    /// null`; a misspelt field is refused rather than read as `null`.
    #[serde(deny_unknown_fields)]
    pub struct Assignment {
        pub team_member_id: Option<Uuid>,
        pub household_ids: Vec<Uuid>,
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
        pub location: Option<Location>,
        pub residents: Vec<ResidentSummary>,
        /// The resident who guides the rest of the household ("Gia đình số"), one of
        /// `residents`.
        pub guide_id: Option<Uuid>,
        /// Newest first.
        pub visits: Vec<Visit>,
        /// How many times the record was written: an edit says which version it was made
        /// against. 0 in a phone's copy kept before records had versions.
        #[serde(default)]
        pub version: i32,
        #[serde(default)]
        pub note: String,
    }

    /// Who guides the rest of a household (`PUT /households/{id}/guide`); `null` clears it. A
    /// misspelt field is refused rather than read as `null`.
    #[serde(deny_unknown_fields)]
    pub struct GuideChoice {
        pub resident_id: Option<Uuid>,
    }

    /// The same from a phone's outbox.
    pub struct HouseholdGuide {
        pub household_id: Uuid,
        pub resident_id: Option<Uuid>,
    }

    pub struct NewHousehold {
        pub id: Option<Uuid>,
        pub tdp_id: Uuid,
        pub address: String,
        pub head_name: String,
        pub priority: Priority,
        #[serde(default)]
        pub location: Option<Location>,
    }
}

choice! {
    #[derive(Default)]
    pub enum Poverty {
        #[default]
        None,
        /// Hộ cận nghèo.
        NearPoor,
        /// Hộ nghèo.
        Poor,
    }

    /// Which of a TDP's households a list shows (`?show=`), priority households first.
    #[derive(Default)]
    pub enum HouseholdFilter {
        #[default]
        All,
        /// Never visited: "gõ từng nhà" still to do.
        NotVisited,
        /// Not yet "Gia đình số".
        NotDigital,
        /// With someone aged 16+ still missing a digital identity.
        MissingIdentity,
    }
}

impl Priority {
    /// Elderly living alone, disability or (near-)poverty: visited first.
    pub fn any(&self) -> bool {
        self.elderly_alone || self.disability || self.poverty != Poverty::None
    }
}
