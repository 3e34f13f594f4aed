//! The authorisation matrix: every API endpoint × every role (and nobody signed in) × a record
//! in the person's own TDP, in another TDP of their ward, and in another ward; and every
//! province role over the wards' own province and over another.
//!
//! A new endpoint without a row here fails `every_endpoint_has_a_row`.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use domain::access::{ProvinceRole, Role};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{OTHER_WARD, TestApp, WARD, app, app_with};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Where {
    OwnTdp,
    OtherTdp,
    OtherWard,
}

/// Who sends the requests.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Nobody,
    /// The demo account of a role in the first place's ward.
    Ward(Role),
    /// A province role over the places' province (`true`), or over another.
    Province(ProvinceRole, bool),
}

/// Every place is in this province (Hà Nội), and province roles of the other are over
/// Thành phố Hồ Chí Minh.
const PROVINCE: i32 = 1;
const OTHER_PROVINCE: i32 = 79;

/// Ids of one place's records, for filling in paths and bodies.
struct Place {
    /// Now and today by the app's clock.
    now: chrono::DateTime<chrono::Utc>,
    today: chrono::NaiveDate,
    ward: i32,
    province: i32,
    tdp: Uuid,
    household: Uuid,
    resident: Uuid,
    /// A resident of the place's household for the erasure row, which no other row uses.
    erasable: Uuid,
    /// The place's resident and household entered twice, for the merge rows, which no other
    /// row uses.
    copy: Uuid,
    household_copy: Uuid,
    visit: Uuid,
    member: Uuid,
    skill: Uuid,
    /// An invitation for the revoke row, and another whose link the public rows open.
    invitation: Uuid,
    token: String,
    account: Uuid,
    /// A sync conflict in the place's TDP.
    conflict: i64,
    /// A likely duplicate in the place's TDP: its resident and another of the TDP.
    duplicate: i64,
    /// Two edits of the place resident's note, made apart.
    edit_conflict: i64,
    /// A digital ambassador: the place's team member.
    mentor: Uuid,
    /// A market of the ward, and a trader of it living in the place's TDP.
    market: Uuid,
    stall: Uuid,
    /// A class in the place's TDP, teaching the place's skill.
    activity: Uuid,
    /// A campaign of the place's ward.
    campaign: Uuid,
    /// A rapid-response ticket about the place's household.
    ticket: Uuid,
    /// A check-in code of the place's activity.
    check_in: String,
}

/// Who may do it, as the rules in `domain::access` say, with the status of success.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Anyone, signed in or not, gets this.
    Public(StatusCode),
    /// Anyone signed in gets this.
    SignedIn(StatusCode),
    /// Counts: everyone in the ward.
    Figures,
    /// A ward-wide people query, filtered to the person's TDPs: all but viewers.
    WardPeople,
    /// A TDP's own page or list: other TDPs' answer 403 (they are on the dashboard).
    TdpPeople,
    /// A person's record: invisible ones answer 404.
    PeopleRecord,
    /// Recording in the ward; a team member's request about another TDP answers the status.
    Record(StatusCode),
    /// Writing to a person's record: those who cannot see it get 404, those who only see it 403.
    RecordOn,
    ManageTeam,
    ManageWard,
    /// A ward-wide write whose items each get their own answer: the request itself is allowed
    /// to everyone who records somewhere in the ward.
    Recorders,
    /// A ward-wide list filtered to the TDPs the person manages.
    TeamManagers,
    /// Handling a person's record for the rapid-response team: those who cannot see it get
    /// 404, the TDP's team who only see it 403.
    RespondOn,
    /// A ward admin's act on a person's record: those who cannot see it get 404, those who
    /// only see it 403.
    ManageOn,
    /// A team leader's act on a person's record of their TDP (voiding a visit someone else
    /// recorded): those who cannot see it get 404, those who only see or record it 403.
    LeadOn,
    /// A province's own figures: its roles only; everyone else gets 404.
    ProvinceFigures,
    /// Onboarding a province's wards: its admin only; its viewer gets 403, everyone else 404.
    ManageProvince,
}

struct Row {
    method: Method,
    /// As the OpenAPI document names it, below `/api/v1`.
    path: &'static str,
    uri: fn(&Place) -> String,
    body: fn(&Place) -> Option<Value>,
    rule: Rule,
    success: StatusCode,
    /// Runs on a session of its own (it ends or replaces the one it is sent with).
    own_session: bool,
}

fn row(
    method: Method,
    path: &'static str,
    uri: fn(&Place) -> String,
    body: fn(&Place) -> Option<Value>,
    rule: Rule,
    success: StatusCode,
) -> Row {
    Row {
        method,
        path,
        uri,
        body,
        rule,
        success,
        own_session: false,
    }
}

fn none(_: &Place) -> Option<Value> {
    None
}

/// A skill of the movement's catalogue, and its deadline there.
const FIRST_SKILL: &str = server::catalogue::DEFAULT_SKILLS[0].code;

fn first_deadline() -> String {
    let (y, m, d) = server::catalogue::DEFAULT_SKILLS[0].deadline;
    format!("{y:04}-{m:02}-{d:02}")
}

/// A skill of the place's ward's own, for the row retiring it, which no other row uses.
const OWN_SKILL: &str = "thuong_mai_dien_tu";

/// A skill by a name no other call gives.
fn new_skill(p: &Place) -> Option<Value> {
    Some(json!({
        "name_vi": format!("Kỹ năng số {}", phone()), "min_age": 18, "target_percent": 30.0,
        "deadline": p.today + chrono::TimeDelta::days(180),
    }))
}

fn phone() -> String {
    format!("03{:08}", Uuid::now_v7().as_u128() % 100_000_000)
}

