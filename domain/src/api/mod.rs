//! Request and response bodies of the JSON API under `/api/v1`.
//!
//! Conventions, written down once: ids are UUIDs (v7, made by whoever creates the record, so
//! an offline phone can make them too); dates are `YYYY-MM-DD`; timestamps are RFC 3339 in
//! UTC; lists the client pages through take `limit` (default 50, at most 200) and `offset`.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

macro_rules! schema {
    ($($item:item)*) => {
        $(
            #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
            #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
            $item
        )*
    };
}

mod accounts;
mod activities;
mod campaigns;
mod dashboard;
mod edits;
mod households;
mod models;
mod places;
mod register;
mod residents;
mod tickets;
mod visits;

pub use accounts::*;
pub use activities::*;
pub use campaigns::*;
pub use dashboard::*;
pub use edits::*;
pub use households::*;
pub use models::*;
pub use places::*;
pub use register::*;
pub use residents::*;
pub use tickets::*;
pub use visits::*;

schema! {
    pub struct Health {
        /// `ok` when the server can reach its database.
        pub status: String,
        pub version: String,
    }
}

schema! {
    /// The server's backups, as the ward's admins see them on the audit page.
    pub struct BackupStatus {
        /// The newest backup in the server's folder; none if it has none.
        pub latest: Option<BackupSummary>,
        /// How many backups the folder keeps.
        pub kept: u32,
    }
}

schema! {
    pub struct BackupSummary {
        pub at: DateTime<Utc>,
        pub bytes: u64,
    }
}

impl BackupStatus {
    /// A backup older than this, or none at all, is a warning on the audit page.
    pub const STALE_AFTER: TimeDelta = TimeDelta::days(2);

    /// Whether the admins are warned at `now`.
    pub fn stale(&self, now: DateTime<Utc>) -> bool {
        self.latest
            .as_ref()
            .is_none_or(|b| now - b.at > Self::STALE_AFTER)
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
        round_trips(crate::access::ProvinceRole::ALL);
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
        round_trips(DuplicateKind::ALL);
        round_trips(DepartureReason::ALL);
        round_trips(EditField::ALL);
        round_trips(EditChoice::ALL);
        assert_eq!(TeamRole::TdpHead.as_str(), "tdp_head");
        assert_eq!(
            ActivityKind::parse("mobile_help_point"),
            Some(ActivityKind::MobileHelpPoint)
        );
        assert_eq!(SkillStatus::parse("done"), None);
    }

    #[test]
    fn a_change_says_its_kind_and_comes_after_what_it_refers_to() {
        let household = uuid::Uuid::now_v7();
        let resident = uuid::Uuid::now_v7();
        let change: FieldChange = serde_json::from_value(serde_json::json!({
            "kind": "visit", "household_id": household, "visited_on": "2026-12-06",
            "volunteer_ids": [], "satisfaction": null, "note": "",
            "help": [{ "resident_id": resident, "skill_id": household, "outcome": "achieved" }],
        }))
        .unwrap();
        assert_eq!(change.refers_to(), [household, resident]);
        let kinds = ["household", "resident", "visit", "void_visit"];
        let json = serde_json::to_value(&change).unwrap();
        assert_eq!(json["kind"], kinds[usize::from(change.stage())]);
        let new = NewResident {
            id: None,
            household_id: household,
            full_name: "Lê Văn Tám".into(),
            birth_year: 1950,
            gender: Gender::Male,
            consent: true,
        };
        let resident = FieldChange::Resident(new);
        assert!(resident.stage() < change.stage());
        assert_eq!(resident.refers_to(), [household]);
        let void = FieldChange::VoidVisit(VisitVoiding {
            visit_id: uuid::Uuid::now_v7(),
            reason: "Ghi nhầm".into(),
        });
        assert!(void.stage() > change.stage());
    }

    #[test]
    fn no_backup_or_one_older_than_two_days_is_a_warning() {
        let now = "2026-12-06T03:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let status = |hours_ago: Option<i64>| BackupStatus {
            latest: hours_ago.map(|h| BackupSummary {
                at: now - TimeDelta::hours(h),
                bytes: 1,
            }),
            kept: u32::from(hours_ago.is_some()),
        };
        assert!(status(None).stale(now));
        assert!(!status(Some(5)).stale(now));
        assert!(!status(Some(48)).stale(now));
        assert!(status(Some(49)).stale(now));
    }
}
