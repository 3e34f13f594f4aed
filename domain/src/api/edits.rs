//! Edits of households and residents, and what became of them: each record carries a version,
//! an edit says which version it was made against, and the server merges it field by field
//! (`crate::edits`). Two edits of the same field made apart are a conflict the team leader
//! settles, with both values kept.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::households::Poverty;
use super::residents::Gender;

schema! {
    /// The fields of a household an edit sets; those left out stay as they are. A misspelt
    /// field is refused rather than dropped.
    #[derive(Default)]
    #[serde(deny_unknown_fields)]
    pub struct HouseholdFields {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub address: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub head_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub elderly_alone: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub disability: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub poverty: Option<Poverty>,
        /// What the team should know about the household; never an identity number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub note: Option<String>,
    }

    /// The fields of a resident an edit sets; those left out stay as they are.
    #[derive(Default)]
    #[serde(deny_unknown_fields)]
    pub struct ResidentFields {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub full_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub birth_year: Option<i32>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub gender: Option<Gender>,
        /// What the team should know about them; never an identity number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub note: Option<String>,
        /// The household they moved to, in the same TDP or another of the ward: they take
        /// their history with them, and every count follows them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub household_id: Option<Uuid>,
    }

    /// An edit of a household from a phone's outbox, made when it was at `base_version`.
    pub struct HouseholdEdit {
        pub household_id: Uuid,
        pub base_version: i32,
        pub fields: HouseholdFields,
    }

    /// An edit of a resident from a phone's outbox, made when they were at `base_version`.
    pub struct ResidentEdit {
        pub resident_id: Uuid,
        pub base_version: i32,
        pub fields: ResidentFields,
    }

    /// One edit in the history of a household and its residents (`GET /households/{id}/edits`,
    /// `GET /residents/{id}/edits`), newest first: the version it made, when (by the phone's
    /// clock, set right by the server), by whom, and each field it set with the value before.
    /// A household's history holds the moves of residents out of it too.
    pub struct RecordEdit {
        /// The resident edited; none for the household itself.
        pub resident_id: Option<Uuid>,
        pub version: i32,
        pub made_at: DateTime<Utc>,
        /// The account's name; none once it is gone.
        pub by: Option<String>,
        pub fields: Vec<FieldEdit>,
    }

    /// A field's value before and after, as the edit set it; for `household_id`, the
    /// household's address as it is now, which is what a person reads.
    pub struct FieldEdit {
        pub field: EditField,
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub before: serde_json::Value,
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub after: serde_json::Value,
    }

    /// Two edits of the same field of a record, made apart (offline, on two phones): the
    /// record kept the one made later, and this keeps the other for the team leader
    /// (`GET /wards/{code}/edit-conflicts`). Values read as in [`FieldEdit`].
    pub struct EditConflict {
        pub id: i64,
        pub tdp_id: Uuid,
        /// The household, or the resident's.
        pub household_id: Uuid,
        /// The resident, when the record is one.
        pub resident_id: Option<Uuid>,
        /// The household's address, or the resident's name, as the record says now.
        pub record_name: String,
        pub field: EditField,
        /// The value the record kept.
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub kept: serde_json::Value,
        pub kept_by: Option<String>,
        /// The value that lost.
        #[cfg_attr(feature = "openapi", schema(value_type = Object))]
        pub other: serde_json::Value,
        pub other_by: Option<String>,
        pub found_at: DateTime<Utc>,
    }

    pub struct EditResolution {
        pub choice: EditChoice,
    }
}

choice! {
    /// A field an edit may set, of a household or of a resident.
    #[derive(PartialOrd, Ord)]
    pub enum EditField {
        Address,
        HeadName,
        ElderlyAlone,
        Disability,
        Poverty,
        FullName,
        BirthYear,
        Gender,
        Note,
        /// A resident's household: they moved.
        HouseholdId,
    }

    /// How a team leader settles two edits of one field.
    pub enum EditChoice {
        /// The value the record kept is right.
        KeepCurrent,
        /// The other value is right: it is written as a new edit.
        UseOther,
    }
}
