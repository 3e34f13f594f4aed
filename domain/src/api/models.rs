//! The four models (Gia đình số, Chợ số, Một danh tính số, Đại sứ số).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::indicators::Progress;

schema! {
    /// The movement's models, as a ward judges them: its targets, thresholds and the skills
    /// each model asks of a person. Data, not code.
    pub struct ModelSettings {
        /// "Gia đình số": the share of households to reach (%), at least the province's.
        pub family_target: f64,
        /// By when: its pace is judged on the straight line from the year's start to it. At
        /// the latest the province's. (Absent from settings kept by older phones.)
        #[serde(default = "crate::models::default_deadline")]
        pub family_deadline: NaiveDate,
        /// Codes of the skills that make a household's guide digitally capable.
        pub family_skills: Vec<String>,
        /// "Mỗi công dân – Một danh tính số": the share of residents aged 16+ to reach (%),
        /// at least the province's.
        pub identity_target: f64,
        /// By when, at the latest the province's.
        #[serde(default = "crate::models::default_deadline")]
        pub identity_deadline: NaiveDate,
        /// Codes of the skills a digital identity is made of: VNeID level 2 and a payment
        /// account, unless the ward says otherwise.
        pub identity_skills: Vec<String>,
        /// "Đại sứ số": the learners each mentor should guide.
        pub ambassador_quota: i32,
        /// "Chợ số": the share of a market's stalls taking cashless payment that earns it the
        /// "chợ không dùng tiền mặt" badge (%).
        pub cashless_market_percent: f64,
        /// What the province sets for the two models' targets: the lowest target and the
        /// latest deadline the ward may choose. Given by the server; ignored when saved.
        #[serde(default)]
        pub province: Option<ModelTargets>,
    }

    /// The targets and deadlines of the two models a population is judged by, "Gia đình số"
    /// and "Mỗi công dân – Một danh tính số": as a province sets them for its wards, which
    /// inherit them and may raise a target or bring a deadline forward, never the other way.
    pub struct ModelTargets {
        pub family_target: f64,
        pub family_deadline: NaiveDate,
        pub identity_target: f64,
        pub identity_deadline: NaiveDate,
    }

    /// How many of a population count, as a share and against its target.
    #[derive(Default)]
    pub struct Figure {
        pub achieved: i64,
        pub population: i64,
        pub share: Option<f64>,
        pub progress: Progress,
        /// Withheld from the public briefing (`disclosure`): fewer than 5 stand behind the
        /// count, or behind the rest. `achieved` is then 0 and `share` none; they say nothing.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub withheld: bool,
    }

    /// The models' figures of one TDP, or of the whole ward.
    pub struct ModelFigures {
        /// Households that are "Gia đình số", of the households.
        pub families: Figure,
        /// Residents aged 16+ with a digital identity, of the residents aged 16+.
        pub identity: Figure,
        /// "Đại sứ số": mentors guiding at least the ward's quota of learners, of the mentors.
        /// (Defaults to none, as do `cashless`, for the figures phones stored before them.)
        #[serde(default)]
        pub ambassadors: Figure,
        /// "Chợ số": traders taking cashless payment, of the traders (counted where they live),
        /// against the ward's cashless-market threshold.
        #[serde(default)]
        pub cashless: Figure,
    }

    /// A digital ambassador (Đại sứ số): a resident or a team member, and the residents they
    /// guide.
    pub struct Mentor {
        pub id: Uuid,
        pub tdp_id: Uuid,
        pub tdp_name: String,
        /// One of the two: who the mentor is.
        pub resident_id: Option<Uuid>,
        pub team_member_id: Option<Uuid>,
        pub full_name: String,
        /// Every learner, those of TDPs the signed-in person may not see included.
        pub learner_count: i64,
        /// The learners the signed-in person may see, in name order.
        pub learners: Vec<Learner>,
    }

    pub struct Learner {
        pub resident_id: Uuid,
        pub household_id: Uuid,
        pub full_name: String,
        pub birth_year: i32,
        /// Codes of the skills achieved: progress is read against `AmbassadorNetwork::skills`.
        pub achieved: Vec<String>,
    }

    /// A ward's mentors, in TDP and name order, as far as the signed-in person may see.
    pub struct AmbassadorNetwork {
        /// The learners each mentor should guide.
        pub quota: i32,
        /// The "digitally capable" skills learners progress towards.
        pub skills: Vec<String>,
        pub mentors: Vec<Mentor>,
    }

    /// The mentor a resident learns from, or none; as with `GuideChoice`, a misspelt field is
    /// refused.
    #[serde(deny_unknown_fields)]
    pub struct MentorChoice {
        pub mentor_id: Option<Uuid>,
    }

    pub struct MentorRef {
        pub mentor_id: Uuid,
        pub full_name: String,
    }

    pub struct NewMarket {
        pub id: Uuid,
        pub name: String,
        pub kind: MarketKind,
    }

    /// A market and its figures; no trader is named, so anyone in the ward may read it.
    pub struct MarketSummary {
        pub id: Uuid,
        pub ward_code: i32,
        pub name: String,
        pub kind: MarketKind,
        /// Traders taking cashless payment, of the traders, against the ward's threshold.
        pub cashless: Figure,
        /// "Chợ không dùng tiền mặt": the threshold is reached (`domain::models::cashless_market`).
        pub cashless_market: bool,
        /// Traders at each 4T step, in the order of `domain::models::FourT::ALL`.
        pub steps: Vec<i64>,
    }

    pub struct Market {
        pub market: MarketSummary,
        /// The traders the signed-in person may see (those living in their TDPs), by stall code.
        pub stalls: Vec<Stall>,
    }

    /// A trader: their stall, and the date each 4T step was reached.
    pub struct Stall {
        pub id: Uuid,
        #[serde(flatten)]
        pub details: StallDetails,
    }

    /// A digital ambassador registered, or withdrawn, from a phone's outbox (`PUT` or `DELETE
    /// /residents/{id}/ambassador` and `/team-members/{id}/ambassador` online): a resident or
    /// a team member, one of the two. A mentor registered so takes the change's id.
    pub struct AmbassadorChange {
        #[serde(default)]
        pub resident_id: Option<Uuid>,
        #[serde(default)]
        pub team_member_id: Option<Uuid>,
        /// Registered (`true`) or withdrawn.
        pub ambassador: bool,
    }

    /// Whom a resident learns from, or nobody, from a phone's outbox (`PUT
    /// /residents/{id}/mentor` online).
    pub struct LearnerChange {
        pub resident_id: Uuid,
        pub mentor_id: Option<Uuid>,
    }

    /// A trader recorded, or their details and 4T dates set whole, from a phone's outbox (`PUT
    /// /stalls/{id}` online).
    pub struct StallChange {
        pub stall_id: Uuid,
        pub details: StallDetails,
    }

    /// What `PUT /stalls/{id}` sets, whole.
    pub struct StallDetails {
        pub market_id: Uuid,
        /// Where the trader lives.
        pub tdp_id: Uuid,
        pub trader_name: String,
        pub stall_code: String,
        pub goods: String,
        /// Tiểu thương: trained in selling with digital tools.
        pub trained_on: Option<NaiveDate>,
        /// Thương mại điện tử: selling on an e-commerce platform.
        pub ecommerce_on: Option<NaiveDate>,
        /// Thanh toán không dùng tiền mặt: takes QR codes or bank transfers.
        pub cashless_on: Option<NaiveDate>,
        /// Tiết kiệm số: saves in a digital account.
        pub savings_on: Option<NaiveDate>,
    }
}

choice! {
    /// A market (chợ), or in a rural ward a cooperative (hợp tác xã) of farmers.
    pub enum MarketKind {
        Market,
        Cooperative,
    }
}
