//! Campaigns: targets for a period and the TDPs' standing against them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

schema! {
    /// A campaign to run (`POST /wards/{code}/campaigns`): its days, where (the TDPs chosen, or
    /// the whole ward when none is), and a target for each indicator it pushes.
    pub struct NewCampaign {
        /// Made by the client, so that sending the same campaign twice creates it once.
        pub id: Uuid,
        pub name: String,
        pub starts_on: NaiveDate,
        pub ends_on: NaiveDate,
        pub tdp_ids: Vec<Uuid>,
        pub targets: Vec<CampaignTarget>,
    }

    /// How many more to reach during the campaign: households visited for the first time
    /// (`households_visited`), or people achieving a skill (its code).
    pub struct CampaignTarget {
        pub indicator: String,
        pub target: i32,
    }

    pub struct Campaign {
        pub id: Uuid,
        pub ward_code: i32,
        pub name: String,
        pub starts_on: NaiveDate,
        pub ends_on: NaiveDate,
        /// The TDPs it runs in; empty for the whole ward.
        pub tdp_ids: Vec<Uuid>,
        pub targets: Vec<CampaignTarget>,
    }

    /// A campaign's progress (`GET /campaigns/{id}`): figures only, as the projector shows them.
    pub struct CampaignProgress {
        pub campaign: Campaign,
        /// The TDP the burn-up charts are for; none for the campaign's whole scope.
        pub tdp_id: Option<Uuid>,
        pub indicators: Vec<IndicatorBurnUp>,
        /// What each TDP in scope achieved so far, in the order of `indicators`.
        pub tdps: Vec<CampaignTdp>,
    }

    pub struct IndicatorBurnUp {
        pub indicator: String,
        pub name_vi: String,
        pub name_en: String,
        /// The campaign's target, or a TDP's share of it (by its registered households or
        /// adults).
        pub target: f64,
        pub achieved: i64,
        pub days: Vec<BurnUpDay>,
    }

    /// One day of a burn-up chart.
    pub struct BurnUpDay {
        pub day: NaiveDate,
        /// Achieved by the end of the day; none for days still to come.
        pub achieved: Option<i64>,
        /// The straight line to the target.
        pub line: f64,
    }

    pub struct CampaignTdp {
        pub tdp_id: Uuid,
        pub tdp_name: String,
        pub achieved: Vec<i64>,
    }
}
