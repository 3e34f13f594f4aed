//! Every call to the server goes through here: one place that knows the API's base path and
//! turns a failed response into [`ApiError`]. Reads a volunteer needs in the field fall back
//! to what the phone keeps (`offline::local`) when the server cannot be reached.

use std::cell::RefCell;

use domain::api::{
    AcceptInvitation, Account, AccountChange, Activity, ActivityDetail, AmbassadorNetwork,
    Assignment, AuditAction, AuditEntry, BackupStatus, Basemap, BoundaryImport, Briefing, Campaign,
    CampaignProgress, CatalogueSkill, ChangeBatch, CheckIn, CheckInActivity, CheckInCode,
    ColumnMapping, ConflictChoice, ConflictResolution, CreatedInvitation, Dashboard,
    DuplicateCheck, DuplicateKind, EditChoice, EditConflict, EditResolution, Household,
    HouseholdFilter, HouseholdPoint, HouseholdSummary, Invitation, InvitationPreview,
    LikelyDuplicate, LikelyDuplicates, Market, MarketSummary, Me, MergeInto, ModelSettings,
    ModelTargets, NewAccount, NewActivity, NewCampaign, NewGrant, NewInvitation, NewMarket,
    NewProvinceWard, NewSkill, NewWardAdmin, PasswordChange, ProvinceGrant, ProvinceOverview,
    RecordEdit, RegisterImport, Resident, ResidentExport, ResidentSummary, SearchResults,
    SessionInfo, SignIn, Skill, SyncChanges, SyncConflict, SyncOutcome, TargetChange, Tdp,
    TdpDetail, Ticket, TicketAssignment, TicketDetail, TicketFigures, TicketStatusChange, Ward,
    WeeklyReport,
};
use domain::map::Boundaries;
use domain::{ErrorBody, ErrorCode};
use gloo_net::http::{Request, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::offline::local;

const BASE: &str = "/api/v1";

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with its JSON error body.
    Server(ErrorBody),
    /// No answer: offline, or the server is down.
    Network,
    /// An answer the app cannot read: a server newer or older than this copy of the app. Not
    /// "no network", which would send the person looking for signal.
    Decode,
}

thread_local! {
    /// Called when the server says the session is over, so the app can ask the person to sign
    /// in again without leaving the page they are on.
    static ON_SESSION_LOST: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

pub fn on_session_lost(f: impl Fn() + 'static) {
    ON_SESSION_LOST.with(|cell| *cell.borrow_mut() = Some(Box::new(f)));
}

async fn check(res: Result<Response, gloo_net::Error>) -> Result<Response, ApiError> {
    let res = res.map_err(|_| ApiError::Network)?;
    if res.ok() {
        return Ok(res);
    }
    match res.json::<ErrorBody>().await {
        Ok(body) => {
            if body.code == ErrorCode::Unauthenticated {
                ON_SESSION_LOST.with(|cell| {
                    if let Some(f) = cell.borrow().as_ref() {
                        f();
                    }
                });
            }
            Err(ApiError::Server(body))
        }
        Err(_) => Err(ApiError::Network),
    }
}

async fn read<T: DeserializeOwned>(res: Result<Response, gloo_net::Error>) -> Result<T, ApiError> {
    check(res).await?.json().await.map_err(|_| ApiError::Decode)
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    read(Request::get(&format!("{BASE}{path}")).send().await).await
}

async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let req = Request::post(&format!("{BASE}{path}"))
        .json(body)
        .map_err(|_| ApiError::Network)?;
    read(req.send().await).await
}

async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    let req = Request::put(&format!("{BASE}{path}"))
        .json(body)
        .map_err(|_| ApiError::Network)?;
    read(req.send().await).await
}

/// A request answered with 204 No Content.
async fn no_content(req: gloo_net::http::RequestBuilder) -> Result<(), ApiError> {
    check(req.send().await).await?;
    Ok(())
}

pub async fn session() -> Result<SessionInfo, ApiError> {
    get("/session").await
}

pub async fn sign_in(body: &SignIn) -> Result<Me, ApiError> {
    post("/session", body).await
}

pub async fn sign_out() -> Result<(), ApiError> {
    no_content(Request::delete(&format!("{BASE}/session"))).await
}

pub async fn change_password(body: &PasswordChange) -> Result<(), ApiError> {
    let req = Request::put(&format!("{BASE}/session/password"))
        .json(body)
        .map_err(|_| ApiError::Network)?;
    check(req.send().await).await?;
    Ok(())
}

