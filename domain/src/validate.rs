//! Validation of every request body, shared by the forms and the server.
//!
//! These checks need only the request itself and today's date; whether a referenced record
//! exists (and in which ward) is the server's check, reported with the same field codes.

use chrono::{Datelike, NaiveDate};
use std::collections::HashSet;

use crate::api::{
    AcceptInvitation, Assignment, Attendance, Basemap, CheckIn, ModelSettings, ModelTargets,
    NewAccount, NewActivity, NewCampaign, NewComment, NewGrant, NewHousehold, NewInvitation,
    NewMarket, NewResident, NewSkill, NewTdp, NewTeamMember, NewTicket, NewVisit, NewWardAdmin,
    PasswordChange, SignIn, StallDetails, TargetChange, TicketStatus, TicketStatusChange,
};
use crate::error::{FieldCode, FieldError};
use crate::models::{FourT, SKILL_MODELS};
use crate::text::{has_control, skill_code};

pub const NAME_MAX: usize = 120;
pub const ADDRESS_MAX: usize = 200;
pub const NOTE_MAX: usize = 2000;
pub const CODE_MAX: usize = 32;
/// The oldest birth year accepted: nobody alive was born earlier.
pub const BIRTH_YEAR_MIN: i32 = 1900;
/// Visits before the movement's tools existed are typing mistakes.
pub const VISIT_DATE_MIN: NaiveDate = match NaiveDate::from_ymd_opt(2020, 1, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};
/// NIST SP 800-63B's floor; strength beyond it is judged by the server against common passwords.
pub const PASSWORD_MIN: usize = 8;
/// Long enough for any passphrase, short enough that hashing it costs nothing extra.
pub const PASSWORD_MAX: usize = 128;
/// A household of more than this many registered adults is a typing mistake.
pub const REGISTER_MAX: i32 = 100_000;
/// Households sent in one assignment: a page of the TDP's list.
pub const ASSIGNMENT_MAX: usize = 200;
/// A stall's code as the market's board writes it ("A-12", "Dãy B/07").
pub const STALL_CODE_MAX: usize = 20;

/// A bound of one field, as the OpenAPI document states it for clients (and the fuzzer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// Text of at most this many characters, and at least one when `required`.
    Text { max: usize, required: bool },
    /// A whole number in this range.
    Int { min: i64, max: i64 },
    /// A whole number no smaller than this (a birth year: the largest is this year's).
    AtLeast(i64),
}

const fn text(max: usize) -> Bound {
    Bound::Text {
        max,
        required: true,
    }
}

const fn optional_text(max: usize) -> Bound {
    Bound::Text {
        max,
        required: false,
    }
}

/// The fixed bounds the rules below check, by request schema and property: the rest of each
/// rule (trimming, control characters, dates against today, references) the server alone can
/// tell. `server::api` writes these into the OpenAPI document; a test checks each names a
/// property there.
pub const BOUNDS: &[(&str, &str, Bound)] = &[
    ("SignIn", "password", optional_text(PASSWORD_MAX)),
    (
        "PasswordChange",
        "current_password",
        optional_text(PASSWORD_MAX),
    ),
    (
        "PasswordChange",
        "new_password",
        optional_text(PASSWORD_MAX),
    ),
    ("NewAccount", "full_name", text(NAME_MAX)),
    ("NewAccount", "password", optional_text(PASSWORD_MAX)),
    ("NewInvitation", "full_name", text(NAME_MAX)),
    ("AcceptInvitation", "password", optional_text(PASSWORD_MAX)),
    ("NewTdp", "code", text(CODE_MAX)),
    ("NewTdp", "name", text(NAME_MAX)),
    (
        "NewTdp",
        "households_registered",
        Bound::Int {
            min: 0,
            max: REGISTER_MAX as i64,
        },
    ),
    (
        "NewTdp",
        "adults_registered",
        Bound::Int {
            min: 0,
            max: REGISTER_MAX as i64,
        },
    ),
    ("NewTeamMember", "full_name", text(NAME_MAX)),
    ("NewHousehold", "address", text(ADDRESS_MAX)),
    ("NewHousehold", "head_name", text(NAME_MAX)),
    (
        "ModelSettings",
        "ambassador_quota",
        Bound::Int {
            min: 1,
            max: AMBASSADOR_QUOTA_MAX as i64,
        },
    ),
    ("NewResident", "full_name", text(NAME_MAX)),
    ("NewSkill", "name_vi", text(NAME_MAX)),
    ("NewSkill", "name_en", optional_text(NAME_MAX)),
    (
        "NewResident",
        "birth_year",
        Bound::AtLeast(BIRTH_YEAR_MIN as i64),
    ),
    ("NewMarket", "name", text(NAME_MAX)),
    ("StallDetails", "trader_name", text(NAME_MAX)),
    ("StallDetails", "stall_code", text(STALL_CODE_MAX)),
    ("StallDetails", "goods", optional_text(NAME_MAX)),
    ("NewActivity", "title", text(TITLE_MAX)),
    ("NewActivity", "place", text(TITLE_MAX)),
    ("NewActivity", "organiser", text(NAME_MAX)),
    (
        "NewActivity",
        "capacity",
        Bound::Int {
            min: 1,
            max: CAPACITY_MAX as i64,
        },
    ),
    ("NewCampaign", "name", text(TITLE_MAX)),
    (
        "CampaignTarget",
        "target",
        Bound::Int {
            min: 1,
            max: CAMPAIGN_TARGET_MAX as i64,
        },
    ),
    (
        "Attendance",
        "unregistered",
        Bound::Int {
            min: 0,
            max: CAPACITY_MAX as i64,
        },
    ),
    ("CheckIn", "full_name", text(NAME_MAX)),
    (
        "CheckIn",
        "birth_year",
        Bound::AtLeast(BIRTH_YEAR_MIN as i64),
    ),
    ("NewTicket", "title", text(TITLE_MAX)),
    ("NewTicket", "place", optional_text(TITLE_MAX)),
    ("NewTicket", "description", optional_text(NOTE_MAX)),
    ("NewComment", "text", text(NOTE_MAX)),
    ("TicketComment", "text", text(NOTE_MAX)),
    ("TicketStatusChange", "note", optional_text(NOTE_MAX)),
    ("NewVisit", "note", optional_text(NOTE_MAX)),
    ("VoidVisit", "reason", text(NOTE_MAX)),
    ("VisitCorrection", "reason", text(NOTE_MAX)),
    ("NewVisit", "satisfaction", Bound::Int { min: 1, max: 5 }),
    ("HouseholdFields", "address", text(ADDRESS_MAX)),
    ("HouseholdFields", "head_name", text(NAME_MAX)),
    ("HouseholdFields", "note", optional_text(NOTE_MAX)),
    ("ResidentFields", "full_name", text(NAME_MAX)),
    (
        "ResidentFields",
        "birth_year",
        Bound::AtLeast(BIRTH_YEAR_MIN as i64),
    ),
    ("ResidentFields", "note", optional_text(NOTE_MAX)),
];

/// Collects field errors in the order the form shows its fields.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl Errors {
    pub fn add(&mut self, field: impl Into<String>, code: FieldCode) {
        self.0.push(FieldError::new(field, code));
    }

    /// A required text field: present after trimming, no longer than `max` characters, and
    /// without control characters.
    pub fn text(&mut self, field: &str, value: &str, max: usize) {
        if has_control(value) {
            self.add(field, FieldCode::ControlCharacters);
        } else if value.trim().is_empty() {
            self.add(field, FieldCode::Required);
        } else if value.chars().count() > max {
            self.add(field, FieldCode::TooLong);
        }
    }

    /// Free text a person typed about a resident: no longer than `max`, no control characters
    /// and no identity number.
    fn free_text(&mut self, field: &str, value: &str, max: usize, required: bool) {
        if has_control(value) {
            self.add(field, FieldCode::ControlCharacters);
        } else if required && value.trim().is_empty() {
            self.add(field, FieldCode::Required);
        } else if value.chars().count() > max {
            self.add(field, FieldCode::TooLong);
        } else if holds_id_number(value) {
            self.add(field, FieldCode::IdNumber);
        }
    }

    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(self.0)
        }
    }
}

