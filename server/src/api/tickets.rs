//! The rapid-response team's tickets (tổ ứng cứu công nghệ và nghiệp vụ): a TDP's team
//! escalates what it could not solve at the door; the ward's responders take it on, discuss it
//! and resolve it. Each ticket names a household or a place, so it is read as the TDP's people
//! are; its figures (open tickets per TDP, time to resolution) are for everyone in the ward.

use axum::extract::State;
use axum::http::StatusCode;
use domain::FieldCode;
use domain::access::Action;
use domain::api::{
    AuditAction, NewComment, NewTicket, ResponderRef, TdpTickets, Ticket, TicketAssignment,
    TicketDetail, TicketEvent, TicketEventKind, TicketFigures, TicketStatus, TicketStatusChange,
};
use serde::Deserialize;
use sqlx::PgPool;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApiResult;
use crate::AppState;
use crate::auth::{Access, Place, only_tdps};
use crate::error::{Error, Json, Path, Query, Result};
use crate::escalations::{self, Event, add_event};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tickets, create_ticket))
        .routes(routes!(ticket_figures))
        .routes(routes!(get_ticket))
        .routes(routes!(add_comment))
        .routes(routes!(put_assignee))
        .routes(routes!(put_status))
}

/// A queue longer than this is not read on a phone; the oldest are shown first.
const LIST_MAX: i64 = 500;

/// Tickets of a ward: the ones asked for, within `only` TDPs, resolved or not. Unresolved
/// first, oldest first (the queue); then the most recently resolved.
async fn tickets(
    db: &PgPool,
    ward: i32,
    ids: Option<&[Uuid]>,
    only: Option<&[Uuid]>,
    resolved: Option<bool>,
) -> Result<Vec<Ticket>> {
    let rows = sqlx::query!(
        r#"select t.id, t.ward_code, t.tdp_id, d.name as tdp_name, t.household_id,
                  h.address as "household_address?", t.resident_id,
                  r.full_name as "resident_name?", t.place, t.skill_id, t.title, t.description,
                  t.status as "status: TicketStatus", t.assignee_id,
                  a.full_name as "assignee_name?",
                  o.full_name as opened_by_name, t.opened_at, t.resolved_at
           from tickets t
           join tdps d on d.id = t.tdp_id
           join users o on o.id = t.opened_by
           left join households h on h.id = t.household_id
           left join residents r on r.id = t.resident_id
           left join users a on a.id = t.assignee_id
           where t.ward_code = $1 and ($2::uuid[] is null or t.id = any($2))
               and ($3::uuid[] is null or t.tdp_id = any($3))
               and ($4::bool is null or (t.status = 'resolved') = $4)
           order by t.status = 'resolved', t.resolved_at desc, t.opened_at, t.id
           limit $5"#,
        ward,
        ids,
        only,
        resolved,
        LIST_MAX,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|t| Ticket {
            id: t.id,
            ward_code: t.ward_code,
            tdp_id: t.tdp_id,
            tdp_name: t.tdp_name,
            household_id: t.household_id,
            household_address: t.household_address,
            resident_id: t.resident_id,
            resident_name: t.resident_name,
            place: t.place,
            skill_id: t.skill_id,
            title: t.title,
            description: t.description,
            status: t.status,
            assignee_id: t.assignee_id,
            assignee_name: t.assignee_name,
            opened_by_name: t.opened_by_name,
            opened_at: t.opened_at,
            resolved_at: t.resolved_at,
        })
        .collect())
}

/// One ticket, checked for `action` like any record of its TDP.
async fn ticket(db: &PgPool, access: &Access, id: Uuid, action: Action) -> Result<Ticket> {
    let ward = sqlx::query_scalar!("select ward_code from tickets where id = $1", id)
        .fetch_optional(db)
        .await?
        .ok_or(Error::NotFound)?;
    let ticket = tickets(db, ward, Some(&[id]), None, None)
        .await?
        .pop()
        .ok_or(Error::NotFound)?;
    access.record(place(&ticket), action)?;
    Ok(ticket)
}

fn place(ticket: &Ticket) -> Place {
    Place {
        ward: ticket.ward_code,
        tdp: ticket.tdp_id,
    }
}

/// A ticket with its history, and whom it can be assigned to if the person may assign it.
async fn detail(db: &PgPool, access: &Access, ticket: Ticket) -> Result<TicketDetail> {
    let events = sqlx::query!(
        r#"select e.at, u.full_name as author_name, e.kind as "kind: TicketEventKind",
                  e.status as "status: TicketStatus",
                  a.full_name as "assignee_name?", e.text
           from ticket_events e
           join users u on u.id = e.author_id
           left join users a on a.id = e.assignee_id
           where e.ticket_id = $1
           order by e.at, e.id"#,
        ticket.id,
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|e| TicketEvent {
        at: e.at,
        author_name: e.author_name,
        kind: e.kind,
        status: e.status,
        assignee_name: e.assignee_name,
        text: e.text,
    })
    .collect();
    let responders = if access.record(place(&ticket), Action::Respond).is_ok() {
        responders(db, ticket.ward_code).await?
    } else {
        Vec::new()
    };
    Ok(TicketDetail {
        ticket,
        events,
        responders,
    })
}

