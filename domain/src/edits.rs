//! How an edit of a household or a resident joins the edits stored since the version it was
//! made against: field by field, the value set last (by the clock of the phone that set it)
//! wins, and the value that lost is kept for the team leader. An edit that sets only fields
//! nobody touched since is merged whole, however old its version.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::api::{EditField, Household, HouseholdFields, ResidentFields, ResidentSummary};

/// Field values by field: what an edit sets, or what a record holds.
pub type Values = BTreeMap<EditField, Value>;

/// The fields `fields` (a `HouseholdFields` or `ResidentFields`) sets.
pub fn values(fields: &impl Serialize) -> Values {
    match serde_json::to_value(fields) {
        Ok(Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| Some((EditField::parse(&k)?, v)))
            .collect(),
        _ => Values::new(),
    }
}

/// The fields of `T` set to `values`; a value of the wrong type is an error.
pub fn fields<T: DeserializeOwned>(values: &Values) -> serde_json::Result<T> {
    let map = values
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.clone()))
        .collect();
    serde_json::from_value(Value::Object(map))
}

/// An edit stored after the version another was made against.
#[derive(Debug, Clone)]
pub struct Since {
    pub made_at: DateTime<Utc>,
    pub fields: Vec<EditField>,
    /// Made by the same person as the edit merged: one person's edits follow each other,
    /// they never conflict.
    pub same_person: bool,
}

/// What becomes of one field of an edit.
#[derive(Debug, Clone, PartialEq)]
pub enum Fate {
    /// The record holds that value already: nothing to write.
    Same,
    /// Written: nobody set the field since the edit's version.
    Written,
    /// Written over the value an edit made earlier set since: that value is kept as the
    /// other side.
    WrittenOver(Value),
    /// Not written: an edit made later set the field since. This value is the other side.
    Lost,
    /// Not written: the same person set the field since, by an edit made later.
    Superseded,
}

/// Each field of `edit`, made at `made_at`, against the record's `current` values and the
/// edits stored since the edit's version. A tie goes to the stored value.
pub fn merge(
    edit: &Values,
    made_at: DateTime<Utc>,
    current: &Values,
    since: &[Since],
) -> Vec<(EditField, Fate)> {
    edit.iter()
        .map(|(&field, value)| {
            let fate = if current.get(&field) == Some(value) {
                Fate::Same
            } else {
                let last = since
                    .iter()
                    .filter(|s| s.fields.contains(&field))
                    .max_by_key(|s| s.made_at);
                match last {
                    None => Fate::Written,
                    Some(last) if made_at > last.made_at && last.same_person => Fate::Written,
                    Some(last) if made_at > last.made_at => {
                        Fate::WrittenOver(current.get(&field).cloned().unwrap_or(Value::Null))
                    }
                    Some(last) if last.same_person => Fate::Superseded,
                    Some(_) => Fate::Lost,
                }
            };
            (field, fate)
        })
        .collect()
}

impl HouseholdFields {
    pub fn is_empty(&self) -> bool {
        values(self).is_empty()
    }
}

impl HouseholdFields {
    /// The household as the edit leaves it, for a phone showing an edit not yet sent.
    pub fn apply_to(&self, h: &mut Household) {
        if let Some(address) = &self.address {
            h.address = address.trim().to_owned();
        }
        if let Some(head) = &self.head_name {
            h.head_name = crate::text::tidy_name(head);
        }
        if let Some(v) = self.elderly_alone {
            h.priority.elderly_alone = v;
        }
        if let Some(v) = self.disability {
            h.priority.disability = v;
        }
        if let Some(v) = self.poverty {
            h.priority.poverty = v;
        }
        if let Some(note) = &self.note {
            h.note = note.trim().to_owned();
        }
    }
}

impl ResidentFields {
    pub fn is_empty(&self) -> bool {
        values(self).is_empty()
    }

    /// The resident as the edit leaves them, for a phone showing an edit not yet sent; a move
    /// to another household is the phone's to make, between its households.
    pub fn apply_to(&self, r: &mut ResidentSummary) {
        if let Some(name) = &self.full_name {
            r.full_name = crate::text::tidy_name(name);
        }
        if let Some(year) = self.birth_year {
            r.birth_year = year;
        }
        if let Some(gender) = self.gender {
            r.gender = gender;
        }
        if let Some(note) = &self.note {
            r.note = note.trim().to_owned();
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;
    use crate::api::Gender;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, hour, 0, 0).unwrap()
    }

    fn resident(name: &str, year: i32) -> Values {
        values(&ResidentFields {
            full_name: Some(name.into()),
            birth_year: Some(year),
            gender: Some(Gender::Male),
            note: Some(String::new()),
            household_id: Some(uuid::Uuid::from_u128(1)),
        })
    }

    #[test]
    fn only_the_fields_set_are_values_and_they_read_back() {
        let edit = ResidentFields {
            birth_year: Some(1957),
            ..ResidentFields::default()
        };
        let v = values(&edit);
        assert_eq!(v, Values::from([(EditField::BirthYear, json!(1957))]));
        assert_eq!(fields::<ResidentFields>(&v).unwrap(), edit);
        assert!(ResidentFields::default().is_empty());
        let wrong = Values::from([(EditField::BirthYear, json!("năm"))]);
        assert!(fields::<ResidentFields>(&wrong).is_err());
        // A household field on a resident is refused, not dropped.
        let other = Values::from([(EditField::Address, json!("12 Ngõ 5"))]);
        assert!(fields::<ResidentFields>(&other).is_err());
    }

