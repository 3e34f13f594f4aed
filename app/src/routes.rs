//! Every page's address, in one place: the route table and every link are built from these,
//! so they cannot drift apart. The words are Vietnamese because the addresses are read aloud
//! and shared by Vietnamese users.

use leptos_router::{ParamSegment, StaticSegment};
use uuid::Uuid;

pub use domain::pages::{CHECK_IN, CHECK_IN_CODE, INVITATION, PROJECTOR, PROVINCE, WARD};
pub const SEARCH: &str = "tim-kiem";
pub const MAP: &str = "ban-do";
pub const TDP: &str = "to";
pub const HOUSEHOLD: &str = "ho";
pub const RECORD_VISIT: &str = "ghi-nhan";
/// The visit the visit form corrects (`?sua=`).
pub const CORRECTS_QUERY: &str = "sua";
/// The change the server sent back that a page's form edits, to send it again (`?gui-lai=`).
pub const RESENDS_QUERY: &str = "gui-lai";
pub const RESIDENT: &str = "nguoi";
/// Everything held about a resident, under their page.
pub const DATA: &str = "du-lieu";
pub const ACCOUNTS: &str = "tai-khoan";
pub const AUDIT: &str = "nhat-ky";
pub const INVITATIONS: &str = "loi-moi";
/// The ward's settings for the movement's models.
pub const MODELS: &str = "mo-hinh";
/// The ward's digital ambassadors (Đại sứ số) and their learners.
pub const AMBASSADORS: &str = "dai-su-so";
/// The ward's markets and cooperatives (Chợ số), and one market.
pub const MARKETS: &str = "cho-so";
pub const MARKET: &str = "cho";
/// The ward's weekly report, for printing.
pub const WEEKLY: &str = "bao-cao-tuan";
/// The ward's classes and other activities, and one activity.
pub const ACTIVITIES: &str = "hoat-dong";
/// The ward's campaigns, and one campaign.
pub const CAMPAIGNS: &str = "chien-dich";
/// The rapid-response team's tickets, the form to open one, and one ticket.
pub const TICKETS: &str = "ung-cuu";
pub const NEW: &str = "moi";
/// The household a new ticket is about (`?ho=`).
pub const HOUSEHOLD_QUERY: &str = "ho";
/// Import of the ward's existing register of households and residents.
pub const REGISTER: &str = "nhap-so-ho";
/// The households the signed-in volunteer was sent to.
pub const MY_HOUSEHOLDS: &str = "ho-cua-toi";
/// The phone's sync status and the visits that need attention.
pub const SYNC: &str = "dong-bo";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Home,
    /// A province's wards side by side, for its roles.
    Province(i32),
    /// A province's wards as full-screen slides for the city's meetings.
    ProvinceProjector(i32),
    Dashboard(i32),
    Search(i32),
    /// The ward's TDPs on a map.
    Map(i32),
    /// The ward's briefing, full screen, for a projector; open without signing in.
    Projector(i32),
    Tdp(Uuid),
    Household(Uuid),
    RecordVisit(Uuid),
    /// The visit form, filled in with a visit of the household, to correct it.
    CorrectVisit(Uuid, Uuid),
    Resident(Uuid),
    ResidentData(Uuid),
    /// The signed-in person's own account.
    MyAccount,
    /// A ward's accounts and roles, for its admins.
    Accounts(i32),
    Audit(i32),
    /// What the ward judges the movement's models by.
    Models(i32),
    Ambassadors(i32),
    Markets(i32),
    Market(Uuid),
    MyHouseholds,
    Weekly(i32),
    RegisterImport(i32),
    /// The ward's schedule of classes and other activities.
    Activities(i32),
    Activity(Uuid),
    Campaigns(i32),
    Campaign(Uuid),
    /// The ward's rapid-response queue.
    Tickets(i32),
    /// The form to escalate a problem, about a household or (without one) a place.
    NewTicket(i32, Option<Uuid>),
    Ticket(Uuid),
    /// A TDP's invitations, for its team leader.
    Invitations(Uuid),
    Sync,
}

