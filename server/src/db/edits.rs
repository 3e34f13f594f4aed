//! The history of households and residents, and the conflicts their edits left.

use std::collections::HashMap;

use domain::api::{EditConflict, EditField, FieldEdit, RecordEdit};
use serde_json::{Map, Value};
use sqlx::PgPool;
use uuid::Uuid;

use crate::edits::Record;
use crate::error::Result;

/// Edits of a household and its residents (those who live there, and the moves of those who
/// left), or of one resident, newest first.
pub async fn history(db: &PgPool, record: Record) -> Result<Vec<RecordEdit>> {
    let (household, resident) = match record {
        Record::Household(id) => (Some(id), None),
        Record::Resident(id) => (None, Some(id)),
    };
    let rows = sqlx::query!(
        r#"select e.resident_id, e.version, e.made_at, u.full_name as "by?", e.fields,
                  e.previous
           from record_edits e left join users u on u.id = e.made_by
           where case when $2::uuid is null
                      then e.household_id = $1
                           or e.resident_id in (select id from residents where household_id = $1)
                           or $1::text in (e.fields ->> 'household_id',
                                           e.previous ->> 'household_id')
                      else e.resident_id = $2 end
           order by e.made_at desc, e.version desc limit 200"#,
        household,
        resident,
    )
    .fetch_all(db)
    .await?;
    let addresses = addresses(db, rows.iter().flat_map(|r| [&r.fields, &r.previous])).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let before = match r.previous {
                Value::Object(map) => map,
                _ => Map::new(),
            };
            let fields = match r.fields {
                Value::Object(map) => map
                    .into_iter()
                    .filter_map(|(k, after)| {
                        let field = EditField::parse(&k)?;
                        let before = before.get(&k).cloned().unwrap_or(Value::Null);
                        Some(FieldEdit {
                            field,
                            before: shown(field, before, &addresses),
                            after: shown(field, after, &addresses),
                        })
                    })
                    .collect(),
                _ => Vec::new(),
            };
            RecordEdit {
                resident_id: r.resident_id,
                version: r.version,
                made_at: r.made_at,
                by: r.by,
                fields,
            }
        })
        .collect())
}

/// Conflicts not settled in the ward, in the TDPs given (all with `None`), newest first.
pub async fn conflicts(db: &PgPool, code: i32, tdps: Option<&[Uuid]>) -> Result<Vec<EditConflict>> {
    let rows = sqlx::query!(
        r#"select c.id, c.tdp_id, coalesce(c.household_id, r.household_id) as "household_id!",
                  c.resident_id, coalesce(r.full_name, h.address) as "record_name!",
                  c.field as "field: EditField", c.kept, k.full_name as "kept_by?", c.other,
                  o.full_name as "other_by?", c.found_at
           from edit_conflicts c
           left join residents r on r.id = c.resident_id
           left join households h on h.id = c.household_id
           left join users k on k.id = c.kept_by
           left join users o on o.id = c.other_by
           where c.ward_code = $1 and c.resolved_at is null
               and ($2::uuid[] is null or c.tdp_id = any($2))
           order by c.found_at desc, c.id desc limit 200"#,
        code,
        tdps,
    )
    .fetch_all(db)
    .await?;
    let addresses = addresses(db, rows.iter().flat_map(|c| [&c.kept, &c.other])).await?;
    Ok(rows
        .into_iter()
        .map(|c| EditConflict {
            id: c.id,
            tdp_id: c.tdp_id,
            household_id: c.household_id,
            resident_id: c.resident_id,
            record_name: c.record_name,
            field: c.field,
            kept: shown(c.field, c.kept, &addresses),
            kept_by: c.kept_by,
            other: shown(c.field, c.other, &addresses),
            other_by: c.other_by,
            found_at: c.found_at,
        })
        .collect())
}

/// The addresses of the households that `values` (edits' fields, or a conflict's values)
/// name as a resident's household.
async fn addresses(
    db: &PgPool,
    values: impl Iterator<Item = &Value>,
) -> Result<HashMap<Uuid, String>> {
    let ids: Vec<Uuid> = values
        .filter_map(|v| match v {
            Value::Object(map) => map.get(EditField::HouseholdId.as_str()),
            v => Some(v),
        })
        .filter_map(|v| v.as_str()?.parse().ok())
        .collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(sqlx::query!(
        "select id, address from households where id = any($1)",
        &ids
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|h| (h.id, h.address))
    .collect())
}

/// A value as a person reads it: a household by its address.
fn shown(field: EditField, value: Value, addresses: &HashMap<Uuid, String>) -> Value {
    match (field, value.as_str().and_then(|v| v.parse::<Uuid>().ok())) {
        (EditField::HouseholdId, Some(id)) => addresses
            .get(&id)
            .map_or(value, |address| Value::String(address.clone())),
        _ => value,
    }
}
