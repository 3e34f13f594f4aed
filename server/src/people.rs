//! Households and residents added by a team member: one at a time from the web, or many
//! from a phone's outbox; who guides each household; and each resident's consent. Every
//! check reads the whole lot in one query and every write is one statement, in the caller's
//! transaction.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use domain::FieldCode;
use domain::access::Action;
use domain::api::{AuditAction, ConsentChange, NewHousehold, NewResident, PURPOSE_VI};
use uuid::Uuid;

use crate::audit::Write;
use crate::auth::{Access, Place};
use crate::duplicates::{self, AddedHousehold, AddedResident};
use crate::error::{Error, Result};

/// Each one's outcome, by the index it came with: its id when it was stored.
pub type Outcomes = Vec<(usize, Result<Uuid>)>;

/// The outcome of the only one.
pub fn one(outcomes: Outcomes) -> Result<Uuid> {
    outcomes
        .into_iter()
        .next()
        .map(|(_, outcome)| outcome)
        .unwrap_or(Err(Error::Conflict))
}

/// Households, each in a TDP of the ward the person records in, under the id it comes with;
/// one that looks like another of its TDP is kept for the team leader too.
pub async fn add_households(
    tx: &mut Write,
    access: &Access,
    code: i32,
    new: &[(usize, &NewHousehold)],
    now: DateTime<Utc>,
) -> Result<Outcomes> {
    let tdps: HashMap<Uuid, i32> = sqlx::query!(
        "select id, ward_code from tdps where id = any($1)",
        &new.iter().map(|(_, h)| h.tdp_id).collect::<Vec<_>>()
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.ward_code))
    .collect();
    let reach = access.reach(code, Action::Record);
    let mut outcomes = Vec::with_capacity(new.len());
    let mut accepted = Vec::with_capacity(new.len());
    for &(index, h) in new {
        let checked = domain::validate::new_household(h)
            .map_err(Error::Validation)
            .and_then(|()| match tdps.get(&h.tdp_id) {
                None => Err(Error::field("tdp_id", FieldCode::UnknownReference)),
                Some(w) if *w != code => Err(Error::field("tdp_id", FieldCode::OtherWard)),
                Some(_) if !reach.includes(h.tdp_id) => Err(Error::Forbidden),
                Some(_) => Ok(()),
            });
        match checked {
            Ok(()) => accepted.push((index, h)),
            Err(e) => outcomes.push((index, Err(e))),
        }
    }
    let id = |h: &NewHousehold| h.id.unwrap_or_default();
    let inserted: HashSet<Uuid> = sqlx::query_scalar!(
        "insert into households (id, tdp_id, address, head_name, search, elderly_alone, disability,
                                 poverty, lat, lon)
         select * from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[],
                              $6::bool[], $7::bool[], $8::text[], $9::float8[], $10::float8[])
         on conflict (id) do nothing returning id",
        &accepted.iter().map(|(_, h)| id(h)).collect::<Vec<_>>(),
        &accepted.iter().map(|(_, h)| h.tdp_id).collect::<Vec<_>>(),
        &accepted
            .iter()
            .map(|(_, h)| h.address.trim().to_owned())
            .collect::<Vec<_>>(),
        &accepted
            .iter()
            .map(|(_, h)| h.head_name.trim().to_owned())
            .collect::<Vec<_>>(),
        &accepted
            .iter()
            .map(|(_, h)| domain::text::household_search(&h.address, &h.head_name))
            .collect::<Vec<_>>(),
        &accepted
            .iter()
            .map(|(_, h)| h.priority.elderly_alone)
            .collect::<Vec<_>>(),
        &accepted
            .iter()
            .map(|(_, h)| h.priority.disability)
            .collect::<Vec<_>>(),
        &accepted
            .iter()
            .map(|(_, h)| h.priority.poverty.as_str().to_owned())
            .collect::<Vec<_>>(),
        &accepted
            .iter()
            .map(|(_, h)| h.location.map(|l| l.lat))
            .collect::<Vec<_>>() as &[Option<f64>],
        &accepted
            .iter()
            .map(|(_, h)| h.location.map(|l| l.lon))
            .collect::<Vec<_>>() as &[Option<f64>],
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .collect();
    let audited: Vec<(Uuid, &NewHousehold)> = accepted
        .iter()
        .filter(|(_, h)| inserted.contains(&id(h)))
        .map(|&(_, h)| (id(h), h))
        .collect();
    tx.audit_all(code, AuditAction::Create, "households", &audited)
        .await?;
    let added: Vec<AddedHousehold> = audited
        .iter()
        .map(|(id, h)| AddedHousehold {
            id: *id,
            tdp: h.tdp_id,
            address: h.address.clone(),
        })
        .collect();
    duplicates::keep(tx, code, &[], &added, now).await?;
    outcomes.extend(accepted.iter().map(|&(index, h)| {
        let outcome = if inserted.contains(&id(h)) {
            Ok(id(h))
        } else {
            Err(Error::field("id", FieldCode::Duplicate))
        };
        (index, outcome)
    }));
    Ok(outcomes)
}