/// A ticket as a change left it, for the answer.
async fn reread(db: &PgPool, access: &Access, id: Uuid) -> Result<TicketDetail> {
    let ticket = ticket(db, access, id, Action::ViewPeople).await?;
    detail(db, access, ticket).await
}

/// Those who may take a ticket on: the ward's rapid-response team and its admins.
async fn responders(db: &PgPool, ward: i32) -> Result<Vec<ResponderRef>> {
    Ok(sqlx::query_as!(
        ResponderRef,
        "select distinct u.id as user_id, u.full_name
         from role_grants g join users u on u.id = g.user_id
         where g.ward_code = $1 and g.role in ('responder', 'ward_admin') and not u.disabled
         order by u.full_name, u.id",
        ward,
    )
    .fetch_all(db)
    .await?)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Filter {
    /// The resolved tickets (most recent first) instead of the queue.
    #[serde(default)]
    resolved: bool,
}

/// The ward's tickets in the TDPs whose people the person may see: the queue (oldest first),
/// or the resolved ones.
#[utoipa::path(get, path = "/wards/{code}/tickets", tag = "tickets",
    params(("code" = i32, Path, description = "Official ward code"), Filter),
    responses((status = 200, body = [Ticket])))]
async fn list_tickets(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Query(filter): Query<Filter>,
) -> ApiResult<Vec<Ticket>> {
    let reach = access.ward(code, Action::ViewPeople)?;
    let only = only_tdps(&reach);
    Ok(Json(
        tickets(
            &state.db,
            code,
            None,
            only.as_deref(),
            Some(filter.resolved),
        )
        .await?,
    ))
}

/// Escalates a problem to the rapid-response team: by a team member about a household of
/// their TDP (and one of its residents), or about a place in it. The id is the client's: the
/// same ticket sent again answers it unchanged.
#[utoipa::path(post, path = "/wards/{code}/tickets", tag = "tickets",
    params(("code" = i32, Path, description = "Official ward code")),
    request_body = NewTicket,
    responses((status = 201, body = Ticket)))]
async fn create_ticket(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
    Json(new): Json<NewTicket>,
) -> Result<(StatusCode, Json<Ticket>)> {
    access.ward(code, Action::Record)?;
    let mut tx = access.write(&state.db).await?;
    let (tdp, _) = escalations::open(&mut tx, &access, code, &new, state.now()).await?;
    tx.commit().await?;
    let (title, description) = (new.title.trim(), new.description.trim());
    let place = new.place.as_deref().map(str::trim);
    let stored = tickets(&state.db, code, Some(&[new.id]), None, None)
        .await?
        .pop()
        .ok_or_else(|| Error::field("id", FieldCode::Duplicate))?;
    let same = stored.tdp_id == tdp
        && (stored.household_id, stored.resident_id, stored.skill_id)
            == (new.household_id, new.resident_id, new.skill_id)
        && stored.place.as_deref() == place
        && (stored.title.as_str(), stored.description.as_str()) == (title, description);
    if !same {
        return Err(Error::field("id", FieldCode::Duplicate));
    }
    Ok((StatusCode::CREATED, Json(stored)))
}

/// The ward's tickets in figures: how many wait and are being handled, in all and per TDP,
/// and how long the last 30 days' took to resolve. Counts only, for everyone in the ward.
#[utoipa::path(get, path = "/wards/{code}/tickets/figures", tag = "tickets",
    params(("code" = i32, Path, description = "Official ward code")),
    responses((status = 200, body = TicketFigures)))]
async fn ticket_figures(
    State(state): State<AppState>,
    access: Access,
    Path(code): Path<i32>,
) -> ApiResult<TicketFigures> {
    access.ward(code, Action::ViewFigures)?;
    let all = sqlx::query!(
        r#"select count(*) filter (where status = 'open') as "open!",
                  count(*) filter (where status = 'in_progress') as "in_progress!",
                  count(*) filter (where resolved_at >= $2::timestamptz - interval '30 days')
                      as "resolved!",
                  percentile_cont(0.5) within group (
                      order by extract(epoch from resolved_at - opened_at)::float8 / 3600)
                      filter (where resolved_at >= $2::timestamptz - interval '30 days') as median_hours
           from tickets where ward_code = $1"#,
        code,
        state.now(),
    )
    .fetch_one(&state.db)
    .await?;
    let tdps = sqlx::query_as!(
        TdpTickets,
        r#"select t.tdp_id, d.code, d.name,
                  count(*) filter (where t.status = 'open') as "open!",
                  count(*) filter (where t.status = 'in_progress') as "in_progress!"
           from tickets t join tdps d on d.id = t.tdp_id
           where t.ward_code = $1 and t.status <> 'resolved'
           group by t.tdp_id, d.code, d.name
           order by count(*) desc, d.code"#,
        code,
    )
    .fetch_all(&state.db)
    .await?;
    Ok(Json(TicketFigures {
        open: all.open,
        in_progress: all.in_progress,
        resolved_30_days: all.resolved,
        median_hours_30_days: all.median_hours,
        tdps,
    }))
}

