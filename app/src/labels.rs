//! The words for each value of an enum, in the current language: one function per enum, so
//! every page names a thing the same way. Each returns a closure, so that the text follows the
//! language switch wherever it is shown.

use domain::access::{ProvinceRole, Role};
use domain::api::{
    ActivityKind, AuditAction, DepartureReason, EditField, Gender, HouseholdFilter,
    InvitationStatus, MarketKind, Poverty, RowOutcome, Skill, SkillStatus, TeamRole, TicketStatus,
};
use domain::indicators::Progress;
use domain::models::{FourT, Model};
use domain::{ErrorCode, FieldCode};
use uuid::Uuid;

use leptos::prelude::TextProp;
use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t_string, use_i18n};

/// A form's words in the current language, following the switch, for a `TextProp` (a field's
/// label or hint): `words(|i18n| t_string!(i18n, accounts.name))`. A plain function, not a
/// closure per field: each closure type would instantiate `TextProp`'s conversion anew, which
/// cost every page group with forms 0.2 KB.
pub fn words(text: fn(I18nContext<Locale>) -> &'static str) -> TextProp {
    let i18n = use_i18n();
    TextProp::from(move || text(i18n))
}

/// The words for the field errors signing in can meet (`validate::sign_in`): the shell's
/// only form holds these and not every form's (`components::SignInField`).
pub fn sign_in_message(code: FieldCode) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match code {
        FieldCode::Required => t_string!(i18n, fields.required),
        _ => t_string!(i18n, fields.invalid_format),
    }
}

/// The translated message for a field error code.
pub fn field_message(code: FieldCode) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match code {
        FieldCode::Required => t_string!(i18n, fields.required),
        FieldCode::TooLong => t_string!(i18n, fields.too_long),
        FieldCode::OutOfRange => t_string!(i18n, fields.out_of_range),
        FieldCode::InFuture => t_string!(i18n, fields.in_future),
        FieldCode::InvalidFormat => t_string!(i18n, fields.invalid_format),
        FieldCode::UnknownReference => t_string!(i18n, fields.unknown_reference),
        FieldCode::OtherWard => t_string!(i18n, fields.other_ward),
        FieldCode::OtherProvince => t_string!(i18n, fields.other_province),
        FieldCode::OtherHousehold => t_string!(i18n, fields.other_household),
        FieldCode::Duplicate => t_string!(i18n, fields.duplicate),
        FieldCode::TooShort => t_string!(i18n, fields.too_short),
        FieldCode::WeakPassword => t_string!(i18n, fields.weak_password),
        FieldCode::WrongPassword => t_string!(i18n, fields.wrong_password),
        FieldCode::RoleScope => t_string!(i18n, fields.role_scope),
        FieldCode::OwnAdminRole => t_string!(i18n, fields.own_admin_role),
        FieldCode::OwnMentor => t_string!(i18n, fields.own_mentor),
        FieldCode::NoHouseholdHead => t_string!(i18n, fields.no_household_head),
        FieldCode::EndsBeforeStart => t_string!(i18n, fields.ends_before_start),
        FieldCode::OverCapacity => t_string!(i18n, fields.over_capacity),
        FieldCode::IdNumber => t_string!(i18n, fields.id_number),
        FieldCode::Expired => t_string!(i18n, fields.expired),
        FieldCode::OtherActivity => t_string!(i18n, fields.other_activity),
        FieldCode::EmptyGeometry => t_string!(i18n, fields.empty_geometry),
        FieldCode::SwappedCoordinates => t_string!(i18n, fields.swapped_coordinates),
        FieldCode::InvalidGeometry => t_string!(i18n, fields.invalid_geometry),
        FieldCode::TooManyPoints => t_string!(i18n, fields.too_many_points),
        FieldCode::ControlCharacters => t_string!(i18n, fields.control_characters),
        FieldCode::ConsentRequired => t_string!(i18n, fields.consent_required),
        FieldCode::ConsentWithdrawn => t_string!(i18n, fields.consent_withdrawn),
        FieldCode::Departed => t_string!(i18n, fields.departed),
        FieldCode::Merged => t_string!(i18n, fields.merged),
        FieldCode::NotMergeable => t_string!(i18n, fields.not_mergeable),
        FieldCode::Voided => t_string!(i18n, fields.voided),
        FieldCode::InPast => t_string!(i18n, fields.in_past),
        FieldCode::BelowProvince => t_string!(i18n, fields.below_province),
        FieldCode::AfterProvince => t_string!(i18n, fields.after_province),
        FieldCode::InUse => t_string!(i18n, fields.in_use),
        FieldCode::SetByProvince => t_string!(i18n, fields.set_by_province),
    }
}

/// A skill's name in the current language: the catalogue is data, with both names stored.
pub fn skill_name(skill: &Skill) -> impl Fn() -> String + Send + Sync + 'static + use<> {
    localised(&skill.name_vi, &skill.name_en)
}

