//! The movement's models (mô hình) and who or what counts for each: "Gia đình số" (a household
//! whose guide is digitally capable), "Mỗi công dân – Một danh tính số" (every citizen aged
//! 16+ with a digital identity and a digital payment account), "Đại sứ số" (mentors each
//! guiding their quota of learners) and "Chợ số" (traders through the 4T steps, and markets
//! where enough of them take cashless payment).
//!
//! The server counts with the same rules in SQL (`server/src/api/models.rs`); the tests there
//! check both give the same answer.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::api::{
    Figure, ModelFigures, ModelSettings, ModelTargets, ResidentSummary, StallDetails, TargetChange,
};
use crate::indicators::{Pace, is_eligible};

/// "Mỗi công dân – Một danh tính số" counts citizens from this age (the model's own name).
pub const IDENTITY_MIN_AGE: i32 = 16;

/// Both models aim at everyone: every household, every citizen aged 16+.
const DEFAULT_TARGET: f64 = 100.0;
/// By the end of 2026, as the movement's plans say of digital skills for all (Thanh Hóa's,
/// and most skills of the default catalogue), until a province sets its own.
pub fn default_deadline() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 31).expect("a real day")
}
/// Each digital ambassador guides at least five learners.
const DEFAULT_AMBASSADOR_QUOTA: i32 = 5;
const DEFAULT_CASHLESS_MARKET_PERCENT: f64 = 80.0;
/// "Đại sứ số" is judged by the share of mentors at their quota: all of them.
pub const AMBASSADORS_TARGET: f64 = 100.0;

/// The skills a ward starts with (it edits its own): a guide uses a smartphone, has VNeID
/// level 2, files on the public-service portal and knows how to stay safe online; a digital
/// identity is VNeID level 2 and a payment account.
pub const DEFAULT_FAMILY_SKILLS: [&str; 4] = [
    "smartphone",
    "vneid_level2",
    "public_services",
    "online_safety",
];
/// A model whose rule asks for skills of the catalogue.
pub struct SkillModel {
    pub model: Model,
    /// As the database names it.
    pub stored: &'static str,
    /// The `ModelSettings` field listing its skills.
    pub field: &'static str,
    /// The `ModelSettings` and `ModelTargets` fields of its target and deadline.
    pub target: &'static str,
    pub deadline: &'static str,
    pub name_vi: &'static str,
}

pub const SKILL_MODELS: [SkillModel; 2] = [
    SkillModel {
        model: Model::Families,
        stored: "digital_family",
        field: "family_skills",
        target: "family_target",
        deadline: "family_deadline",
        name_vi: "Gia đình số",
    },
    SkillModel {
        model: Model::Identity,
        stored: "digital_identity",
        field: "identity_skills",
        target: "identity_target",
        deadline: "identity_deadline",
        name_vi: "Mỗi công dân – Một danh tính số",
    },
];

pub const DEFAULT_IDENTITY_SKILLS: [&str; 2] = ["vneid_level2", "e_payment"];

/// The movement's four models, in the order every table, slide, map and report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// "Gia đình số": households whose guide is digitally capable.
    Families,
    /// "Mỗi công dân – Một danh tính số": residents aged 16+ with a digital identity.
    Identity,
    /// "Đại sứ số": mentors guiding their quota of learners.
    Ambassadors,
    /// "Chợ số": traders taking cashless payment.
    Cashless,
}

impl Model {
    pub const ALL: [Model; 4] = [
        Self::Families,
        Self::Identity,
        Self::Ambassadors,
        Self::Cashless,
    ];