/// An `unknown_reference` error for each item of the list `field` that `known` does not
/// accept: ids of another ward, of records since removed, of people one may not see.
pub fn unknown<T>(field: &str, items: &[T], known: impl Fn(&T) -> bool) -> Vec<FieldError> {
    each(field, items, FieldCode::UnknownReference, |item| {
        !known(item)
    })
}

/// The items of a list naming residents who withdrew their consent, each as a field error.
pub fn withdrawn<T>(field: &str, items: &[T], withdrew: impl Fn(&T) -> bool) -> Vec<FieldError> {
    each(field, items, FieldCode::ConsentWithdrawn, withdrew)
}

fn each<T>(
    field: &str,
    items: &[T],
    code: FieldCode,
    refused: impl Fn(&T) -> bool,
) -> Vec<FieldError> {
    items
        .iter()
        .enumerate()
        .filter(|(_, item)| refused(item))
        .map(|(i, _)| FieldError::new(format!("{field}[{i}]"), code))
        .collect()
}

/// A Vietnamese phone number: 10 digits starting with 0, or +84 followed by 9 digits; spaces,
/// dots and dashes are allowed between digits.
pub fn normalise_phone(raw: &str) -> Option<String> {
    let digits: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let national = if let Some(rest) = digits.strip_prefix("+84") {
        format!("0{rest}")
    } else {
        digits
    };
    (national.len() == 10
        && national.starts_with('0')
        && national.chars().all(|c| c.is_ascii_digit()))
    .then_some(national)
}

/// A new password's length; whether it is common is the server's check.
pub fn password(e: &mut Errors, field: &str, value: &str) {
    let chars = value.chars().count();
    if has_control(value) {
        e.add(field, FieldCode::ControlCharacters);
    } else if chars == 0 {
        e.add(field, FieldCode::Required);
    } else if chars < PASSWORD_MIN {
        e.add(field, FieldCode::TooShort);
    } else if chars > PASSWORD_MAX {
        e.add(field, FieldCode::TooLong);
    }
}

fn phone(e: &mut Errors, value: &str) {
    if value.trim().is_empty() {
        e.add("phone", FieldCode::Required);
    } else if normalise_phone(value).is_none() {
        e.add("phone", FieldCode::InvalidFormat);
    }
}

/// Only presence: a sign-in never says which part was wrong.
pub fn sign_in(s: &SignIn) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    phone(&mut e, &s.phone);
    if s.password.is_empty() {
        e.add("password", FieldCode::Required);
    }
    e.finish()
}

pub fn password_change(c: &PasswordChange) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    if c.current_password.is_empty() {
        e.add("current_password", FieldCode::Required);
    }
    password(&mut e, "new_password", &c.new_password);
    e.finish()
}

pub fn new_grant(g: &NewGrant) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    if g.role.is_per_tdp() != g.tdp_id.is_some() {
        e.add("tdp_id", FieldCode::RoleScope);
    }
    e.finish()
}

pub fn new_account(a: &NewAccount) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    phone(&mut e, &a.phone);
    e.text("full_name", &a.full_name, NAME_MAX);
    password(&mut e, "password", &a.password);
    if a.role.is_per_tdp() != a.tdp_id.is_some() {
        e.add("tdp_id", FieldCode::RoleScope);
    }
    e.finish()
}

pub fn new_invitation(i: &NewInvitation) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.text("full_name", &i.full_name, NAME_MAX);
    e.finish()
}

/// A ward's first admin, made by the province's admin: an account's fields, its role fixed.
pub fn new_ward_admin(a: &NewWardAdmin) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    phone(&mut e, &a.phone);
    e.text("full_name", &a.full_name, NAME_MAX);
    password(&mut e, "password", &a.password);
    e.finish()
}

/// A skill's target and deadline, changed from `was`: a share above 0 and at most 100, and a
/// deadline still to come unless it is the one it was; for a ward, at least `province`'s
/// target and at the latest its deadline.
pub fn target_change(
    c: &TargetChange,
    was: &TargetChange,
    province: Option<&TargetChange>,
    today: NaiveDate,
) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    target(
        &mut e,
        TARGET_FIELDS,
        c,
        Some(was.deadline),
        province,
        today,
    );
    e.finish()
}

/// The models' targets and deadlines, changed from `was`, by the rules of `target_change`
/// for each model; for a ward, within `province`'s.
pub fn model_targets(
    m: &ModelTargets,
    was: &ModelTargets,
    province: Option<&ModelTargets>,
    today: NaiveDate,
) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    for model in &SKILL_MODELS {
        let (Some(change), Some(was)) = (m.of(model.model), was.of(model.model)) else {
            continue;
        };
        let bound = province.and_then(|p| p.of(model.model));
        let fields = (model.target, model.deadline);
        target(
            &mut e,
            fields,
            &change,
            Some(was.deadline),
            bound.as_ref(),
            today,
        );
    }
    e.finish()
}

/// The fields a target and its deadline are named by in a skill's change.
const TARGET_FIELDS: (&str, &str) = ("target_percent", "deadline");

fn target(
    e: &mut Errors,
    (target_field, deadline_field): (&str, &str),
    c: &TargetChange,
    was: Option<NaiveDate>,
    province: Option<&TargetChange>,
    today: NaiveDate,
) {
    if !(c.target_percent > 0.0 && c.target_percent <= 100.0) {
        e.add(target_field, FieldCode::OutOfRange);
    } else if province.is_some_and(|p| c.target_percent < p.target_percent) {
        e.add(target_field, FieldCode::BelowProvince);
    }
    if c.deadline < today && was != Some(c.deadline) {
        e.add(deadline_field, FieldCode::InPast);
    } else if province.is_some_and(|p| c.deadline > p.deadline) {
        e.add(deadline_field, FieldCode::AfterProvince);
    }
}

/// A skill added to a catalogue: a Vietnamese name that makes a code (`text::skill_code`), an
/// English one if given, an age the catalogue counts from, and its target.
pub fn new_skill(s: &NewSkill, today: NaiveDate) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.text("name_vi", &s.name_vi, NAME_MAX);
    if !s.name_vi.trim().is_empty() && skill_code(&s.name_vi).is_empty() {
        e.add("name_vi", FieldCode::InvalidFormat);
    }
    if has_control(&s.name_en) {
        e.add("name_en", FieldCode::ControlCharacters);
    } else if s.name_en.chars().count() > NAME_MAX {
        e.add("name_en", FieldCode::TooLong);
    }
    if !SKILL_MIN_AGES.contains(&s.min_age) {
        e.add("min_age", FieldCode::OutOfRange);
    }
    let change = TargetChange {
        target_percent: s.target_percent,
        deadline: s.deadline,
    };
    target(&mut e, TARGET_FIELDS, &change, None, None, today);
    e.finish()
}

/// The ages a skill is counted from: 15 (the movement's youngest), 16 (VNeID) and 18 (adults).
pub const SKILL_MIN_AGES: [i32; 3] = [15, 16, 18];

pub fn accept_invitation(a: &AcceptInvitation) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    phone(&mut e, &a.phone);
    password(&mut e, "password", &a.password);
    e.finish()
}

pub fn new_tdp(t: &NewTdp) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.text("code", &t.code, CODE_MAX);
    e.text("name", &t.name, NAME_MAX);
    if !(0..=REGISTER_MAX).contains(&t.households_registered) {
        e.add("households_registered", FieldCode::OutOfRange);
    }
    if !(0..=REGISTER_MAX).contains(&t.adults_registered) {
        e.add("adults_registered", FieldCode::OutOfRange);
    }
    e.finish()
}

