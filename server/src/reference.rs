//! The official administrative units (34 provinces, 3,321 communes and wards), embedded from
//! `reference/divisions.json` (see `scripts/update-divisions.py`) and kept in the database so
//! that every ward is identified by its official code.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;
use sqlx::PgPool;

const DIVISIONS: &str = include_str!("../reference/divisions.json");

/// Each ward's province, from the same list [`load`] keeps the database in step with: a
/// province role's reach is checked on every request without asking the database.
static PROVINCE_OF: LazyLock<HashMap<i32, i32>> = LazyLock::new(|| {
    let divisions: Divisions = serde_json::from_str(DIVISIONS).expect("the embedded list");
    divisions
        .provinces
        .iter()
        .flat_map(|p| p.wards.iter().map(|(ward, _)| (*ward, p.code)))
        .collect()
});

/// The province of an official ward code; `None` for a code not in the list.
pub fn province_of(ward: i32) -> Option<i32> {
    PROVINCE_OF.get(&ward).copied()
}

#[derive(Deserialize)]
struct Divisions {
    provinces: Vec<Province>,
}

#[derive(Deserialize)]
struct Province {
    code: i32,
    name: String,
    wards: Vec<(i32, String)>,
}

/// Inserts or renames units so the tables match the embedded list; units are never deleted,
/// because TDPs and history refer to them.
pub async fn load(db: &PgPool) -> anyhow::Result<()> {
    let divisions: Divisions = serde_json::from_str(DIVISIONS)?;
    let (codes, names): (Vec<i32>, Vec<String>) = divisions
        .provinces
        .iter()
        .map(|p| (p.code, p.name.clone()))
        .unzip();
    let mut ward_codes = Vec::new();
    let mut ward_provinces = Vec::new();
    let mut ward_names = Vec::new();
    for p in &divisions.provinces {
        for (code, name) in &p.wards {
            ward_codes.push(*code);
            ward_provinces.push(p.code);
            ward_names.push(name.clone());
        }
    }
    let mut tx = db.begin().await?;
    sqlx::query!(
        "insert into provinces (code, name) select * from unnest($1::int[], $2::text[])
         on conflict (code) do update set name = excluded.name
         where provinces.name <> excluded.name",
        &codes,
        &names,
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "insert into wards (code, province_code, name)
         select * from unnest($1::int[], $2::int[], $3::text[])
         on conflict (code) do update set province_code = excluded.province_code, name = excluded.name
         where (wards.province_code, wards.name) <> (excluded.province_code, excluded.name)",
        &ward_codes,
        &ward_provinces,
        &ward_names,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_list_is_complete() {
        let d: Divisions = serde_json::from_str(DIVISIONS).unwrap();
        assert_eq!(d.provinces.len(), 34);
        assert_eq!(
            d.provinces.iter().map(|p| p.wards.len()).sum::<usize>(),
            3321
        );
        let ha_noi = d.provinces.iter().find(|p| p.code == 1).unwrap();
        assert!(ha_noi.wards.contains(&(619, "Phường Phú Diễn".to_owned())));
        assert_eq!(province_of(619), Some(1));
        assert_eq!(province_of(-1), None);
    }
}