    /// Its name in the map's choices and the pages' markup.
    pub fn key(self) -> &'static str {
        match self {
            Self::Families => "families",
            Self::Identity => "identity",
            Self::Ambassadors => "ambassadors",
            Self::Cashless => "cashless",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.key() == s)
    }

    /// Its name in the reports the server writes (Vietnamese, as the ward's other papers).
    pub fn name_vi(self) -> &'static str {
        match self {
            Self::Families => "Gia đình số (hộ)",
            Self::Identity => "Danh tính số (người từ 16 tuổi)",
            Self::Ambassadors => "Đại sứ số đủ chỉ tiêu",
            Self::Cashless => "Chợ số: tiểu thương không dùng tiền mặt",
        }
    }

    pub fn figure(self, figures: &ModelFigures) -> &Figure {
        match self {
            Self::Families => &figures.families,
            Self::Identity => &figures.identity,
            Self::Ambassadors => &figures.ambassadors,
            Self::Cashless => &figures.cashless,
        }
    }

    /// The straight line its figure is judged against on `on`: to the deadline of "Gia đình
    /// số" and "Danh tính số", which the province sets; through the year for the others,
    /// whose target is a ward's threshold rather than a share of its people.
    pub fn pace(self, settings: &ModelSettings, on: NaiveDate) -> Pace {
        match self {
            Self::Families => Pace::to(settings.family_deadline, on),
            Self::Identity => Pace::to(settings.identity_deadline, on),
            Self::Ambassadors | Self::Cashless => Pace::this_year(on),
        }
    }

    /// The share the ward aims at (%).
    pub fn target(self, settings: &ModelSettings) -> f64 {
        match self {
            Self::Families => settings.family_target,
            Self::Identity => settings.identity_target,
            Self::Ambassadors => AMBASSADORS_TARGET,
            Self::Cashless => settings.cashless_market_percent,
        }
    }
}

/// The settings a ward starts with, for the default skills catalogue, in a province that
/// has not set its own targets.
pub fn default_settings() -> ModelSettings {
    let targets = default_targets();
    ModelSettings {
        family_target: targets.family_target,
        family_deadline: targets.family_deadline,
        family_skills: DEFAULT_FAMILY_SKILLS.map(String::from).to_vec(),
        identity_target: targets.identity_target,
        identity_deadline: targets.identity_deadline,
        identity_skills: DEFAULT_IDENTITY_SKILLS.map(String::from).to_vec(),
        ambassador_quota: DEFAULT_AMBASSADOR_QUOTA,
        cashless_market_percent: DEFAULT_CASHLESS_MARKET_PERCENT,
        province: Some(targets),
    }
}

/// The models' targets a province gives its wards until it sets its own.
pub fn default_targets() -> ModelTargets {
    ModelTargets {
        family_target: DEFAULT_TARGET,
        family_deadline: default_deadline(),
        identity_target: DEFAULT_TARGET,
        identity_deadline: default_deadline(),
    }
}

impl ModelTargets {
    /// The target and deadline of `model`; none for the models judged by a ward's own
    /// threshold ("Đại sứ số", "Chợ số").
    pub fn of(&self, model: Model) -> Option<TargetChange> {
        let (target_percent, deadline) = match model {
            Model::Families => (self.family_target, self.family_deadline),
            Model::Identity => (self.identity_target, self.identity_deadline),
            Model::Ambassadors | Model::Cashless => return None,
        };
        Some(TargetChange {
            target_percent,
            deadline,
        })
    }
}

impl ModelSettings {
    /// Its targets and deadlines, which its province's bound.
    pub fn targets(&self) -> ModelTargets {
        ModelTargets {
            family_target: self.family_target,
            family_deadline: self.family_deadline,
            identity_target: self.identity_target,
            identity_deadline: self.identity_deadline,
        }
    }
}

/// Whether someone who has achieved `achieved` has every skill a model asks for. A model that
/// asks for no skill counts nobody: the ward has yet to say what it asks.
pub fn has_every(achieved: &[String], required: &[String]) -> bool {
    !required.is_empty() && required.iter().all(|r| achieved.contains(r))
}

/// The skills of `required` not yet achieved, in the model's order.
pub fn missing<'a>(achieved: &[String], required: &'a [String]) -> Vec<&'a str> {
    required
        .iter()
        .filter(|r| !achieved.contains(r))
        .map(String::as_str)
        .collect()
}

/// Where a household stands in "Gia đình số".
#[derive(Debug, Clone, PartialEq)]
pub enum Family<'a> {
    /// Its guide has every skill of the ward's "digitally capable" set.
    Digital { guide: &'a ResidentSummary },
    /// Its guide is still learning these skills.
    Learning {
        guide: &'a ResidentSummary,
        missing: Vec<&'a str>,
    },
    /// Nobody is marked as the one who guides the household.
    NoGuide,
}