/// A ticket with its history; for the rapid-response team, with whom it can be assigned to.
#[utoipa::path(get, path = "/tickets/{id}", tag = "tickets",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = TicketDetail)))]
async fn get_ticket(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
) -> ApiResult<TicketDetail> {
    let ticket = ticket(&state.db, &access, id, Action::ViewPeople).await?;
    Ok(Json(detail(&state.db, &access, ticket).await?))
}

/// Adds a comment: the TDP's team telling what they tried, the responder asking or
/// answering. Anyone who may read the ticket may comment. The id is the client's: a comment
/// sent twice is added once.
#[utoipa::path(post, path = "/tickets/{id}/comments", tag = "tickets",
    params(("id" = Uuid, Path)),
    request_body = NewComment,
    responses((status = 201, body = TicketDetail)))]
async fn add_comment(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(comment): Json<NewComment>,
) -> Result<(StatusCode, Json<TicketDetail>)> {
    let mut tx = access.write(&state.db).await?;
    escalations::comment(&mut tx, &access, id, &comment, state.now()).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(reread(&state.db, &access, id).await?),
    ))
}

/// Hands a ticket to someone of the rapid-response team (or takes it back to the queue).
/// Taking on an open ticket puts it in progress; taking it back puts it back in the queue.
/// Sending the same assignee again changes nothing.
#[utoipa::path(put, path = "/tickets/{id}/assignee", tag = "tickets",
    params(("id" = Uuid, Path)),
    request_body = TicketAssignment,
    responses((status = 200, body = TicketDetail)))]
async fn put_assignee(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(body): Json<TicketAssignment>,
) -> ApiResult<TicketDetail> {
    let ticket = ticket(&state.db, &access, id, Action::Respond).await?;
    if let Some(assignee) = body.assignee_id
        && !responders(&state.db, ticket.ward_code)
            .await?
            .iter()
            .any(|r| r.user_id == assignee)
    {
        return Err(Error::field("assignee_id", FieldCode::UnknownReference));
    }
    let mut tx = access.write(&state.db).await?;
    // Two responders taking the same ticket at once: the second sees the first's assignment.
    let current = sqlx::query!(
        "select status, assignee_id from tickets where id = $1 for update",
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    if current.assignee_id != body.assignee_id {
        let status = match (current.status.as_str(), body.assignee_id) {
            ("open", Some(_)) => Some(TicketStatus::InProgress),
            ("in_progress", None) => Some(TicketStatus::Open),
            _ => None,
        };
        sqlx::query!(
            "update tickets set assignee_id = $2, status = coalesce($3, status) where id = $1",
            id,
            body.assignee_id,
            status.map(TicketStatus::as_str),
        )
        .execute(&mut *tx)
        .await?;
        let assigned = Event {
            assignee: body.assignee_id,
            ..Event::new(TicketEventKind::Assigned)
        };
        add_event(&mut tx, &access, state.now(), id, assigned).await?;
        if let Some(status) = status {
            let moved = Event::status(TicketEventKind::Status, status, None);
            add_event(&mut tx, &access, state.now(), id, moved).await?;
        }
        tx.audit(
            ticket.ward_code,
            AuditAction::Update,
            "ticket_assignee",
            id,
            &body,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Json(reread(&state.db, &access, id).await?))
}

/// Moves a ticket on: in progress, resolved (saying how — the time to resolution runs from
/// its opening to this), or open again. Sending the status it has changes nothing.
#[utoipa::path(put, path = "/tickets/{id}/status", tag = "tickets",
    params(("id" = Uuid, Path)),
    request_body = TicketStatusChange,
    responses((status = 200, body = TicketDetail)))]
async fn put_status(
    State(state): State<AppState>,
    access: Access,
    Path(id): Path<Uuid>,
    Json(body): Json<TicketStatusChange>,
) -> ApiResult<TicketDetail> {
    let ticket = ticket(&state.db, &access, id, Action::Respond).await?;
    domain::validate::ticket_status(&body).map_err(Error::Validation)?;
    let mut tx = access.write(&state.db).await?;
    let current = sqlx::query_scalar!("select status from tickets where id = $1 for update", id)
        .fetch_one(&mut *tx)
        .await?;
    if current != body.status.as_str() {
        sqlx::query!(
            "update tickets
             set status = $2, resolved_at = case when $2 = 'resolved' then $3::timestamptz end
             where id = $1",
            id,
            body.status.as_str(),
            state.now(),
        )
        .execute(&mut *tx)
        .await?;
        let note = body.note.trim();
        let moved = Event::status(
            TicketEventKind::Status,
            body.status,
            (!note.is_empty()).then_some(note),
        );
        add_event(&mut tx, &access, state.now(), id, moved).await?;
        tx.audit(
            ticket.ward_code,
            AuditAction::Update,
            "ticket_status",
            id,
            &body,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Json(reread(&state.db, &access, id).await?))
}
