//! The ward's figures: dashboard, weekly report and the projector's briefing.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::activities::ActivityKind;
use super::models::{ModelFigures, ModelSettings};
use super::places::Ward;
use super::residents::{Skill, SkillFigure};
use super::tickets::TicketWeek;

schema! {
    /// The ward dashboard: every skill and model ward-wide and per TDP, visit coverage and
    /// satisfaction.
    pub struct Dashboard {
        pub ward: Ward,
        /// When the figures were computed: up to a second or two before they are read while
        /// the ward's phones sync.
        pub computed_at: DateTime<Utc>,
        /// Ages are counted in this year.
        pub as_of_year: i32,
        pub skills: Vec<Skill>,
        pub models: ModelSettings,
        pub totals: TdpIndicators,
        /// One row per TDP, in TDP code order.
        pub tdps: Vec<TdpIndicators>,
    }

    /// The weekly report for the party committee: the ward's figures now, and what happened in
    /// one week (Monday to Sunday) against the week before. Counts only.
    pub struct WeeklyReport {
        pub dashboard: Dashboard,
        /// The week's Monday and Sunday.
        pub from: NaiveDate,
        pub to: NaiveDate,
        /// Visits made that week, and the week before.
        pub visits: i64,
        pub visits_before: i64,
        /// Households visited that week for the first time.
        pub first_visits: i64,
        /// Skills achieved that week (statuses still standing, dated that week), per skill in
        /// the order of `dashboard.skills`; and in all, the week before.
        pub achieved: Vec<i64>,
        pub achieved_before: i64,
        /// Visits that week per TDP, in the order of `dashboard.tdps`.
        pub tdp_visits: Vec<i64>,
        /// The campaigns running as the report is read.
        #[serde(default)]
        pub campaigns: Vec<CampaignStanding>,        /// The rapid-response team's week.
        #[serde(default)]
        pub tickets: TicketWeek,
    }

    /// What the projector and the ward's public progress page show: figures only. No field
    /// can carry a person's or a household's name; TDPs are places, named as the ward names
    /// them. Anyone gets the figures of the hour's snapshot, with the small cells withheld;
    /// someone signed in who may see the ward's figures gets them live and whole.
    pub struct Briefing {
        pub ward: Ward,
        /// Live figures, nothing withheld: the reader is signed in to the ward.
        #[serde(default)]
        pub live: bool,
        /// When the figures were read. A deck opened offline shows the last ones loaded, so
        /// every slide says how old they are.
        pub generated_at: DateTime<Utc>,
        /// Ages are counted in this year.
        pub as_of_year: i32,
        pub skills: Vec<Skill>,
        pub models: ModelSettings,
        pub totals: TdpIndicators,
        /// One row per TDP, in TDP code order.
        pub tdps: Vec<TdpIndicators>,
        /// The TDPs' boundaries, for the map slide (GeoJSON, as `GET /wards/{code}/boundaries`).
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub boundaries: crate::map::Boundaries,
        /// The ward's public progress page, and the same link as a QR code (SVG) for the
        /// closing slide.
        pub progress_url: String,
        pub progress_qr_svg: String,
        /// The next activities of the coming two weeks. (Decks stored before these two lists
        /// read them as empty.)
        #[serde(default)]
        pub activities: Vec<UpcomingActivity>,
        /// The campaigns running today.
        #[serde(default)]
        pub campaigns: Vec<CampaignStanding>,
    }

    /// An activity coming up, as the projector shows it: no organiser, no attendee.
    pub struct UpcomingActivity {
        pub kind: ActivityKind,
        pub title: String,
        pub place: String,
        pub tdp_name: Option<String>,
        pub starts_at: DateTime<Utc>,
        pub ends_at: DateTime<Utc>,
    }

    /// A running campaign, as the projector shows it.
    pub struct CampaignStanding {
        pub name: String,
        pub starts_on: NaiveDate,
        pub ends_on: NaiveDate,
        pub indicators: Vec<IndicatorStanding>,
    }

    pub struct IndicatorStanding {
        pub name_vi: String,
        pub name_en: String,
        pub achieved: i64,
        pub target: f64,
        /// Where the straight line to the target stands today.
        pub expected: f64,
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
        pub models: ModelFigures,
        /// Withheld from the public briefing: `households_visited` is then 0 and
        /// `visit_coverage` none (see `Figure::withheld`).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub visits_withheld: bool,
        /// Withheld from the public briefing, which shows ratings for the whole ward only, and
        /// only from 5 of them: `satisfaction` is then none and `ratings` 0.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        pub ratings_withheld: bool,
    }
}
