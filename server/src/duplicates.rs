//! Likely duplicates (`domain::duplicates`): what a form is warned of before it adds a
//! household or a resident, and what is kept for the team leader when one is added all the
//! same — from a form that was warned, or from a phone that had no signal to ask.

use chrono::{DateTime, Utc};
use domain::api::{
    DuplicateCheck, DuplicateKind, DuplicateRecord, LikelyDuplicate, LikelyDuplicates, ResidentHit,
};
use domain::duplicates::same_address;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use crate::db::households::summaries;
use crate::error::Result;

/// At most this many of each kind come back: enough to recognise the one meant.
const LIMIT: i64 = 20;

/// Records of ward `code` like the one a form is about to add in `check.tdp_id`, among the
/// TDPs in `tdps` (`None`: the whole ward), those of its own TDP first.
pub async fn likely(
    db: &PgPool,
    code: i32,
    tdps: Option<&[Uuid]>,
    check: &DuplicateCheck,
) -> Result<LikelyDuplicates> {
    let residents = match (&check.full_name, check.birth_year) {
        (Some(name), Some(year)) => {
            sqlx::query_as!(
                ResidentHit,
                r#"select r.id, r.full_name, r.birth_year, r.household_id,
                          h.address as household_address, t.name as tdp_name
                   from residents r
                   join households h on h.id = r.household_id
                   join tdps t on t.id = r.tdp_id
                   where r.name_search = $1 and r.birth_year = $2 and r.erased_at is null
                       and t.ward_code = $3 and ($4::uuid[] is null or r.tdp_id = any($4))
                   order by r.tdp_id = $5 desc, r.name_sort, r.id
                   limit $6"#,
                domain::text::fold(name),
                year,
                code,
                tdps,
                check.tdp_id,
                LIMIT,
            )
            .fetch_all(db)
            .await?
        }
        _ => Vec::new(),
    };
    // Addresses are the TDP's own: the same one in another TDP is another house.
    let visible = tdps.is_none_or(|t| t.contains(&check.tdp_id));
    let households = match &check.address {
        Some(address) if visible => {
            let same: Vec<Uuid> = sqlx::query!(
                "select h.id, h.address from households h join tdps t on t.id = h.tdp_id
                 where h.tdp_id = $1 and t.ward_code = $2 and h.erased_at is null
                 order by h.id",
                check.tdp_id,
                code,
            )
            .fetch_all(db)
            .await?
            .into_iter()
            .filter(|h| same_address(address, &h.address))
            .map(|h| h.id)
            .take(LIMIT as usize)
            .collect();
            summaries(db, &same).await?
        }
        _ => Vec::new(),
    };
    Ok(LikelyDuplicates {
        households,
        residents,
    })
}

/// A resident just added, as its likeness is looked for.
pub struct AddedResident {
    pub id: Uuid,
    pub tdp: Uuid,
    pub name_search: String,
    pub birth_year: i32,
}

/// A household just added.
pub struct AddedHousehold {
    pub id: Uuid,
    pub tdp: Uuid,
    pub address: String,
}