pub fn new_team_member(m: &NewTeamMember) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.text("full_name", &m.full_name, NAME_MAX);
    if let Some(phone) = m.phone.as_deref().filter(|p| !p.trim().is_empty())
        && normalise_phone(phone).is_none()
    {
        e.add("phone", FieldCode::InvalidFormat);
    }
    e.finish()
}

pub fn new_household(h: &NewHousehold) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.text("address", &h.address, ADDRESS_MAX);
    e.text("head_name", &h.head_name, NAME_MAX);
    if let Some(l) = h.location {
        let in_vietnam =
            |lat: f64, lon: f64| (8.0..=24.0).contains(&lat) && (102.0..=110.0).contains(&lon);
        if in_vietnam(l.lon, l.lat) && !in_vietnam(l.lat, l.lon) {
            e.add("location", FieldCode::SwappedCoordinates);
        } else if !(-90.0..=90.0).contains(&l.lat) || !(-180.0..=180.0).contains(&l.lon) {
            e.add("location", FieldCode::OutOfRange);
        }
    }
    e.finish()
}

/// The most learners a ward may ask of one digital ambassador.
pub const AMBASSADOR_QUOTA_MAX: i32 = 50;

/// A ward's settings, changed from `was`: the models' targets and deadlines by
/// `model_targets`, within its province's (`was.province`); thresholds are shares above 0 and
/// up to 100; each model asks for at least one skill, each once. Whether the codes are skills
/// of the ward's catalogue is the server's check.
pub fn model_settings(
    m: &ModelSettings,
    was: &ModelSettings,
    today: NaiveDate,
) -> Result<(), Vec<FieldError>> {
    let targets = model_targets(&m.targets(), &was.targets(), was.province.as_ref(), today);
    let mut e = Errors(targets.err().unwrap_or_default());
    let percent = |e: &mut Errors, field: &str, value: f64| {
        if !(value > 0.0 && value <= 100.0) {
            e.add(field, FieldCode::OutOfRange);
        }
    };
    let skills = |e: &mut Errors, field: &str, codes: &[String]| {
        if codes.is_empty() {
            e.add(field, FieldCode::Required);
        }
        let mut seen = HashSet::new();
        for (i, code) in codes.iter().enumerate() {
            if !seen.insert(code) {
                e.add(format!("{field}[{i}]"), FieldCode::Duplicate);
            }
        }
    };
    skills(&mut e, "family_skills", &m.family_skills);
    skills(&mut e, "identity_skills", &m.identity_skills);
    if !(1..=AMBASSADOR_QUOTA_MAX).contains(&m.ambassador_quota) {
        e.add("ambassador_quota", FieldCode::OutOfRange);
    }
    percent(&mut e, "cashless_market_percent", m.cashless_market_percent);
    e.finish()
}

pub fn new_resident(r: &NewResident, today: NaiveDate) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.text("full_name", &r.full_name, NAME_MAX);
    birth_year(&mut e, r.birth_year, today);
    if !r.consent {
        e.add("consent", FieldCode::ConsentRequired);
    }
    e.finish()
}

fn birth_year(e: &mut Errors, year: i32, today: NaiveDate) {
    if year > today.year() {
        e.add("birth_year", FieldCode::InFuture);
    } else if year < BIRTH_YEAR_MIN {
        e.add("birth_year", FieldCode::OutOfRange);
    }
}

/// At least one household, each once, no more than a page of them.
pub fn assignment(a: &Assignment) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    if a.household_ids.is_empty() {
        e.add("household_ids", FieldCode::Required);
    } else if a.household_ids.len() > ASSIGNMENT_MAX {
        e.add("household_ids", FieldCode::TooLong);
    }
    let mut seen = HashSet::new();
    for (i, id) in a.household_ids.iter().enumerate() {
        if !seen.insert(id) {
            e.add(format!("household_ids[{i}]"), FieldCode::Duplicate);
        }
    }
    e.finish()
}

pub fn new_market(m: &NewMarket) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.text("name", &m.name, NAME_MAX);
    e.finish()
}

/// A trader's details; each 4T date no later than tomorrow (a phone's clock may run ahead) and
/// not before the movement began.
pub fn stall(s: &StallDetails, today: NaiveDate) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.text("trader_name", &s.trader_name, NAME_MAX);
    e.text("stall_code", &s.stall_code, STALL_CODE_MAX);
    if has_control(&s.goods) {
        e.add("goods", FieldCode::ControlCharacters);
    } else if s.goods.chars().count() > NAME_MAX {
        e.add("goods", FieldCode::TooLong);
    }
    for (step, field) in FourT::ALL.into_iter().zip(FOUR_T_FIELDS) {
        match step.reached_on(s) {
            Some(d) if d > today + chrono::Days::new(1) => e.add(field, FieldCode::InFuture),
            Some(d) if d < VISIT_DATE_MIN => e.add(field, FieldCode::OutOfRange),
            _ => {}
        }
    }
    e.finish()
}

/// The fields of `StallDetails` holding each step's date, in the order of `FourT::ALL`.
pub const FOUR_T_FIELDS: [&str; 4] = ["trained_on", "ecommerce_on", "cashless_on", "savings_on"];

/// Titles and places of activities: "Lớp kỹ năng số cho người cao tuổi – Nhà văn hoá tổ 5".
pub const TITLE_MAX: usize = 200;
/// More people than any hall holds: a typing mistake.
pub const CAPACITY_MAX: i32 = 10_000;

/// Each id once, "field[i]": duplicate for the later ones.
fn once(e: &mut Errors, field: &str, ids: &[uuid::Uuid]) {
    let mut seen = HashSet::new();
    for (i, id) in ids.iter().enumerate() {
        if !seen.insert(id) {
            e.add(format!("{field}[{i}]"), FieldCode::Duplicate);
        }
    }
}

/// An activity ends after it starts, and does not start before the movement began.
pub fn new_activity(a: &NewActivity) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.text("title", &a.title, TITLE_MAX);
    e.text("place", &a.place, TITLE_MAX);
    e.text("organiser", &a.organiser, NAME_MAX);
    if a.starts_at.date_naive() < VISIT_DATE_MIN {
        e.add("starts_at", FieldCode::OutOfRange);
    }
    if a.ends_at <= a.starts_at {
        e.add("ends_at", FieldCode::EndsBeforeStart);
    } else if a.ends_at - a.starts_at > chrono::TimeDelta::days(ACTIVITY_DAYS_MAX) {
        e.add("ends_at", FieldCode::OutOfRange);
    }
    if a.capacity.is_some_and(|c| !(1..=CAPACITY_MAX).contains(&c)) {
        e.add("capacity", FieldCode::OutOfRange);
    }
    once(&mut e, "topics", &a.topics);
    e.finish()
}

/// The longest campaign, in days: a year. A longer one is a typing mistake, and its burn-up
/// and standings would be counted day by day for as long.
pub const CAMPAIGN_DAYS_MAX: i64 = 366;
/// The longest activity, in days: a youth campaign's week. Its check-in code is valid for as
/// long as it lasts.
pub const ACTIVITY_DAYS_MAX: i64 = 7;

/// More than any ward could reach in one campaign: a typing mistake.
pub const CAMPAIGN_TARGET_MAX: i32 = 1_000_000;

