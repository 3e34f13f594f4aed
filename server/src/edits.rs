//! Edits of households and residents, merged field by field with the edits stored since the
//! version they were made against (`domain::edits`): a field nobody set since is written; a
//! field set since goes to the edit made last, and the value that lost is kept in
//! `edit_conflicts` for the team leader. Each edit that writes makes a new version, with its
//! values and those it replaced in `record_edits` (the record's history) and in the audit log.
//! A new name, birth year or address that looks like another record's is kept as a likely
//! duplicate, as when the record was added.

use chrono::{DateTime, Utc};
use domain::access::Action;
use domain::api::{
    AuditAction, EditChoice, EditField, Gender, HouseholdEdit, HouseholdFields, Poverty,
    ResidentEdit, ResidentFields,
};
use domain::edits::{Fate, Since, Values, fields, merge, values};
use serde_json::Value;
use uuid::Uuid;

use crate::audit::Write;
use crate::auth::{Access, Place};
use crate::duplicates::{self, AddedHousehold, AddedResident};
use crate::error::{Error, Result};

/// The record an edit is about.
#[derive(Debug, Clone, Copy)]
pub enum Record {
    Household(Uuid),
    Resident(Uuid),
}

impl Record {
    fn ids(self) -> (Option<Uuid>, Option<Uuid>) {
        match self {
            Self::Household(id) => (Some(id), None),
            Self::Resident(id) => (None, Some(id)),
        }
    }

    fn entity(self) -> &'static str {
        match self {
            Self::Household(_) => "households",
            Self::Resident(_) => "residents",
        }
    }

    fn id(self) -> Uuid {
        match self {
            Self::Household(id) | Self::Resident(id) => id,
        }
    }
}

/// An edit as the server takes it: whose clock it was made by, set right by the phone's skew.
pub struct Edit {
    /// The change's id, made on the phone: the new version's in the history.
    pub id: Uuid,
    pub record: Record,
    pub base_version: i32,
    pub values: Values,
    pub made_at: DateTime<Utc>,
}

impl Edit {
    pub fn household(id: Uuid, e: &HouseholdEdit, made_at: DateTime<Utc>) -> Result<Self> {
        domain::validate::household_edit(e).map_err(Error::Validation)?;
        Ok(Self {
            id,
            record: Record::Household(e.household_id),
            base_version: e.base_version,
            values: values(&tidy_household(&e.fields)),
            made_at,
        })
    }

    pub fn resident(
        id: Uuid,
        e: &ResidentEdit,
        made_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Self> {
        domain::validate::resident_edit(e, domain::time::day(now)).map_err(Error::Validation)?;
        Ok(Self {
            id,
            record: Record::Resident(e.resident_id),
            base_version: e.base_version,
            values: values(&tidy_resident(&e.fields)),
            made_at,
        })
    }
}

/// Texts as they are stored: trimmed, a name's words one space apart.
fn tidy_household(f: &HouseholdFields) -> HouseholdFields {
    HouseholdFields {
        address: f.address.as_deref().map(|a| a.trim().to_owned()),
        head_name: f.head_name.as_deref().map(domain::text::tidy_name),
        note: f.note.as_deref().map(|n| n.trim().to_owned()),
        ..f.clone()
    }
}

fn tidy_resident(f: &ResidentFields) -> ResidentFields {
    ResidentFields {
        full_name: f.full_name.as_deref().map(domain::text::tidy_name),
        note: f.note.as_deref().map(|n| n.trim().to_owned()),
        ..f.clone()
    }
}

/// A record as it stands, locked for the rest of the transaction.
struct Current {
    place: Place,
    version: i32,
    values: Values,
}

async fn current(tx: &mut Write, record: Record) -> Result<Current> {
    let current = match record {
        Record::Household(id) => sqlx::query!(
            r#"select t.ward_code, h.tdp_id, h.version, h.address, h.head_name, h.elderly_alone,
                      h.disability, h.poverty as "poverty: Poverty", h.note
               from households h join tdps t on t.id = h.tdp_id
               where h.id = $1 and h.erased_at is null
               for update of h"#,
            id
        )
        .fetch_optional(&mut **tx)
        .await?
        .map(|h| Current {
            place: Place {
                ward: h.ward_code,
                tdp: h.tdp_id,
            },
            version: h.version,
            values: values(&HouseholdFields {
                address: Some(h.address),
                head_name: Some(h.head_name),
                elderly_alone: Some(h.elderly_alone),
                disability: Some(h.disability),
                poverty: Some(h.poverty),
                note: Some(h.note),
            }),
        }),
        Record::Resident(id) => sqlx::query!(
            r#"select t.ward_code, r.tdp_id, r.version, r.full_name, r.birth_year,
                      r.gender as "gender: Gender", r.note, r.household_id
               from residents r join tdps t on t.id = r.tdp_id
               where r.id = $1 and r.erased_at is null
               for update of r"#,
            id
        )
        .fetch_optional(&mut **tx)
        .await?
        .map(|r| Current {
            place: Place {
                ward: r.ward_code,
                tdp: r.tdp_id,
            },
            version: r.version,
            values: values(&ResidentFields {
                full_name: Some(r.full_name),
                birth_year: Some(r.birth_year),
                gender: Some(r.gender),
                note: Some(r.note),
                household_id: Some(r.household_id),
            }),
        }),
    };
    current.ok_or(Error::NotFound)
}

/// An edit stored since, with who made it.
struct Stored {
    since: Since,
    by: Option<Uuid>,
}

/// The edits of `record` stored after `version`, seen from an edit by `by`.
async fn stored_since(
    tx: &mut Write,
    record: Record,
    version: i32,
    by: Uuid,
) -> Result<Vec<Stored>> {
    let (household, resident) = record.ids();
    let rows = sqlx::query!(
        r#"select made_at, made_by, array(select jsonb_object_keys(fields)) as "fields!"
           from record_edits
           where (household_id = $1 or resident_id = $2) and version > $3"#,
        household,
        resident,
        version
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Stored {
            since: Since {
                made_at: r.made_at,
                fields: r
                    .fields
                    .iter()
                    .filter_map(|f| EditField::parse(f))
                    .collect(),
                same_person: r.made_by == Some(by),
            },
            by: r.made_by,
        })
        .collect())
}