/// Residents, each in a household the person records in, under the id they come with, and
/// with their consent recorded `now` by the person; one who looks like someone of the ward is
/// kept for the team leader too.
pub async fn add_residents(
    tx: &mut Write,
    access: &Access,
    code: i32,
    new: &[(usize, &NewResident)],
    now: DateTime<Utc>,
) -> Result<Outcomes> {
    // Households created earlier in this transaction included.
    let places: HashMap<Uuid, Place> = sqlx::query!(
        "select h.id, t.ward_code, t.id as tdp
         from households h join tdps t on t.id = h.tdp_id
         where h.id = any($1) and h.erased_at is null",
        &new.iter().map(|(_, r)| r.household_id).collect::<Vec<_>>()
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| {
        let place = Place {
            ward: r.ward_code,
            tdp: r.tdp,
        };
        (r.id, place)
    })
    .collect();
    let mut outcomes = Vec::with_capacity(new.len());
    let mut accepted = Vec::with_capacity(new.len());
    for &(index, r) in new {
        let unknown = || Error::field("household_id", FieldCode::UnknownReference);
        let checked = domain::validate::new_resident(r, domain::time::day(now))
            .map_err(Error::Validation)
            .and_then(|()| {
                let place = *places.get(&r.household_id).ok_or_else(unknown)?;
                if place.ward != code {
                    return Err(Error::field("household_id", FieldCode::OtherWard));
                }
                match access.record(place, Action::Record) {
                    Err(Error::NotFound) => Err(unknown()),
                    checked => checked.map(|()| place),
                }
            });
        match checked {
            Ok(place) => accepted.push((index, r, place.tdp)),
            Err(e) => outcomes.push((index, Err(e))),
        }
    }
    let id = |r: &NewResident| r.id.unwrap_or_default();
    let names: Vec<String> = accepted
        .iter()
        .map(|(_, r, _)| domain::text::tidy_name(&r.full_name))
        .collect();
    let inserted: HashSet<Uuid> = sqlx::query_scalar!(
        "insert into residents (id, household_id, tdp_id, full_name, name_search, name_sort,
                                birth_year, gender, consent_at, consent_by, consent_purpose)
         select r.id, r.household_id, r.tdp_id, r.full_name, r.name_search, r.name_sort,
                r.birth_year, r.gender, $11, $9, $10
         from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[],
                     $7::int[], $8::text[])
             as r(id, household_id, tdp_id, full_name, name_search, name_sort, birth_year,
                  gender)
         on conflict (id) do nothing returning id",
        &accepted.iter().map(|(_, r, _)| id(r)).collect::<Vec<_>>(),
        &accepted
            .iter()
            .map(|(_, r, _)| r.household_id)
            .collect::<Vec<_>>(),
        &accepted.iter().map(|(.., tdp)| *tdp).collect::<Vec<_>>(),
        &names,
        &names
            .iter()
            .map(|n| domain::text::fold(n))
            .collect::<Vec<_>>(),
        &names
            .iter()
            .map(|n| domain::text::name_sort_key(n))
            .collect::<Vec<_>>(),
        &accepted
            .iter()
            .map(|(_, r, _)| r.birth_year)
            .collect::<Vec<_>>(),
        &accepted
            .iter()
            .map(|(_, r, _)| r.gender.as_str().to_owned())
            .collect::<Vec<_>>(),
        access.user.id,
        PURPOSE_VI,
        now,
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .collect();
    let audited: Vec<(Uuid, &NewResident)> = accepted
        .iter()
        .filter(|(_, r, _)| inserted.contains(&id(r)))
        .map(|&(_, r, _)| (id(r), r))
        .collect();
    tx.audit_all(code, AuditAction::Create, "residents", &audited)
        .await?;
    let added: Vec<AddedResident> = accepted
        .iter()
        .zip(&names)
        .filter(|((_, r, _), _)| inserted.contains(&id(r)))
        .map(|((_, r, tdp), name)| AddedResident {
            id: id(r),
            tdp: *tdp,
            name_search: domain::text::fold(name),
            birth_year: r.birth_year,
        })
        .collect();
    duplicates::keep(tx, code, &added, &[], now).await?;
    outcomes.extend(accepted.iter().map(|&(index, r, _)| {
        let outcome = if inserted.contains(&id(r)) {
            Ok(id(r))
        } else {
            Err(Error::field("id", FieldCode::Duplicate))
        };
        (index, outcome)
    }));
    Ok(outcomes)
}