/// A name the data gives in both languages (a skill's), in the current one.
pub fn localised(vi: &str, en: &str) -> impl Fn() -> String + Send + Sync + 'static + use<> {
    let i18n = use_i18n();
    let (vi, en) = (vi.to_owned(), en.to_owned());
    move || match i18n.get_locale() {
        Locale::vi => vi.clone(),
        Locale::en => en.clone(),
    }
}

/// The names of the skills an activity teaches, as a list: "VNeID, Dịch vụ công".
pub fn topic_names(topics: &[Uuid], skills: &[Skill]) -> String {
    domain::api::topics(topics, skills)
        .map(|s| skill_name(s)())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A model's name as its figures are labelled, in the current language.
pub fn model_name(model: Model) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match model {
        Model::Families => t_string!(i18n, models.families_of_households),
        Model::Identity => t_string!(i18n, models.identity_of_people),
        Model::Ambassadors => t_string!(i18n, models.ambassadors_at_quota),
        Model::Cashless => t_string!(i18n, models.cashless_traders),
    }
}

/// A role's name in the current language.
pub fn role_name(role: Role) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match role {
        Role::WardAdmin => t_string!(i18n, access.ward_admin),
        Role::TeamLeader => t_string!(i18n, access.team_leader),
        Role::Volunteer => t_string!(i18n, access.volunteer),
        Role::Responder => t_string!(i18n, access.responder),
        Role::Viewer => t_string!(i18n, access.viewer),
    }
}

/// A model's short name, for a table's column header.
pub fn model_short_name(model: Model) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match model {
        Model::Families => t_string!(i18n, models.families),
        Model::Identity => t_string!(i18n, models.identity),
        Model::Ambassadors => t_string!(i18n, models.ambassadors),
        Model::Cashless => t_string!(i18n, models.markets),
    }
}

/// A province role's name in the current language.
pub fn province_role_name(role: ProvinceRole) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match role {
        ProvinceRole::ProvinceAdmin => t_string!(i18n, access.province_admin),
        ProvinceRole::ProvinceViewer => t_string!(i18n, access.province_viewer),
    }
}

/// A team member's role in their TDP's team.
pub fn team_role_name(role: TeamRole) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match role {
        TeamRole::Leader => t_string!(i18n, roles.leader),
        TeamRole::PartySecretary => t_string!(i18n, roles.party_secretary),
        TeamRole::TdpHead => t_string!(i18n, roles.tdp_head),
        TeamRole::YouthUnion => t_string!(i18n, roles.youth_union),
        TeamRole::Police => t_string!(i18n, roles.police),
        TeamRole::Telecom => t_string!(i18n, roles.telecom),
        TeamRole::TeacherStudent => t_string!(i18n, roles.teacher_student),
        TeamRole::Other => t_string!(i18n, roles.other),
    }
}

pub fn activity_kind_name(kind: ActivityKind) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match kind {
        ActivityKind::CommunityClass => t_string!(i18n, activities.community_class),
        ActivityKind::ElderlyClass => t_string!(i18n, activities.elderly_class),
        ActivityKind::DisabilityClass => t_string!(i18n, activities.disability_class),
        ActivityKind::MobileHelpPoint => t_string!(i18n, activities.mobile_help_point),
        ActivityKind::PartyCellSession => t_string!(i18n, activities.party_cell_session),
        ActivityKind::YouthCampaign => t_string!(i18n, activities.youth_campaign),
        ActivityKind::Other => t_string!(i18n, activities.other),
    }
}

pub fn ticket_status_name(status: TicketStatus) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match status {
        TicketStatus::Open => t_string!(i18n, tickets.open),
        TicketStatus::InProgress => t_string!(i18n, tickets.in_progress),
        TicketStatus::Resolved => t_string!(i18n, tickets.resolved),
    }
}

pub fn market_kind_name(kind: MarketKind) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match kind {
        MarketKind::Market => t_string!(i18n, markets.kind_market),
        MarketKind::Cooperative => t_string!(i18n, markets.kind_cooperative),
    }
}

/// One of the four steps ("4 T") a market's trader takes.
pub fn four_t_name(step: FourT) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match step {
        FourT::Trained => t_string!(i18n, markets.trained),
        FourT::Ecommerce => t_string!(i18n, markets.ecommerce),
        FourT::Cashless => t_string!(i18n, markets.cashless_step),
        FourT::Savings => t_string!(i18n, markets.savings),
    }
}

pub fn skill_status_name(status: SkillStatus) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match status {
        SkillStatus::Achieved => t_string!(i18n, visit.outcome_achieved),
        SkillStatus::InProgress => t_string!(i18n, visit.outcome_in_progress),
    }
}

pub fn gender_name(gender: Gender) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match gender {
        Gender::Female => t_string!(i18n, household.female),
        Gender::Male => t_string!(i18n, household.male),
        Gender::Other => t_string!(i18n, household.other),
    }
}

pub fn departure_reason_name(
    reason: DepartureReason,
) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match reason {
        DepartureReason::MovedOut => t_string!(i18n, resident.moved_out),
        DepartureReason::Deceased => t_string!(i18n, resident.deceased),
    }
}