/// Merges `edit` into its record for the signed-in person, in the caller's transaction. Any
/// team member of the record's TDP may edit it; a record erased, or out of reach, is not found.
pub async fn edit(tx: &mut Write, access: &Access, edit: &Edit, now: DateTime<Utc>) -> Result<()> {
    let current = current(tx, edit.record).await?;
    access.record(current.place, Action::Record)?;
    if edit.base_version > current.version {
        return Err(Error::field("base_version", domain::FieldCode::OutOfRange));
    }
    let since = stored_since(tx, edit.record, edit.base_version, access.user.id).await?;
    let fates = merge(
        &edit.values,
        edit.made_at,
        &current.values,
        &since.iter().map(|s| s.since.clone()).collect::<Vec<_>>(),
    );
    // Who set a field last since the edit's version.
    let last_by = |field: EditField| {
        since
            .iter()
            .filter(|s| s.since.fields.contains(&field))
            .max_by_key(|s| s.since.made_at)
            .and_then(|s| s.by)
    };
    let mut written = Values::new();
    let mut conflicts = Vec::new();
    for (field, fate) in fates {
        let value = edit.values[&field].clone();
        let held = current.values.get(&field).cloned().unwrap_or(Value::Null);
        match fate {
            Fate::Same | Fate::Superseded => {}
            Fate::Written => {
                written.insert(field, value);
            }
            Fate::WrittenOver(lost) => {
                written.insert(field, value.clone());
                conflicts.push(Conflict {
                    field,
                    kept: value,
                    kept_by: Some(access.user.id),
                    other: lost,
                    other_by: last_by(field),
                });
            }
            Fate::Lost => conflicts.push(Conflict {
                field,
                kept: held,
                kept_by: last_by(field),
                other: value,
                other_by: Some(access.user.id),
            }),
        }
    }
    if !written.is_empty() {
        write(tx, access, edit, &current, &written, now).await?;
    }
    keep_conflicts(tx, edit, current.place, &conflicts, now).await
}

