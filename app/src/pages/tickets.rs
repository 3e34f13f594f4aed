//! The rapid-response team's tickets (tổ ứng cứu): the queue and the resolved ones, the form a
//! team member escalates a problem with (from a household's page, or about a place), and a
//! ticket's page — its history, comments, and for the responders taking it on and resolving
//! it. The dashboard shows the unresolved ones per TDP.

use chrono::{DateTime, Utc};
use domain::access::Action;
use domain::api::{
    Household, NewComment, NewTicket, Skill, Tdp, Ticket, TicketAssignment, TicketDetail,
    TicketEvent, TicketEventKind, TicketStatus, TicketStatusChange,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use super::{code_param, id_param, not_found};
use crate::api::{self, ApiError};
use crate::components::{
    FormState, TextArea, TextField, choice_button, date_time, loaded, set_current_ward,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::routes::{HOUSEHOLD_QUERY, Route};
use crate::session::use_session;

pub fn status_label(status: TicketStatus) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match status {
        TicketStatus::Open => t_string!(i18n, tickets.open),
        TicketStatus::InProgress => t_string!(i18n, tickets.in_progress),
        TicketStatus::Resolved => t_string!(i18n, tickets.resolved),
    }
}

fn status_class(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::Open => "badge status-open",
        TicketStatus::InProgress => "badge status-in-progress",
        TicketStatus::Resolved => "badge status-resolved",
    }
}

/// How long something took, as a person says it: "dưới 1 giờ", "5 giờ", "3 ngày".
pub(super) fn took(hours: f64) -> String {
    let i18n = use_i18n();
    if hours < 1.0 {
        t_string!(i18n, tickets.under_an_hour).to_string()
    } else if hours < 48.0 {
        t_string!(i18n, tickets.hours, n = hours.round() as i64).to_string()
    } else {
        t_string!(i18n, tickets.days, n = (hours / 24.0).round() as i64).to_string()
    }
}

fn hours_between(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    (to - from).num_minutes() as f64 / 60.0
}

/// What a ticket is about: the household's address and resident, or the place; and its TDP.
fn subject(t: &Ticket) -> String {
    let about = match (&t.household_address, &t.resident_name, &t.place) {
        (Some(address), Some(name), _) => format!("{name}, {address}"),
        (Some(address), None, _) => address.clone(),
        (None, _, Some(place)) => place.clone(),
        (None, _, None) => String::new(),
    };
    format!("{} · {about}", t.tdp_name)
}