pub async fn accounts(ward: i32) -> Result<Vec<Account>, ApiError> {
    get(&format!("/wards/{ward}/accounts")).await
}

pub async fn create_account(ward: i32, body: &NewAccount) -> Result<Account, ApiError> {
    post(&format!("/wards/{ward}/accounts"), body).await
}

pub async fn change_account(
    ward: i32,
    id: Uuid,
    body: &AccountChange,
) -> Result<Account, ApiError> {
    let req = Request::patch(&format!("{BASE}/wards/{ward}/accounts/{id}"))
        .json(body)
        .map_err(|_| ApiError::Network)?;
    read(req.send().await).await
}

pub async fn set_grants(ward: i32, id: Uuid, grants: &[NewGrant]) -> Result<Account, ApiError> {
    put(&format!("/wards/{ward}/accounts/{id}/grants"), &grants).await
}

pub async fn end_sessions(ward: i32, id: Uuid) -> Result<(), ApiError> {
    no_content(Request::post(&format!(
        "{BASE}/wards/{ward}/accounts/{id}/sign-out"
    )))
    .await
}

pub async fn tdps(ward: i32) -> Result<Vec<Tdp>, ApiError> {
    local::or(get(&format!("/wards/{ward}/tdps")).await, || {
        local::tdps(ward)
    })
    .await
}

pub async fn invitations(tdp: Uuid) -> Result<Vec<Invitation>, ApiError> {
    get(&format!("/tdps/{tdp}/invitations")).await
}

pub async fn create_invitation(
    tdp: Uuid,
    body: &NewInvitation,
) -> Result<CreatedInvitation, ApiError> {
    post(&format!("/tdps/{tdp}/invitations"), body).await
}

pub async fn revoke_invitation(id: Uuid) -> Result<(), ApiError> {
    no_content(Request::delete(&format!("{BASE}/invitations/{id}"))).await
}

/// The server's backups: the newest, and how many are kept.
pub async fn backups(ward: i32) -> Result<BackupStatus, ApiError> {
    get(&format!("/wards/{ward}/backups")).await
}

/// The ward's audit log, newest first, from before the entry `before` when paging.
pub async fn audit(
    ward: i32,
    entity: Option<String>,
    action: Option<AuditAction>,
    before: Option<i64>,
) -> Result<Vec<AuditEntry>, ApiError> {
    let mut query = format!("?limit={PAGE}");
    if let Some(entity) = entity {
        query.push_str(&format!(
            "&entity={}",
            js_sys::encode_uri_component(&entity)
        ));
    }
    if let Some(action) = action {
        query.push_str(&format!("&action={}", action.as_str()));
    }
    if let Some(before) = before {
        query.push_str(&format!("&before={before}"));
    }
    get(&format!("/wards/{ward}/audit{query}")).await
}

pub async fn invitation(token: &str) -> Result<InvitationPreview, ApiError> {
    get(&format!(
        "/invitation-links/{}",
        js_sys::encode_uri_component(token)
    ))
    .await
}

pub async fn accept_invitation(token: &str, body: &AcceptInvitation) -> Result<Me, ApiError> {
    post(
        &format!(
            "/invitation-links/{}/accept",
            js_sys::encode_uri_component(token)
        ),
        body,
    )
    .await
}

/// The provinces the signed-in person holds a role over.
pub async fn my_provinces() -> Result<Vec<ProvinceGrant>, ApiError> {
    get("/provinces").await
}

/// Every ward of the province side by side: figures only.
pub async fn province(code: i32) -> Result<ProvinceOverview, ApiError> {
    get(&format!("/provinces/{code}")).await
}

pub async fn onboard_ward(province: i32, body: &NewProvinceWard) -> Result<Ward, ApiError> {
    post(&format!("/provinces/{province}/wards"), body).await
}

pub async fn create_ward_admin(
    province: i32,
    ward: i32,
    body: &NewWardAdmin,
) -> Result<Account, ApiError> {
    post(&format!("/provinces/{province}/wards/{ward}/admins"), body).await
}

/// Whose skills catalogue: a province's, which its wards inherit, or a ward's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Catalogue {
    Province(i32),
    Ward(i32),
}