impl Family<'_> {
    pub fn is_digital(&self) -> bool {
        matches!(self, Self::Digital { .. })
    }
}

/// A household counts when the member marked as its guide has every skill of the ward's
/// "digitally capable" set; a guide who no longer lives there counts for nothing.
pub fn family<'a>(
    residents: &'a [ResidentSummary],
    guide_id: Option<Uuid>,
    settings: &'a ModelSettings,
) -> Family<'a> {
    let guide = guide_id.and_then(|id| residents.iter().find(|r| r.id == id));
    let Some(guide) = guide.filter(|g| g.departure.is_none()) else {
        return Family::NoGuide;
    };
    if has_every(&guide.achieved, &settings.family_skills) {
        Family::Digital { guide }
    } else {
        Family::Learning {
            guide,
            missing: missing(&guide.achieved, &settings.family_skills),
        }
    }
}

/// Whether a resident born in `birth_year` has a digital identity, as counted in `as_of_year`;
/// `None` below 16, when the model does not count them at all.
pub fn identity(
    birth_year: i32,
    achieved: &[String],
    settings: &ModelSettings,
    as_of_year: i32,
) -> Option<bool> {
    is_eligible(birth_year, IDENTITY_MIN_AGE, as_of_year)
        .then(|| has_every(achieved, &settings.identity_skills))
}

/// A household's residents with a digital identity, and those counted (aged 16+, and still
/// living in the ward).
pub fn household_identity(
    residents: &[ResidentSummary],
    settings: &ModelSettings,
    as_of_year: i32,
) -> (usize, usize) {
    residents
        .iter()
        .filter(|r| r.departure.is_none())
        .filter_map(|r| identity(r.birth_year, &r.achieved, settings, as_of_year))
        .fold((0, 0), |(have, counted), has| {
            (have + usize::from(has), counted + 1)
        })
}

/// "Đại sứ số": a mentor is at their quota once they guide that many learners.
pub fn at_quota(learners: i64, settings: &ModelSettings) -> bool {
    learners >= i64::from(settings.ambassador_quota)
}

/// Whether the resident `learner` may learn from a mentor who is the resident
/// `mentor_resident` (`None` for a team member). A mentor may learn from another mentor, so
/// the network can grow from one trained person to the next, but never from themself.
pub fn may_learn_from(learner: Uuid, mentor_resident: Option<Uuid>) -> bool {
    mentor_resident != Some(learner)
}

/// A learner's progress: how many of the ward's "digitally capable" skills they have, of how
/// many.
pub fn learner_progress(achieved: &[String], settings: &ModelSettings) -> (usize, usize) {
    let required = &settings.family_skills;
    (
        required.len() - missing(achieved, required).len(),
        required.len(),
    )
}

/// The steps of the 4T model a trader goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FourT {
    /// Tiểu thương: trained in selling with digital tools.
    Trained,
    /// Thương mại điện tử: selling on an e-commerce platform.
    Ecommerce,
    /// Thanh toán không dùng tiền mặt: takes QR codes or bank transfers.
    Cashless,
    /// Tiết kiệm số: saves in a digital account.
    Savings,
}

impl FourT {
    pub const ALL: [FourT; 4] = [
        Self::Trained,
        Self::Ecommerce,
        Self::Cashless,
        Self::Savings,
    ];

    /// The date a trader reached this step, if they have.
    pub fn reached_on(self, stall: &StallDetails) -> Option<NaiveDate> {
        match self {
            Self::Trained => stall.trained_on,
            Self::Ecommerce => stall.ecommerce_on,
            Self::Cashless => stall.cashless_on,
            Self::Savings => stall.savings_on,
        }
    }

    /// Sets the date a trader reached this step, or clears it.
    pub fn set(self, stall: &mut StallDetails, on: Option<NaiveDate>) {
        *match self {
            Self::Trained => &mut stall.trained_on,
            Self::Ecommerce => &mut stall.ecommerce_on,
            Self::Cashless => &mut stall.cashless_on,
            Self::Savings => &mut stall.savings_on,
        } = on;
    }
}

