//! Wards, their TDPs and teams, and the map.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::dashboard::TdpIndicators;

schema! {
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

    /// The basemap under the ward map (`GET`/`PUT /wards/{code}/basemap`): none, or the address
    /// template of a tile server (`https://tile.openstreetmap.org/{z}/{x}/{y}.png`) with the
    /// credit it asks to be shown. Without one — or without internet — the map is drawn alone.
    #[derive(Default)]
    pub struct Basemap {
        pub tile_url: Option<String>,
        pub attribution: Option<String>,
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
}

schema! {
    /// A province's wards side by side, for its steering committee: counts only, never a name.
    pub struct ProvinceOverview {
        pub code: i32,
        pub name: String,
        pub computed_at: chrono::DateTime<chrono::Utc>,
        /// The Monday of the week `visits_this_week` counts.
        pub week_from: chrono::NaiveDate,
        /// The skills of the onboarded wards' catalogues, each once, in catalogue order: the
        /// columns a province's table shows.
        pub skills: Vec<SkillColumn>,
        /// Every ward of the official list, by name.
        pub wards: Vec<ProvinceWard>,
        /// Whether the person asking may start wards and make their admins.
        pub may_manage: bool,
    }

    /// One ward of a province.
    pub struct ProvinceWard {
        pub code: i32,
        pub name: String,
        /// `None` until the ward is onboarded ("chưa triển khai").
        pub standing: Option<WardStanding>,
    }

    /// Where an onboarded ward stands: its dashboard's totals and its week.
    pub struct WardStanding {
        pub tdps: i64,
        /// As the ward's dashboard counts them; `tdp_id` none.
        pub totals: TdpIndicators,
        /// The ward's skills in the order of `totals.skills`: each one's code, which is the
        /// same in every ward for the catalogue's skills, its target and its deadline.
        pub skills: Vec<SkillTarget>,
        pub visits_this_week: i64,
        /// Rapid-response tickets not yet resolved.
        pub open_tickets: i64,
        /// The emulation score against the ward's own targets (`domain::indicators::score`),
        /// and the ward's rank by it among the province's onboarded wards (1 for the first).
        pub score: f64,
        pub rank: usize,
    }

    pub struct SkillColumn {
        pub code: String,
        pub name_vi: String,
        pub name_en: String,
    }

    pub struct SkillTarget {
        pub code: String,
        pub target_percent: f64,
        pub deadline: chrono::NaiveDate,
    }

    /// A ward a province admin starts Ngõ Số in: it gets the movement's skills catalogue.
    pub struct NewProvinceWard {
        pub ward_code: i32,
    }

    /// A ward's first admin, made by the province's admin.
    pub struct NewWardAdmin {
        pub phone: String,
        pub full_name: String,
        pub password: String,
    }
}

schema! {
    /// A skill of a catalogue, with its target and deadline: a province's, which its wards
    /// inherit, or a ward's own copy.
    pub struct CatalogueSkill {
        /// Stable within a province: a ward's copy keeps its province's code.
        pub code: String,
        pub name_vi: String,
        pub name_en: String,
        /// The youngest age counted (15, 16 or 18).
        pub min_age: i32,
        pub target_percent: f64,
        pub deadline: chrono::NaiveDate,
        /// For a ward, what its province sets for the skill: the lowest target and the latest
        /// deadline the ward may choose. `None` on the province's own list, and for a skill
        /// the ward added itself.
        pub province: Option<TargetChange>,
        /// Set by the province, which alone may retire it (a ward's list only).
        pub from_province: bool,
    }

    /// A skill's new target and deadline.
    pub struct TargetChange {
        pub target_percent: f64,
        pub deadline: chrono::NaiveDate,
    }

    /// A skill a province or a ward adds to its catalogue, e.g. e-commerce. Its code is made
    /// from `name_vi`; `name_en` may be left empty and is then `name_vi`.
    pub struct NewSkill {
        pub name_vi: String,
        #[serde(default)]
        pub name_en: String,
        pub min_age: i32,
        pub target_percent: f64,
        pub deadline: chrono::NaiveDate,
    }
}

impl WardStanding {
    /// How many of the ward's skills are behind the pace to their deadline.
    pub fn skills_behind(&self) -> usize {
        self.totals
            .skills
            .iter()
            .filter(|f| f.progress == crate::indicators::Progress::Behind)
            .count()
    }

    /// Whether the ward needs the province's attention: no visit this week, or a skill behind.
    /// The province's table and its deck flag the same wards.
    pub fn flagged(&self) -> bool {
        self.visits_this_week == 0 || self.skills_behind() > 0
    }
}