pub fn poverty_name(poverty: Poverty) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match poverty {
        Poverty::None => t_string!(i18n, tdp.poverty_none),
        Poverty::NearPoor => t_string!(i18n, household.near_poor),
        Poverty::Poor => t_string!(i18n, household.poor),
    }
}

/// Which households a TDP's list shows.
pub fn household_filter_name(
    filter: HouseholdFilter,
) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match filter {
        HouseholdFilter::All => t_string!(i18n, tdp.show_all),
        HouseholdFilter::NotVisited => t_string!(i18n, tdp.show_not_visited),
        HouseholdFilter::NotDigital => t_string!(i18n, tdp.show_not_digital),
        HouseholdFilter::MissingIdentity => t_string!(i18n, tdp.show_missing_identity),
    }
}

pub fn invitation_status_name(
    status: InvitationStatus,
) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match status {
        InvitationStatus::Pending => t_string!(i18n, invitations.pending),
        InvitationStatus::Accepted => t_string!(i18n, invitations.accepted),
        InvitationStatus::Revoked => t_string!(i18n, invitations.revoked),
        InvitationStatus::Expired => t_string!(i18n, invitations.expired),
    }
}

pub fn audit_action_name(action: AuditAction) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match action {
        AuditAction::Create => t_string!(i18n, audit.create),
        AuditAction::Update => t_string!(i18n, audit.update),
        AuditAction::Delete => t_string!(i18n, audit.delete),
    }
}

/// What importing a register row would do.
pub fn row_outcome_name(outcome: RowOutcome) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match outcome {
        RowOutcome::New => t_string!(i18n, register.outcome_new),
        RowOutcome::Existing => t_string!(i18n, register.outcome_existing),
        RowOutcome::Repeated => t_string!(i18n, register.outcome_repeated),
        RowOutcome::Invalid => t_string!(i18n, register.outcome_invalid),
    }
}

/// Where a figure stands against its target.
pub fn progress_name(progress: Progress) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match progress {
        Progress::Reached => t_string!(i18n, progress.reached),
        Progress::OnTrack => t_string!(i18n, progress.on_track),
        Progress::Behind => t_string!(i18n, progress.behind),
    }
}

/// The message for an error the server answered with.
pub fn error_message(code: ErrorCode) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match code {
        ErrorCode::BadRequest => t_string!(i18n, errors.bad_request),
        ErrorCode::ValidationFailed => t_string!(i18n, errors.validation_failed),
        ErrorCode::Unauthenticated => t_string!(i18n, errors.unauthenticated),
        ErrorCode::WrongCredentials => t_string!(i18n, errors.wrong_credentials),
        ErrorCode::Forbidden => t_string!(i18n, errors.forbidden),
        ErrorCode::NotFound => t_string!(i18n, errors.not_found),
        ErrorCode::InvitationUnusable => t_string!(i18n, errors.invitation_unusable),
        ErrorCode::TooManyAttempts => t_string!(i18n, errors.too_many_attempts),
        ErrorCode::TooManyRequests => t_string!(i18n, errors.too_many_requests),
        ErrorCode::Conflict => t_string!(i18n, errors.conflict),
        ErrorCode::PayloadTooLarge => t_string!(i18n, errors.payload_too_large),
        ErrorCode::Internal => t_string!(i18n, errors.internal),
        ErrorCode::Unavailable => t_string!(i18n, errors.unavailable),
    }
}

/// A field of a household or resident, as edits and conflicts name it.
pub fn edit_field_name(field: EditField) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match field {
        EditField::Address => t_string!(i18n, edits.address),
        EditField::HeadName => t_string!(i18n, tdp.head_name),
        EditField::ElderlyAlone => t_string!(i18n, household.elderly_alone),
        EditField::Disability => t_string!(i18n, household.disability),
        EditField::Poverty => t_string!(i18n, tdp.poverty),
        EditField::FullName => t_string!(i18n, household.full_name),
        EditField::BirthYear => t_string!(i18n, household.birth_year),
        EditField::Gender => t_string!(i18n, household.gender),
        EditField::Note => t_string!(i18n, edits.note),
        EditField::HouseholdId => t_string!(i18n, edits.household),
    }
}

/// A field's value as an edit or a conflict holds it (JSON), in words.
pub fn edit_value(field: EditField, value: &serde_json::Value) -> String {
    let i18n = use_i18n();
    match (field, value) {
        (EditField::ElderlyAlone | EditField::Disability, serde_json::Value::Bool(yes)) => {
            if *yes {
                t_string!(i18n, edits.yes).to_owned()
            } else {
                t_string!(i18n, edits.no).to_owned()
            }
        }
        (EditField::Poverty, _) => value
            .as_str()
            .and_then(Poverty::parse)
            .map_or_else(|| value.to_string(), |p| poverty_name(p)().to_owned()),
        (EditField::Gender, _) => value
            .as_str()
            .and_then(Gender::parse)
            .map_or_else(|| value.to_string(), |g| gender_name(g)().to_owned()),
        (_, serde_json::Value::String(text)) if text.is_empty() => "—".to_owned(),
        (_, serde_json::Value::String(text)) => text.clone(),
        (_, other) => other.to_string(),
    }
}