/// "Chợ không dùng tiền mặt": a market where the share of traders taking cashless payment has
/// reached the ward's threshold. Compared exactly, not on the rounded share; a market with no
/// traders yet has no share and no badge.
pub fn cashless_market(cashless: i64, traders: i64, settings: &ModelSettings) -> bool {
    traders > 0 && cashless as f64 * 100.0 >= settings.cashless_market_percent * traders as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Gender;

    fn settings() -> ModelSettings {
        default_settings()
    }

    fn resident(birth_year: i32, achieved: &[&str]) -> ResidentSummary {
        ResidentSummary {
            id: Uuid::now_v7(),
            household_id: Uuid::nil(),
            full_name: "Nguyễn Văn A".into(),
            birth_year,
            gender: Gender::Male,
            achieved: achieved.iter().map(|s| s.to_string()).collect(),
            consent_withdrawn: false,
            departure: None,
            version: 1,
            note: String::new(),
        }
    }

    #[test]
    fn who_left_the_ward_guides_nobody_and_is_not_counted() {
        let settings = settings();
        let mut guide = resident(1960, &CAPABLE);
        let id = guide.id;
        assert!(family(std::slice::from_ref(&guide), Some(id), &settings).is_digital());
        assert_eq!(
            household_identity(std::slice::from_ref(&guide), &settings, 2026).1,
            1
        );
        guide.departure = Some(crate::api::Departure {
            on: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            reason: crate::api::DepartureReason::Deceased,
        });
        let left = [guide];
        assert!(matches!(
            family(&left, Some(id), &settings),
            Family::NoGuide
        ));
        assert_eq!(household_identity(&left, &settings, 2026), (0, 0));
    }

    const CAPABLE: [&str; 5] = [
        "smartphone",
        "vneid_level2",
        "public_services",
        "online_safety",
        "e_payment",
    ];

    #[test]
    fn a_household_is_digital_once_its_guide_has_every_skill() {
        let s = settings();
        let people = vec![resident(1950, &[]), resident(1985, &CAPABLE)];
        assert_eq!(family(&people, None, &s), Family::NoGuide);
        assert!(family(&people, Some(people[1].id), &s).is_digital());
        assert_eq!(
            family(&people, Some(people[0].id), &s),
            Family::Learning {
                guide: &people[0],
                missing: DEFAULT_FAMILY_SKILLS.to_vec()
            }
        );
    }

    #[test]
    fn a_capable_member_who_is_not_the_guide_does_not_make_the_household_digital() {
        let s = settings();
        let people = vec![
            resident(1960, &["smartphone", "vneid_level2"]),
            resident(1990, &CAPABLE),
        ];
        let status = family(&people, Some(people[0].id), &s);
        assert_eq!(
            status,
            Family::Learning {
                guide: &people[0],
                missing: vec!["public_services", "online_safety"]
            }
        );
    }

    #[test]
    fn a_guide_who_left_the_household_counts_for_nothing() {
        let s = settings();
        let people = vec![resident(1990, &CAPABLE)];
        assert_eq!(family(&people, Some(Uuid::now_v7()), &s), Family::NoGuide);
    }

    #[test]
    fn a_model_asking_for_no_skill_counts_nobody() {
        let mut s = settings();
        s.family_skills.clear();
        let people = vec![resident(1990, &CAPABLE)];
        assert!(!family(&people, Some(people[0].id), &s).is_digital());
        s.identity_skills.clear();
        assert_eq!(identity(1990, &people[0].achieved, &s, 2026), Some(false));
    }

    #[test]
    fn identity_needs_every_identity_skill_from_sixteen() {
        let s = settings();
        let both = ["vneid_level2".to_string(), "e_payment".to_string()];
        assert_eq!(identity(1980, &both, &s, 2026), Some(true));
        assert_eq!(identity(1980, &both[..1], &s, 2026), Some(false));
        // 16 in 2026 counts for the whole year; 15 does not count at all.
        assert_eq!(identity(2010, &both, &s, 2026), Some(true));
        assert_eq!(identity(2011, &both, &s, 2026), None);
    }

    #[test]
    fn a_resident_born_this_year_is_not_counted() {
        let s = settings();
        assert_eq!(identity(2026, &[], &s, 2026), None);
    }

    #[test]
    fn a_household_with_nobody_sixteen_or_over_has_nobody_to_count() {
        let s = settings();
        let children = vec![resident(2012, &["vneid_level2"]), resident(2026, &[])];
        assert_eq!(household_identity(&children, &s, 2026), (0, 0));
        let family = vec![
            resident(1970, &["vneid_level2", "e_payment"]),
            resident(1972, &["vneid_level2"]),
            resident(2015, &[]),
        ];
        assert_eq!(household_identity(&family, &s, 2026), (1, 2));
    }

    #[test]
    fn a_mentor_is_at_quota_from_the_wards_number_of_learners() {
        let mut s = settings();
        assert!(!at_quota(4, &s));
        assert!(at_quota(5, &s));
        assert!(at_quota(9, &s));
        s.ambassador_quota = 3;
        assert!(at_quota(3, &s));
        assert!(!at_quota(0, &s));
    }

    #[test]
    fn a_mentor_who_is_also_a_learner_learns_from_another_mentor_only() {
        let (mentor, other_mentor) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(may_learn_from(mentor, Some(other_mentor)));
        assert!(!may_learn_from(mentor, Some(mentor)));
        // A team member mentors anyone.
        assert!(may_learn_from(mentor, None));
    }

    #[test]
    fn a_learners_progress_counts_the_digitally_capable_skills_only() {
        let s = settings();
        let learner = resident(1960, &["smartphone", "e_payment", "vneid_level2"]);
        assert_eq!(learner_progress(&learner.achieved, &s), (2, 4));
        assert_eq!(learner_progress(&[], &s), (0, 4));
        assert_eq!(
            learner_progress(&resident(1990, &CAPABLE).achieved, &s),
            (4, 4)
        );
    }

    #[test]
    fn a_market_is_cashless_from_the_threshold_exactly() {
        let s = settings();
        assert!(cashless_market(4, 5, &s));
        assert!(cashless_market(5, 5, &s));
        assert!(!cashless_market(3, 5, &s));
        // 79.96% would round to 80.0% but is below the threshold.
        assert!(!cashless_market(1999, 2500, &s));
    }

    #[test]
    fn a_market_with_no_stalls_has_no_badge() {
        let mut s = settings();
        assert!(!cashless_market(0, 0, &s));
        s.cashless_market_percent = 100.0;
        assert!(!cashless_market(0, 0, &s));
    }

    #[test]
    fn each_4t_step_reads_and_sets_its_own_date() {
        let mut stall = StallDetails {
            market_id: Uuid::nil(),
            tdp_id: Uuid::nil(),
            trader_name: "Trần Thị Hoa".into(),
            stall_code: "A-12".into(),
            goods: "Rau".into(),
            trained_on: None,
            ecommerce_on: None,
            cashless_on: None,
            savings_on: None,
        };
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        for (i, step) in FourT::ALL.into_iter().enumerate() {
            step.set(&mut stall, Some(day(i as u32 + 1)));
        }
        let dates: Vec<_> = FourT::ALL.map(|s| s.reached_on(&stall)).to_vec();
        assert_eq!(
            dates,
            [Some(day(1)), Some(day(2)), Some(day(3)), Some(day(4))]
        );
        FourT::Cashless.set(&mut stall, None);
        assert_eq!(stall.cashless_on, None);
        assert_eq!(stall.savings_on, Some(day(4)));
    }

    #[test]
    fn each_model_reads_its_own_figure_and_target() {
        let s = ModelSettings {
            family_target: 90.0,
            identity_target: 95.0,
            cashless_market_percent: 70.0,
            ..settings()
        };
        let year = crate::indicators::Pace::this_year("2026-12-07".parse().unwrap());
        let f = |n| crate::indicators::figure(n, 10, 100.0, year);
        let figures = ModelFigures {
            families: f(1),
            identity: f(2),
            ambassadors: f(3),
            cashless: f(4),
        };
        let read: Vec<(i64, f64)> = Model::ALL
            .map(|m| (m.figure(&figures).achieved, m.target(&s)))
            .to_vec();
        assert_eq!(
            read,
            [(1, 90.0), (2, 95.0), (3, AMBASSADORS_TARGET), (4, 70.0)]
        );
        assert!(Model::ALL.iter().all(|m| Model::parse(m.key()) == Some(*m)));
    }
}