/// Keeps, in the caller's transaction, each added record that looks like one of the ward's
/// (or like another added with it: that pair once). One statement per kind.
pub async fn keep(
    tx: &mut PgConnection,
    code: i32,
    residents: &[AddedResident],
    households: &[AddedHousehold],
    now: DateTime<Utc>,
) -> Result<()> {
    let added: Vec<Uuid> = residents.iter().map(|r| r.id).collect();
    sqlx::query!(
        "insert into likely_duplicates (ward_code, tdp_id, kind, added_id, existing_id, found_at)
         select $1, n.tdp_id, 'resident', n.id, r.id, $6
         from unnest($2::uuid[], $3::uuid[], $4::text[], $5::int[])
             as n(id, tdp_id, name_search, birth_year)
         join residents r on r.name_search = n.name_search and r.birth_year = n.birth_year
             and r.erased_at is null and r.id <> n.id
             and (r.id < n.id or not r.id = any($2))
         join tdps t on t.id = r.tdp_id and t.ward_code = $1
         on conflict do nothing",
        code,
        &added,
        &residents.iter().map(|r| r.tdp).collect::<Vec<_>>(),
        &residents
            .iter()
            .map(|r| r.name_search.clone())
            .collect::<Vec<_>>(),
        &residents.iter().map(|r| r.birth_year).collect::<Vec<_>>(),
        now,
    )
    .execute(&mut *tx)
    .await?;

    if households.is_empty() {
        return Ok(());
    }
    let tdps: Vec<Uuid> = households.iter().map(|h| h.tdp).collect();
    let added: Vec<Uuid> = households.iter().map(|h| h.id).collect();
    let neighbours = sqlx::query!(
        "select id, tdp_id, address from households
         where tdp_id = any($1) and erased_at is null",
        &tdps
    )
    .fetch_all(&mut *tx)
    .await?;
    let (mut tdp, mut new, mut existing) = (Vec::new(), Vec::new(), Vec::new());
    for h in households {
        for n in &neighbours {
            let once = n.id < h.id || !added.contains(&n.id);
            if n.tdp_id == h.tdp && n.id != h.id && once && same_address(&h.address, &n.address) {
                tdp.push(h.tdp);
                new.push(h.id);
                existing.push(n.id);
            }
        }
    }
    sqlx::query!(
        "insert into likely_duplicates (ward_code, tdp_id, kind, added_id, existing_id, found_at)
         select $1, d.tdp_id, 'household', d.added_id, d.existing_id, $5
         from unnest($2::uuid[], $3::uuid[], $4::uuid[]) as d(tdp_id, added_id, existing_id)
         on conflict do nothing",
        code,
        &tdp,
        &new,
        &existing,
        now,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The likely duplicates not yet settled in the TDPs in `tdps` (`None`: the whole ward),
/// newest first; one whose record was erased since is gone.
pub async fn open(db: &PgPool, code: i32, tdps: Option<&[Uuid]>) -> Result<Vec<LikelyDuplicate>> {
    let rows = sqlx::query!(
        r#"select d.id, d.kind as "kind: DuplicateKind", d.found_at, d.added_id, d.existing_id
           from likely_duplicates d
           where d.ward_code = $1 and d.dismissed_at is null
               and ($2::uuid[] is null or d.tdp_id = any($2))
           order by d.found_at desc, d.id desc
           limit 200"#,
        code,
        tdps,
    )
    .fetch_all(db)
    .await?;
    let ids: Vec<Uuid> = rows
        .iter()
        .flat_map(|r| [r.added_id, r.existing_id])
        .collect();
    let mut records: std::collections::HashMap<(DuplicateKind, Uuid), DuplicateRecord> =
        sqlx::query!(
            r#"select r.id, r.household_id, r.full_name as name, r.birth_year,
                      h.address, t.name as tdp_name
               from residents r join households h on h.id = r.household_id
               join tdps t on t.id = r.tdp_id
               where r.id = any($1) and r.erased_at is null"#,
            &ids
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|r| {
            let record = DuplicateRecord {
                id: r.id,
                household_id: r.household_id,
                name: r.name,
                birth_year: Some(r.birth_year),
                address: r.address,
                tdp_name: r.tdp_name,
            };
            ((DuplicateKind::Resident, r.id), record)
        })
        .collect();
    records.extend(
        sqlx::query!(
            "select h.id, h.head_name, h.address, t.name as tdp_name
             from households h join tdps t on t.id = h.tdp_id
             where h.id = any($1) and h.erased_at is null",
            &ids
        )
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|h| {
            let record = DuplicateRecord {
                id: h.id,
                household_id: h.id,
                name: h.head_name,
                birth_year: None,
                address: h.address,
                tdp_name: h.tdp_name,
            };
            ((DuplicateKind::Household, h.id), record)
        }),
    );
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let added = records.get(&(r.kind, r.added_id))?.clone();
            let existing = records.get(&(r.kind, r.existing_id))?.clone();
            Some(LikelyDuplicate {
                id: r.id,
                kind: r.kind,
                found_at: r.found_at,
                added,
                existing,
            })
        })
        .collect())
}