/// Marks the resident who guides the rest of household `id` ("Gia đình số"), or clears it with
/// `None`, in the caller's transaction with its audit entry; the same again changes nothing.
pub async fn set_guide(
    tx: &mut Write,
    access: &Access,
    id: Uuid,
    resident: Option<Uuid>,
) -> Result<()> {
    let place = sqlx::query_as!(
        Place,
        "select t.ward_code as ward, t.id as tdp
         from households h join tdps t on t.id = h.tdp_id where h.id = $1 for update of h",
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(Error::NotFound)?;
    access.record(place, Action::Record)?;
    if let Some(resident) = resident {
        match sqlx::query_scalar!("select household_id from residents where id = $1", resident)
            .fetch_optional(&mut **tx)
            .await?
        {
            None => return Err(Error::field("resident_id", FieldCode::UnknownReference)),
            Some(h) if h != id => {
                return Err(Error::field("resident_id", FieldCode::OtherHousehold));
            }
            Some(_) => {}
        }
    }
    // `changed`: phones keeping this household pull it again (migration 0005).
    let updated = sqlx::query!(
        "update households set guide_id = $2, changed = pg_current_xact_id()
         where id = $1 and guide_id is distinct from $2",
        id,
        resident,
    )
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() > 0 {
        let choice = domain::api::GuideChoice {
            resident_id: resident,
        };
        tx.audit(place.ward, AuditAction::Update, "households", id, &choice)
            .await?;
    }
    Ok(())
}

/// Records resident `id`'s consent (Law 91/2025) as given, asked at the door with the purpose
/// read to them, or as withdrawn, in the caller's transaction with its audit entry; the same
/// state again (or a resident whose data was erased) changes nothing.
pub async fn consent(
    tx: &mut Write,
    access: &Access,
    id: Uuid,
    given: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let place = sqlx::query_as!(
        Place,
        "select t.ward_code as ward, t.id as tdp
         from residents r join tdps t on t.id = r.tdp_id where r.id = $1 for update of r",
        id
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(Error::NotFound)?;
    access.record(place, Action::Record)?;
    let changed = if given {
        sqlx::query!(
            "update residents set consent_at = $3, consent_by = $2, consent_purpose = $4,
                 consent_withdrawn_at = null, consent_withdrawn_by = null,
                 changed = pg_current_xact_id()
             where id = $1 and erased_at is null
                 and (consent_at is null or consent_withdrawn_at is not null)",
            id,
            access.user.id,
            now,
            PURPOSE_VI,
        )
    } else {
        sqlx::query!(
            "update residents set consent_withdrawn_at = $3, consent_withdrawn_by = $2,
                 changed = pg_current_xact_id()
             where id = $1 and erased_at is null and consent_withdrawn_at is null",
            id,
            access.user.id,
            now,
        )
    }
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if changed > 0 {
        let change = ConsentChange { given };
        tx.audit(place.ward, AuditAction::Update, "residents", id, &change)
            .await?;
    }
    Ok(())
}