/// A campaign has a name, ends no earlier than it starts, and targets something, each
/// indicator once. Whether the indicators and TDPs are the ward's is the server's check.
pub fn new_campaign(c: &NewCampaign) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.text("name", &c.name, TITLE_MAX);
    if c.starts_on < VISIT_DATE_MIN {
        e.add("starts_on", FieldCode::OutOfRange);
    }
    if c.ends_on < c.starts_on {
        e.add("ends_on", FieldCode::EndsBeforeStart);
    } else if (c.ends_on - c.starts_on).num_days() >= CAMPAIGN_DAYS_MAX {
        e.add("ends_on", FieldCode::OutOfRange);
    }
    once(&mut e, "tdp_ids", &c.tdp_ids);
    if c.targets.is_empty() {
        e.add("targets", FieldCode::Required);
    }
    let mut seen = HashSet::new();
    for (i, t) in c.targets.iter().enumerate() {
        if !seen.insert(&t.indicator) {
            e.add(format!("targets[{i}].indicator"), FieldCode::Duplicate);
        }
        if !(1..=CAMPAIGN_TARGET_MAX).contains(&t.target) {
            e.add(format!("targets[{i}].target"), FieldCode::OutOfRange);
        }
    }
    e.finish()
}

/// Who came: each resident once, a count of the others, and no more than `capacity` in all
/// unless the person confirmed it. `elsewhere`: attendees the list does not touch.
pub fn attendance(
    a: &Attendance,
    capacity: Option<i32>,
    elsewhere: i64,
) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    once(&mut e, "resident_ids", &a.resident_ids);
    if !(0..=CAPACITY_MAX).contains(&a.unregistered) {
        e.add("unregistered", FieldCode::OutOfRange);
    }
    let total = a.resident_ids.len() as i64 + i64::from(a.unregistered) + elsewhere;
    if capacity.is_some_and(|c| total > i64::from(c)) && !a.over_capacity {
        e.add("resident_ids", FieldCode::OverCapacity);
    }
    e.finish()
}

/// A basemap is a tile address the app may load images from, credited; or nothing at all.
pub fn basemap(b: &Basemap) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    match (
        b.tile_url.as_deref().map(str::trim),
        b.attribution.as_deref(),
    ) {
        (None | Some(""), None) => {}
        (None | Some(""), Some(_)) => e.add("tile_url", FieldCode::Required),
        (Some(url), attribution) => {
            if has_control(url) {
                e.add("tile_url", FieldCode::ControlCharacters);
            } else if url.chars().count() > 300 {
                e.add("tile_url", FieldCode::TooLong);
            } else if crate::map::tile_origin(url).is_none() {
                e.add("tile_url", FieldCode::InvalidFormat);
            }
            e.text("attribution", attribution.unwrap_or(""), 200);
        }
    }
    e.finish()
}

/// An attendee checking in gives a name and a birth year that could be theirs.
pub fn check_in(c: &CheckIn, today: NaiveDate) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    if has_control(&c.code) {
        e.add("code", FieldCode::ControlCharacters);
    } else if c.code.trim().is_empty() {
        e.add("code", FieldCode::Required);
    }
    e.text("full_name", &c.full_name, NAME_MAX);
    birth_year(&mut e, c.birth_year, today);
    e.finish()
}

/// Whether `text` holds what looks like an identity-card (CCCD) number: twelve digits, written
/// together or in groups split by single spaces or dots ("001 085 012345"). A phone number
/// (ten digits) with a time after it is a longer run, and not one.
pub fn holds_id_number(text: &str) -> bool {
    let mut digits = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            digits += 1;
        } else if digits > 0
            && matches!(c, ' ' | '.')
            && chars.peek().is_some_and(char::is_ascii_digit)
        {
            continue;
        } else {
            if digits == 12 {
                return true;
            }
            digits = 0;
        }
    }
    digits == 12
}

/// A ticket is about a household (and maybe one of its residents) or about a place in a TDP,
/// never both; it says what the problem is, and holds no identity number.
pub fn new_ticket(t: &NewTicket) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.free_text("title", &t.title, TITLE_MAX, true);
    match t.household_id {
        Some(_) => {
            if t.tdp_id.is_some() {
                e.add("tdp_id", FieldCode::InvalidFormat);
            }
            if t.place.is_some() {
                e.add("place", FieldCode::InvalidFormat);
            }
        }
        None => {
            if t.resident_id.is_some() {
                e.add("household_id", FieldCode::Required);
            }
            if t.tdp_id.is_none() {
                e.add("tdp_id", FieldCode::Required);
            }
            e.free_text("place", t.place.as_deref().unwrap_or(""), TITLE_MAX, true);
        }
    }
    e.free_text("description", &t.description, NOTE_MAX, false);
    e.finish()
}

pub fn new_comment(c: &NewComment) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.free_text("text", &c.text, NOTE_MAX, true);
    e.finish()
}

/// Resolving a ticket says how; other changes may say why.
pub fn ticket_status(c: &TicketStatusChange) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.free_text(
        "note",
        &c.note,
        NOTE_MAX,
        c.status == TicketStatus::Resolved,
    );
    e.finish()
}

pub fn new_visit(v: &NewVisit, today: NaiveDate) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    // A volunteer's phone may be a day ahead of the server (time zones, a wrong clock); more
    // than that is a mistake in the date field.
    if v.visited_on > today + chrono::Days::new(1) {
        e.add("visited_on", FieldCode::InFuture);
    } else if v.visited_on < VISIT_DATE_MIN {
        e.add("visited_on", FieldCode::OutOfRange);
    }
    if v.volunteer_ids.is_empty() {
        e.add("volunteer_ids", FieldCode::Required);
    } else if v.volunteer_ids.iter().collect::<HashSet<_>>().len() != v.volunteer_ids.len() {
        e.add("volunteer_ids", FieldCode::Duplicate);
    }
    let mut seen = HashSet::new();
    for (i, item) in v.help.iter().enumerate() {
        if !seen.insert((item.resident_id, item.skill_id)) {
            e.add(format!("help[{i}]"), FieldCode::Duplicate);
        }
    }
    if let Some(s) = v.satisfaction
        && !(1..=5).contains(&s)
    {
        e.add("satisfaction", FieldCode::OutOfRange);
    }
    e.free_text("note", &v.note, NOTE_MAX, false);
    e.finish()
}

/// Why a visit is voided: required, and like every note, no identity number.
/// What a form asks of the duplicate check: each text given is a name or an address a form
/// could save (not empty, not too long, no control character).
pub fn duplicate_check(c: &crate::api::DuplicateCheck) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    if let Some(name) = &c.full_name {
        e.text("full_name", name, NAME_MAX);
    }
    if let Some(address) = &c.address {
        e.text("address", address, ADDRESS_MAX);
    }
    e.finish()
}

/// A resident leaves the counts on a day that has come, and not before they were born.
pub fn departure(
    d: &crate::api::Departure,
    birth_year: i32,
    today: NaiveDate,
) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    if d.on > today {
        e.add("departure.on", FieldCode::InFuture);
    } else if d.on.year() < birth_year {
        e.add("departure.on", FieldCode::OutOfRange);
    }
    e.finish()
}

pub fn void_visit(v: &crate::api::VoidVisit) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    e.free_text("reason", &v.reason, NOTE_MAX, true);
    e.finish()
}

/// A correction: the reason, as a voiding's, and the visit recorded in its place, as a new
/// one.
pub fn visit_correction(
    c: &crate::api::VisitCorrection,
    today: NaiveDate,
) -> Result<(), Vec<FieldError>> {
    let why = crate::api::VoidVisit {
        reason: c.reason.clone(),
    };
    let mut fields = void_visit(&why).err().unwrap_or_default();
    fields.extend(new_visit(&c.visit, today).err().unwrap_or_default());
    if fields.is_empty() {
        Ok(())
    } else {
        Err(fields)
    }
}

/// An edit of a household: at least one field, each as a new household's would be, a note as
/// free text; against a version the record had.
pub fn household_edit(h: &crate::api::HouseholdEdit) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    let f = &h.fields;
    if h.base_version < 0 {
        e.add("base_version", FieldCode::OutOfRange);
    }
    if f.is_empty() {
        e.add("fields", FieldCode::Required);
    }
    if let Some(address) = &f.address {
        e.text("fields.address", address, ADDRESS_MAX);
    }
    if let Some(head) = &f.head_name {
        e.text("fields.head_name", head, NAME_MAX);
    }
    if let Some(note) = &f.note {
        e.free_text("fields.note", note, NOTE_MAX, false);
    }
    e.finish()
}