    #[test]
    fn two_moves_of_one_resident_made_apart_are_a_conflict_and_a_move_merges_with_a_rename() {
        let current = resident("Nguyễn Văn An", 1956);
        let (one, two) = (uuid::Uuid::from_u128(2), uuid::Uuid::from_u128(3));
        let moved_by_another = [Since {
            made_at: at(10),
            fields: vec![EditField::HouseholdId],
            same_person: false,
        }];
        let edit = values(&ResidentFields {
            household_id: Some(two),
            ..ResidentFields::default()
        });
        assert_eq!(
            merge(&edit, at(9), &current, &moved_by_another),
            [(EditField::HouseholdId, Fate::Lost)]
        );
        assert_eq!(
            merge(&edit, at(11), &current, &moved_by_another),
            [(
                EditField::HouseholdId,
                Fate::WrittenOver(json!(uuid::Uuid::from_u128(1)))
            )]
        );
        let renamed = [Since {
            made_at: at(10),
            fields: vec![EditField::FullName],
            same_person: false,
        }];
        let moved = values(&ResidentFields {
            household_id: Some(one),
            ..ResidentFields::default()
        });
        assert_eq!(
            merge(&moved, at(9), &current, &renamed),
            [(EditField::HouseholdId, Fate::Written)]
        );
    }

    #[test]
    fn an_edit_of_fields_nobody_touched_since_is_merged_however_old() {
        let current = resident("Nguyễn Văn An", 1956);
        let edit = Values::from([(EditField::BirthYear, json!(1957))]);
        let since = [Since {
            made_at: at(10),
            fields: vec![EditField::FullName],
            same_person: false,
        }];
        assert_eq!(
            merge(&edit, at(9), &current, &since),
            [(EditField::BirthYear, Fate::Written)]
        );
    }

    #[test]
    fn the_same_field_set_since_goes_to_the_one_made_last() {
        let current = resident("Nguyễn Văn An", 1958);
        let edit = Values::from([(EditField::BirthYear, json!(1957))]);
        let since = [
            Since {
                made_at: at(10),
                fields: vec![EditField::BirthYear],
                same_person: false,
            },
            Since {
                made_at: at(12),
                fields: vec![EditField::FullName],
                same_person: false,
            },
        ];
        // Made before the stored one: it loses, and is kept.
        assert_eq!(
            merge(&edit, at(9), &current, &since),
            [(EditField::BirthYear, Fate::Lost)]
        );
        // A tie goes to what is stored.
        assert_eq!(
            merge(&edit, at(10), &current, &since),
            [(EditField::BirthYear, Fate::Lost)]
        );
        // Made after it: it wins, and the stored value is kept.
        assert_eq!(
            merge(&edit, at(11), &current, &since),
            [(EditField::BirthYear, Fate::WrittenOver(json!(1958)))]
        );
    }

    #[test]
    fn one_persons_edits_follow_each_other_without_conflict() {
        let current = resident("Nguyễn Văn An", 1958);
        let edit = Values::from([(EditField::BirthYear, json!(1957))]);
        let since = [Since {
            made_at: at(10),
            fields: vec![EditField::BirthYear],
            same_person: true,
        }];
        assert_eq!(
            merge(&edit, at(11), &current, &since),
            [(EditField::BirthYear, Fate::Written)]
        );
        assert_eq!(
            merge(&edit, at(9), &current, &since),
            [(EditField::BirthYear, Fate::Superseded)]
        );
    }

    #[test]
    fn a_value_the_record_holds_already_is_no_conflict() {
        let current = resident("Nguyễn Văn An", 1957);
        let edit = Values::from([
            (EditField::BirthYear, json!(1957)),
            (EditField::Note, json!("Ở với con gái")),
        ]);
        let since = [Since {
            made_at: at(10),
            fields: vec![EditField::BirthYear, EditField::Note],
            same_person: false,
        }];
        assert_eq!(
            merge(&edit, at(9), &current, &since),
            [
                (EditField::BirthYear, Fate::Same),
                (EditField::Note, Fate::Lost)
            ]
        );
    }

    #[test]
    fn a_pending_edit_shows_on_the_phone() {
        let mut r = ResidentSummary {
            id: uuid::Uuid::nil(),
            household_id: uuid::Uuid::nil(),
            full_name: "Nguyen Van An".into(),
            birth_year: 1956,
            gender: Gender::Male,
            achieved: Vec::new(),
            consent_withdrawn: false,
            departure: None,
            version: 1,
            note: String::new(),
        };
        let edit = ResidentFields {
            full_name: Some("  Nguyễn  Văn An ".into()),
            ..ResidentFields::default()
        };
        edit.apply_to(&mut r);
        assert_eq!(
            (r.full_name.as_str(), r.birth_year),
            ("Nguyễn Văn An", 1956)
        );
    }
}
