//! Request and response bodies of the JSON API under `/api/v1`.
//!
//! Conventions, written down once: ids are UUIDs (v7, made by whoever creates the record, so
//! an offline phone can make them too); dates are `YYYY-MM-DD`; timestamps are RFC 3339 in
//! UTC; lists the client pages through take `limit` (default 50, at most 200) and `offset`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::Role;
use crate::indicators::Progress;

macro_rules! schema {
    ($($item:item)*) => {
        $(
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
            $item
        )*
    };
}

schema! {
    pub struct Health {
        /// `ok` when the server can reach its database.
        pub status: String,
        pub version: String,
    }

    /// A commune or ward (xã/phường) from the official list, identified by its code.
    pub struct Ward {
        pub code: i32,
        pub name: String,
        pub province_code: i32,
        pub province_name: String,
    }

    /// A residential group (tổ dân phố, thôn/bản) of a ward.
    pub struct Tdp {
        pub id: Uuid,
        pub ward_code: i32,
        /// The ward's own short code, e.g. `TDP-07`.
        pub code: String,
        pub name: String,
        /// Households on the ward's register: the denominator of visit coverage.
        pub households_registered: i32,
        /// Adults on the ward's register: the denominator of skill shares.
        pub adults_registered: i32,
    }

    pub struct NewTdp {
        pub code: String,
        pub name: String,
        pub households_registered: i32,
        pub adults_registered: i32,
    }

    /// A member of a TDP's community digital technology team (tổ công nghệ số cộng đồng).
    pub struct TeamMember {
        pub id: Uuid,
        pub tdp_id: Uuid,
        pub full_name: String,
        pub role: TeamRole,
        pub phone: Option<String>,
    }

    pub struct NewTeamMember {
        pub full_name: String,
        pub role: TeamRole,
        pub phone: Option<String>,
    }

    /// A TDP with its team, for the TDP page.
    pub struct TdpDetail {
        pub tdp: Tdp,
        pub team: Vec<TeamMember>,
        pub indicators: TdpIndicators,
    }

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
    }

    /// Who guides the rest of a household (`PUT /households/{id}/guide`); `null` clears it. A
    /// misspelt field is refused rather than read as `null`.
    #[serde(deny_unknown_fields)]
    pub struct GuideChoice {
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

    /// A point on the map (WGS84).
    #[derive(Copy)]
    pub struct Location {
        pub lat: f64,
        pub lon: f64,
    }

    /// A household on the ward map, for those who may see it.
    pub struct HouseholdPoint {
        pub id: Uuid,
        pub tdp_id: Uuid,
        pub location: Location,
        pub visited: bool,
    }

    pub struct ResidentSummary {
        pub id: Uuid,
        pub household_id: Uuid,
        pub full_name: String,
        pub birth_year: i32,
        pub gender: Gender,
        /// Codes of the skills this resident has achieved.
        pub achieved: Vec<String>,
    }

    pub struct Resident {
        pub id: Uuid,
        pub household_id: Uuid,
        pub household_address: String,
        pub tdp: Tdp,
        pub full_name: String,
        pub birth_year: i32,
        pub gender: Gender,
        pub skills: Vec<ResidentSkill>,
        /// Every time a visit helped this resident, newest first.
        pub history: Vec<HelpRecord>,
        /// The resident's own mentor record, when they are a digital ambassador.
        pub mentor_id: Option<Uuid>,
        /// The digital ambassador guiding this resident.
        pub learns_from: Option<MentorRef>,
        /// Classes and other activities attended, newest first.
        #[serde(default)]
        pub activities: Vec<AttendedActivity>,
    }

    /// No identity-card (CCCD) number: the product stores the least personal data it can.
    pub struct NewResident {
        pub id: Option<Uuid>,
        pub household_id: Uuid,
        pub full_name: String,
        pub birth_year: i32,
        pub gender: Gender,
    }

    /// A resident's current status for one skill, and the visit or the activity that
    /// established it (one of the two).
    pub struct ResidentSkill {
        pub skill_id: Uuid,
        pub skill_code: String,
        pub skill_name: String,
        pub status: SkillStatus,
        pub since: NaiveDate,
        pub visit_id: Option<Uuid>,
        pub activity_id: Option<Uuid>,
    }

    /// A skill or service the ward tracks. Data, not code: each ward edits its own catalogue.
    pub struct Skill {
        pub id: Uuid,
        pub ward_code: i32,
        pub code: String,
        pub name_vi: String,
        pub name_en: String,
        /// The youngest age counted (15, 16 or 18).
        pub min_age: i32,
        pub target_percent: f64,
        pub deadline: NaiveDate,
        pub position: i32,
    }

    pub struct NewVisit {
        /// Made by the client (UUIDv7) so that sending the same visit twice records it once.
        pub id: Option<Uuid>,
        pub household_id: Uuid,
        pub visited_on: NaiveDate,
        pub volunteer_ids: Vec<Uuid>,
        pub help: Vec<HelpItem>,
        /// The household's rating of the help, 1 (poor) to 5 (very satisfied).
        pub satisfaction: Option<i32>,
        pub note: String,
    }

    /// One resident helped with one skill during a visit.
    #[derive(Eq)]
    pub struct HelpItem {
        pub resident_id: Uuid,
        pub skill_id: Uuid,
        pub outcome: SkillStatus,
    }

    pub struct Visit {
        pub id: Uuid,
        pub household_id: Uuid,
        pub visited_on: NaiveDate,
        pub volunteers: Vec<TeamMember>,
        pub help: Vec<HelpRecord>,
        pub satisfaction: Option<i32>,
        pub note: String,
        /// When the server received it (the visit date is the volunteer's).
        pub recorded_at: DateTime<Utc>,
    }

    /// Visits from a phone's outbox, sent together.
    pub struct VisitBatch {
        /// The phone's clock when it sent the batch: how far off that clock is.
        pub sent_at: DateTime<Utc>,
        pub visits: Vec<OutboxVisit>,
    }

    pub struct OutboxVisit {
        /// When the phone recorded the visit, by its own clock.
        pub recorded_at: DateTime<Utc>,
        /// Its `id` is required: it is what makes sending again safe.
        pub visit: NewVisit,
    }

    /// What became of one visit of a batch, in the batch's order.
    pub struct SyncOutcome {
        pub id: Option<Uuid>,
        pub status: SyncStatus,
        pub fields: Vec<crate::FieldError>,
    }

    /// What a phone keeps to work offline in one ward (`GET /wards/{code}/sync/changes`): the
    /// households of the TDPs where its person is on the team, whole, changed since `since`.
    pub struct SyncChanges {
        /// Sent back as `since` on the next pull (opaque: what the server had seen).
        pub cursor: String,
        /// Everything rather than changes (no `since` was given): the phone replaces what it had.
        pub full: bool,
        pub ward: Ward,
        pub skills: Vec<Skill>,
        pub models: ModelSettings,
        /// The TDPs whose households the phone keeps, always whole; households of any other
        /// TDP are no longer the person's to keep.
        pub tdps: Vec<TdpDetail>,
        pub households: Vec<Household>,
    }

    /// What a GeoJSON file of TDP boundaries gives (`POST /wards/{code}/boundaries`): checked
    /// whole before anything is saved, and with `preview` not saved at all.
    pub struct BoundaryImport {
        pub matched: Vec<BoundaryMatch>,
        /// Codes of the ward's TDPs the file gives no boundary; they keep the one they had.
        pub missing: Vec<String>,
        pub saved: bool,
    }

    /// A feature of the file and the TDP it is the boundary of.
    pub struct BoundaryMatch {
        /// Its index among the file's features.
        pub feature: usize,
        pub tdp_id: Uuid,
        pub tdp_code: String,
        pub tdp_name: String,
        pub area_km2: f64,
    }

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

    /// An activity to schedule (`POST /wards/{code}/activities`). Times are instants; the app
    /// enters and shows them in Vietnam's time (UTC+7).
    pub struct NewActivity {
        /// Made by the client, so that sending the same activity twice schedules it once.
        pub id: Uuid,
        pub kind: ActivityKind,
        pub title: String,
        /// The TDP it is for; none for the whole ward.
        pub tdp_id: Option<Uuid>,
        pub place: String,
        pub starts_at: DateTime<Utc>,
        pub ends_at: DateTime<Utc>,
        pub organiser: String,
        /// The skills it teaches, by id, from the ward's catalogue.
        pub topics: Vec<Uuid>,
        pub capacity: Option<i32>,
    }

    /// An activity as the schedule shows it. No attendee is named, so anyone in the ward may
    /// read it.
    pub struct Activity {
        pub id: Uuid,
        pub ward_code: i32,
        pub kind: ActivityKind,
        pub title: String,
        pub tdp_id: Option<Uuid>,
        pub tdp_name: Option<String>,
        pub place: String,
        pub starts_at: DateTime<Utc>,
        pub ends_at: DateTime<Utc>,
        pub organiser: String,
        pub topics: Vec<Uuid>,
        pub capacity: Option<i32>,
        /// Attendees from the register.
        pub attendees: i64,
        /// People who came without being on the register: counted, never named.
        pub unregistered: i32,
        /// When the organiser last confirmed what the attendees learnt.
        pub confirmed_at: Option<DateTime<Utc>>,
    }

    /// An activity with the attendees the person may see (`GET /activities/{id}`).
    pub struct ActivityDetail {
        pub activity: Activity,
        pub attendees: Vec<Attendee>,
        /// Attendees living in TDPs whose people the person may not see: counted only.
        pub attendees_elsewhere: i64,
    }

    pub struct Attendee {
        pub resident_id: Uuid,
        pub full_name: String,
        pub birth_year: i32,
        pub household_address: String,
        pub tdp_name: String,
        /// What the organiser confirmed this attendee learnt; none before confirming.
        pub outcome: Option<SkillStatus>,
    }

    /// Who came (`PUT /activities/{id}/attendance`): the whole list as far as the person's
    /// TDPs go; attendees from other TDPs stay as they are.
    pub struct Attendance {
        pub resident_ids: Vec<Uuid>,
        pub unregistered: i32,
        /// Confirms a count above the activity's capacity.
        #[serde(default)]
        pub over_capacity: bool,
    }

    /// What the attendees learnt (`PUT /activities/{id}/learning`): those listed achieved the
    /// activity's topics, the other attendees are on their way. Skill statuses only move
    /// forward, as with visits.
    pub struct Learning {
        pub achieved: Vec<Uuid>,
    }

    /// A code attendees check themselves in with (`POST /activities/{id}/check-in-codes`): the
    /// check-in page's address and the same as a QR code (SVG), to show on a projector or a
    /// phone. It works until an hour after the activity ends.
    pub struct CheckInCode {
        pub url: String,
        pub qr_svg: String,
        pub expires_at: DateTime<Utc>,
    }

    /// What the check-in page shows (`GET /activities/{id}/check-in?code=`): the activity, and
    /// nothing about who came. Open to anyone holding the code.
    pub struct CheckInActivity {
        pub ward_name: String,
        pub kind: ActivityKind,
        pub title: String,
        pub place: String,
        pub starts_at: DateTime<Utc>,
        pub ends_at: DateTime<Utc>,
    }

    /// An attendee checking in (`POST /activities/{id}/check-in`). Someone found in the ward's
    /// register by name (diacritics optional) and birth year is added to the attendees; anyone
    /// else is counted as not on the register. The answer is the same either way, so the page
    /// tells nobody who is on the register.
    pub struct CheckIn {
        /// Made by the phone, so that a check-in sent twice counts once.
        pub id: Uuid,
        pub code: String,
        pub full_name: String,
        pub birth_year: i32,
    }

    /// An activity a resident attended, on the resident's page.
    pub struct AttendedActivity {
        pub activity_id: Uuid,
        pub kind: ActivityKind,
        pub title: String,
        pub starts_at: DateTime<Utc>,
        pub outcome: Option<SkillStatus>,
    }

    /// A problem the TDP's team could not solve, escalated to the ward's rapid-response team
    /// (`POST /wards/{code}/tickets`): about a household (and one of its residents), or about
    /// a place in a TDP.
    pub struct NewTicket {
        /// Made by the client, so that sending the same ticket twice opens it once.
        pub id: Uuid,
        pub household_id: Option<Uuid>,
        pub resident_id: Option<Uuid>,
        /// Without a household: the TDP the place is in, and the place.
        pub tdp_id: Option<Uuid>,
        pub place: Option<String>,
        /// The skill it is about, from the ward's catalogue ("VNeID level 2"...).
        pub skill_id: Option<Uuid>,
        pub title: String,
        /// What was tried and what went wrong. Never an identity-card number.
        pub description: String,
    }

    /// A ticket as the queue shows it. It names the household or place, so only those who may
    /// see the TDP's people read it.
    pub struct Ticket {
        pub id: Uuid,
        pub ward_code: i32,
        pub tdp_id: Uuid,
        pub tdp_name: String,
        pub household_id: Option<Uuid>,
        pub household_address: Option<String>,
        pub resident_id: Option<Uuid>,
        pub resident_name: Option<String>,
        pub place: Option<String>,
        pub skill_id: Option<Uuid>,
        pub title: String,
        pub description: String,
        pub status: TicketStatus,
        pub assignee_id: Option<Uuid>,
        pub assignee_name: Option<String>,
        pub opened_by_name: String,
        pub opened_at: DateTime<Utc>,
        /// When it was resolved; none while it is open.
        pub resolved_at: Option<DateTime<Utc>>,
    }

    /// A ticket with its history (`GET /tickets/{id}`).
    pub struct TicketDetail {
        pub ticket: Ticket,
        /// Oldest first: opened, each assignment, status change and comment.
        pub events: Vec<TicketEvent>,
        /// Whom it can be assigned to: the ward's rapid-response team (and its admins). Empty
        /// for those who may not assign.
        pub responders: Vec<ResponderRef>,
    }

    pub struct TicketEvent {
        pub at: DateTime<Utc>,
        pub author_name: String,
        pub kind: TicketEventKind,
        /// The status it moved to, for `opened` and `status`.
        pub status: Option<TicketStatus>,
        /// Who it was assigned to, for `assigned`; none when it was unassigned.
        pub assignee_name: Option<String>,
        /// A comment, or the note given with a status change.
        pub text: Option<String>,
    }

    pub struct ResponderRef {
        pub user_id: Uuid,
        pub full_name: String,
    }

    /// A comment on a ticket (`POST /tickets/{id}/comments`).
    pub struct NewComment {
        /// Made by the client, so that a comment sent twice is added once.
        pub id: Uuid,
        pub text: String,
    }

    /// Who handles a ticket (`PUT /tickets/{id}/assignee`); none takes it back to the queue.
    pub struct TicketAssignment {
        pub assignee_id: Option<Uuid>,
    }

    /// A ticket's new status (`PUT /tickets/{id}/status`), with a note saying what was done:
    /// required to resolve it, so that the team learns how.
    pub struct TicketStatusChange {
        pub status: TicketStatus,
        #[serde(default)]
        pub note: String,
    }

    /// The ward's tickets in figures (`GET /wards/{code}/tickets/figures`), for the dashboard.
    pub struct TicketFigures {
        pub open: i64,
        pub in_progress: i64,
        /// Resolved in the last 30 days, and the median time they took, in hours.
        pub resolved_30_days: i64,
        pub median_hours_30_days: Option<f64>,
        /// TDPs with tickets not yet resolved, most first.
        pub tdps: Vec<TdpTickets>,
    }

    pub struct TdpTickets {
        pub tdp_id: Uuid,
        pub code: String,
        pub name: String,
        pub open: i64,
        pub in_progress: i64,
    }

    /// The tickets of a week, for the weekly report.
    #[derive(Default)]
    pub struct TicketWeek {
        pub opened: i64,
        pub resolved: i64,
        /// Still unresolved at the end of the week.
        pub unresolved: i64,
        /// The median time the week's resolved tickets took, in hours.
        pub median_hours: Option<f64>,
    }

    /// What a register file (.xlsx, .xls, .ods or .csv) gives
    /// (`POST /wards/{code}/register`): how it was read, its columns, and for each row what
    /// importing it would do. With `preview`, nothing is saved; without, everything or nothing.
    pub struct RegisterImport {
        /// `xlsx`, `xls`, `ods` or `csv`.
        pub format: String,
        /// How a CSV file's text was written: `UTF-8`, `UTF-16LE`, `UTF-16BE` or `windows-1258`.
        pub encoding: Option<String>,
        /// The line read as the column headings, counted from 1 as the spreadsheet does.
        pub header_line: usize,
        pub columns: Vec<ImportColumn>,
        /// The mapping the rows were read with: the one asked for, or else the one suggested by
        /// the headings.
        pub mapping: ColumnMapping,
        /// Why the mapping cannot be used (`mapping.full_name`: `required`…); rows are read only
        /// when there is none.
        pub mapping_problems: Vec<crate::FieldError>,
        /// Headings of columns of identity-card numbers (CCCD/CMND), which are never read.
        pub ignored_id_columns: Vec<String>,
        /// Every row with something in the mapped columns, in the file's order.
        pub rows: Vec<ImportRow>,
        pub households_new: usize,
        pub residents_new: usize,
        pub saved: bool,
    }

    /// A column of a register file: its heading and the first few values under it.
    pub struct ImportColumn {
        pub index: usize,
        pub heading: String,
        pub samples: Vec<String>,
    }

    /// One row of a register file, read.
    pub struct ImportRow {
        /// Its line in the file, counted from 1.
        pub line: usize,
        pub outcome: RowOutcome,
        /// The TDP it was matched to, by code.
        pub tdp_code: Option<String>,
        pub address: String,
        pub head_name: String,
        pub full_name: String,
        pub birth_year: Option<i32>,
        /// For a `repeated` row, the line it repeats.
        pub same_as: Option<usize>,
        /// For an `invalid` row, what is wrong, by field (`tdp`, `birth_year`…).
        pub problems: Vec<crate::FieldError>,
    }

    pub struct ConflictResolution {
        pub choice: ConflictChoice,
    }

    /// A client id that arrived again with other content, kept for a person to resolve.
    pub struct SyncConflict {
        pub id: i64,
        pub entity: String,
        pub client_id: Uuid,
        pub tdp_id: Uuid,
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub received: serde_json::Value,
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub stored: serde_json::Value,
        pub received_at: DateTime<Utc>,
        /// Who sent the conflicting copy.
        pub user_name: Option<String>,
    }

    pub struct HelpRecord {
        pub visit_id: Uuid,
        pub visited_on: NaiveDate,
        pub resident_id: Uuid,
        pub resident_name: String,
        pub skill_id: Uuid,
        pub skill_name: String,
        pub outcome: SkillStatus,
    }

    /// The ward dashboard: every skill and model ward-wide and per TDP, visit coverage and
    /// satisfaction.
    pub struct Dashboard {
        pub ward: Ward,
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
    /// them.
    pub struct Briefing {
        pub ward: Ward,
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
    }

    /// The basemap under the ward map (`GET`/`PUT /wards/{code}/basemap`): none, or the address
    /// template of a tile server (`https://tile.openstreetmap.org/{z}/{x}/{y}.png`) with the
    /// credit it asks to be shown. Without one — or without internet — the map is drawn alone.
    #[derive(Default)]
    pub struct Basemap {
        pub tile_url: Option<String>,
        pub attribution: Option<String>,
    }

    /// The movement's models, as a ward judges them: its targets, thresholds and the skills
    /// each model asks of a person. Data, not code.
    pub struct ModelSettings {
        /// "Gia đình số": the share of households to reach (%).
        pub family_target: f64,
        /// Codes of the skills that make a household's guide digitally capable.
        pub family_skills: Vec<String>,
        /// "Mỗi công dân – Một danh tính số": the share of residents aged 16+ to reach (%).
        pub identity_target: f64,
        /// Codes of the skills a digital identity is made of: VNeID level 2 and a payment
        /// account, unless the ward says otherwise.
        pub identity_skills: Vec<String>,
        /// "Đại sứ số": the learners each mentor should guide.
        pub ambassador_quota: i32,
        /// "Chợ số": the share of a market's stalls taking cashless payment that earns it the
        /// "chợ không dùng tiền mặt" badge (%).
        pub cashless_market_percent: f64,
    }

    /// How many of a population count, as a share and against its target.
    #[derive(Default)]
    pub struct Figure {
        pub achieved: i64,
        pub population: i64,
        pub share: Option<f64>,
        pub progress: Progress,
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

    pub struct SkillFigure {
        pub skill_id: Uuid,
        pub achieved: i64,
        pub population: i64,
        pub share: Option<f64>,
        pub progress: Progress,
    }

    pub struct SearchResults {
        pub households: Vec<HouseholdSummary>,
        pub residents: Vec<ResidentHit>,
    }

    pub struct ResidentHit {
        pub id: Uuid,
        pub full_name: String,
        pub birth_year: i32,
        pub household_id: Uuid,
        pub household_address: String,
        pub tdp_name: String,
    }
}

schema! {
    /// One role a person holds.
    pub struct Grant {
        pub ward_code: i32,
        pub ward_name: String,
        pub role: Role,
        /// The TDP of a team role; `None` for the ward-wide roles.
        pub tdp_id: Option<Uuid>,
        pub tdp_name: Option<String>,
    }

    /// The signed-in person.
    pub struct Me {
        pub id: Uuid,
        pub phone: String,
        pub full_name: String,
        pub grants: Vec<Grant>,
    }

    /// What the app asks first: who is signed in and, on a demo server only, the demo accounts.
    pub struct SessionInfo {
        pub user: Option<Me>,
        pub demo_accounts: Vec<DemoAccount>,
    }

    /// A demo ward's account, shown on the sign-in page of a server started with `--demo`.
    pub struct DemoAccount {
        pub phone: String,
        pub password: String,
        pub role: Role,
        pub full_name: String,
    }

    pub struct SignIn {
        pub phone: String,
        pub password: String,
    }

    pub struct PasswordChange {
        pub current_password: String,
        pub new_password: String,
    }

    /// A person's account, as the ward's admins see it.
    pub struct Account {
        pub id: Uuid,
        pub phone: String,
        pub full_name: String,
        /// A disabled account cannot sign in and its sessions are over.
        pub disabled: bool,
        /// False until the person has set a password (an accepted invitation or an admin).
        pub has_password: bool,
        /// Only the roles in the ward the list was asked for.
        pub grants: Vec<Grant>,
        pub created_at: DateTime<Utc>,
    }

    /// An account made by a ward admin, with its first role in that ward.
    pub struct NewAccount {
        pub phone: String,
        pub full_name: String,
        pub password: String,
        pub role: Role,
        pub tdp_id: Option<Uuid>,
    }

    pub struct AccountChange {
        pub disabled: bool,
    }

    pub struct NewGrant {
        pub role: Role,
        pub tdp_id: Option<Uuid>,
    }

    /// A team leader's invitation for one volunteer of their TDP.
    pub struct NewInvitation {
        pub full_name: String,
    }

    pub struct Invitation {
        pub id: Uuid,
        pub tdp_id: Uuid,
        pub full_name: String,
        pub created_at: DateTime<Utc>,
        pub expires_at: DateTime<Utc>,
        pub status: InvitationStatus,
    }

    /// Answered once, when the invitation is made: only a hash of the token is stored, so the
    /// link cannot be shown again.
    pub struct CreatedInvitation {
        pub invitation: Invitation,
        /// Goes into the link `/moi/<token>`.
        pub token: String,
        /// The whole link, for sending by Zalo or SMS.
        pub link: String,
        /// The link as a QR code (an SVG document), for scanning from the leader's phone.
        pub qr_svg: String,
    }

    /// What the invitation page shows before the volunteer chooses a password.
    pub struct InvitationPreview {
        pub ward_name: String,
        pub tdp_name: String,
        pub full_name: String,
        pub expires_at: DateTime<Utc>,
    }

    pub struct AcceptInvitation {
        pub phone: String,
        pub password: String,
    }

    /// One create/update/delete, as the append-only audit log keeps it.
    pub struct AuditEntry {
        pub id: i64,
        pub at: DateTime<Utc>,
        pub user_id: Option<Uuid>,
        pub user_name: Option<String>,
        pub action: AuditAction,
        /// The table's name, e.g. `households`.
        pub entity: String,
        pub entity_id: String,
        /// The record as written (for a create), or the fields changed.
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub change: serde_json::Value,
    }
}

choice! {
    /// A team member's role, as the ward's decisions name them.
    pub enum TeamRole {
        /// Tổ trưởng tổ công nghệ số cộng đồng.
        Leader,
        /// Bí thư chi bộ.
        PartySecretary,
        /// Trưởng tổ dân phố.
        TdpHead,
        /// Đoàn viên thanh niên.
        YouthUnion,
        /// Công an khu vực.
        Police,
        /// Nhân viên viễn thông.
        Telecom,
        /// Giáo viên, sinh viên.
        TeacherStudent,
        Other,
    }

    /// A market (chợ), or in a rural ward a cooperative (hợp tác xã) of farmers.
    pub enum MarketKind {
        Market,
        Cooperative,
    }

    pub enum Gender {
        Female,
        Male,
        Other,
    }

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

    pub enum InvitationStatus {
        Pending,
        Accepted,
        Revoked,
        Expired,
    }

    pub enum SyncStatus {
        Stored,
        AlreadyStored,
        Conflict,
        Invalid,
        Refused,
    }

    /// How a team leader settles a conflict.
    pub enum ConflictChoice {
        /// The stored visit is right: the copy sent again is let go.
        KeepStored,
        /// They were two visits: the copy sent again is recorded too, under a new id.
        KeepBoth,
    }

    /// What kind of activity: the movement's classes, help points and sessions.
    pub enum ActivityKind {
        /// Lớp học cộng đồng.
        CommunityClass,
        /// Lớp cho người cao tuổi.
        ElderlyClass,
        /// Lớp cho người khuyết tật.
        DisabilityClass,
        /// Điểm "Bình dân học vụ số lưu động".
        MobileHelpPoint,
        /// Sinh hoạt chi bộ chuyên đề "Đảng viên tiên phong học tập kỹ năng số".
        PartyCellSession,
        /// Chiến dịch thanh niên.
        YouthCampaign,
        Other,
    }

    /// Where a ticket stands.
    pub enum TicketStatus {
        /// Escalated, waiting for someone to take it on.
        Open,
        /// Someone of the rapid-response team is on it.
        InProgress,
        Resolved,
    }

    pub enum TicketEventKind {
        Opened,
        Assigned,
        Status,
        Comment,
    }

    /// What importing one row of a register file does.
    pub enum RowOutcome {
        /// A resident the register does not have yet: imported.
        New,
        /// Already in the register (same household, name and birth year): left as it is.
        Existing,
        /// The same person as an earlier row of the file: imported once.
        Repeated,
        /// Something is wrong with the row; the file cannot be imported until it is fixed.
        Invalid,
    }

    pub enum AuditAction {
        Create,
        Update,
        Delete,
    }

    /// A resident's status for a skill.
    pub enum SkillStatus {
        /// Shown how, not yet able alone (đang hướng dẫn).
        InProgress,
        /// Can do it / has it (đã đạt): this is what the indicators count.
        Achieved,
    }
}

impl SkillFigure {
    /// The figure without its skill, to show like any other.
    pub fn figure(&self) -> Figure {
        Figure {
            achieved: self.achieved,
            population: self.population,
            share: self.share,
            progress: self.progress,
        }
    }
}

impl Priority {
    /// Elderly living alone, disability or (near-)poverty: visited first.
    pub fn any(&self) -> bool {
        self.elderly_alone || self.disability || self.poverty != Poverty::None
    }
}

/// Which column of a register file holds what, by index from 0 (query parameters of
/// `POST /wards/{code}/register`). Households are told apart either by a column naming each
/// row's household head, or by a relation column ("Quan hệ với chủ hộ") where a row saying
/// "Chủ hộ" starts a household and the rows under it are its members.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ColumnMapping {
    pub tdp: Option<usize>,
    pub address: Option<usize>,
    pub head_name: Option<usize>,
    pub relation: Option<usize>,
    pub full_name: Option<usize>,
    pub birth_year: Option<usize>,
    pub gender: Option<usize>,
}

impl ColumnMapping {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Each field with its column, in the order the mapping form shows them.
    pub fn fields(&self) -> [(&'static str, Option<usize>); 7] {
        [
            ("tdp", self.tdp),
            ("address", self.address),
            ("head_name", self.head_name),
            ("relation", self.relation),
            ("full_name", self.full_name),
            ("birth_year", self.birth_year),
            ("gender", self.gender),
        ]
    }

    pub fn set(&mut self, field: &str, column: Option<usize>) {
        let slot = match field {
            "tdp" => &mut self.tdp,
            "address" => &mut self.address,
            "head_name" => &mut self.head_name,
            "relation" => &mut self.relation,
            "full_name" => &mut self.full_name,
            "birth_year" => &mut self.birth_year,
            "gender" => &mut self.gender,
            _ => return,
        };
        *slot = column;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant's `as_str` is its serde name, and `parse` reads it back.
    fn round_trips<T>(all: &[T])
    where
        T: Copy + PartialEq + std::fmt::Debug + Serialize + Into<&'static str> + std::str::FromStr,
    {
        assert!(!all.is_empty());
        for &v in all {
            let name: &'static str = v.into();
            assert_eq!(serde_json::to_value(v).unwrap(), name, "{v:?}");
            assert_eq!(name.parse::<T>().ok(), Some(v), "{v:?}");
        }
    }

    #[test]
    fn every_choice_has_one_name_in_json_the_database_and_forms() {
        round_trips(crate::access::Role::ALL);
        round_trips(TeamRole::ALL);
        round_trips(MarketKind::ALL);
        round_trips(Gender::ALL);
        round_trips(Poverty::ALL);
        round_trips(HouseholdFilter::ALL);
        round_trips(InvitationStatus::ALL);
        round_trips(SyncStatus::ALL);
        round_trips(ConflictChoice::ALL);
        round_trips(ActivityKind::ALL);
        round_trips(TicketStatus::ALL);
        round_trips(TicketEventKind::ALL);
        round_trips(RowOutcome::ALL);
        round_trips(AuditAction::ALL);
        round_trips(SkillStatus::ALL);
        assert_eq!(TeamRole::TdpHead.as_str(), "tdp_head");
        assert_eq!(
            ActivityKind::parse("mobile_help_point"),
            Some(ActivityKind::MobileHelpPoint)
        );
        assert_eq!(SkillStatus::parse("done"), None);
    }
}