fn matrix() -> Vec<Row> {
    use Method as M;
    use Rule::*;
    use StatusCode as S;
    vec![
        row(
            M::GET,
            "/health",
            |_| "/api/v1/health".into(),
            none,
            Public(S::OK),
            S::OK,
        ),
        row(
            M::GET,
            "/health/live",
            |_| "/api/v1/health/live".into(),
            none,
            Public(S::OK),
            S::OK,
        ),
        row(
            M::GET,
            "/session",
            |_| "/api/v1/session".into(),
            none,
            Public(S::OK),
            S::OK,
        ),
        row(
            M::POST,
            "/session",
            |_| "/api/v1/session".into(),
            |_| Some(json!({ "phone": phone(), "password": "not the password" })),
            Public(S::UNAUTHORIZED),
            S::UNAUTHORIZED,
        ),
        Row {
            own_session: true,
            ..row(
                M::DELETE,
                "/session",
                |_| "/api/v1/session".into(),
                none,
                Public(S::NO_CONTENT),
                S::NO_CONTENT,
            )
        },
        row(
            M::PUT,
            "/session/password",
            |_| "/api/v1/session/password".into(),
            |_| {
                Some(
                    json!({ "current_password": "not the password", "new_password": "mot cau rat dai de nho" }),
                )
            },
            SignedIn(S::UNPROCESSABLE_ENTITY),
            S::UNPROCESSABLE_ENTITY,
        ),
        row(
            M::GET,
            "/wards",
            |_| "/api/v1/wards".into(),
            none,
            SignedIn(S::OK),
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}",
            |p| format!("/api/v1/wards/{}", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::GET,
            "/provinces",
            |_| "/api/v1/provinces".into(),
            none,
            SignedIn(S::OK),
            S::OK,
        ),
        row(
            M::GET,
            "/provinces/{code}",
            |p| format!("/api/v1/provinces/{}", p.province),
            none,
            ProvinceFigures,
            S::OK,
        ),
        // The place's ward is onboarded already: answered 200, changing nothing.
        row(
            M::POST,
            "/provinces/{code}/wards",
            |p| format!("/api/v1/provinces/{}/wards", p.province),
            |p| Some(json!({ "ward_code": p.ward })),
            ManageProvince,
            S::OK,
        ),
        row(
            M::POST,
            "/provinces/{code}/wards/{ward}/admins",
            |p| format!("/api/v1/provinces/{}/wards/{}/admins", p.province, p.ward),
            |_| {
                Some(json!({
                    "phone": phone(), "full_name": "Trần Thị Hoa",
                    "password": "mot cau rat dai de nho",
                }))
            },
            ManageProvince,
            S::CREATED,
        ),
        row(
            M::GET,
            "/provinces/{code}/exports/wards",
            |p| format!("/api/v1/provinces/{}/exports/wards?format=csv", p.province),
            none,
            ProvinceFigures,
            S::OK,
        ),
        row(
            M::GET,
            "/provinces/{code}/catalogue",
            |p| format!("/api/v1/provinces/{}/catalogue", p.province),
            none,
            ProvinceFigures,
            S::OK,
        ),
        row(
            M::POST,
            "/provinces/{code}/catalogue",
            |p| format!("/api/v1/provinces/{}/catalogue", p.province),
            new_skill,
            ManageProvince,
            S::CREATED,
        ),
        // The deadline stays as it is, which holds whatever today is.
        row(
            M::PUT,
            "/provinces/{code}/catalogue/{skill}",
            |p| format!("/api/v1/provinces/{}/catalogue/{FIRST_SKILL}", p.province),
            |_| Some(json!({ "target_percent": 90.0, "deadline": first_deadline() })),
            ManageProvince,
            S::OK,
        ),
        // No model asks for it; retiring it again answers the same.
        row(
            M::DELETE,
            "/provinces/{code}/catalogue/{skill}",
            |p| format!("/api/v1/provinces/{}/catalogue/ai_tools", p.province),
            none,
            ManageProvince,
            S::NO_CONTENT,
        ),
        row(
            M::GET,
            "/provinces/{code}/models",
            |p| format!("/api/v1/provinces/{}/models", p.province),
            none,
            ProvinceFigures,
            S::OK,
        ),
        // The movement's defaults again, which hold whatever today is.
        row(
            M::PUT,
            "/provinces/{code}/models",
            |p| format!("/api/v1/provinces/{}/models", p.province),
            |_| Some(json!(domain::models::default_targets())),
            ManageProvince,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/catalogue",
            |p| format!("/api/v1/wards/{}/catalogue", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/catalogue",
            |p| format!("/api/v1/wards/{}/catalogue", p.ward),
            new_skill,
            ManageWard,
            S::CREATED,
        ),
        row(
            M::PUT,
            "/wards/{code}/catalogue/{skill}",
            |p| format!("/api/v1/wards/{}/catalogue/{FIRST_SKILL}", p.ward),
            |_| Some(json!({ "target_percent": 95.0, "deadline": first_deadline() })),
            ManageWard,
            S::OK,
        ),
        row(
            M::DELETE,
            "/wards/{code}/catalogue/{skill}",
            |p| format!("/api/v1/wards/{}/catalogue/{OWN_SKILL}", p.ward),
            none,
            ManageWard,
            S::NO_CONTENT,
        ),
        row(
            M::GET,
            "/wards/{code}/dashboard",
            |p| format!("/api/v1/wards/{}/dashboard", p.ward),
            none,
            Figures,
            S::OK,
        ),
        // Figures only, for the projector and the page its QR code opens: any ward's, to anyone.
        row(
            M::GET,
            "/wards/{code}/briefing",
            |p| format!("/api/v1/wards/{}/briefing", p.ward),
            none,
            Public(S::OK),
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/skills",
            |p| format!("/api/v1/wards/{}/skills", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/tdps",
            |p| format!("/api/v1/wards/{}/tdps", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/search",
            |p| format!("/api/v1/wards/{}/search?q=nguyen", p.ward),
            none,
            WardPeople,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/tdps",
            |p| format!("/api/v1/wards/{}/tdps", p.ward),
            |_| {
                Some(
                    json!({ "code": format!("T-{}", &Uuid::now_v7().simple().to_string()[20..]), "name": "Tổ mới",
                             "households_registered": 10, "adults_registered": 20 }),
                )
            },
            ManageWard,
            S::CREATED,
        ),
        row(
            M::GET,
            "/tdps/{id}",
            |p| format!("/api/v1/tdps/{}", p.tdp),
            none,
            TdpPeople,
            S::OK,
        ),
        row(
            M::GET,
            "/tdps/{id}/households",
            |p| format!("/api/v1/tdps/{}/households", p.tdp),
            none,
            TdpPeople,
            S::OK,
        ),
        row(
            M::POST,
            "/tdps/{id}/team",
            |p| format!("/api/v1/tdps/{}/team", p.tdp),
            |_| Some(json!({ "full_name": "Lê Văn Nam", "role": "youth_union", "phone": null })),
            ManageTeam,
            S::CREATED,
        ),
        row(
            M::GET,
            "/tdps/{id}/invitations",
            |p| format!("/api/v1/tdps/{}/invitations", p.tdp),
            none,
            ManageTeam,
            S::OK,
        ),
        row(
            M::POST,
            "/tdps/{id}/invitations",
            |p| format!("/api/v1/tdps/{}/invitations", p.tdp),
            |_| Some(json!({ "full_name": "Phạm Thị Lan" })),
            ManageTeam,
            S::CREATED,
        ),
        row(
            M::DELETE,
            "/invitations/{id}",
            |p| format!("/api/v1/invitations/{}", p.invitation),
            none,
            ManageTeam,
            S::NO_CONTENT,
        ),
        row(
            M::GET,
            "/invitation-links/{token}",
            |p| format!("/api/v1/invitation-links/{}", p.token),
            none,
            Public(S::OK),
            S::OK,
        ),
        row(
            M::POST,
            "/invitation-links/{token}/accept",
            |p| format!("/api/v1/invitation-links/{}/accept", p.token),
            |_| Some(json!({ "phone": phone(), "password": "12345678" })),
            Public(S::UNPROCESSABLE_ENTITY),
            S::UNPROCESSABLE_ENTITY,
        ),
        row(
            M::GET,
            "/households/{id}",
            |p| format!("/api/v1/households/{}", p.household),
            none,
            PeopleRecord,
            S::OK,
        ),
        row(
            M::GET,
            "/households/{id}/edits",
            |p| format!("/api/v1/households/{}/edits", p.household),
            none,
            PeopleRecord,
            S::OK,
        ),
        row(
            M::PUT,
            "/households/{id}/guide",
            |p| format!("/api/v1/households/{}/guide", p.household),
            |p| Some(json!({ "resident_id": p.resident })),
            RecordOn,
            S::OK,
        ),
        row(
            M::PUT,
            "/tdps/{id}/assignments",
            |p| format!("/api/v1/tdps/{}/assignments", p.tdp),
            |p| Some(json!({ "team_member_id": p.member, "household_ids": [p.household] })),
            ManageTeam,
            S::OK,
        ),
        row(
            M::GET,
            "/me/households",
            |_| "/api/v1/me/households".into(),
            none,
            SignedIn(S::OK),
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/weekly",
            |p| format!("/api/v1/wards/{}/weekly", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/exports/indicators",
            |p| format!("/api/v1/wards/{}/exports/indicators?format=csv", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::GET,
            "/tdps/{id}/exports/households",
            |p| format!("/api/v1/tdps/{}/exports/households?format=csv", p.tdp),
            none,
            ManageTeam,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/ambassadors",
            |p| format!("/api/v1/wards/{}/ambassadors", p.ward),
            none,
            WardPeople,
            S::OK,
        ),
        row(
            M::GET,
            "/residents/{id}/export",
            |p| format!("/api/v1/residents/{}/export", p.resident),
            none,
            ManageOn,
            S::OK,
        ),
        row(
            M::POST,
            "/residents/{id}/merge",
            |p| format!("/api/v1/residents/{}/merge", p.copy),
            |p| Some(json!({ "into_id": p.resident })),
            LeadOn,
            S::OK,
        ),
        row(
            M::POST,
            "/households/{id}/merge",
            |p| format!("/api/v1/households/{}/merge", p.household_copy),
            |p| Some(json!({ "into_id": p.household })),
            LeadOn,
            S::OK,
        ),
        row(
            M::POST,
            "/residents/{id}/erasure",
            |p| format!("/api/v1/residents/{}/erasure", p.erasable),
            none,
            ManageOn,
            S::NO_CONTENT,
        ),
        row(
            M::PUT,
            "/residents/{id}/ambassador",
            |p| format!("/api/v1/residents/{}/ambassador", p.resident),
            none,
            RecordOn,
            S::OK,
        ),
        row(
            M::PUT,
            "/residents/{id}/consent",
            |p| format!("/api/v1/residents/{}/consent", p.resident),
            |_| Some(json!({ "given": true })),
            RecordOn,
            S::OK,
        ),
        row(
            M::GET,
            "/residents/{id}/edits",
            |p| format!("/api/v1/residents/{}/edits", p.resident),
            none,
            PeopleRecord,
            S::OK,
        ),
        row(
            M::PUT,
            "/residents/{id}/departure",
            // Counted again, as they are: the place's resident stays in every other row.
            |p| format!("/api/v1/residents/{}/departure", p.resident),
            |_| Some(json!({ "departure": null })),
            RecordOn,
            S::OK,
        ),
        row(
            M::PUT,
            "/residents/{id}/mentor",
            |p| format!("/api/v1/residents/{}/mentor", p.resident),
            |p| Some(json!({ "mentor_id": p.mentor })),
            RecordOn,
            S::OK,
        ),
        row(
            M::DELETE,
            "/residents/{id}/ambassador",
            |p| format!("/api/v1/residents/{}/ambassador", p.resident),
            none,
            RecordOn,
            S::NO_CONTENT,
        ),
        row(
            M::PUT,
            "/team-members/{id}/ambassador",
            |p| format!("/api/v1/team-members/{}/ambassador", p.member),
            none,
            ManageTeam,
            S::OK,
        ),
        // Last of the mentor's rows: it ends the mentorship the others use.
        row(
            M::DELETE,
            "/team-members/{id}/ambassador",
            |p| format!("/api/v1/team-members/{}/ambassador", p.member),
            none,
            ManageTeam,
            S::NO_CONTENT,
        ),
        row(
            M::GET,
            "/wards/{code}/markets",
            |p| format!("/api/v1/wards/{}/markets", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/markets",
            |p| format!("/api/v1/wards/{}/markets", p.ward),
            |_| {
                Some(
                    json!({ "id": Uuid::now_v7(), "name": format!("Chợ {}", Uuid::now_v7()), "kind": "market" }),
                )
            },
            ManageWard,
            S::CREATED,
        ),
        row(
            M::GET,
            "/markets/{id}",
            |p| format!("/api/v1/markets/{}", p.market),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::PUT,
            "/stalls/{id}",
            |p| format!("/api/v1/stalls/{}", p.stall),
            |p| {
                Some(
                    json!({ "market_id": p.market, "tdp_id": p.tdp, "trader_name": "Trần Thị Hoa",
                             "stall_code": "A-1", "goods": "", "trained_on": null,
                             "ecommerce_on": null, "cashless_on": null, "savings_on": null }),
                )
            },
            RecordOn,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/models",
            |p| format!("/api/v1/wards/{}/models", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::PUT,
            "/wards/{code}/models",
            |p| format!("/api/v1/wards/{}/models", p.ward),
            |_| Some(json!(domain::models::default_settings())),
            ManageWard,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/households",
            |p| format!("/api/v1/wards/{}/households", p.ward),
            |p| {
                Some(
                    json!({ "id": Uuid::now_v7(), "tdp_id": p.tdp, "address": "Số 1, ngõ 2",
                             "head_name": "Trần Văn Hùng", "priority": { "elderly_alone": false,
                             "disability": false, "poverty": "none" } }),
                )
            },
            Record(S::FORBIDDEN),
            S::CREATED,
        ),
        row(
            M::GET,
            "/residents/{id}",
            |p| format!("/api/v1/residents/{}", p.resident),
            none,
            PeopleRecord,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/residents",
            |p| format!("/api/v1/wards/{}/residents", p.ward),
            |p| {
                Some(json!({ "id": Uuid::now_v7(), "household_id": p.household,
                             "full_name": "Trần Thị Mai", "birth_year": 1990, "gender": "female",
                             "consent": true }))
            },
            Record(S::UNPROCESSABLE_ENTITY),
            S::CREATED,
        ),
        row(
            M::GET,
            "/visits/{id}",
            |p| format!("/api/v1/visits/{}", p.visit),
            none,
            PeopleRecord,
            S::OK,
        ),
        row(
            M::POST,
            "/visits/{id}/void",
            |p| format!("/api/v1/visits/{}/void", p.visit),
            |_| Some(json!({ "reason": "Ghi nhầm hộ" })),
            LeadOn,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/visits",
            |p| format!("/api/v1/wards/{}/visits", p.ward),
            |p| {
                Some(json!({ "id": Uuid::now_v7(), "household_id": p.household,
                             "visited_on": p.today, "volunteer_ids": [p.member],
                             "help": [{ "resident_id": p.resident, "skill_id": p.skill,
                                        "outcome": "in_progress" }],
                             "satisfaction": 4, "note": "" }))
            },
            Record(S::UNPROCESSABLE_ENTITY),
            S::CREATED,
        ),
        row(
            M::POST,
            "/wards/{code}/sync/outbox",
            |p| format!("/api/v1/wards/{}/sync/outbox", p.ward),
            |p| {
                Some(json!({
                    "sent_at": p.now,
                    "changes": [{
                        "id": Uuid::now_v7(),
                        "made_at": p.now,
                        "change": {
                            "kind": "visit", "household_id": p.household,
                            "visited_on": p.today, "volunteer_ids": [p.member],
                            "help": [], "satisfaction": null, "note": ""
                        }
                    }]
                }))
            },
            Recorders,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/sync/visits",
            |p| format!("/api/v1/wards/{}/sync/visits", p.ward),
            |p| {
                Some(json!({
                    "sent_at": p.now,
                    "visits": [{
                        "recorded_at": p.now,
                        "visit": {
                            "id": Uuid::now_v7(), "household_id": p.household,
                            "visited_on": p.today, "volunteer_ids": [p.member],
                            "help": [], "satisfaction": null, "note": ""
                        }
                    }]
                }))
            },
            Recorders,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/sync/changes",
            |p| format!("/api/v1/wards/{}/sync/changes", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/conflicts",
            |p| format!("/api/v1/wards/{}/conflicts", p.ward),
            none,
            TeamManagers,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/conflicts/{id}/resolve",
            |p| format!("/api/v1/wards/{}/conflicts/{}/resolve", p.ward, p.conflict),
            |_| Some(json!({ "choice": "keep_stored" })),
            ManageTeam,
            S::NO_CONTENT,
        ),
        row(
            M::GET,
            "/wards/{code}/edit-conflicts",
            |p| format!("/api/v1/wards/{}/edit-conflicts", p.ward),
            none,
            TeamManagers,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/edit-conflicts/{id}/resolve",
            |p| {
                format!(
                    "/api/v1/wards/{}/edit-conflicts/{}/resolve",
                    p.ward, p.edit_conflict
                )
            },
            |_| Some(json!({ "choice": "keep_current" })),
            ManageTeam,
            S::NO_CONTENT,
        ),
        row(
            M::POST,
            "/wards/{code}/duplicate-check",
            |p| format!("/api/v1/wards/{}/duplicate-check", p.ward),
            |p| {
                Some(json!({
                    "tdp_id": p.tdp, "full_name": "Nguyễn Văn An", "birth_year": 1956,
                    "address": "Số 1 ngõ 2",
                }))
            },
            Recorders,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/likely-duplicates",
            |p| format!("/api/v1/wards/{}/likely-duplicates", p.ward),
            none,
            TeamManagers,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/likely-duplicates/{id}/dismiss",
            |p| {
                format!(
                    "/api/v1/wards/{}/likely-duplicates/{}/dismiss",
                    p.ward, p.duplicate
                )
            },
            none,
            ManageTeam,
            S::NO_CONTENT,
        ),
        row(
            M::GET,
            "/wards/{code}/boundaries",
            |p| format!("/api/v1/wards/{}/boundaries", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/boundaries",
            |p| format!("/api/v1/wards/{}/boundaries?preview=true", p.ward),
            |p| {
                Some(json!({ "type": "FeatureCollection", "features": [{
                    "type": "Feature", "properties": { "tdp_id": p.tdp },
                    "geometry": { "type": "Polygon", "coordinates": [[
                        [105.75, 21.04], [105.76, 21.04], [105.76, 21.05], [105.75, 21.04]
                    ]] }
                }] }))
            },
            ManageWard,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/basemap",
            |p| format!("/api/v1/wards/{}/basemap", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::PUT,
            "/wards/{code}/basemap",
            |p| format!("/api/v1/wards/{}/basemap", p.ward),
            |_| {
                Some(json!({
                    "tile_url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                    "attribution": "© OpenStreetMap"
                }))
            },
            ManageWard,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/activities",
            |p| format!("/api/v1/wards/{}/activities?from=2026-01-01", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/activities",
            |p| format!("/api/v1/wards/{}/activities", p.ward),
            |p| {
                Some(json!({
                    "id": Uuid::now_v7(), "kind": "elderly_class", "title": "Cài VNeID",
                    "tdp_id": p.tdp, "place": "Nhà văn hoá", "organiser": "Tổ trưởng",
                    "starts_at": "2026-11-25T12:30:00Z", "ends_at": "2026-11-25T14:00:00Z",
                    "topics": [p.skill], "capacity": 30
                }))
            },
            ManageTeam,
            S::CREATED,
        ),
        row(
            M::GET,
            "/activities/{id}",
            |p| format!("/api/v1/activities/{}", p.activity),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::PUT,
            "/activities/{id}/attendance",
            |p| format!("/api/v1/activities/{}/attendance", p.activity),
            |p| Some(json!({ "resident_ids": [p.resident], "unregistered": 2 })),
            Record(S::FORBIDDEN),
            S::OK,
        ),
        row(
            M::PUT,
            "/activities/{id}/learning",
            |p| format!("/api/v1/activities/{}/learning", p.activity),
            |_| Some(json!({ "achieved": [] })),
            ManageTeam,
            S::OK,
        ),
        row(
            M::POST,
            "/activities/{id}/check-in-codes",
            |p| format!("/api/v1/activities/{}/check-in-codes", p.activity),
            none,
            Record(S::FORBIDDEN),
            S::CREATED,
        ),
        row(
            M::GET,
            "/activities/{id}/check-in",
            |p| {
                format!(
                    "/api/v1/activities/{}/check-in?code={}",
                    p.activity, p.check_in
                )
            },
            none,
            Public(S::OK),
            S::OK,
        ),
        row(
            M::POST,
            "/activities/{id}/check-in",
            |p| format!("/api/v1/activities/{}/check-in", p.activity),
            |p| {
                Some(json!({
                    "id": Uuid::now_v7(), "code": p.check_in, "full_name": "Trần Thị Hoa",
                    "birth_year": 1958
                }))
            },
            Public(S::CREATED),
            S::CREATED,
        ),
        row(
            M::GET,
            "/wards/{code}/exports/activities",
            |p| format!("/api/v1/wards/{}/exports/activities?format=csv", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::GET,
            "/activities/{id}/exports/attendance",
            |p| {
                format!(
                    "/api/v1/activities/{}/exports/attendance?format=csv",
                    p.activity
                )
            },
            none,
            WardPeople,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/campaigns",
            |p| format!("/api/v1/wards/{}/campaigns", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/campaigns",
            |p| format!("/api/v1/wards/{}/campaigns", p.ward),
            |_| {
                Some(json!({
                    "id": Uuid::now_v7(), "name": "45 ngày đêm", "starts_on": "2026-11-01",
                    "ends_on": "2026-12-15", "tdp_ids": [],
                    "targets": [{ "indicator": "households_visited", "target": 100 }]
                }))
            },
            ManageWard,
            S::CREATED,
        ),
        row(
            M::GET,
            "/campaigns/{id}",
            |p| format!("/api/v1/campaigns/{}", p.campaign),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/tickets",
            |p| format!("/api/v1/wards/{}/tickets", p.ward),
            none,
            WardPeople,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/tickets",
            |p| format!("/api/v1/wards/{}/tickets", p.ward),
            |p| {
                Some(json!({
                    "id": Uuid::now_v7(), "household_id": p.household, "resident_id": p.resident,
                    "title": "Không nộp được hồ sơ trực tuyến", "description": ""
                }))
            },
            Record(S::UNPROCESSABLE_ENTITY),
            S::CREATED,
        ),
        row(
            M::GET,
            "/wards/{code}/tickets/figures",
            |p| format!("/api/v1/wards/{}/tickets/figures", p.ward),
            none,
            Figures,
            S::OK,
        ),
        row(
            M::GET,
            "/tickets/{id}",
            |p| format!("/api/v1/tickets/{}", p.ticket),
            none,
            PeopleRecord,
            S::OK,
        ),
        row(
            M::POST,
            "/tickets/{id}/comments",
            |p| format!("/api/v1/tickets/{}/comments", p.ticket),
            |_| Some(json!({ "id": Uuid::now_v7(), "text": "Đã thử lại, vẫn lỗi." })),
            PeopleRecord,
            S::CREATED,
        ),
        row(
            M::PUT,
            "/tickets/{id}/assignee",
            |p| format!("/api/v1/tickets/{}/assignee", p.ticket),
            |_| Some(json!({ "assignee_id": null })),
            RespondOn,
            S::OK,
        ),
        row(
            M::PUT,
            "/tickets/{id}/status",
            |p| format!("/api/v1/tickets/{}/status", p.ticket),
            |_| Some(json!({ "status": "in_progress" })),
            RespondOn,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/register",
            |p| format!("/api/v1/wards/{}/register?preview=true", p.ward),
            |_| {
                Some(json!(
                    "Tổ dân phố;Địa chỉ;Chủ hộ;Họ và tên;Năm sinh;Giới tính"
                ))
            },
            ManageWard,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/household-points",
            |p| format!("/api/v1/wards/{}/household-points", p.ward),
            none,
            WardPeople,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/accounts",
            |p| format!("/api/v1/wards/{}/accounts", p.ward),
            none,
            ManageWard,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/accounts",
            |p| format!("/api/v1/wards/{}/accounts", p.ward),
            |_| {
                Some(json!({ "phone": phone(), "full_name": "Đỗ Văn Bình",
                             "password": "mot cau rat dai de nho", "role": "viewer", "tdp_id": null }))
            },
            ManageWard,
            S::CREATED,
        ),
        row(
            M::PATCH,
            "/wards/{code}/accounts/{id}",
            |p| format!("/api/v1/wards/{}/accounts/{}", p.ward, p.account),
            |_| Some(json!({ "disabled": false })),
            ManageWard,
            S::OK,
        ),
        row(
            M::PUT,
            "/wards/{code}/accounts/{id}/grants",
            |p| format!("/api/v1/wards/{}/accounts/{}/grants", p.ward, p.account),
            |_| Some(json!([{ "role": "viewer", "tdp_id": null }])),
            ManageWard,
            S::OK,
        ),
        row(
            M::POST,
            "/wards/{code}/accounts/{id}/sign-out",
            |p| format!("/api/v1/wards/{}/accounts/{}/sign-out", p.ward, p.account),
            none,
            ManageWard,
            S::NO_CONTENT,
        ),
        row(
            M::GET,
            "/wards/{code}/audit",
            |p| format!("/api/v1/wards/{}/audit", p.ward),
            none,
            ManageWard,
            S::OK,
        ),
        row(
            M::GET,
            "/wards/{code}/backups",
            |p| format!("/api/v1/wards/{}/backups", p.ward),
            none,
            ManageWard,
            S::OK,
        ),
    ]
}

fn expected(rule: Rule, success: StatusCode, who: Who, place: Where) -> StatusCode {
    use StatusCode as S;
    match (who, rule) {
        (Who::Nobody, Rule::Public(s)) => s,
        (Who::Nobody, _) => S::UNAUTHORIZED,
        (_, Rule::Public(s) | Rule::SignedIn(s)) => s,
        (Who::Ward(_), Rule::ProvinceFigures | Rule::ManageProvince) => S::NOT_FOUND,
        (Who::Ward(role), _) => expected_in_ward(rule, success, role, place),
        (Who::Province(_, false), _) => S::NOT_FOUND,
        (Who::Province(_, true), Rule::ProvinceFigures) => success,
        (Who::Province(role, true), Rule::ManageProvince) => match role {
            ProvinceRole::ProvinceAdmin => success,
            ProvinceRole::ProvinceViewer => S::FORBIDDEN,
        },
        // Over every ward of the province, each place's included, a province role is what a
        // ward's viewer is in it.
        (Who::Province(_, true), _) => {
            expected_in_ward(rule, success, Role::Viewer, Where::OtherTdp)
        }
    }
}

fn expected_in_ward(rule: Rule, success: StatusCode, role: Role, place: Where) -> StatusCode {
    use Role::*;
    use StatusCode as S;
    let own = place == Where::OwnTdp;
    match rule {
        Rule::Public(s) | Rule::SignedIn(s) => s,
        Rule::ProvinceFigures | Rule::ManageProvince => S::NOT_FOUND,
        _ if place == Where::OtherWard => S::NOT_FOUND,
        Rule::Figures => success,
        Rule::WardPeople => match role {
            Viewer => S::FORBIDDEN,
            _ => success,
        },
        Rule::TdpPeople => match role {
            WardAdmin | Responder => success,
            TeamLeader | Volunteer if own => success,
            _ => S::FORBIDDEN,
        },
        Rule::PeopleRecord => match role {
            WardAdmin | Responder => success,
            TeamLeader | Volunteer if own => success,
            _ => S::NOT_FOUND,
        },
        Rule::Record(other_tdp) => match role {
            WardAdmin => success,
            TeamLeader | Volunteer if own => success,
            TeamLeader | Volunteer => other_tdp,
            Responder | Viewer => S::FORBIDDEN,
        },
        Rule::RecordOn => match role {
            WardAdmin => success,
            TeamLeader | Volunteer if own => success,
            Responder => S::FORBIDDEN,
            _ => S::NOT_FOUND,
        },
        Rule::ManageTeam => match role {
            WardAdmin => success,
            TeamLeader if own => success,
            _ => S::FORBIDDEN,
        },
        Rule::ManageWard => match role {
            WardAdmin => success,
            _ => S::FORBIDDEN,
        },
        Rule::Recorders => match role {
            WardAdmin | TeamLeader | Volunteer => success,
            Responder | Viewer => S::FORBIDDEN,
        },
        Rule::TeamManagers => match role {
            WardAdmin | TeamLeader => success,
            _ => S::FORBIDDEN,
        },
        Rule::RespondOn => match role {
            WardAdmin | Responder => success,
            TeamLeader | Volunteer if own => S::FORBIDDEN,
            _ => S::NOT_FOUND,
        },
        Rule::ManageOn => match role {
            WardAdmin => success,
            Responder => S::FORBIDDEN,
            TeamLeader | Volunteer if own => S::FORBIDDEN,
            _ => S::NOT_FOUND,
        },
        Rule::LeadOn => match role {
            WardAdmin => success,
            TeamLeader if own => success,
            Responder => S::FORBIDDEN,
            Volunteer if own => S::FORBIDDEN,
            _ => S::NOT_FOUND,
        },
    }
}

async fn place(app: &TestApp, ward: i32, tdp: Uuid) -> Place {
    let r = sqlx::query!(
        r#"select h.id as household, r.id as resident,
                  (select v.id from visits v where v.tdp_id = $1 limit 1) as "visit!",
                  (select m.id from team_members m where m.tdp_id = $1 limit 1) as "member!",
                  (select s.id from skills s where s.ward_code = $2 order by position limit 1) as "skill!",
                  (select g.user_id from role_grants g where g.ward_code = $2 and g.role = 'ward_admin' limit 1) as "admin!"
           from households h join residents r on r.household_id = h.id
           where h.tdp_id = $1 order by h.id, r.id limit 1"#,
        tdp,
        ward
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let invite = async || {
        let (token, hash) = server::auth::new_token();
        let id = Uuid::now_v7();
        sqlx::query!(
            "insert into invitations (id, token_hash, ward_code, tdp_id, full_name, created_by, expires_at)
             values ($1, $2, $3, $4, 'Người được mời', $5, $6)",
            id,
            hash,
            ward,
            tdp,
            r.admin,
            app.clock.now() + chrono::TimeDelta::days(1),
        )
        .execute(&app.db)
        .await
        .unwrap();
        (id, token)
    };
    let (invitation, _) = invite().await;
    let (_, token) = invite().await;
    let account = Uuid::now_v7();
    sqlx::query!(
        "insert into users (id, phone, full_name) values ($1, $2, 'Tài khoản mẫu')",
        account,
        phone()
    )
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query!(
        "insert into role_grants (user_id, ward_code, role) values ($1, $2, 'viewer')",
        account,
        ward
    )
    .execute(&app.db)
    .await
    .unwrap();
    let conflict = sqlx::query_scalar!(
        r#"insert into sync_conflicts (ward_code, tdp_id, entity, client_id, received, stored)
           values ($1, $2, 'visits', $3, '{"note": "a"}', '{"note": "b"}') returning id"#,
        ward,
        tdp,
        r.visit
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let duplicate: i64 = sqlx::query_scalar(
        "insert into likely_duplicates (ward_code, tdp_id, kind, added_id, existing_id, found_at)
         select $1, $2, 'resident', $3, r.id, now() from residents r
         where r.tdp_id = $2 and r.id <> $3 order by r.id limit 1
         returning id",
    )
    .bind(ward)
    .bind(tdp)
    .bind(r.resident)
    .fetch_one(&app.db)
    .await
    .unwrap();
    let edit_conflict: i64 = sqlx::query_scalar(
        r#"insert into edit_conflicts (ward_code, tdp_id, resident_id, field, kept, other, edit_id,
                                       found_at)
           values ($1, $2, $3, 'note', '"a"', '"b"', $4, now()) returning id"#,
    )
    .bind(ward)
    .bind(tdp)
    .bind(r.resident)
    .bind(Uuid::now_v7())
    .fetch_one(&app.db)
    .await
    .unwrap();
    let mentor = Uuid::now_v7();
    sqlx::query!(
        "insert into mentors (id, ward_code, tdp_id, team_member_id) values ($1, $2, $3, $4)",
        mentor,
        ward,
        tdp,
        r.member
    )
    .execute(&app.db)
    .await
    .unwrap();
    let (market, stall) = (Uuid::now_v7(), Uuid::now_v7());
    sqlx::query!(
        "insert into markets (id, ward_code, name, kind) values ($1, $2, $3, 'market')",
        market,
        ward,
        format!("Chợ {market}")
    )
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query!(
        "insert into stalls (id, market_id, ward_code, tdp_id, trader_name, stall_code)
         values ($1, $2, $3, $4, 'Trần Thị Hoa', 'A-1')",
        stall,
        market,
        ward,
        tdp
    )
    .execute(&app.db)
    .await
    .unwrap();
    let activity = Uuid::now_v7();
    sqlx::query!(
        "insert into activities (id, ward_code, tdp_id, kind, title, place, starts_at, ends_at,
                                 organiser)
         values ($1, $2, $3, 'community_class', 'Lớp VNeID', 'Nhà văn hoá',
                 $4, $5, 'Tổ trưởng')",
        activity,
        ward,
        tdp,
        app.clock.now(),
        app.clock.now() + chrono::TimeDelta::hours(1),
    )
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query!(
        "insert into activity_topics (activity_id, skill_id) values ($1, $2)",
        activity,
        r.skill
    )
    .execute(&app.db)
    .await
    .unwrap();
    let campaign = Uuid::now_v7();
    sqlx::query!(
        "insert into campaigns (id, ward_code, name, starts_on, ends_on)
         values ($1, $2, '45 ngày đêm', $3, $4)",
        campaign,
        ward,
        app.today(),
        app.today() + chrono::Days::new(44),
    )
    .execute(&app.db)
    .await
    .unwrap();
    let (check_in, hash) = server::auth::new_token();
    sqlx::query!(
        "insert into check_in_codes (token_hash, activity_id, created_by, expires_at)
         values ($1, $2, $3, $4)",
        hash,
        activity,
        r.admin,
        app.clock.now() + chrono::TimeDelta::days(1),
    )
    .execute(&app.db)
    .await
    .unwrap();
    let (erasable, copy) = (Uuid::now_v7(), Uuid::now_v7());
    sqlx::query(
        "insert into residents (id, household_id, tdp_id, full_name, name_search, name_sort,
                                birth_year, gender)
         values ($1, $3, $4, 'Người Xin Xoá', 'nguoi xin xoa', 'nguoi xin xoa', 1960, 'female'),
                ($2, $3, $4, 'Người Ghi Trùng', 'nguoi ghi trung', 'nguoi ghi trung', 1961,
                 'male')",
    )
    .bind(erasable)
    .bind(copy)
    .bind(r.household)
    .bind(tdp)
    .execute(&app.db)
    .await
    .unwrap();
    sqlx::query(
        "insert into skills (id, ward_code, code, name_vi, name_en, min_age, target_percent,
                             deadline, position)
         values ($1, $2, $3, 'Thương mại điện tử', 'E-commerce', 18, 40, $4, 100)
         on conflict do nothing",
    )
    .bind(Uuid::now_v7())
    .bind(ward)
    .bind(OWN_SKILL)
    .bind(app.today() + chrono::TimeDelta::days(180))
    .execute(&app.db)
    .await
    .unwrap();
    let household_copy = Uuid::now_v7();
    sqlx::query(
        "insert into households (id, tdp_id, address, head_name, search)
         values ($1, $2, 'Số 1 ngõ Ghi Trùng', 'Người Ghi Trùng', 'so 1 ngo ghi trung')",
    )
    .bind(household_copy)
    .bind(tdp)
    .execute(&app.db)
    .await
    .unwrap();
    let ticket = Uuid::now_v7();
    sqlx::query!(
        "insert into tickets (id, ward_code, tdp_id, household_id, title, opened_by)
         values ($1, $2, $3, $4, 'Không kích hoạt được VNeID', $5)",
        ticket,
        ward,
        tdp,
        r.household,
        r.admin
    )
    .execute(&app.db)
    .await
    .unwrap();
    Place {
        now: app.clock.now(),
        today: app.today(),
        check_in,
        ticket,
        campaign,
        activity,
        mentor,
        market,
        stall,
        ward,
        province: PROVINCE,
        tdp,
        household: r.household,
        resident: r.resident,
        erasable,
        copy,
        household_copy,
        visit: r.visit,
        member: r.member,
        skill: r.skill,
        invitation,
        token,
        account,
        conflict,
        duplicate,
        edit_conflict,
    }
}

const PASSWORD: &str = "mot cau rat dai de nho";

/// A role's demo account, signed in: of the demo ward, or over its province.
async fn sign_in(app: &TestApp, who: Who) -> TestApp {
    match who {
        Who::Ward(role) => app.signed_in_as(WARD, role).await,
        Who::Province(role, _) => {
            let phone = server::demo::demo_province_phone(PROVINCE, role);
            app.signed_in_with(&phone, server::demo::DEMO_PASSWORD)
                .await
        }
        Who::Nobody => app.anonymous(),
    }
}

/// An account for each province role over the other province, made as `ngo-so create-admin`
/// makes them: their phone numbers, by role.
async fn province_accounts(app: &TestApp) -> impl Fn(ProvinceRole) -> String + use<> {
    let phone_of = |role: ProvinceRole| {
        format!(
            "0390{:06}",
            ProvinceRole::ALL.iter().position(|r| *r == role).unwrap()
        )
    };
    for &role in ProvinceRole::ALL {
        server::admin::create(
            &app.db,
            server::admin::Over::Province(OTHER_PROVINCE, role),
            &phone_of(role),
            "Lê Văn Tỉnh",
            PASSWORD.to_owned(),
        )
        .await
        .unwrap();
    }
    phone_of
}

/// The TDP of the team roles' demo accounts in `ward`, and another TDP there.
async fn tdps(app: &TestApp, ward: i32) -> (Uuid, Uuid) {
    let own = sqlx::query_scalar!(
        r#"select tdp_id as "tdp!" from role_grants where ward_code = $1 and role = 'volunteer'"#,
        ward
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    let other = sqlx::query_scalar!(
        "select id from tdps where ward_code = $1 and id <> $2 order by code limit 1",
        ward,
        own
    )
    .fetch_one(&app.db)
    .await
    .unwrap();
    (own, other)
}

async fn send(client: &TestApp, row: &Row, place: &Place) -> (StatusCode, HeaderMap, Value) {
    send_body(client, row, place, (row.body)(place)).await
}

async fn send_body(
    client: &TestApp,
    row: &Row,
    place: &Place,
    body: Option<Value>,
) -> (StatusCode, HeaderMap, Value) {
    let mut req = Request::builder()
        .method(row.method.clone())
        .uri((row.uri)(place));
    let body = match body {
        Some(body) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(body.to_string())
        }
        None => Body::empty(),
    };
    client.send(req.body(body).unwrap()).await
}

#[sqlx::test(migrations = false)]
async fn every_endpoint_answers_every_role_as_the_rules_say(db: sqlx::PgPool) {
    // Every client signs in from one address, more often than a minute's anonymous requests
    // allow one address (`limits`, tested in `limits`).
    let settings = server::Settings {
        limits: server::limits::Quotas {
            per_minute: std::num::NonZeroU32::new(10_000).unwrap(),
        },
        ..Default::default()
    };
    let admin = app_with(db, settings).await;
    let (own, other) = tdps(&admin, WARD).await;
    let (elsewhere, _) = tdps(&admin, OTHER_WARD).await;
    let places = [
        (Where::OwnTdp, place(&admin, WARD, own).await),
        (Where::OtherTdp, place(&admin, WARD, other).await),
        (Where::OtherWard, place(&admin, OTHER_WARD, elsewhere).await),
    ];
    let other_province = province_accounts(&admin).await;
    let mut clients = vec![(Who::Nobody, admin.anonymous())];
    for &role in Role::ALL {
        clients.push((Who::Ward(role), admin.signed_in_as(WARD, role).await));
    }
    for &role in ProvinceRole::ALL {
        clients.push((
            Who::Province(role, true),
            sign_in(&admin, Who::Province(role, true)).await,
        ));
        clients.push((
            Who::Province(role, false),
            admin.signed_in_with(&other_province(role), PASSWORD).await,
        ));
    }
    let documented = documented_answers();
    let mut wrong = Vec::new();
    let mut checked = 0;
    for row in matrix() {
        for (role, client) in &clients {
            // Every client sends from one address, and the wrong-password row fails for each:
            // past 20 failures the throttle (tested in `sessions`) would answer instead.
            sqlx::query("delete from sign_in_failures")
                .execute(&admin.db)
                .await
                .unwrap();
            for (place_kind, place) in &places {
                let own_session;
                let client = match (row.own_session, role) {
                    (true, Who::Province(role, false)) => {
                        own_session = admin.signed_in_with(&other_province(*role), PASSWORD).await;
                        &own_session
                    }
                    (true, Who::Ward(_) | Who::Province(..)) => {
                        own_session = sign_in(&admin, *role).await;
                        &own_session
                    }
                    _ => client,
                };
                let want = expected(row.rule, row.success, *role, *place_kind);
                let (got, headers, body) = send(client, &row, place).await;
                checked += 1;
                if got != want {
                    wrong.push(format!(
                        "{} {} as {role:?} in {place_kind:?}: want {want}, got {got} {body}",
                        row.method, row.path
                    ));
                }
                let answer = (row.method.to_string(), row.path.to_owned(), got.as_u16());
                if !documented.contains(&answer) {
                    wrong.push(format!(
                        "{} {} as {role:?} in {place_kind:?} answered {got}, which the OpenAPI \
                         document does not list",
                        row.method, row.path
                    ));
                }
                // Files (reports) aside, what a GET answers is JSON.
                let json = headers
                    .get(header::CONTENT_TYPE)
                    .and_then(|t| t.to_str().ok())
                    .is_some_and(|t| t.contains("json"));
                if got.is_success() && row.method == Method::GET {
                    assert!(
                        (json && !body.is_null()) || (!json && row.path.contains("/exports/")),
                        "{} {} answered no JSON",
                        row.method,
                        row.path
                    );
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{checked} checked, {} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// The JSON pointers of every string in `value`.
fn strings(value: &Value, at: String, found: &mut Vec<String>) {
    match value {
        Value::String(_) => found.push(at),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                strings(item, format!("{at}/{i}"), found);
            }
        }
        Value::Object(fields) => {
            for (name, field) in fields {
                strings(field, format!("{at}/{name}"), found);
            }
        }
        _ => {}
    }
}

/// Every string of every request body, in turn with a NUL in it (which PostgreSQL cannot
/// store), sent by the ward's admin and by nobody: refused as input, never a server error.
#[sqlx::test(migrations = false)]
async fn a_nul_in_any_text_is_refused_not_a_server_error(db: sqlx::PgPool) {
    let admin = app(db).await;
    let (own, _) = tdps(&admin, WARD).await;
    let place = place(&admin, WARD, own).await;
    let nobody = admin.anonymous();
    let mut sent = 0;
    let mut wrong = Vec::new();
    for row in matrix() {
        let Some(body) = (row.body)(&place) else {
            continue;
        };
        let mut found = Vec::new();
        strings(&body, String::new(), &mut found);
        for pointer in found {
            let mut poisoned = body.clone();
            let text = poisoned.pointer_mut(&pointer).unwrap();
            *text = Value::String(format!("{}\u{0}x", text.as_str().unwrap()));
            for client in [&admin, &nobody] {
                let own_session;
                let client = if row.own_session {
                    own_session = admin.signed_in_as(WARD, Role::WardAdmin).await;
                    &own_session
                } else {
                    client
                };
                let (status, _, answer) =
                    send_body(client, &row, &place, Some(poisoned.clone())).await;
                sent += 1;
                if status.is_server_error() {
                    wrong.push(format!(
                        "{} {} {pointer}: {status} {answer}",
                        row.method, row.path
                    ));
                }
            }
        }
    }
    assert!(sent > 100, "only {sent} requests sent");
    assert!(
        wrong.is_empty(),
        "{} of {sent}:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Every (method, path, status) the OpenAPI document lists, paths without the `/api/v1`.
fn documented_answers() -> BTreeSet<(String, String, u16)> {
    let doc = server::api::openapi();
    let mut answers = BTreeSet::new();
    for (path, item) in &doc.paths.paths {
        let path = path.strip_prefix("/api/v1").unwrap_or(path);
        for (method, op) in [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ] {
            for status in op.iter().flat_map(|op| op.responses.responses.keys()) {
                answers.insert((method.to_owned(), path.to_owned(), status.parse().unwrap()));
            }
        }
    }
    answers
}

#[test]
fn every_endpoint_has_a_row() {
    let doc = server::api::openapi();
    let documented: BTreeSet<(String, String)> = doc
        .paths
        .paths
        .iter()
        .flat_map(|(path, item)| {
            let path = path.strip_prefix("/api/v1").unwrap_or(path).to_owned();
            [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ]
            .into_iter()
            .filter(|(_, present)| *present)
            .map(move |(m, _)| (m.to_owned(), path.clone()))
        })
        .collect();
    let in_matrix: BTreeSet<(String, String)> = matrix()
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_owned()))
        .collect();
    let missing: Vec<_> = documented.difference(&in_matrix).collect();
    let stale: Vec<_> = in_matrix.difference(&documented).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "endpoints without a matrix row: {missing:?}; rows without an endpoint: {stale:?}"
    );
}
