//! Opening a rapid-response ticket, from the web or a phone's outbox, and the history every
//! ticket keeps. Apart from HTTP, in the caller's transaction.

use chrono::{DateTime, Utc};
use domain::FieldCode;
use domain::access::Action;
use domain::api::{AuditAction, NewComment, NewTicket, TicketEventKind, TicketStatus};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::audit::Write;
use crate::auth::{Access, Place};
use crate::error::{Error, Result};

/// Opens ticket `new` for the signed-in person, about a household (and one of its residents)
/// they record in, or a place in one of their TDPs; answers its TDP, and whether it was new.
/// Opening it again with the same id adds nothing (the caller compares what is stored).
pub async fn open(
    tx: &mut Write,
    access: &Access,
    code: i32,
    new: &NewTicket,
    now: DateTime<Utc>,
) -> Result<(Uuid, bool)> {
    domain::validate::new_ticket(new).map_err(Error::Validation)?;
    let tdp = match (new.household_id, new.tdp_id) {
        (Some(household), _) => {
            let place = sqlx::query!(
                "select t.ward_code, t.id as tdp from households h join tdps t on t.id = h.tdp_id
                 where h.id = $1",
                household
            )
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| crate::auth::Place {
                ward: r.ward_code,
                tdp: r.tdp,
            });
            let unknown = || Error::field("household_id", FieldCode::UnknownReference);
            let place = place.ok_or_else(unknown)?;
            if place.ward != code {
                return Err(Error::field("household_id", FieldCode::OtherWard));
            }
            match access.record(place, Action::Record) {
                Err(Error::NotFound) => return Err(unknown()),
                checked => checked?,
            }
            // A ticket names someone of the household who still takes records: not one who
            // withdrew their consent (Law 91/2025), nor one who left the ward or died.
            if let Some(resident) = new.resident_id {
                let found = sqlx::query!(
                    r#"select household_id, consent_withdrawn_at is not null as "withdrawn!",
                              counted
                       from residents where id = $1"#,
                    resident,
                )
                .fetch_optional(&mut **tx)
                .await?;
                let refused = match found {
                    None => Some(FieldCode::OtherHousehold),
                    Some(r) if r.household_id != household => Some(FieldCode::OtherHousehold),
                    Some(r) if r.withdrawn => Some(FieldCode::ConsentWithdrawn),
                    Some(r) if !r.counted => Some(FieldCode::Departed),
                    Some(_) => None,
                };
                if let Some(code) = refused {
                    return Err(Error::field("resident_id", code));
                }
            }
            place.tdp
        }
        (None, Some(tdp)) => {
            let ward = sqlx::query_scalar!("select ward_code from tdps where id = $1", tdp)
                .fetch_optional(&mut **tx)
                .await?;
            match ward {
                None => return Err(Error::field("tdp_id", FieldCode::UnknownReference)),
                Some(w) if w != code => return Err(Error::field("tdp_id", FieldCode::OtherWard)),
                Some(_) => {}
            }
            access.tdp(code, tdp, Action::Record)?;
            tdp
        }
        (None, None) => return Err(Error::field("tdp_id", FieldCode::Required)),
    };
    if let Some(skill) = new.skill_id {
        let known = sqlx::query_scalar!(
            r#"select exists(select 1 from skills where id = $1 and ward_code = $2) as "yes!""#,
            skill,
            code,
        )
        .fetch_one(&mut **tx)
        .await?;
        if !known {
            return Err(Error::field("skill_id", FieldCode::UnknownReference));
        }
    }
    let (title, description) = (new.title.trim(), new.description.trim());
    let place = new.place.as_deref().map(str::trim);
    let inserted = sqlx::query!(
        "insert into tickets (id, ward_code, tdp_id, household_id, resident_id, place, skill_id,
                              title, description, opened_by, opened_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         on conflict (id) do nothing",
        new.id,
        code,
        tdp,
        new.household_id,
        new.resident_id,
        place,
        new.skill_id,
        title,
        description,
        access.user.id,
        now,
    )
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        let opened = Event::status(TicketEventKind::Opened, TicketStatus::Open, None);
        add_event(tx, access, now, new.id, opened).await?;
        tx.audit(code, AuditAction::Create, "tickets", new.id, new)
            .await?;
    }
    Ok((tdp, inserted))
}

/// Adds `comment` to ticket `id` for the signed-in person, who may read the ticket, in the
/// caller's transaction with its audit entry: the TDP's team telling what they tried, the
/// responder asking or answering. The same comment again adds nothing; another under its id
/// is a `duplicate`.
pub async fn comment(
    tx: &mut Write,
    access: &Access,
    id: Uuid,
    comment: &NewComment,
    now: DateTime<Utc>,
) -> Result<()> {
    let place = sqlx::query!("select ward_code, tdp_id from tickets where id = $1", id)
        .fetch_optional(&mut **tx)
        .await?
        .map(|t| Place {
            ward: t.ward_code,
            tdp: t.tdp_id,
        })
        .ok_or(Error::NotFound)?;
    access.record(place, Action::ViewPeople)?;
    domain::validate::new_comment(comment).map_err(Error::Validation)?;
    let text = comment.text.trim();
    let said = Event {
        id: comment.id,
        text: Some(text),
        ..Event::new(TicketEventKind::Comment)
    };
    if add_event(tx, access, now, id, said).await? {
        return tx
            .audit(
                place.ward,
                AuditAction::Create,
                "ticket_comments",
                comment.id,
                comment,
            )
            .await;
    }
    let same = sqlx::query_scalar!(
        r#"select exists(select 1 from ticket_events
                         where id = $1 and ticket_id = $2 and kind = 'comment'
                             and text = $3 and author_id = $4) as "yes!""#,
        comment.id,
        id,
        text,
        access.user.id,
    )
    .fetch_one(&mut **tx)
    .await?;
    if same {
        Ok(())
    } else {
        Err(Error::field("id", FieldCode::Duplicate))
    }
}

/// One entry of a ticket's history.
pub struct Event<'a> {
    /// A comment keeps the id its phone gave it, so that sending it again adds nothing.
    pub id: Uuid,
    pub kind: TicketEventKind,
    pub status: Option<TicketStatus>,
    pub assignee: Option<Uuid>,
    pub text: Option<&'a str>,
}

impl<'a> Event<'a> {
    pub fn new(kind: TicketEventKind) -> Self {
        Self {
            id: Uuid::now_v7(),
            kind,
            status: None,
            assignee: None,
            text: None,
        }
    }

    /// The ticket opened, or moved to `status`, with what the person said of it.
    pub fn status(kind: TicketEventKind, status: TicketStatus, note: Option<&'a str>) -> Self {
        Self {
            status: Some(status),
            text: note,
            ..Self::new(kind)
        }
    }
}

/// Adds `event` to the ticket's history, by the person acting, at `at`; false when an event
/// with its id is there already.
pub async fn add_event(
    tx: &mut PgConnection,
    access: &Access,
    at: DateTime<Utc>,
    ticket: Uuid,
    event: Event<'_>,
) -> Result<bool> {
    let added = sqlx::query!(
        "insert into ticket_events (id, ticket_id, author_id, kind, status, assignee_id, text, at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (id) do nothing",
        event.id,
        ticket,
        access.user.id,
        event.kind.as_str(),
        event.status.map(TicketStatus::as_str),
        event.assignee,
        event.text,
        at,
    )
    .execute(tx)
    .await?
    .rows_affected();
    Ok(added == 1)
}
