//! The queue of unresolved tickets and the resolved ones.

use domain::access::Action;
use domain::api::Ticket;
use leptos::prelude::*;
use leptos_router::components::A;

use super::{hours_between, status_class};
use crate::api::{self, ApiError};
use crate::components::{choice_button, loaded};
use crate::contexts::set_current_ward;
use crate::format::{date_time, took};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::ticket_status_name;
use crate::pages::{code_param, not_found};
use crate::routes::Route;
use crate::session::use_session;

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
            <span class=status_class(ticket.status)>{ticket_status_name(ticket.status)}</span>
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