impl Catalogue {
    fn path(self) -> String {
        match self {
            Self::Province(code) => format!("/provinces/{code}/catalogue"),
            Self::Ward(code) => format!("/wards/{code}/catalogue"),
        }
    }
}

/// The catalogue's skills, each with its target and deadline.
pub async fn catalogue(of: Catalogue) -> Result<Vec<CatalogueSkill>, ApiError> {
    get(&of.path()).await
}

pub async fn set_target(
    of: Catalogue,
    skill: &str,
    change: &TargetChange,
) -> Result<Vec<CatalogueSkill>, ApiError> {
    put(&format!("{}/{skill}", of.path()), change).await
}

pub async fn add_skill(of: Catalogue, new: &NewSkill) -> Result<CatalogueSkill, ApiError> {
    post(&of.path(), new).await
}

pub async fn retire_skill(of: Catalogue, skill: &str) -> Result<(), ApiError> {
    no_content(Request::delete(&format!("{BASE}{}/{skill}", of.path()))).await
}

pub async fn wards() -> Result<Vec<Ward>, ApiError> {
    local::or(get("/wards").await, local::wards).await
}

/// The ward's weekly report for the week (Monday to Sunday) holding `day`.
pub async fn weekly(ward: i32, day: chrono::NaiveDate) -> Result<WeeklyReport, ApiError> {
    get(&format!("/wards/{ward}/weekly?week={day}")).await
}

/// The address of the ward's indicators as a file: `xlsx` or `csv`.
pub fn export_indicators(ward: i32, format: &str) -> String {
    format!("{BASE}/wards/{ward}/exports/indicators?format={format}")
}

/// The address of the province's wards side by side as a file: `xlsx` or `csv`.
pub fn export_province(province: i32, format: &str) -> String {
    format!("{BASE}/provinces/{province}/exports/wards?format={format}")
}

/// The address of the ward's activities from `from` to `to` as a file: `xlsx` or `csv`.
pub fn export_activities(
    ward: i32,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    format: &str,
) -> String {
    format!("{BASE}/wards/{ward}/exports/activities?from={from}&to={to}&format={format}")
}

/// The address of an activity's attendees as a file: `xlsx` or `csv`.
pub fn export_attendance(activity: Uuid, format: &str) -> String {
    format!("{BASE}/activities/{activity}/exports/attendance?format={format}")
}

/// The address of a TDP's households as a file, as its list shows them: `xlsx` or `csv`.
pub fn export_households(tdp: Uuid, show: HouseholdFilter, format: &str) -> String {
    format!(
        "{BASE}/tdps/{tdp}/exports/households?show={}&format={format}",
        show.as_str()
    )
}

pub async fn dashboard(ward: i32) -> Result<Dashboard, ApiError> {
    let answer = get(&format!("/wards/{ward}/dashboard")).await;
    if let Ok(dashboard) = &answer {
        local::keep_dashboard(dashboard).await;
    }
    local::or(answer, || local::dashboard(ward)).await
}

/// The ward's briefing for the projector, and whether it is the copy this device kept from
/// the last time because the server cannot be reached.
pub async fn briefing(ward: i32) -> Result<(Briefing, bool), ApiError> {
    let answer = get(&format!("/wards/{ward}/briefing")).await;
    if let Ok(briefing) = &answer {
        local::keep_briefing(briefing).await;
    }
    local::or(answer.map(|b| (b, false)), || async move {
        local::briefing(ward).await.map(|b| (b, true))
    })
    .await
}

pub async fn boundaries(ward: i32) -> Result<Boundaries, ApiError> {
    get(&format!("/wards/{ward}/boundaries")).await
}

pub async fn basemap(ward: i32) -> Result<Basemap, ApiError> {
    get(&format!("/wards/{ward}/basemap")).await
}

pub async fn set_basemap(ward: i32, basemap: &Basemap) -> Result<Basemap, ApiError> {
    put(&format!("/wards/{ward}/basemap"), basemap).await
}

pub async fn household_points(ward: i32) -> Result<Vec<HouseholdPoint>, ApiError> {
    get(&format!("/wards/{ward}/household-points")).await
}

/// Where a ward's boundaries download as a GeoJSON file.
pub fn boundaries_file(ward: i32) -> String {
    format!("{BASE}/wards/{ward}/boundaries")
}