/// Readies resident `id`'s move from their household to `household` of the same ward, where
/// the person may record too: the household they leave loses them as its guide, and phones
/// that keep it pull it again, without them. Their visits stay with the households visited;
/// their skills, classes, tickets and mentors go with them (the foreign keys cascade, and the
/// counts the database keeps follow through their triggers). Answers where they go.
async fn moving(
    tx: &mut Write,
    access: &Access,
    id: Uuid,
    household: Uuid,
    from: Place,
) -> Result<Place> {
    let unknown = || Error::field("fields.household_id", domain::FieldCode::UnknownReference);
    let to = sqlx::query!(
        "select t.ward_code, h.tdp_id from households h join tdps t on t.id = h.tdp_id
         where h.id = $1 and h.erased_at is null
         for share of h",
        household
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(unknown)?;
    let to = Place {
        ward: to.ward_code,
        tdp: to.tdp_id,
    };
    if to.ward != from.ward {
        return Err(unknown());
    }
    access.record(to, Action::Record).map_err(|e| match e {
        Error::NotFound => unknown(),
        e => e,
    })?;
    sqlx::query!(
        "update households
         set guide_id = case when guide_id = $1 then null else guide_id end,
             changed = pg_current_xact_id()
         where id = (select household_id from residents where id = $1)",
        id
    )
    .execute(&mut **tx)
    .await?;
    Ok(to)
}

/// Two values of one field: the one the record kept and the other.
struct Conflict {
    field: EditField,
    kept: Value,
    kept_by: Option<Uuid>,
    other: Value,
    other_by: Option<Uuid>,
}

/// Writes the values to the record as its next version, with its history row and audit entry.
async fn write(
    tx: &mut Write,
    access: &Access,
    edit: &Edit,
    current: &Current,
    written: &Values,
    now: DateTime<Utc>,
) -> Result<()> {
    let bad = |e: serde_json::Error| Error::from(anyhow::Error::from(e));
    let version = match edit.record {
        Record::Household(id) => {
            let f: HouseholdFields = fields(written).map_err(bad)?;
            let text = |field| {
                written
                    .get(&field)
                    .or_else(|| current.values.get(&field))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let search = domain::text::household_search(
                &text(EditField::Address),
                &text(EditField::HeadName),
            );
            let version = sqlx::query_scalar!(
                "update households set address = coalesce($2, address),
                     head_name = coalesce($3, head_name), search = $4,
                     elderly_alone = coalesce($5, elderly_alone),
                     disability = coalesce($6, disability), poverty = coalesce($7, poverty),
                     note = coalesce($8, note), version = version + 1,
                     changed = pg_current_xact_id()
                 where id = $1 returning version",
                id,
                f.address,
                f.head_name,
                search,
                f.elderly_alone,
                f.disability,
                f.poverty.map(Poverty::as_str),
                f.note,
            )
            .fetch_one(&mut **tx)
            .await?;
            if f.address.is_some() {
                let moved = AddedHousehold {
                    id,
                    tdp: current.place.tdp,
                    address: text(EditField::Address),
                };
                duplicates::keep(tx, current.place.ward, &[], &[moved], now).await?;
            }
            version
        }
        Record::Resident(id) => {
            let f: ResidentFields = fields(written).map_err(bad)?;
            let to = match f.household_id {
                Some(household) => Some(moving(tx, access, id, household, current.place).await?),
                None => None,
            };
            let r = sqlx::query!(
                "update residents set full_name = coalesce($2, full_name),
                     name_search = coalesce($3, name_search), name_sort = coalesce($4, name_sort),
                     birth_year = coalesce($5, birth_year), gender = coalesce($6, gender),
                     note = coalesce($7, note), household_id = coalesce($8, household_id),
                     tdp_id = coalesce($9, tdp_id), version = version + 1,
                     changed = pg_current_xact_id()
                 where id = $1 returning version, name_search, birth_year, tdp_id",
                id,
                f.full_name,
                f.full_name.as_deref().map(domain::text::fold),
                f.full_name.as_deref().map(domain::text::name_sort_key),
                f.birth_year,
                f.gender.map(Gender::as_str),
                f.note,
                f.household_id,
                to.map(|p| p.tdp),
            )
            .fetch_one(&mut **tx)
            .await?;
            if let Some(to) = to {
                // The team leader of the TDP they live in now settles their likely duplicates.
                sqlx::query!(
                    "update likely_duplicates set tdp_id = $2
                     where kind = 'resident' and added_id = $1 and tdp_id <> $2",
                    id,
                    to.tdp
                )
                .execute(&mut **tx)
                .await?;
            }
            if f.full_name.is_some() || f.birth_year.is_some() {
                let renamed = AddedResident {
                    id,
                    tdp: r.tdp_id,
                    name_search: r.name_search,
                    birth_year: r.birth_year,
                };
                duplicates::keep(tx, current.place.ward, &[renamed], &[], now).await?;
            }
            r.version
        }
    };
    let previous: Values = written
        .keys()
        .map(|&k| {
            let held = current.values.get(&k).cloned().unwrap_or(Value::Null);
            (k, held)
        })
        .collect();
    let (household, resident) = edit.record.ids();
    sqlx::query!(
        "insert into record_edits (id, ward_code, household_id, resident_id, version,
                                   base_version, fields, previous, made_at, made_by, stored_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        edit.id,
        current.place.ward,
        household,
        resident,
        version,
        edit.base_version,
        serde_json::to_value(written).map_err(bad)?,
        serde_json::to_value(&previous).map_err(bad)?,
        edit.made_at,
        access.user.id,
        now,
    )
    .execute(&mut **tx)
    .await?;
    let change = serde_json::json!({ "version": version, "fields": written });
    tx.audit(
        current.place.ward,
        AuditAction::Update,
        edit.record.entity(),
        edit.record.id(),
        &change,
    )
    .await
}

async fn keep_conflicts(
    tx: &mut Write,
    edit: &Edit,
    place: Place,
    conflicts: &[Conflict],
    now: DateTime<Utc>,
) -> Result<()> {
    if conflicts.is_empty() {
        return Ok(());
    }
    let (household, resident) = edit.record.ids();
    sqlx::query!(
        "insert into edit_conflicts (ward_code, tdp_id, household_id, resident_id, field, kept,
                                     kept_by, other, other_by, edit_id, found_at)
         select $1, $2, $3, $4, c.field, c.kept, c.kept_by, c.other, c.other_by, $10, $11
         from unnest($5::text[], $6::jsonb[], $7::uuid[], $8::jsonb[], $9::uuid[])
             as c(field, kept, kept_by, other, other_by)
         on conflict (edit_id, field) do nothing",
        place.ward,
        place.tdp,
        household,
        resident,
        &conflicts
            .iter()
            .map(|c| c.field.as_str().to_owned())
            .collect::<Vec<_>>(),
        &conflicts.iter().map(|c| c.kept.clone()).collect::<Vec<_>>(),
        &conflicts.iter().map(|c| c.kept_by).collect::<Vec<_>>() as &[Option<Uuid>],
        &conflicts
            .iter()
            .map(|c| c.other.clone())
            .collect::<Vec<_>>(),
        &conflicts.iter().map(|c| c.other_by).collect::<Vec<_>>() as &[Option<Uuid>],
        edit.id,
        now,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Settles conflict `id` of ward `code` for a team leader of its TDP: the record keeps its
/// value, or takes the other one as a new edit. Settling it again the same way changes
/// nothing; the other way answers 409.
pub async fn resolve(
    tx: &mut Write,
    access: &Access,
    code: i32,
    id: i64,
    choice: EditChoice,
    now: DateTime<Utc>,
) -> Result<()> {
    let c = sqlx::query!(
        r#"select tdp_id, household_id, resident_id, field, other,
                  resolution as "resolution: EditChoice"
           from edit_conflicts where id = $1 and ward_code = $2 for update"#,
        id,
        code
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(Error::NotFound)?;
    access.tdp(code, c.tdp_id, Action::ManageTeam)?;
    match c.resolution {
        Some(r) if r == choice => return Ok(()),
        Some(_) => return Err(Error::Conflict),
        None => {}
    }
    if choice == EditChoice::UseOther {
        let record = match (c.household_id, c.resident_id) {
            (Some(h), _) => Record::Household(h),
            (None, Some(r)) => Record::Resident(r),
            (None, None) => return Err(Error::NotFound),
        };
        let field = EditField::parse(&c.field).ok_or(Error::Conflict)?;
        let current = current(tx, record).await?;
        let edit = Edit {
            id: Uuid::now_v7(),
            record,
            base_version: current.version,
            values: Values::from([(field, c.other)]),
            made_at: now,
        };
        if current.values.get(&field) != edit.values.get(&field) {
            write(tx, access, &edit, &current, &edit.values, now).await?;
        }
    }
    sqlx::query!(
        "update edit_conflicts set resolved_at = $3, resolved_by = $4, resolution = $2
         where id = $1",
        id,
        choice.as_str(),
        now,
        access.user.id,
    )
    .execute(&mut **tx)
    .await?;
    tx.audit(code, AuditAction::Update, "edit_conflicts", id, &choice)
        .await?;
    Ok(())
}
