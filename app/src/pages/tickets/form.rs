//! The form a team member escalates a problem with.

use domain::access::Action;
use domain::api::{FieldChange, Household, NewTicket, Skill, Tdp};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::{FormState, TextArea, TextField, loaded};
use crate::contexts::set_current_ward;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::words;
use crate::offline::{Saved, SyncState, use_sync};
use crate::pages::{code_param, not_found};
use crate::routes::{HOUSEHOLD_QUERY, RESENDS_QUERY, Route};
use crate::session::use_session;

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
        let resends = query.read().get(RESENDS_QUERY);
        async move {
            let ward = code.ok_or_else(not_found)?;
            let household = match household {
                Some(id) => Some(api::household(id).await?),
                None => None,
            };
            // A ticket sent again or let go meanwhile is not there to edit.
            let sent_back = match resends {
                Some(change) => Some(
                    SyncState::sent_back(Some(change), |_, change| match change {
                        FieldChange::Ticket(t) => Some(t),
                        _ => None,
                    })
                    .await
                    .ok_or_else(not_found)?,
                ),
                None => None,
            };
            Ok::<_, ApiError>((
                ward,
                household,
                api::skills(ward).await?,
                api::tdps(ward).await?,
                sent_back,
            ))
        }
    });
    loaded(data, move |(ward, household, skills, tdps, sent_back)| {
        set_current_ward(ward);
        view! { <NewTicketForm ward household skills tdps sent_back /> }
    })
}

/// The form, empty or (`sent_back`) filled in with a ticket the server sent back, which is
/// sent again under its id.
#[component]
fn NewTicketForm(
    ward: i32,
    household: Option<Household>,
    skills: Vec<Skill>,
    tdps: Vec<Tdp>,
    sent_back: Option<NewTicket>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sync = use_sync();
    let navigate = use_navigate();
    let was = sent_back.as_ref();
    // One id per ticket being written, so that a retried submit opens it once.
    let id = was.map_or_else(Uuid::now_v7, |t| t.id);
    // Someone the household no longer lists as taking records is named no more.
    let listed = |r: &Uuid| {
        household
            .iter()
            .flat_map(|h| &h.residents)
            .any(|l| l.id == *r && l.takes_records())
    };
    let resident = RwSignal::new(was.and_then(|t| t.resident_id).filter(listed));
    let reach = session.reach(ward, Action::Record);
    let tdps: Vec<Tdp> = tdps.into_iter().filter(|t| reach.includes(t.id)).collect();
    let tdp = RwSignal::new(
        was.and_then(|t| t.tdp_id)
            .filter(|t| tdps.iter().any(|r| r.id == *t))
            .or_else(|| tdps.first().map(|t| t.id)),
    );
    let place = RwSignal::new(was.and_then(|t| t.place.clone()).unwrap_or_default());
    let known = |s: &Uuid| skills.iter().any(|k| k.id == *s);
    let skill = RwSignal::new(was.and_then(|t| t.skill_id).filter(known));
    let title = RwSignal::new(was.map(|t| t.title.clone()).unwrap_or_default());
    let description = RwSignal::new(was.map(|t| t.description.clone()).unwrap_or_default());
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
                // Through the outbox, like everything written at a door: with no signal it
                // waits on the phone, and the person goes back where they came from.
                let saved = sync.save(ward, id, FieldChange::Ticket(body)).await;
                match form.finish(saved) {
                    Some(Saved::Sent) => navigate(&Route::Ticket(id).path(), Default::default()),
                    Some(Saved::Queued) => {
                        let back = household_id.map_or(Route::Tickets(ward), Route::Household);
                        navigate(&back.path(), Default::default());
                    }
                    None => {}
                }
            });
        }
    };
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
                        .filter(|r| r.takes_records())
                        .map(|r| view! {
                            <option value=r.id.to_string() selected=resident.get_untracked() == Some(r.id)>
                                {format!("{} ({})", r.full_name, r.birth_year)}
                            </option>
                        })
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
                        .map(|t| view! {
                            <option value=t.id.to_string() selected=tdp.get_untracked() == Some(t.id)>
                                {t.name.clone()}
                            </option>
                        })
                        .collect_view()}
                </select>
            </div>
            <TextField id="ticket-place" label=words(|i18n| t_string!(i18n, tickets.place)) value=place error=form.field("place") />
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
                        .map(|s| view! {
                            <option value=s.id.to_string() selected=skill.get_untracked() == Some(s.id)>
                                {s.name_vi.clone()}
                            </option>
                        })
                        .collect_view()}
                </select>
            </div>
            <TextField
                id="ticket-title"
                label=words(|i18n| t_string!(i18n, tickets.problem))
                value=title
                error=form.field("title")
                hint=words(|i18n| t_string!(i18n, tickets.problem_hint))
            />
            <TextArea
                id="ticket-description"
                label=words(|i18n| t_string!(i18n, tickets.description))
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