impl Route {
    pub fn path(self) -> String {
        match self {
            Self::Home => "/".into(),
            Self::Province(province) => format!("/{PROVINCE}/{province}"),
            Self::ProvinceProjector(province) => domain::pages::province_projector(province),
            Self::Dashboard(ward) => format!("/{WARD}/{ward}"),
            Self::Search(ward) => format!("/{WARD}/{ward}/{SEARCH}"),
            Self::Map(ward) => format!("/{WARD}/{ward}/{MAP}"),
            Self::Projector(ward) => domain::pages::projector(ward),
            Self::Tdp(id) => format!("/{TDP}/{id}"),
            Self::Household(id) => format!("/{HOUSEHOLD}/{id}"),
            Self::RecordVisit(id) => format!("/{HOUSEHOLD}/{id}/{RECORD_VISIT}"),
            Self::CorrectVisit(id, visit) => {
                format!("/{HOUSEHOLD}/{id}/{RECORD_VISIT}?{CORRECTS_QUERY}={visit}")
            }
            Self::Resident(id) => format!("/{RESIDENT}/{id}"),
            Self::ResidentData(id) => format!("/{RESIDENT}/{id}/{DATA}"),
            Self::MyAccount => format!("/{ACCOUNTS}"),
            Self::Accounts(ward) => format!("/{WARD}/{ward}/{ACCOUNTS}"),
            Self::Audit(ward) => format!("/{WARD}/{ward}/{AUDIT}"),
            Self::Models(ward) => format!("/{WARD}/{ward}/{MODELS}"),
            Self::Ambassadors(ward) => format!("/{WARD}/{ward}/{AMBASSADORS}"),
            Self::Markets(ward) => format!("/{WARD}/{ward}/{MARKETS}"),
            Self::Market(id) => format!("/{MARKET}/{id}"),
            Self::MyHouseholds => format!("/{MY_HOUSEHOLDS}"),
            Self::Weekly(ward) => format!("/{WARD}/{ward}/{WEEKLY}"),
            Self::RegisterImport(ward) => format!("/{WARD}/{ward}/{REGISTER}"),
            Self::Activities(ward) => format!("/{WARD}/{ward}/{ACTIVITIES}"),
            Self::Activity(id) => format!("/{ACTIVITIES}/{id}"),
            Self::Campaigns(ward) => format!("/{WARD}/{ward}/{CAMPAIGNS}"),
            Self::Campaign(id) => format!("/{CAMPAIGNS}/{id}"),
            Self::Tickets(ward) => format!("/{WARD}/{ward}/{TICKETS}"),
            Self::NewTicket(ward, None) => format!("/{WARD}/{ward}/{TICKETS}/{NEW}"),
            Self::NewTicket(ward, Some(household)) => {
                format!("/{WARD}/{ward}/{TICKETS}/{NEW}?{HOUSEHOLD_QUERY}={household}")
            }
            Self::Ticket(id) => format!("/{TICKETS}/{id}"),
            Self::Invitations(id) => format!("/{TDP}/{id}/{INVITATIONS}"),
            Self::Sync => format!("/{SYNC}"),
        }
    }

    /// The page with its form filled in with a change the server sent back, by the change's
    /// id: edited, it is sent again.
    pub fn resend(self, change: Uuid) -> String {
        let path = self.path();
        let join = if path.contains('?') { '&' } else { '?' };
        format!("{path}{join}{RESENDS_QUERY}={change}")
    }
}

/// The parameter names the route table uses.
pub const CODE: ParamSegment = ParamSegment("code");
pub const ID: ParamSegment = ParamSegment("id");
pub const TOKEN: ParamSegment = ParamSegment("token");

pub const fn segment(s: &'static str) -> StaticSegment<&'static str> {
    StaticSegment(s)
}