#[component]
pub fn Tickets() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let code = code_param();
    let resolved = RwSignal::new(false);
    let data = LocalResource::new(move || {
        let (code, resolved) = (code.get(), resolved.get());
        async move {
            let ward = code.ok_or_else(not_found)?;
            Ok::<_, ApiError>((ward, api::tickets(ward, resolved).await?))
        }
    });
    view! {
        <h1>{t!(i18n, tickets.title)}</h1>
        <p class="subtitle">{t!(i18n, tickets.intro)}</p>
        {move || {
            code.get()
                .filter(|w| !session.reach(*w, Action::Record).is_nothing())
                .map(|ward| {
                    view! {
                        <p>
                            <A href=Route::NewTicket(ward, None).path() attr:class="button primary">
                                {t!(i18n, tickets.escalate)}
                            </A>
                        </p>
                    }
                })
        }}
        <div class="week-nav" role="group" aria-label=move || t_string!(i18n, tickets.which)>
            {move || choice_button(resolved, false, t_string!(i18n, tickets.queue))}
            {move || choice_button(resolved, true, t_string!(i18n, tickets.resolved_list))}
        </div>
        {loaded(
            data,
            move |(ward, list): (i32, Vec<Ticket>)| {
                set_current_ward(ward);
                if list.is_empty() {
                    view! { <p>{t!(i18n, tickets.none)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="list tickets">
                            {list.into_iter().map(|t| view! { <TicketItem ticket=t /> }).collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            },
        )}
    }
}

#[component]
fn TicketItem(ticket: Ticket) -> impl IntoView {
    let i18n = use_i18n();
    let about = subject(&ticket);
    let opened = date_time(ticket.opened_at);
    let handled = match (ticket.resolved_at, &ticket.assignee_name) {
        (Some(at), _) => t_string!(
            i18n,
            tickets.resolved_after,
            time = took(hours_between(ticket.opened_at, at))
        )
        .to_string(),
        (None, Some(name)) => t_string!(i18n, tickets.handled_by, name = name.clone()).to_string(),
        (None, None) => t_string!(i18n, tickets.unassigned).to_string(),
    };
    view! {
        <li class="ticket">
            <span class=status_class(ticket.status)>{status_label(ticket.status)}</span>
            " "
            <A href=Route::Ticket(ticket.id).path()>{ticket.title.clone()}</A>
            <br />
            <span class="muted">{about}</span>
            <br />
            <span class="small">
                {t!(i18n, tickets.opened_by, name = ticket.opened_by_name.clone(), at = opened)}
                " · "
                {handled}
            </span>
        </li>
    }
}

/// The unresolved tickets per TDP and how fast the team resolves them, for the dashboard.
/// Left out when there is nothing to show, or offline.
#[component]
pub fn OpenTickets(ward: i32) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let data = LocalResource::new(move || api::ticket_figures(ward));
    move || {
        let f = data.get()?.ok()?;
        (f.open + f.in_progress + f.resolved_30_days > 0).then(|| {
            let may_read = !session.reach(ward, Action::ViewPeople).is_nothing();
            let median = f.median_hours_30_days.map(took);
            view! {
                <section aria-labelledby="open-tickets">
                    <h2 id="open-tickets">{t!(i18n, tickets.dashboard)}</h2>
                    <p>
                        {t!(i18n, tickets.waiting, open = f.open, in_progress = f.in_progress)}
                        {median
                            .map(|m| {
                                view! {
                                    " "
                                    {t!(i18n, tickets.median, n = f.resolved_30_days, time = m)}
                                }
                            })}
                    </p>
                    {(!f.tdps.is_empty())
                        .then(|| {
                            view! {
                                <table class="compact">
                                    <thead>
                                        <tr>
                                            <th scope="col">{t!(i18n, tickets.tdp)}</th>
                                            <th scope="col" class="num">{t!(i18n, tickets.open)}</th>
                                            <th scope="col" class="num">{t!(i18n, tickets.in_progress)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {f.tdps
                                            .into_iter()
                                            .map(|t| {
                                                view! {
                                                    <tr>
                                                        <th scope="row">{t.name}</th>
                                                        <td class="num">{t.open}</td>
                                                        <td class="num">{t.in_progress}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            }
                        })}
                    {may_read
                        .then(|| {
                            view! { <p><A href=Route::Tickets(ward).path()>{t!(i18n, tickets.to_queue)}</A></p> }
                        })}
                </section>
            }
        })
    }
}

#[component]
pub fn NewTicket() -> impl IntoView {
    let code = code_param();
    let query = use_query_map();
    let data = LocalResource::new(move || {
        let code = code.get();
        let household = query
            .read()
            .get(HOUSEHOLD_QUERY)
            .and_then(|h| h.parse::<Uuid>().ok());
        async move {
            let ward = code.ok_or_else(not_found)?;
            let household = match household {
                Some(id) => Some(api::household(id).await?),
                None => None,
            };
            Ok::<_, ApiError>((
                ward,
                household,
                api::skills(ward).await?,
                api::tdps(ward).await?,
            ))
        }
    });
    loaded(
        data,
        move |(ward, household, skills, tdps): (i32, Option<Household>, Vec<Skill>, Vec<Tdp>)| {
            set_current_ward(ward);
            view! { <NewTicketForm ward household skills tdps /> }
        },
    )
}

#[component]
fn NewTicketForm(
    ward: i32,
    household: Option<Household>,
    skills: Vec<Skill>,
    tdps: Vec<Tdp>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    // One id per ticket being written, so that a retried submit opens it once.
    let id = Uuid::now_v7();
    let resident = RwSignal::new(None::<Uuid>);
    let reach = session.reach(ward, Action::Record);
    let tdps: Vec<Tdp> = tdps.into_iter().filter(|t| reach.includes(t.id)).collect();
    let tdp = RwSignal::new(tdps.first().map(|t| t.id));
    let place = RwSignal::new(String::new());
    let skill = RwSignal::new(None::<Uuid>);
    let title = RwSignal::new(String::new());
    let description = RwSignal::new(String::new());
    let form = FormState::new();
    let household_id = household.as_ref().map(|h| h.id);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewTicket {
            id,
            household_id,
            resident_id: resident.get_untracked(),
            tdp_id: household_id
                .is_none()
                .then(|| tdp.get_untracked())
                .flatten(),
            place: household_id.is_none().then(|| place.get_untracked()),
            skill_id: skill.get_untracked(),
            title: title.get_untracked(),
            description: description.get_untracked(),
        };
        if form.start(domain::validate::new_ticket(&body)) {
            let navigate = navigate.clone();
            spawn_local(async move {
                if let Some(ticket) = form.finish(api::create_ticket(ward, &body).await) {
                    navigate(&Route::Ticket(ticket.id).path(), Default::default());
                }
            });
        }
    };
    let label = move |s: &'static str| Signal::derive(move || s.to_owned());
    let about = match household {
        Some(h) => view! {
            <p class="crumb"><A href=Route::Household(h.id).path()>{h.head_name.clone()}</A></p>
            <p>{t!(i18n, tickets.about_household, address = h.address.clone(), tdp = h.tdp.name.clone())}</p>
            <div class="field">
                <label for="ticket-resident">{t!(i18n, tickets.resident)}</label>
                <select id="ticket-resident" on:change=move |ev| resident.set(event_target_value(&ev).parse().ok())>
                    <option value="">{t!(i18n, tickets.whole_household)}</option>
                    {h.residents
                        .into_iter()
                        .map(|r| view! { <option value=r.id.to_string()>{format!("{} ({})", r.full_name, r.birth_year)}</option> })
                        .collect_view()}
                </select>
            </div>
        }
            .into_any(),
        None => view! {
            <p class="crumb"><A href=Route::Tickets(ward).path()>{t!(i18n, tickets.title)}</A></p>
            <p class="hint">{t!(i18n, tickets.place_hint)}</p>
            <div class="field">
                <label for="ticket-tdp">{t!(i18n, tickets.tdp)}</label>
                <select id="ticket-tdp" on:change=move |ev| tdp.set(event_target_value(&ev).parse().ok())>
                    {tdps
                        .into_iter()
                        .map(|t| view! { <option value=t.id.to_string()>{t.name.clone()}</option> })
                        .collect_view()}
                </select>
            </div>
            <TextField id="ticket-place" label=label(t_string!(i18n, tickets.place)) value=place error=form.field("place") />
        }
            .into_any(),
    };
    view! {
        <h1>{t!(i18n, tickets.escalate)}</h1>
        <form class="form" on:submit=submit novalidate>
            {about}
            <div class="field">
                <label for="ticket-skill">{t!(i18n, tickets.skill)}</label>
                <select id="ticket-skill" on:change=move |ev| skill.set(event_target_value(&ev).parse().ok())>
                    <option value="">{t!(i18n, tickets.other_problem)}</option>
                    {skills
                        .into_iter()
                        .map(|s| view! { <option value=s.id.to_string()>{s.name_vi.clone()}</option> })
                        .collect_view()}
                </select>
            </div>
            <TextField
                id="ticket-title"
                label=label(t_string!(i18n, tickets.problem))
                value=title
                error=form.field("title")
                hint=Signal::derive(move || t_string!(i18n, tickets.problem_hint).to_owned())
            />
            <TextArea
                id="ticket-description"
                label=label(t_string!(i18n, tickets.description))
                value=description
                error=form.field("description")
                rows=4
            />
            <p class="hint">{t!(i18n, tickets.no_id_numbers)}</p>
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, tickets.send)}
            </button>
        </form>
    }
}

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
                    <span class=status_class(t.status) data-testid="ticket-status">{status_label(t.status)}</span>
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
        (TicketEventKind::Status, Some(status), _) => {
            t_string!(i18n, tickets.event_status, status = status_label(status)()).to_string()
        }
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
    let label = move |s: &'static str| Signal::derive(move || s.to_owned());
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
                        label=label(if resolved { t_string!(i18n, tickets.reopen_note) } else { t_string!(i18n, tickets.resolution) })
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
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewComment {
            id: comment_id.get_untracked(),
            text: text.get_untracked(),
        };
        if form.start(domain::validate::new_comment(&body)) {
            spawn_local(async move {
                if let Some(d) = form.finish(api::comment_ticket(id, &body).await) {
                    comment_id.set(Uuid::now_v7());
                    text.set(String::new());
                    detail.set(d);
                }
            });
        }
    };
    view! {
        <form class="form" on:submit=submit novalidate>
            <TextArea
                id="ticket-comment"
                label=Signal::derive(move || t_string!(i18n, tickets.comment).to_owned())
                value=text
                error=form.field("text")
            />
            {form.failure_view()}
            <button type="submit" class="button secondary" disabled=form.busy>
                {t!(i18n, tickets.send_comment)}
            </button>
        </form>
    }
}
