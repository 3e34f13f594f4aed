//! A ticket's page: its history and comments, and for responders, taking it on and
//! resolving it.

use domain::api::{
    FieldChange, NewComment, TicketAssignment, TicketComment, TicketDetail, TicketEvent,
    TicketEventKind, TicketStatus, TicketStatusChange,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

use super::{hours_between, status_class};
use crate::api;
use crate::components::{FormState, KeptNotice, TextArea, loaded};
use crate::contexts::set_current_ward;
use crate::format::{date_time, took};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{ticket_status_name, words};
use crate::offline::{Saved, use_sync};
use crate::pages::{id_param, not_found};
use crate::routes::Route;
use crate::session::use_session;

#[component]
pub fn TicketPage() -> impl IntoView {
    let id = id_param();
    let data = LocalResource::new(move || {
        let id = id.get();
        async move { api::ticket(id.ok_or_else(not_found)?).await }
    });
    loaded(data, move |detail: TicketDetail| {
        set_current_ward(detail.ticket.ward_code);
        view! { <TicketView detail /> }
    })
}

#[component]
fn TicketView(detail: TicketDetail) -> impl IntoView {
    let i18n = use_i18n();
    let id = detail.ticket.id;
    let ward = detail.ticket.ward_code;
    let detail = RwSignal::new(detail);
    let ticket = move || detail.with(|d| d.ticket.clone());
    view! {
        <p class="crumb"><A href=Route::Tickets(ward).path()>{t!(i18n, tickets.title)}</A></p>
        {move || {
            let t = ticket();
            let about = match (t.household_id, t.household_address.clone(), t.place.clone()) {
                (Some(h), Some(address), _) => {
                    let href = Route::Household(h).path();
                    view! { <A href=href>{address}</A> }.into_any()
                }
                (_, _, Some(place)) => view! { <span>{place}</span> }.into_any(),
                _ => ().into_any(),
            };
            let took_text = t.resolved_at.map(|at| took(hours_between(t.opened_at, at)));
            view! {
                <h1>{t.title.clone()}</h1>
                <p>
                    <span class=status_class(t.status) data-testid="ticket-status">{ticket_status_name(t.status)}</span>
                </p>
                <dl class="facts">
                    <dt>{t!(i18n, tickets.tdp)}</dt>
                    <dd>{t.tdp_name.clone()}</dd>
                    <dt>{t!(i18n, tickets.where_)}</dt>
                    <dd>{about}</dd>
                    {t.resident_id
                        .zip(t.resident_name.clone())
                        .map(|(r, name)| {
                            view! {
                                <dt>{t!(i18n, tickets.resident)}</dt>
                                <dd><A href=Route::Resident(r).path()>{name}</A></dd>
                            }
                        })}
                    <dt>{t!(i18n, tickets.opened)}</dt>
                    <dd>{format!("{} · {}", t.opened_by_name, date_time(t.opened_at))}</dd>
                    <dt>{t!(i18n, tickets.assignee)}</dt>
                    <dd>{t.assignee_name.clone().unwrap_or_else(|| t_string!(i18n, tickets.unassigned).to_owned())}</dd>
                    {took_text
                        .map(|took| {
                            view! {
                                <dt>{t!(i18n, tickets.time_to_resolve)}</dt>
                                <dd>{took}</dd>
                            }
                        })}
                </dl>
                {(!t.description.is_empty()).then(|| view! { <p class="note">{t.description.clone()}</p> })}
            }
        }}
        <Respond id detail />
        <h2>{t!(i18n, tickets.history)}</h2>
        <ol class="list history">
            {move || {
                detail.with(|d| d.events.clone())
                    .into_iter()
                    .map(|e| view! { <EventItem event=e /> })
                    .collect_view()
            }}
        </ol>
        <CommentForm id detail />
    }
}

#[component]
fn EventItem(event: TicketEvent) -> impl IntoView {
    let i18n = use_i18n();
    let what = match (event.kind, event.status, &event.assignee_name) {
        (TicketEventKind::Opened, _, _) => t_string!(i18n, tickets.event_opened).to_string(),
        (TicketEventKind::Assigned, _, Some(name)) => {
            t_string!(i18n, tickets.event_assigned, name = name.clone()).to_string()
        }
        (TicketEventKind::Assigned, _, None) => {
            t_string!(i18n, tickets.event_unassigned).to_string()
        }
        (TicketEventKind::Status, Some(status), _) => t_string!(
            i18n,
            tickets.event_status,
            status = ticket_status_name(status)()
        )
        .to_string(),
        (TicketEventKind::Status, None, _) | (TicketEventKind::Comment, _, _) => {
            t_string!(i18n, tickets.event_comment).to_string()
        }
    };
    view! {
        <li>
            <span class="small muted">{format!("{} · {}", date_time(event.at), event.author_name)}</span>
            <br />
            <strong>{what}</strong>
            {event.text.map(|text| view! { <p class="note">{text}</p> })}
        </li>
    }
}

/// The rapid-response team's controls: whom the ticket is with, and resolving (or reopening)
/// it. Shown only to those the server lists responders for.
#[component]
fn Respond(id: Uuid, detail: RwSignal<TicketDetail>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let me = move || session.me.with(|m| m.clone().flatten().map(|m| m.id));
    let note = RwSignal::new(String::new());
    let form = FormState::new();
    let assign = move |assignee_id: Option<Uuid>| {
        if form.start(Ok(())) {
            spawn_local(async move {
                if let Some(d) =
                    form.finish(api::assign_ticket(id, &TicketAssignment { assignee_id }).await)
                {
                    detail.set(d);
                }
            });
        }
    };
    let set_status = move |status: TicketStatus| {
        let body = TicketStatusChange {
            status,
            note: note.get_untracked(),
        };
        if form.start(domain::validate::ticket_status(&body)) {
            spawn_local(async move {
                if let Some(d) = form.finish(api::set_ticket_status(id, &body).await) {
                    note.set(String::new());
                    detail.set(d);
                }
            });
        }
    };
    move || {
        let (t, responders) = detail.with(|d| (d.ticket.clone(), d.responders.clone()));
        (!responders.is_empty()).then(|| {
            let mine = me().is_some_and(|m| t.assignee_id == Some(m));
            let me_responder = me().filter(|m| responders.iter().any(|r| r.user_id == *m));
            let resolved = t.status == TicketStatus::Resolved;
            view! {
                <section class="respond" aria-labelledby="respond-title">
                    <h2 id="respond-title">{t!(i18n, tickets.respond)}</h2>
                    {(!mine && !resolved)
                        .then_some(me_responder)
                        .flatten()
                        .map(|m| {
                            view! {
                                <button type="button" class="button primary" disabled=form.busy on:click=move |_| assign(Some(m))>
                                    {t!(i18n, tickets.take)}
                                </button>
                            }
                        })}
                    <div class="field">
                        <label for="ticket-assignee">{t!(i18n, tickets.assignee)}</label>
                        <select
                            id="ticket-assignee"
                            disabled=form.busy
                            on:change=move |ev| assign(event_target_value(&ev).parse().ok())
                        >
                            <option value="" selected=t.assignee_id.is_none()>{t!(i18n, tickets.unassigned)}</option>
                            {responders
                                .into_iter()
                                .map(|r| {
                                    view! {
                                        <option value=r.user_id.to_string() selected=t.assignee_id == Some(r.user_id)>
                                            {r.full_name}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <TextArea
                        id="ticket-note"
                        label=move || if resolved { t_string!(i18n, tickets.reopen_note) } else { t_string!(i18n, tickets.resolution) }
                        value=note
                        error=form.field("note")
                    />
                    {form.failure_view()}
                    {if resolved {
                        view! {
                            <button type="button" class="button secondary" disabled=form.busy on:click=move |_| set_status(TicketStatus::Open)>
                                {t!(i18n, tickets.reopen)}
                            </button>
                        }
                            .into_any()
                    } else {
                        view! {
                            <button type="button" class="button primary" disabled=form.busy on:click=move |_| set_status(TicketStatus::Resolved)>
                                {t!(i18n, tickets.resolve)}
                            </button>
                        }
                            .into_any()
                    }}
                </section>
            }
        })
    }
}

#[component]
fn CommentForm(id: Uuid, detail: RwSignal<TicketDetail>) -> impl IntoView {
    let i18n = use_i18n();
    // A new id per comment, so that a retried send adds it once.
    let comment_id = RwSignal::new(Uuid::now_v7());
    let text = RwSignal::new(String::new());
    let form = FormState::new();
    let queued = RwSignal::new(false);
    let sync = use_sync();
    let ward = detail.with_untracked(|d| d.ticket.ward_code);
    // Through the outbox: a comment typed as the signal goes is kept, and sent later.
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewComment {
            id: comment_id.get_untracked(),
            text: text.get_untracked(),
        };
        if form.start(domain::validate::new_comment(&body)) {
            spawn_local(async move {
                let change = FieldChange::Comment(TicketComment {
                    ticket_id: id,
                    text: body.text,
                });
                let Some(saved) = form.finish(sync.save(ward, body.id, change).await) else {
                    return;
                };
                comment_id.set(Uuid::now_v7());
                text.set(String::new());
                queued.set(saved == Saved::Queued);
                if saved == Saved::Sent
                    && let Some(d) = form.finish(api::ticket(id).await)
                {
                    detail.set(d);
                }
            });
        }
    };
    view! {
        <form class="form" on:submit=submit novalidate>
            <TextArea
                id="ticket-comment"
                label=words(|i18n| t_string!(i18n, tickets.comment))
                value=text
                error=form.field("text")
            />
            {form.failure_view()}
            <KeptNotice kept=queued />
            <button type="submit" class="button secondary" disabled=form.busy>
                {t!(i18n, tickets.send_comment)}
            </button>
        </form>
    }
}