/// An edit of a resident: at least one field, each as a new resident's would be, a note as
/// free text; against a version the record had.
pub fn resident_edit(
    r: &crate::api::ResidentEdit,
    today: NaiveDate,
) -> Result<(), Vec<FieldError>> {
    let mut e = Errors::default();
    let f = &r.fields;
    if r.base_version < 0 {
        e.add("base_version", FieldCode::OutOfRange);
    }
    if f.is_empty() {
        e.add("fields", FieldCode::Required);
    }
    if let Some(name) = &f.full_name {
        e.text("fields.full_name", name, NAME_MAX);
    }
    if let Some(year) = f.birth_year {
        let mut years = Errors::default();
        birth_year(&mut years, year, today);
        for error in years.0 {
            e.add("fields.birth_year", error.code);
        }
    }
    if let Some(note) = &f.note {
        e.free_text("fields.note", note, NOTE_MAX, false);
    }
    e.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_sets_something_each_field_as_a_new_record_would() {
        use crate::api::{HouseholdEdit, HouseholdFields, ResidentEdit, ResidentFields};
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let household = |fields| HouseholdEdit {
            household_id: uuid::Uuid::nil(),
            base_version: 1,
            fields,
        };
        let resident = |fields| ResidentEdit {
            resident_id: uuid::Uuid::nil(),
            base_version: 1,
            fields,
        };
        let codes = |r: Result<(), Vec<FieldError>>| {
            r.err()
                .unwrap_or_default()
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes(household_edit(&household(HouseholdFields::default()))),
            [("fields".into(), FieldCode::Required)]
        );
        let fields = HouseholdFields {
            address: Some("  ".into()),
            note: Some("CCCD 001085012345".into()),
            ..HouseholdFields::default()
        };
        assert_eq!(
            codes(household_edit(&household(fields))),
            [
                ("fields.address".into(), FieldCode::Required),
                ("fields.note".into(), FieldCode::IdNumber)
            ]
        );
        let fields = HouseholdFields {
            poverty: Some(crate::api::Poverty::Poor),
            note: Some(String::new()),
            ..HouseholdFields::default()
        };
        assert_eq!(codes(household_edit(&household(fields))), []);
        let fields = ResidentFields {
            birth_year: Some(2027),
            full_name: Some("An\u{0}".into()),
            ..ResidentFields::default()
        };
        assert_eq!(
            codes(resident_edit(&resident(fields), today)),
            [
                ("fields.full_name".into(), FieldCode::ControlCharacters),
                ("fields.birth_year".into(), FieldCode::InFuture)
            ]
        );
        let mut old = resident(ResidentFields {
            birth_year: Some(1957),
            ..ResidentFields::default()
        });
        assert_eq!(codes(resident_edit(&old, today)), []);
        old.base_version = -1;
        assert_eq!(
            codes(resident_edit(&old, today)),
            [("base_version".into(), FieldCode::OutOfRange)]
        );
    }

    #[test]
    fn a_duplicate_check_asks_about_texts_a_form_could_save() {
        let check = |name: Option<&str>, address: Option<&str>| {
            codes(duplicate_check(&crate::api::DuplicateCheck {
                tdp_id: Uuid::nil(),
                full_name: name.map(Into::into),
                birth_year: Some(1956),
                address: address.map(Into::into),
            }))
        };
        assert_eq!(check(Some("Nguyen Van An"), Some("Số 7 ngõ 12")), []);
        assert_eq!(check(None, None), []);
        assert_eq!(
            check(Some("An\0"), None),
            [("full_name".into(), FieldCode::ControlCharacters)]
        );
        assert_eq!(
            check(None, Some(&"x".repeat(ADDRESS_MAX + 1))),
            [("address".into(), FieldCode::TooLong)]
        );
    }

    #[test]
    fn a_resident_leaves_on_a_day_that_has_come_and_after_their_birth() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let left = |on: NaiveDate| {
            let d = crate::api::Departure {
                on,
                reason: crate::api::DepartureReason::Deceased,
            };
            codes(departure(&d, 1950, today))
        };
        assert_eq!(left(today), []);
        assert_eq!(
            left(today.succ_opt().unwrap()),
            [("departure.on".into(), FieldCode::InFuture)]
        );
        assert_eq!(
            left(NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()),
            [("departure.on".into(), FieldCode::OutOfRange)]
        );
    }

    #[test]
    fn a_visit_is_voided_with_a_reason_that_names_no_identity_number() {
        let void = |reason: &str| {
            codes(void_visit(&crate::api::VoidVisit {
                reason: reason.into(),
            }))
        };
        assert_eq!(void("Ghi nhầm hộ"), []);
        assert_eq!(void("  "), [("reason".into(), FieldCode::Required)]);
        assert_eq!(
            void("nhầm CCCD 001085012345"),
            [("reason".into(), FieldCode::IdNumber)]
        );
    }

    #[test]
    fn a_correction_needs_a_reason_and_a_visit_as_a_new_one_would() {
        let correct = |reason: &str, visit: NewVisit| {
            let c = crate::api::VisitCorrection {
                visit_id: Uuid::from_u128(9),
                reason: reason.into(),
                visit,
            };
            codes(visit_correction(&c, today()))
        };
        assert_eq!(correct("Sai kỹ năng", visit()), []);
        let mut late = visit();
        late.visited_on = today() + chrono::Days::new(2);
        assert_eq!(
            correct("", late),
            [
                ("reason".into(), FieldCode::Required),
                ("visited_on".into(), FieldCode::InFuture)
            ]
        );
    }
    use crate::api::{Gender, HelpItem, SkillStatus};
    use uuid::Uuid;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn visit() -> NewVisit {
        NewVisit {
            id: None,
            household_id: Uuid::nil(),
            visited_on: today(),
            volunteer_ids: vec![Uuid::from_u128(1)],
            help: vec![],
            satisfaction: Some(5),
            note: String::new(),
        }
    }

    fn codes(r: Result<(), Vec<FieldError>>) -> Vec<(String, FieldCode)> {
        r.err()
            .unwrap_or_default()
            .into_iter()
            .map(|f| (f.field, f.code))
            .collect()
    }

    #[test]
    fn a_plain_visit_is_valid() {
        assert_eq!(new_visit(&visit(), today()), Ok(()));
    }

    #[test]
    fn visit_dates_in_the_future_are_refused_beyond_a_day() {
        let mut v = visit();
        v.visited_on = today() + chrono::Days::new(1);
        assert_eq!(new_visit(&v, today()), Ok(()));
        v.visited_on = today() + chrono::Days::new(2);
        assert_eq!(
            codes(new_visit(&v, today())),
            [("visited_on".into(), FieldCode::InFuture)]
        );
        v.visited_on = NaiveDate::from_ymd_opt(2019, 12, 31).unwrap();
        assert_eq!(
            codes(new_visit(&v, today())),
            [("visited_on".into(), FieldCode::OutOfRange)]
        );
    }

    #[test]
    fn visit_needs_a_volunteer_and_a_sane_rating() {
        let mut v = visit();
        v.volunteer_ids.clear();
        v.satisfaction = Some(6);
        v.note = "x".repeat(NOTE_MAX + 1);
        assert_eq!(
            codes(new_visit(&v, today())),
            [
                ("volunteer_ids".into(), FieldCode::Required),
                ("satisfaction".into(), FieldCode::OutOfRange),
                ("note".into(), FieldCode::TooLong),
            ]
        );
    }

    #[test]
    fn the_same_help_twice_is_a_duplicate() {
        let mut v = visit();
        let item = HelpItem {
            resident_id: Uuid::from_u128(7),
            skill_id: Uuid::from_u128(9),
            outcome: SkillStatus::Achieved,
        };
        v.help = vec![item.clone(), item];
        v.volunteer_ids = vec![Uuid::from_u128(1), Uuid::from_u128(1)];
        assert_eq!(
            codes(new_visit(&v, today())),
            [
                ("volunteer_ids".into(), FieldCode::Duplicate),
                ("help[1]".into(), FieldCode::Duplicate)
            ]
        );
    }

    #[test]
    fn birth_year_bounds() {
        let mut r = NewResident {
            id: None,
            household_id: Uuid::nil(),
            full_name: "Nguyễn Văn An".into(),
            birth_year: 2026,
            gender: Gender::Male,
            consent: true,
        };
        assert_eq!(new_resident(&r, today()), Ok(()), "born this year");
        r.birth_year = 2027;
        assert_eq!(
            codes(new_resident(&r, today())),
            [("birth_year".into(), FieldCode::InFuture)]
        );
        r.birth_year = 1899;
        r.full_name = "  ".into();
        assert_eq!(
            codes(new_resident(&r, today())),
            [
                ("full_name".into(), FieldCode::Required),
                ("birth_year".into(), FieldCode::OutOfRange)
            ]
        );
    }

    #[test]
    fn a_resident_is_registered_only_with_their_consent() {
        let mut r = NewResident {
            id: None,
            household_id: Uuid::nil(),
            full_name: "Nguyễn Văn An".into(),
            birth_year: 1960,
            gender: Gender::Male,
            consent: true,
        };
        assert_eq!(new_resident(&r, today()), Ok(()));
        r.consent = false;
        assert_eq!(
            codes(new_resident(&r, today())),
            [("consent".into(), FieldCode::ConsentRequired)]
        );
        let sent: NewResident = serde_json::from_value(serde_json::json!({
            "household_id": Uuid::nil(), "full_name": "An", "birth_year": 1960, "gender": "male"
        }))
        .unwrap();
        assert!(
            !sent.consent,
            "a body that does not say so gives no consent"
        );
    }

    #[test]
    fn passwords_need_eight_characters_counted_as_letters() {
        let check = |p: &str| {
            let mut e = Errors::default();
            password(&mut e, "password", p);
            codes(e.finish())
        };
        assert_eq!(check(""), [("password".into(), FieldCode::Required)]);
        assert_eq!(check("1234567"), [("password".into(), FieldCode::TooShort)]);
        // Eight letters with diacritics are eight characters, not their UTF-8 bytes.
        assert_eq!(check("câyđàoẩ"), [("password".into(), FieldCode::TooShort)]);
        assert!(check("câyđàoẩm").is_empty());
        assert_eq!(
            check(&"a".repeat(PASSWORD_MAX + 1)),
            [("password".into(), FieldCode::TooLong)]
        );
    }

    #[test]
    fn team_roles_need_a_tdp_and_ward_roles_refuse_one() {
        use crate::access::Role;
        let grant = |role, tdp_id| codes(new_grant(&NewGrant { role, tdp_id }));
        assert!(grant(Role::Volunteer, Some(Uuid::nil())).is_empty());
        assert!(grant(Role::Viewer, None).is_empty());
        assert_eq!(
            grant(Role::TeamLeader, None),
            [("tdp_id".into(), FieldCode::RoleScope)]
        );
        assert_eq!(
            grant(Role::WardAdmin, Some(Uuid::nil())),
            [("tdp_id".into(), FieldCode::RoleScope)]
        );
    }

    #[test]
    fn phones_are_normalised() {
        assert_eq!(
            normalise_phone("0912 345 678").as_deref(),
            Some("0912345678")
        );
        assert_eq!(
            normalise_phone("+84 912.345.678").as_deref(),
            Some("0912345678")
        );
        assert_eq!(normalise_phone("912345678"), None);
        assert_eq!(normalise_phone("09123456789"), None);
        assert_eq!(normalise_phone("09a2345678"), None);
    }

    #[test]
    fn tdp_register_counts_are_bounded() {
        let t = NewTdp {
            code: "TDP-01".into(),
            name: "Tổ dân phố số 1".into(),
            households_registered: -1,
            adults_registered: REGISTER_MAX + 1,
        };
        assert_eq!(
            codes(new_tdp(&t)),
            [
                ("households_registered".into(), FieldCode::OutOfRange),
                ("adults_registered".into(), FieldCode::OutOfRange),
            ]
        );
    }

    #[test]
    fn model_settings_need_real_targets_and_skills_given_once() {
        let good = ModelSettings {
            family_target: 100.0,
            family_skills: vec!["smartphone".into()],
            identity_target: 100.0,
            identity_skills: vec!["vneid_level2".into(), "e_payment".into()],
            ambassador_quota: 5,
            cashless_market_percent: 70.0,
            ..crate::models::default_settings()
        };
        let today = "2026-12-07".parse().unwrap();
        let was = crate::models::default_settings();
        assert_eq!(model_settings(&good, &was, today), Ok(()));
        let bad = ModelSettings {
            family_target: 0.0,
            family_skills: vec![],
            identity_target: f64::NAN,
            identity_skills: vec!["e_payment".into(), "e_payment".into()],
            ambassador_quota: 0,
            cashless_market_percent: 100.5,
            ..good.clone()
        };
        assert_eq!(
            codes(model_settings(&bad, &was, today)),
            vec![
                ("family_target".into(), FieldCode::OutOfRange),
                ("identity_target".into(), FieldCode::OutOfRange),
                ("family_skills".into(), FieldCode::Required),
                ("identity_skills[1]".into(), FieldCode::Duplicate),
                ("ambassador_quota".into(), FieldCode::OutOfRange),
                ("cashless_market_percent".into(), FieldCode::OutOfRange),
            ]
        );
    }

    #[test]
    fn a_ward_s_model_targets_stay_within_its_province_s() {
        let today: NaiveDate = "2026-12-07".parse().unwrap();
        let province = ModelTargets {
            family_target: 80.0,
            family_deadline: "2027-06-30".parse().unwrap(),
            identity_target: 100.0,
            identity_deadline: "2026-12-31".parse().unwrap(),
        };
        let raised = ModelTargets {
            family_target: 90.0,
            family_deadline: "2027-03-31".parse().unwrap(),
            ..province.clone()
        };
        assert_eq!(
            model_targets(&raised, &province, Some(&province), today),
            Ok(())
        );
        let lowered = ModelTargets {
            family_target: 70.0,
            family_deadline: "2027-12-31".parse().unwrap(),
            identity_target: 120.0,
            identity_deadline: "2026-12-01".parse().unwrap(),
        };
        assert_eq!(
            codes(model_targets(&lowered, &province, Some(&province), today)),
            vec![
                ("family_target".into(), FieldCode::BelowProvince),
                ("family_deadline".into(), FieldCode::AfterProvince),
                ("identity_target".into(), FieldCode::OutOfRange),
                ("identity_deadline".into(), FieldCode::InPast),
            ]
        );
        // A province is bound by nothing above it, and a deadline passed may stay as it was.
        let passed = ModelTargets {
            family_target: 50.0,
            identity_deadline: "2026-12-01".parse().unwrap(),
            ..province.clone()
        };
        assert_eq!(model_targets(&passed, &passed, None, today), Ok(()));
    }

    fn trader() -> StallDetails {
        StallDetails {
            market_id: Uuid::nil(),
            tdp_id: Uuid::nil(),
            trader_name: "Trần Thị Hoa".into(),
            stall_code: "A-12".into(),
            goods: String::new(),
            trained_on: Some(today()),
            ecommerce_on: None,
            cashless_on: None,
            savings_on: None,
        }
    }

    fn activity() -> NewActivity {
        let start = chrono::DateTime::parse_from_rfc3339("2026-11-25T19:30:00+07:00")
            .unwrap()
            .to_utc();
        NewActivity {
            id: Uuid::now_v7(),
            kind: crate::api::ActivityKind::ElderlyClass,
            title: "Cài VNeID cho người cao tuổi".into(),
            tdp_id: None,
            place: "Nhà văn hoá tổ 5".into(),
            starts_at: start,
            ends_at: start + chrono::Duration::minutes(90),
            organiser: "Đoàn phường".into(),
            topics: Vec::new(),
            capacity: Some(30),
        }
    }

    #[test]
    fn an_activity_ends_after_it_starts_and_has_a_place_and_room() {
        assert_eq!(new_activity(&activity()), Ok(()));
        let mut a = activity();
        a.ends_at = a.starts_at;
        a.place = " ".into();
        a.capacity = Some(0);
        let topic = Uuid::now_v7();
        a.topics = vec![topic, topic];
        assert_eq!(
            codes(new_activity(&a)),
            [
                ("place".to_owned(), FieldCode::Required),
                ("ends_at".to_owned(), FieldCode::EndsBeforeStart),
                ("capacity".to_owned(), FieldCode::OutOfRange),
                ("topics[1]".to_owned(), FieldCode::Duplicate),
            ]
        );
    }

    #[test]
    fn a_campaign_targets_something_and_ends_after_it_starts() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let target = |indicator: &str, target: i32| crate::api::CampaignTarget {
            indicator: indicator.into(),
            target,
        };
        let mut c = NewCampaign {
            id: Uuid::now_v7(),
            name: "45 ngày đêm".into(),
            starts_on: day(1),
            ends_on: day(1),
            tdp_ids: Vec::new(),
            targets: vec![target("vneid_level2", 500)],
        };
        assert_eq!(new_campaign(&c), Ok(()));
        c.ends_on = day(1).pred_opt().unwrap();
        c.targets = vec![target("vneid_level2", 0), target("vneid_level2", 5)];
        assert_eq!(
            codes(new_campaign(&c)),
            [
                ("ends_on".to_owned(), FieldCode::EndsBeforeStart),
                ("targets[0].target".to_owned(), FieldCode::OutOfRange),
                ("targets[1].indicator".to_owned(), FieldCode::Duplicate),
            ]
        );
        c.ends_on = day(2);
        c.targets.clear();
        assert_eq!(
            codes(new_campaign(&c)),
            [("targets".to_owned(), FieldCode::Required)]
        );
    }

    #[test]
    fn attendance_above_capacity_needs_confirming() {
        let ids: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
        let mut a = Attendance {
            resident_ids: ids.clone(),
            unregistered: 1,
            over_capacity: false,
        };
        assert_eq!(attendance(&a, Some(4), 0), Ok(()));
        assert_eq!(attendance(&a, None, 100), Ok(()));
        // Someone from another TDP counts too.
        assert_eq!(
            codes(attendance(&a, Some(4), 1)),
            [("resident_ids".to_owned(), FieldCode::OverCapacity)]
        );
        a.over_capacity = true;
        assert_eq!(attendance(&a, Some(4), 1), Ok(()));
        a.resident_ids.push(ids[0]);
        a.unregistered = -1;
        assert_eq!(
            codes(attendance(&a, None, 0)),
            [
                ("resident_ids[3]".to_owned(), FieldCode::Duplicate),
                ("unregistered".to_owned(), FieldCode::OutOfRange),
            ]
        );
    }

    #[test]
    fn a_stall_needs_a_trader_and_a_code_and_dates_that_happened() {
        assert_eq!(codes(stall(&trader(), today())), vec![]);
        let mut s = trader();
        s.trader_name = " ".into();
        s.stall_code = "A".repeat(STALL_CODE_MAX + 1);
        s.cashless_on = Some(today() + chrono::Days::new(2));
        s.savings_on = NaiveDate::from_ymd_opt(2019, 12, 31);
        assert_eq!(
            codes(stall(&s, today())),
            vec![
                ("trader_name".into(), FieldCode::Required),
                ("stall_code".into(), FieldCode::TooLong),
                ("cashless_on".into(), FieldCode::InFuture),
                ("savings_on".into(), FieldCode::OutOfRange),
            ]
        );
    }

    #[test]
    fn a_market_needs_a_name() {
        let m = NewMarket {
            id: Uuid::nil(),
            name: String::new(),
            kind: crate::api::MarketKind::Market,
        };
        assert_eq!(
            codes(new_market(&m)),
            vec![("name".into(), FieldCode::Required)]
        );
    }

    #[test]
    fn an_assignment_names_each_household_once() {
        let a = |ids: Vec<Uuid>| Assignment {
            team_member_id: None,
            household_ids: ids,
        };
        let h = Uuid::from_u128(7);
        assert_eq!(codes(assignment(&a(vec![h]))), vec![]);
        assert_eq!(
            codes(assignment(&a(vec![]))),
            vec![("household_ids".into(), FieldCode::Required)]
        );
        assert_eq!(
            codes(assignment(&a(vec![h, Uuid::from_u128(8), h]))),
            vec![("household_ids[2]".into(), FieldCode::Duplicate)]
        );
        assert_eq!(
            codes(assignment(&a(vec![h; ASSIGNMENT_MAX + 1])))[0],
            ("household_ids".into(), FieldCode::TooLong)
        );
    }

    #[test]
    fn an_identity_number_is_caught_however_it_is_written() {
        assert!(holds_id_number("CCCD 001085012345 không kích hoạt được"));
        assert!(holds_id_number("số 001 085 012345"));
        assert!(holds_id_number("001.085.012.345"));
        assert!(!holds_id_number("gọi 0912 345 678 lúc 19 30"));
        assert!(!holds_id_number("0912345678, sinh năm 1958, 2 lần"));
        assert!(!holds_id_number("0010850123456 là mã hồ sơ"));
        assert!(!holds_id_number(""));
    }

    #[test]
    fn a_ticket_is_about_a_household_or_a_place() {
        let t = || NewTicket {
            id: Uuid::nil(),
            household_id: Some(Uuid::from_u128(1)),
            resident_id: Some(Uuid::from_u128(2)),
            tdp_id: None,
            place: None,
            skill_id: None,
            title: "Không kích hoạt được VNeID mức 2".into(),
            description: String::new(),
        };
        assert_eq!(codes(new_ticket(&t())), vec![]);
        let both = NewTicket {
            place: Some("Nhà văn hoá".into()),
            ..t()
        };
        assert_eq!(
            codes(new_ticket(&both)),
            vec![("place".into(), FieldCode::InvalidFormat)]
        );
        let neither = NewTicket {
            household_id: None,
            ..t()
        };
        assert_eq!(
            codes(new_ticket(&neither)),
            vec![
                ("household_id".into(), FieldCode::Required),
                ("tdp_id".into(), FieldCode::Required),
                ("place".into(), FieldCode::Required),
            ]
        );
        let place = NewTicket {
            household_id: None,
            resident_id: None,
            tdp_id: Some(Uuid::from_u128(3)),
            place: Some("Điểm giao dịch bưu điện".into()),
            ..t()
        };
        assert_eq!(codes(new_ticket(&place)), vec![]);
        let id_number = NewTicket {
            title: " ".into(),
            description: "CCCD của bà là 001158012345".into(),
            ..t()
        };
        assert_eq!(
            codes(new_ticket(&id_number)),
            vec![
                ("title".into(), FieldCode::Required),
                ("description".into(), FieldCode::IdNumber),
            ]
        );
    }

    #[test]
    fn resolving_a_ticket_says_how() {
        let change = |status, note: &str| TicketStatusChange {
            status,
            note: note.into(),
        };
        assert_eq!(
            codes(ticket_status(&change(TicketStatus::Resolved, " "))),
            vec![("note".into(), FieldCode::Required)]
        );
        assert_eq!(
            codes(ticket_status(&change(
                TicketStatus::Resolved,
                "Đã cài lại ứng dụng"
            ))),
            vec![]
        );
        assert_eq!(
            codes(ticket_status(&change(TicketStatus::Open, ""))),
            vec![]
        );
        assert_eq!(
            codes(new_comment(&NewComment {
                id: Uuid::nil(),
                text: String::new()
            })),
            vec![("text".into(), FieldCode::Required)]
        );
    }

    #[test]
    fn a_check_in_needs_the_code_a_name_and_a_birth_year() {
        let c = |code: &str, name: &str, year| CheckIn {
            id: Uuid::nil(),
            code: code.into(),
            full_name: name.into(),
            birth_year: year,
        };
        assert_eq!(
            codes(check_in(&c("abc", "Trần Thị Hoa", 1958), today())),
            vec![]
        );
        assert_eq!(
            codes(check_in(&c(" ", "", 2027), today())),
            vec![
                ("code".into(), FieldCode::Required),
                ("full_name".into(), FieldCode::Required),
                ("birth_year".into(), FieldCode::InFuture),
            ]
        );
    }

    #[test]
    fn a_basemap_is_a_credited_tile_address_or_nothing() {
        let b = |url: Option<&str>, credit: Option<&str>| Basemap {
            tile_url: url.map(Into::into),
            attribution: credit.map(Into::into),
        };
        let osm = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
        assert_eq!(codes(basemap(&b(None, None))), vec![]);
        assert_eq!(
            codes(basemap(&b(Some(osm), Some("© OpenStreetMap")))),
            vec![]
        );
        assert_eq!(
            codes(basemap(&b(Some(osm), None))),
            vec![("attribution".into(), FieldCode::Required)]
        );
        assert_eq!(
            codes(basemap(&b(Some("https://tile.vn/{z}/{x}.png"), Some("x")))),
            vec![("tile_url".into(), FieldCode::InvalidFormat)]
        );
        assert_eq!(
            codes(basemap(&b(None, Some("© OpenStreetMap")))),
            vec![("tile_url".into(), FieldCode::Required)]
        );
    }

    #[test]
    fn unknown_references_are_named_by_their_place_in_the_list() {
        let known: HashSet<i32> = [1, 3].into();
        let errors = unknown("tdp_ids", &[1, 2, 3, 4], |t| known.contains(t));
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["tdp_ids[1]", "tdp_ids[3]"]);
        assert!(errors.iter().all(|e| e.code == FieldCode::UnknownReference));
        assert!(unknown("topics", &[1, 3], |t| known.contains(t)).is_empty());
    }

    #[test]
    fn control_characters_are_refused_in_every_kind_of_text() {
        let mut v = visit();
        v.note = "đã cài VNeID\u{0}".into();
        assert_eq!(
            codes(new_visit(&v, today())),
            [("note".into(), FieldCode::ControlCharacters)]
        );
        v.note = "Cài VNeID cho bà.\nHẹn tuần sau.".into();
        assert_eq!(codes(new_visit(&v, today())), []);
        v.note = "CCCD 001085012345".into();
        assert_eq!(
            codes(new_visit(&v, today())),
            [("note".into(), FieldCode::IdNumber)]
        );
        let mut e = Errors::default();
        e.text("full_name", "Nguyễn\u{0}Văn A", NAME_MAX);
        password(&mut e, "password", "mot\u{7}cau rat dai");
        assert_eq!(
            codes(e.finish()),
            [
                ("full_name".into(), FieldCode::ControlCharacters),
                ("password".into(), FieldCode::ControlCharacters),
            ]
        );
    }

    #[test]
    fn campaigns_last_at_most_a_year_and_activities_a_week() {
        let mut a = activity();
        a.ends_at = a.starts_at + chrono::TimeDelta::days(7);
        assert_eq!(codes(new_activity(&a)), []);
        a.ends_at = a.starts_at + chrono::TimeDelta::days(7) + chrono::TimeDelta::minutes(1);
        assert_eq!(
            codes(new_activity(&a)),
            [("ends_at".into(), FieldCode::OutOfRange)]
        );

        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut c = NewCampaign {
            id: uuid::Uuid::now_v7(),
            name: "100 ngày đêm".into(),
            starts_on: day("2027-01-01"),
            ends_on: day("2027-12-31"),
            tdp_ids: Vec::new(),
            targets: vec![crate::api::CampaignTarget {
                indicator: "households_visited".into(),
                target: 100,
            }],
        };
        assert_eq!(codes(new_campaign(&c)), []);
        c.ends_on = day("2028-01-01");
        assert_eq!(codes(new_campaign(&c)), []);
        c.ends_on = day("2028-01-02");
        assert_eq!(
            codes(new_campaign(&c)),
            [("ends_on".into(), FieldCode::OutOfRange)]
        );
        c.ends_on = day("9999-12-31");
        assert_eq!(
            codes(new_campaign(&c)),
            [("ends_on".into(), FieldCode::OutOfRange)]
        );
    }

    #[test]
    fn a_ward_admin_needs_a_phone_a_name_and_a_long_enough_password() {
        let admin = |phone: &str, name: &str, password: &str| NewWardAdmin {
            phone: phone.into(),
            full_name: name.into(),
            password: password.into(),
        };
        assert_eq!(
            new_ward_admin(&admin("0912000222", "Đỗ Minh Châu", "mot cau rat dai")),
            Ok(())
        );
        assert_eq!(
            codes(new_ward_admin(&admin("12345", " ", "ngan"))),
            [
                ("phone".into(), FieldCode::InvalidFormat),
                ("full_name".into(), FieldCode::Required),
                ("password".into(), FieldCode::TooShort),
            ]
        );
    }

    #[test]
    fn a_ward_may_raise_its_provinces_target_and_not_lower_it() {
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        let change = |target_percent, deadline| TargetChange {
            target_percent,
            deadline,
        };
        let province = change(80.0, day(31));
        let was = change(85.0, day(5));
        let check = |c: TargetChange| codes(target_change(&c, &was, Some(&province), day(7)));
        assert_eq!(check(change(90.0, day(20))), vec![]);
        assert_eq!(check(change(80.0, day(31))), vec![]);
        assert_eq!(
            check(change(79.5, day(7))),
            vec![("target_percent".into(), FieldCode::BelowProvince)]
        );
        assert_eq!(
            check(change(101.0, day(6))),
            vec![
                ("target_percent".into(), FieldCode::OutOfRange),
                ("deadline".into(), FieldCode::InPast),
            ]
        );
        let next_year = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        assert_eq!(
            check(change(80.0, next_year)),
            vec![("deadline".into(), FieldCode::AfterProvince)]
        );
        assert_eq!(
            codes(target_change(&change(10.0, next_year), &was, None, day(7))),
            vec![]
        );
        // A deadline gone by already may stay as it is while the target changes.
        assert_eq!(check(change(90.0, day(5))), vec![]);
    }

    #[test]
    fn a_new_skill_needs_a_name_that_makes_a_code() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let skill = NewSkill {
            name_vi: "Thương mại điện tử".into(),
            name_en: String::new(),
            min_age: 18,
            target_percent: 40.0,
            deadline: NaiveDate::from_ymd_opt(2027, 6, 30).unwrap(),
        };
        assert_eq!(new_skill(&skill, today), Ok(()));
        let bad = NewSkill {
            name_vi: "!!".into(),
            min_age: 17,
            target_percent: 0.0,
            ..skill
        };
        assert_eq!(
            codes(new_skill(&bad, today)),
            vec![
                ("name_vi".into(), FieldCode::InvalidFormat),
                ("min_age".into(), FieldCode::OutOfRange),
                ("target_percent".into(), FieldCode::OutOfRange),
            ]
        );
    }
}