/// Checks a GeoJSON file of boundaries; with `preview`, saves nothing.
pub async fn import_boundaries(
    ward: i32,
    file: &serde_json::Value,
    preview: bool,
) -> Result<BoundaryImport, ApiError> {
    post(&format!("/wards/{ward}/boundaries?preview={preview}"), file).await
}

/// The ward's activities overlapping the days from `from` to `to`, earliest first.
/// The ward's activities overlapping the days; offline, those the phone keeps.
pub async fn activities(
    ward: i32,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<Vec<Activity>, ApiError> {
    local::or(
        get(&format!("/wards/{ward}/activities?from={from}&to={to}")).await,
        || local::activities(ward, from, to),
    )
    .await
}

pub async fn create_activity(ward: i32, body: &NewActivity) -> Result<Activity, ApiError> {
    post(&format!("/wards/{ward}/activities"), body).await
}

/// An activity with its attendees; offline, the phone's copy with the attendance taken on it.
pub async fn activity(id: Uuid) -> Result<ActivityDetail, ApiError> {
    local::or(get(&format!("/activities/{id}")).await, || {
        local::activity(id)
    })
    .await
}

/// A new check-in code for an activity: its link and QR code.
pub async fn check_in_code(activity: Uuid) -> Result<CheckInCode, ApiError> {
    post(&format!("/activities/{activity}/check-in-codes"), &()).await
}

/// The activity a check-in code opens; no account needed.
pub async fn check_in_activity(activity: Uuid, code: &str) -> Result<CheckInActivity, ApiError> {
    let code = js_sys::encode_uri_component(code);
    get(&format!("/activities/{activity}/check-in?code={code}")).await
}

pub async fn check_in(activity: Uuid, body: &CheckIn) -> Result<CheckInActivity, ApiError> {
    post(&format!("/activities/{activity}/check-in"), body).await
}

pub async fn campaigns(ward: i32) -> Result<Vec<Campaign>, ApiError> {
    get(&format!("/wards/{ward}/campaigns")).await
}

pub async fn create_campaign(ward: i32, body: &NewCampaign) -> Result<Campaign, ApiError> {
    post(&format!("/wards/{ward}/campaigns"), body).await
}

/// A campaign's progress, for its whole scope or one of its TDPs.
pub async fn campaign(id: Uuid, tdp: Option<Uuid>) -> Result<CampaignProgress, ApiError> {
    match tdp {
        Some(tdp) => get(&format!("/campaigns/{id}?tdp={tdp}")).await,
        None => get(&format!("/campaigns/{id}")).await,
    }
}

/// The ward's tickets the person may read: the queue, or the resolved ones.
pub async fn tickets(ward: i32, resolved: bool) -> Result<Vec<Ticket>, ApiError> {
    get(&format!("/wards/{ward}/tickets?resolved={resolved}")).await
}

pub async fn ticket_figures(ward: i32) -> Result<TicketFigures, ApiError> {
    get(&format!("/wards/{ward}/tickets/figures")).await
}

pub async fn ticket(id: Uuid) -> Result<TicketDetail, ApiError> {
    get(&format!("/tickets/{id}")).await
}

pub async fn assign_ticket(id: Uuid, body: &TicketAssignment) -> Result<TicketDetail, ApiError> {
    put(&format!("/tickets/{id}/assignee"), body).await
}

pub async fn set_ticket_status(
    id: Uuid,
    body: &TicketStatusChange,
) -> Result<TicketDetail, ApiError> {
    put(&format!("/tickets/{id}/status"), body).await
}

/// Sends a register file as it is, to be read (`preview`) or imported; with no mapping, the
/// server suggests one from the file's headings.
pub async fn import_register(
    ward: i32,
    file: &web_sys::File,
    mapping: Option<ColumnMapping>,
    preview: bool,
) -> Result<RegisterImport, ApiError> {
    let mut uri = format!("{BASE}/wards/{ward}/register?preview={preview}");
    for (field, column) in mapping.iter().flat_map(ColumnMapping::fields) {
        if let Some(column) = column {
            uri.push_str(&format!("&{field}={column}"));
        }
    }
    let req = Request::post(&uri)
        .header("content-type", "application/octet-stream")
        .body(file.clone())
        .map_err(|_| ApiError::Network)?;
    read(req.send().await).await
}

pub async fn skills(ward: i32) -> Result<Vec<Skill>, ApiError> {
    local::or(get(&format!("/wards/{ward}/skills")).await, || {
        local::skills(ward)
    })
    .await
}

pub async fn search(ward: i32, q: &str) -> Result<SearchResults, ApiError> {
    let encoded = js_sys::encode_uri_component(q);
    local::or(
        get(&format!("/wards/{ward}/search?q={encoded}")).await,
        || local::search(ward, q),
    )
    .await
}

pub async fn tdp(id: Uuid) -> Result<TdpDetail, ApiError> {
    local::or(get(&format!("/tdps/{id}")).await, || local::tdp(id)).await
}

pub async fn tdp_households(
    id: Uuid,
    show: HouseholdFilter,
    offset: usize,
) -> Result<Vec<HouseholdSummary>, ApiError> {
    let path = format!(
        "/tdps/{id}/households?show={}&limit={PAGE}&offset={offset}",
        show.as_str()
    );
    local::or(get(&path).await, || {
        local::tdp_households(id, show, offset, PAGE)
    })
    .await
}

/// How many households a TDP page shows at a time.
pub const PAGE: usize = 50;

pub async fn household(id: Uuid) -> Result<Household, ApiError> {
    local::or(get(&format!("/households/{id}")).await, || {
        local::household(id)
    })
    .await
}

/// Sends a team member to households of the TDP, or calls them back (`team_member_id: None`).
pub async fn assign(tdp: Uuid, assignment: &Assignment) -> Result<Vec<HouseholdSummary>, ApiError> {
    put(&format!("/tdps/{tdp}/assignments"), assignment).await
}

/// The households the signed-in person was sent to and has not visited yet; offline, the list
/// last read.
pub async fn my_households() -> Result<Vec<HouseholdSummary>, ApiError> {
    local::my_households(get("/me/households").await).await
}

pub async fn models(ward: i32) -> Result<ModelSettings, ApiError> {
    local::or(get(&format!("/wards/{ward}/models")).await, || {
        local::models(ward)
    })
    .await
}

pub async fn set_models(ward: i32, settings: &ModelSettings) -> Result<ModelSettings, ApiError> {
    put(&format!("/wards/{ward}/models"), settings).await
}

/// The models' targets and deadlines the province gives its wards.
pub async fn province_models(province: i32) -> Result<ModelTargets, ApiError> {
    get(&format!("/provinces/{province}/models")).await
}

pub async fn set_province_models(
    province: i32,
    targets: &ModelTargets,
) -> Result<ModelTargets, ApiError> {
    put(&format!("/provinces/{province}/models"), targets).await
}

/// The ward's mentor network, or one TDP's.
pub async fn ambassadors(ward: i32, tdp: Option<Uuid>) -> Result<AmbassadorNetwork, ApiError> {
    let only = tdp.map(|t| format!("?tdp={t}")).unwrap_or_default();
    get(&format!("/wards/{ward}/ambassadors{only}")).await
}

pub async fn markets(ward: i32) -> Result<Vec<MarketSummary>, ApiError> {
    let answer: Result<Vec<MarketSummary>, _> = get(&format!("/wards/{ward}/markets")).await;
    if let Ok(markets) = &answer {
        local::keep_markets(ward, markets).await;
    }
    local::or(answer, || local::markets(ward)).await
}

pub async fn create_market(ward: i32, market: &NewMarket) -> Result<MarketSummary, ApiError> {
    post(&format!("/wards/{ward}/markets"), market).await
}

/// A market, or offline the copy kept when it was last read, with what was ticked since on
/// this phone.
pub async fn market(id: Uuid) -> Result<Market, ApiError> {
    let answer = get(&format!("/markets/{id}")).await;
    if let Ok(market) = &answer {
        local::keep_market(market).await;
    }
    local::or(answer, || local::market(id)).await
}

/// A resident as their page can show them.
#[derive(Clone)]
pub enum ResidentRecord {
    /// The server's record: skills with their days, history, consent, part in "Đại sứ số".
    Whole(Resident),
    /// Without signal, what the phone's copy of their household says: who they are, the
    /// skills they achieved, whether they left or withdrew their consent.
    Kept {
        household: Household,
        resident: ResidentSummary,
        achieved: Vec<Skill>,
    },
}

pub async fn resident(id: Uuid) -> Result<ResidentRecord, ApiError> {
    let answer = get(&format!("/residents/{id}")).await;
    local::or(answer.map(ResidentRecord::Whole), || async {
        let (household, resident, achieved) = local::resident(id).await?;
        Some(ResidentRecord::Kept {
            household,
            resident,
            achieved,
        })
    })
    .await
}

/// The household the phone's copy has a resident in, with no request.
pub async fn kept_home(resident: Uuid) -> Option<Uuid> {
    local::resident(resident)
        .await
        .map(|(household, ..)| household.id)
}

/// Everything held about a resident, for the ward admin to hand to them.
pub async fn resident_export(id: Uuid) -> Result<ResidentExport, ApiError> {
    get(&format!("/residents/{id}/export")).await
}

/// The same, as a file to download.
pub fn resident_export_url(id: Uuid) -> String {
    format!("{BASE}/residents/{id}/export")
}

/// Erases a resident's data at their request; they stay counted, unnamed.
pub async fn erase_resident(id: Uuid) -> Result<(), ApiError> {
    no_content(Request::post(&format!("{BASE}/residents/{id}/erasure"))).await
}

pub async fn sync_outbox(ward: i32, batch: &ChangeBatch) -> Result<Vec<SyncOutcome>, ApiError> {
    post(&format!("/wards/{ward}/sync/outbox"), batch).await
}

pub async fn sync_changes(ward: i32, since: Option<&str>) -> Result<SyncChanges, ApiError> {
    let query = since
        .map(|c| format!("?since={}", js_sys::encode_uri_component(c)))
        .unwrap_or_default();
    get(&format!("/wards/{ward}/sync/changes{query}")).await
}

/// The records a form is about to add again: the server's answer, or offline the phone's.
pub async fn duplicate_check(
    ward: i32,
    check: &DuplicateCheck,
) -> Result<LikelyDuplicates, ApiError> {
    local::or(
        post(&format!("/wards/{ward}/duplicate-check"), check).await,
        || local::duplicates(ward, check),
    )
    .await
}

pub async fn likely_duplicates(ward: i32) -> Result<Vec<LikelyDuplicate>, ApiError> {
    get(&format!("/wards/{ward}/likely-duplicates")).await
}

pub async fn dismiss_duplicate(ward: i32, id: i64) -> Result<(), ApiError> {
    no_content(Request::post(&format!(
        "{BASE}/wards/{ward}/likely-duplicates/{id}/dismiss"
    )))
    .await
}

/// Merges the copy of a resident or household (by `kind`) into the record that stays.
pub async fn merge_duplicate(
    kind: DuplicateKind,
    copy: Uuid,
    into_id: Uuid,
) -> Result<(), ApiError> {
    let body = MergeInto { into_id };
    match kind {
        DuplicateKind::Resident => post::<_, Resident>(&format!("/residents/{copy}/merge"), &body)
            .await
            .map(drop),
        DuplicateKind::Household => {
            post::<_, Household>(&format!("/households/{copy}/merge"), &body)
                .await
                .map(drop)
        }
    }
}

pub async fn conflicts(ward: i32) -> Result<Vec<SyncConflict>, ApiError> {
    get(&format!("/wards/{ward}/conflicts")).await
}

pub async fn resolve_conflict(ward: i32, id: i64, choice: ConflictChoice) -> Result<(), ApiError> {
    let req = Request::post(&format!("{BASE}/wards/{ward}/conflicts/{id}/resolve"))
        .json(&ConflictResolution { choice })
        .map_err(|_| ApiError::Network)?;
    check(req.send().await).await?;
    Ok(())
}

/// Every edit of a household and of its residents, newest first.
pub async fn household_edits(id: Uuid) -> Result<Vec<RecordEdit>, ApiError> {
    get(&format!("/households/{id}/edits")).await
}

/// Every edit of a resident, newest first.
pub async fn resident_edits(id: Uuid) -> Result<Vec<RecordEdit>, ApiError> {
    get(&format!("/residents/{id}/edits")).await
}

pub async fn edit_conflicts(ward: i32) -> Result<Vec<EditConflict>, ApiError> {
    get(&format!("/wards/{ward}/edit-conflicts")).await
}

pub async fn resolve_edit_conflict(ward: i32, id: i64, choice: EditChoice) -> Result<(), ApiError> {
    let req = Request::post(&format!("{BASE}/wards/{ward}/edit-conflicts/{id}/resolve"))
        .json(&EditResolution { choice })
        .map_err(|_| ApiError::Network)?;
    check(req.send().await).await?;
    Ok(())
}
