//! Erasing a resident's data at their request (Law 91/2025/QH15, the right to deletion).
//!
//! The resident stays a row, so that every figure keeps counting them: their skills, the
//! visits to their household, their attendance. What could tell who they were goes:
//! - their name, and their birth year beyond the bucket the counts need (`birth_bucket`);
//! - the household's head's name, when they were the head;
//! - the household's address and location, when nobody else is left in it;
//! - the notes and texts that name them: visit notes, tickets about them, kept sync conflicts,
//!   and what the household's voided visits said;
//! - the audit log's values about their records, or holding their name (who changed which
//!   record and when stays).
//!
//! Phones that keep the household offline get the erased records at their next sync.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::{Error, Result};

/// What an erasure wrote, for the audit log: field names only.
#[derive(Debug, serde::Serialize)]
pub struct Erased {
    pub household_id: Uuid,
    /// The household's own fields erased with the resident's.
    pub household: Vec<&'static str>,
    pub visit_notes: usize,
    pub tickets: usize,
    pub audit_entries: i64,
}

/// Erases resident `id` in one transaction (the caller's). `None` when they were erased
/// already: asking twice is one erasure.
pub async fn erase(tx: &mut PgConnection, id: Uuid) -> Result<Option<Erased>> {
    let Some(r) = sqlx::query!(
        r#"select r.full_name, r.household_id, r.erased_at is not null as "erased!",
                  h.head_name, h.address
           from residents r join households h on h.id = r.household_id
           where r.id = $1
           for update of r, h"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Err(Error::NotFound);
    };
    if r.erased {
        return Ok(None);
    }
    let name = r.full_name;
    let folded = domain::text::fold(&name);
    let names = |text: &str| domain::text::fold(text).contains(&folded);

    let mut household = Vec::new();
    let head = domain::text::fold(&r.head_name) == folded;
    if head {
        household.push("head_name");
    }
    let others = sqlx::query_scalar!(
        r#"select exists (select from residents
                          where household_id = $1 and id <> $2 and erased_at is null)
           as "others!""#,
        r.household_id,
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    if !others {
        household.extend(["address", "location"]);
    }
    // Visit notes of the household that name them, or of visits that helped them.
    let visits = sqlx::query!(
        "select v.id, v.note, exists (select from visit_help h
                                      where h.visit_id = v.id and h.resident_id = $2) as helped
         from visits v where v.household_id = $1 and v.note <> ''",
        r.household_id,
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    let notes: Vec<Uuid> = visits
        .iter()
        .filter(|v| v.helped == Some(true) || names(&v.note))
        .map(|v| v.id)
        .collect();
    // Tickets about them, or about the household, whose texts name them.
    let tickets = sqlx::query!(
        "select t.id, t.resident_id, t.title, t.description,
                coalesce(array_agg(e.text) filter (where e.text is not null), '{}') as \"texts!\"
         from tickets t left join ticket_events e on e.ticket_id = t.id
         where t.resident_id = $1 or t.household_id = $2
         group by t.id",
        id,
        r.household_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let tickets: Vec<Uuid> = tickets
        .iter()
        .filter(|t| {
            t.resident_id == Some(id)
                || names(&t.title)
                || names(&t.description)
                || t.texts.iter().any(|text| names(text))
        })
        .map(|t| t.id)
        .collect();
    // The household's voided visits are gone from `visits`, but their audit entries keep what
    // they said, whom they helped included.
    let voided = sqlx::query_scalar!(
        "select id from voided_visits where household_id = $1",
        r.household_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut records: Vec<String> = vec![id.to_string()];
    records.extend(notes.iter().map(Uuid::to_string));
    records.extend(voided.iter().map(Uuid::to_string));
    records.extend(tickets.iter().map(Uuid::to_string));
    if !others {
        records.push(r.household_id.to_string());
    }
    // First, while their name is still on their row: the database reads it there, so that
    // nothing but a real person's whole name can make it forget (migration 0025).
    let audit_entries = sqlx::query_scalar!(
        r#"select audit_log_forget_person($1, $2) as "forgotten!""#,
        id,
        &records,
    )
    .fetch_one(&mut *tx)
    .await?;

    sqlx::query!(
        "update residents set full_name = '', name_search = '', name_sort = '', note = '',
             birth_year = birth_bucket(birth_year), erased_at = now(),
             changed = pg_current_xact_id()
         where id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;

    let head_name = if head { "" } else { r.head_name.as_str() };
    let address = if others { r.address.as_str() } else { "" };
    sqlx::query!(
        "update households set head_name = $2, head_erased = head_erased or $3,
             address = $4, erased_at = case when $5 then now() else erased_at end,
             lat = case when $5 then null else lat end, lon = case when $5 then null else lon end,
             note = case when $5 then '' else note end,
             search = $6, changed = pg_current_xact_id()
         where id = $1",
        r.household_id,
        head_name,
        head,
        address,
        !others,
        domain::text::household_search(address, head_name),
    )
    .execute(&mut *tx)
    .await?;

    // The history of their record, and of their household's where it held their name or the
    // address erased with them; and the conflicts that kept such values.
    sqlx::query!(
        "with history as (
             delete from record_edits where resident_id = $1
                 or (household_id = $2 and ($3 or strpos(fields::text || previous::text, $4) > 0)))
         delete from edit_conflicts where resident_id = $1
             or (household_id = $2 and ($3 or strpos(kept::text || other::text, $4) > 0))",
        id,
        r.household_id,
        !others,
        name
    )
    .execute(&mut *tx)
    .await?;

    sqlx::query!(
        "update visits set note = '', request = jsonb_set(request, '{note}', '\"\"'),
             changed = pg_current_xact_id()
         where id = any($1)",
        &notes
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update sync_conflicts set received = jsonb_set(received, '{note}', '\"\"'),
             stored = jsonb_set(stored, '{note}', '\"\"')
         where client_id = any($1)
             or strpos(received::text, $2) > 0 or strpos(stored::text, $2) > 0",
        &notes,
        name
    )
    .execute(&mut *tx)
    .await?;

    sqlx::query!(
        "update tickets set title = '—', description = '' where id = any($1)",
        &tickets
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update ticket_events set text = '—' where ticket_id = any($1) and text is not null",
        &tickets
    )
    .execute(&mut *tx)
    .await?;

    Ok(Some(Erased {
        household_id: r.household_id,
        household,
        visit_notes: notes.len(),
        tickets: tickets.len(),
        audit_entries,
    }))
}
