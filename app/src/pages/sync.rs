//! The sync page: how many changes wait on this phone, when it last synced, the changes the
//! server did not take (to send again or let go) and, for team leaders, the conflicts to look
//! at.

use domain::access::Action;
use domain::api::{
    ConflictChoice, DuplicateKind, DuplicateRecord, EditChoice, EditConflict, FieldChange,
    LikelyDuplicate, SyncConflict,
};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::{ErrorNotice, loaded};
use crate::contexts::CurrentWard;
use crate::format::{date, date_time};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{edit_field_name, edit_value, field_message};
use crate::offline::{OutboxEntry, Problem, use_sync};
use crate::routes::Route;
use crate::session::use_session;

#[component]
pub fn SyncPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let session = use_session();
    let current = use_context::<CurrentWard>().and_then(|CurrentWard(w)| w.get_untracked());
    // The ward being worked in, or else the first where the person leads a team.
    let leader_of = move || {
        let wards: Vec<i32> = session.me.with(|me| {
            me.iter()
                .flatten()
                .flat_map(|me| me.grants.iter().map(|g| g.ward_code))
                .collect()
        });
        current
            .into_iter()
            .chain(wards)
            .find(|w| !session.reach(*w, Action::ManageTeam).is_nothing())
    };
    view! {
        <h1>{t!(i18n, sync.title)}</h1>
        <p>{t!(i18n, sync.intro)}</p>
        <section class="card sync-status" aria-live="polite">
            <p data-testid="unsent">{move || t_string!(i18n, sync.unsent_line, count = sync.unsent.get())}</p>
            <p>
                {move || match sync.last_sync.get() {
                    Some(at) => t_string!(i18n, sync.last_sync, time = date_time(at)).to_string(),
                    None => t_string!(i18n, sync.never).to_string(),
                }}
            </p>
            <Show when=move || sync.offline.get()>
                <p class="muted">{t!(i18n, sync.offline_note)}</p>
            </Show>
            <button
                type="button"
                class="button primary"
                disabled=move || sync.running.get()
                on:click=move |_| sync.start()
            >
                {move || if sync.running.get() { t_string!(i18n, sync.running) } else { t_string!(i18n, sync.sync_now) }}
            </button>
        </section>
        <h2>{t!(i18n, sync.problems_title)}</h2>
        {move || {
            let problems = sync.problems.get();
            if problems.is_empty() {
                view! { <p>{t!(i18n, sync.no_problems)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list problems">
                        {problems.into_iter().map(|e| view! { <ProblemItem entry=e /> }).collect_view()}
                    </ul>
                }
                    .into_any()
            }
        }}
        {move || {
            leader_of()
                .map(|w| view! { <Conflicts ward=w /> <EditConflicts ward=w /> <Duplicates ward=w /> })
        }}
    }
}

#[component]
fn ProblemItem(entry: OutboxEntry) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let reason = match entry.problem.clone() {
        Some(Problem::Invalid(fields)) => view! {
            <p>{t!(i18n, sync.invalid)}</p>
            <ul>
                {fields
                    .into_iter()
                    .map(|f| view! { <li>{field_message(f.code)}</li> })
                    .collect_view()}
            </ul>
        }
        .into_any(),
        Some(Problem::Refused) => view! { <p>{t!(i18n, sync.refused)}</p> }.into_any(),
        Some(Problem::Conflict) | None => view! { <p>{t!(i18n, sync.conflict)}</p> }.into_any(),
    };
    let title = match &entry.change.change {
        FieldChange::Household(h) => {
            t_string!(i18n, sync.household_of, address = h.address.clone())
        }
        FieldChange::Resident(r) => t_string!(i18n, sync.resident_of, name = r.full_name.clone()),
        FieldChange::Visit(v) => t_string!(i18n, sync.visit_of, date = date(v.visited_on)),
        FieldChange::VoidVisit(v) => t_string!(i18n, sync.void_of, reason = v.reason.clone()),
        FieldChange::CorrectVisit(c) => t_string!(
            i18n,
            sync.correction_of,
            date = date(c.visit.visited_on),
            reason = c.reason.clone()
        ),
        FieldChange::ResidentDeparture(_) => t_string!(i18n, sync.departure_of).to_owned(),
        FieldChange::Consent(_) => t_string!(i18n, sync.consent_of).to_owned(),
        FieldChange::Ticket(t) => t_string!(i18n, sync.ticket_of, title = t.title.clone()),
        FieldChange::HouseholdEdit(e) => edit_title(&e.fields),
        FieldChange::ResidentEdit(e) => edit_title(&e.fields),
        FieldChange::Attendance(_) => t_string!(i18n, sync.attendance_of).to_owned(),
        FieldChange::Learning(_) => t_string!(i18n, sync.learning_of).to_owned(),
        FieldChange::Comment(c) => t_string!(i18n, sync.comment_of, text = c.text.clone()),
        FieldChange::Ambassador(_) => t_string!(i18n, sync.ambassador_of).to_owned(),
        FieldChange::Learner(_) => t_string!(i18n, sync.learner_of).to_owned(),
        FieldChange::Stall(s) => {
            t_string!(i18n, sync.stall_of, name = s.details.trader_name.clone())
        }
        FieldChange::Guide(_) => t_string!(i18n, sync.guide_of).to_owned(),
    }
    .to_string();
    // What the server found wrong is edited in its form, then sent again.
    let sent_back = entry.clone();
    let editable = LocalResource::new(move || {
        let e = sent_back.clone();
        async move {
            if !matches!(e.problem, Some(Problem::Invalid(_))) {
                return None;
            }
            let form = form_of(e.ward, &e.change.change).await?;
            Some(form.resend(e.id()))
        }
    });
    let (retry, discard) = (entry.clone(), entry);
    let confirm_discard = move |_| {
        let sure = window()
            .confirm_with_message(t_string!(i18n, sync.discard_confirm))
            .unwrap_or(false);
        if sure {
            sync.discard(discard.clone());
        }
    };
    view! {
        <li class="problem">
            <strong>{title}</strong>
            {reason}
            <div class="actions">
                {move || editable.get().flatten().map(|href| view! {
                    <A href attr:class="button primary">{t!(i18n, sync.edit_resend)}</A>
                })}
                <button type="button" class="button" on:click=move |_| sync.retry(retry.clone())>
                    {t!(i18n, sync.retry)}
                </button>
                <button type="button" class="button danger" on:click=confirm_discard>
                    {t!(i18n, sync.discard)}
                </button>
            </div>
        </li>
    }
}

/// The page whose form makes a change of this kind, for the kinds a person fixes by editing
/// what they wrote; the others are sent again as they are, or let go. A resident's edit is
/// made on their household's page, which the phone's copy names.
async fn form_of(ward: i32, change: &FieldChange) -> Option<Route> {
    match change {
        FieldChange::Visit(v) => Some(Route::RecordVisit(v.household_id)),
        FieldChange::CorrectVisit(c) => Some(Route::RecordVisit(c.visit.household_id)),
        FieldChange::Household(h) => Some(Route::Tdp(h.tdp_id)),
        FieldChange::Resident(r) => Some(Route::Household(r.household_id)),
        FieldChange::Ticket(t) => Some(Route::NewTicket(ward, t.household_id)),
        FieldChange::HouseholdEdit(e) => Some(Route::Household(e.household_id)),
        // A move refused is sent again as it is, or let go: the move form makes another.
        FieldChange::ResidentEdit(e) if e.fields.household_id.is_none() => {
            api::kept_home(e.resident_id).await.map(Route::Household)
        }
        _ => None,
    }
}

/// Visit ids sent again with other content in the TDPs the person leads: both copies side by
/// side (the server never overwrote the kept one), to keep the stored one or both.
#[component]
fn Conflicts(ward: i32) -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(move || api::conflicts(ward));
    let failure = RwSignal::new(None::<ApiError>);
    let resolve =
        leptos::prelude::Action::new_local(move |(id, choice): &(i64, ConflictChoice)| {
            let (id, choice) = (*id, *choice);
            async move {
                match api::resolve_conflict(ward, id, choice).await {
                    Ok(()) => {
                        failure.set(None);
                        list.refetch();
                    }
                    Err(e) => failure.set(Some(e)),
                }
            }
        });
    view! {
        <h2>{t!(i18n, sync.conflicts_title)}</h2>
        {move || failure.get().map(|e| view! { <ErrorNotice error=e /> })}
        {loaded(list, move |conflicts: Vec<SyncConflict>| {
            if conflicts.is_empty() {
                return view! { <p>{t!(i18n, sync.no_conflicts)}</p> }.into_any();
            }
            view! {
                <ul class="list conflicts">
                    {conflicts
                        .into_iter()
                        .map(|c| {
                            let id = c.id;
                            view! {
                                <li>
                                    <p class="muted small">
                                        {date_time(c.received_at)}
                                        {c.user_name.clone().map(|n| view! { " · " {t!(i18n, sync.sent_by, name = n)} })}
                                    </p>
                                    <p><strong>{t!(i18n, sync.received)}</strong> ": " {copy_line(&c.received)}</p>
                                    <p><strong>{t!(i18n, sync.stored)}</strong> ": " {copy_line(&c.stored)}</p>
                                    <div class="actions">
                                        <button
                                            type="button"
                                            class="button"
                                            disabled=move || resolve.pending().get()
                                            on:click=move |_| {
                                                resolve.dispatch((id, ConflictChoice::KeepStored));
                                            }
                                        >
                                            {t!(i18n, sync.keep_stored)}
                                        </button>
                                        <button
                                            type="button"
                                            class="button"
                                            disabled=move || resolve.pending().get()
                                            on:click=move |_| {
                                                resolve.dispatch((id, ConflictChoice::KeepBoth));
                                            }
                                        >
                                            {t!(i18n, sync.keep_both)}
                                        </button>
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
                .into_any()
        })}
    }
}

/// Households and residents added although they looked like one already in the register, in
/// the TDPs the person leads: each beside the one it looks like, to open both, to say they
/// are two, or to merge the one added into the one already there.
#[component]
fn Duplicates(ward: i32) -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(move || api::likely_duplicates(ward));
    let failure = RwSignal::new(None::<ApiError>);
    let dismiss = leptos::prelude::Action::new_local(move |id: &i64| {
        let id = *id;
        async move {
            match api::dismiss_duplicate(ward, id).await {
                Ok(()) => {
                    failure.set(None);
                    list.refetch();
                }
                Err(e) => failure.set(Some(e)),
            }
        }
    });
    let merge = leptos::prelude::Action::new_local(
        move |&(kind, copy, into): &(DuplicateKind, Uuid, Uuid)| async move {
            match api::merge_duplicate(kind, copy, into).await {
                Ok(_) => {
                    failure.set(None);
                    list.refetch();
                }
                Err(e) => failure.set(Some(e)),
            }
        },
    );
    // The pair whose merge is being confirmed.
    let confirming = RwSignal::new(None::<i64>);
    let record = |r: DuplicateRecord, kind: DuplicateKind| {
        let (href, name) = match kind {
            DuplicateKind::Household => (Route::Household(r.id).path(), r.name),
            DuplicateKind::Resident => (
                Route::Resident(r.id).path(),
                format!("{} ({})", r.name, r.birth_year.unwrap_or_default()),
            ),
        };
        view! { <A href=href>{name}</A> {format!(" – {}, {}", r.address, r.tdp_name)} }
    };
    view! {
        <h2>{t!(i18n, duplicates.list_title)}</h2>
        {move || failure.get().map(|e| view! { <ErrorNotice error=e /> })}
        {loaded(list, move |found: Vec<LikelyDuplicate>| {
            if found.is_empty() {
                return view! { <p>{t!(i18n, duplicates.none)}</p> }.into_any();
            }
            view! {
                <ul class="list duplicates">
                    {found
                        .into_iter()
                        .map(|d| {
                            let id = d.id;
                            let kind = d.kind;
                            let pair = (kind, d.added.id, d.existing.id);
                            view! {
                                <li>
                                    <p class="muted small">{date_time(d.found_at)}</p>
                                    <p><strong>{t!(i18n, duplicates.added)}</strong> " " {record(d.added, d.kind)}</p>
                                    <p><strong>{t!(i18n, duplicates.existing)}</strong> " " {record(d.existing, d.kind)}</p>
                                    <div class="actions">
                                        <button
                                            type="button"
                                            class="button"
                                            disabled=move || dismiss.pending().get()
                                            on:click=move |_| {
                                                dismiss.dispatch(id);
                                            }
                                        >
                                            {t!(i18n, duplicates.dismiss)}
                                        </button>
                                        <Show when=move || confirming.get() != Some(id)>
                                            <button
                                                type="button"
                                                class="button secondary"
                                                on:click=move |_| confirming.set(Some(id))
                                            >
                                                {move || merge_words(kind).0}
                                            </button>
                                        </Show>
                                    </div>
                                    <Show when=move || confirming.get() == Some(id)>
                                        <div class="card" role="group" aria-label=move || merge_words(kind).0>
                                            <p>{move || merge_words(kind).1}</p>
                                            <div class="actions">
                                                <button
                                                    type="button"
                                                    class="button primary"
                                                    disabled=move || merge.pending().get()
                                                    on:click=move |_| {
                                                        confirming.set(None);
                                                        merge.dispatch(pair);
                                                    }
                                                >
                                                    {t!(i18n, duplicates.merge_confirm)}
                                                </button>
                                                <button type="button" class="button" on:click=move |_| confirming.set(None)>
                                                    {t!(i18n, household.cancel)}
                                                </button>
                                            </div>
                                        </div>
                                    </Show>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
                .into_any()
        })}
    }
}

/// What merging a pair of `kind` is called, and what it does.
fn merge_words(kind: DuplicateKind) -> (&'static str, &'static str) {
    let i18n = use_i18n();
    match kind {
        DuplicateKind::Resident => (
            t_string!(i18n, duplicates.merge),
            t_string!(i18n, duplicates.merge_hint),
        ),
        DuplicateKind::Household => (
            t_string!(i18n, duplicates.merge_household),
            t_string!(i18n, duplicates.merge_household_hint),
        ),
    }
}

/// "Sửa: Năm sinh, Ghi chú".
fn edit_title(fields: &impl serde::Serialize) -> String {
    let i18n = use_i18n();
    let names = domain::edits::values(fields)
        .into_keys()
        .map(|f| edit_field_name(f)())
        .collect::<Vec<_>>()
        .join(", ");
    t_string!(i18n, sync.edit_of, fields = names).to_string()
}

/// Two edits of one field of a household or resident made apart, in the TDPs the person
/// leads: the value the record kept and the other, to keep it or take the other.
#[component]
fn EditConflicts(ward: i32) -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(move || api::edit_conflicts(ward));
    let failure = RwSignal::new(None::<ApiError>);
    let resolve = leptos::prelude::Action::new_local(move |(id, choice): &(i64, EditChoice)| {
        let (id, choice) = (*id, *choice);
        async move {
            match api::resolve_edit_conflict(ward, id, choice).await {
                Ok(()) => {
                    failure.set(None);
                    list.refetch();
                }
                Err(e) => failure.set(Some(e)),
            }
        }
    });
    let button = move |id: i64, choice: EditChoice| {
        view! {
            <button
                type="button"
                class="button"
                disabled=move || resolve.pending().get()
                on:click=move |_| {
                    resolve.dispatch((id, choice));
                }
            >
                {match choice {
                    EditChoice::KeepCurrent => t!(i18n, edits.keep_current).into_any(),
                    EditChoice::UseOther => t!(i18n, edits.use_other).into_any(),
                }}
            </button>
        }
    };
    view! {
        <h2>{t!(i18n, edits.conflicts_title)}</h2>
        {move || failure.get().map(|e| view! { <ErrorNotice error=e /> })}
        {loaded(list, move |conflicts: Vec<EditConflict>| {
            if conflicts.is_empty() {
                return view! { <p>{t!(i18n, sync.no_conflicts)}</p> }.into_any();
            }
            view! {
                <ul class="list edit-conflicts">
                    {conflicts
                        .into_iter()
                        .map(|c| {
                            let href = match c.resident_id {
                                Some(r) => Route::Resident(r).path(),
                                None => Route::Household(c.household_id).path(),
                            };
                            let by = |name: Option<String>| {
                                name.map(|n| format!(" ({})", t_string!(i18n, sync.sent_by, name = n)))
                            };
                            view! {
                                <li>
                                    <p class="muted small">{date_time(c.found_at)}</p>
                                    <p>
                                        <A href=href>{c.record_name.clone()}</A>
                                        " · " {edit_field_name(c.field)}
                                    </p>
                                    <p>
                                        <strong>{t!(i18n, edits.kept)}</strong> ": "
                                        {edit_value(c.field, &c.kept)} {by(c.kept_by.clone())}
                                    </p>
                                    <p>
                                        <strong>{t!(i18n, edits.other)}</strong> ": "
                                        {edit_value(c.field, &c.other)} {by(c.other_by.clone())}
                                    </p>
                                    <div class="actions">
                                        {button(c.id, EditChoice::KeepCurrent)}
                                        {button(c.id, EditChoice::UseOther)}
                                    </div>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
                .into_any()
        })}
    }
}

/// One copy of a conflicting visit in a line: its date and note.
fn copy_line(copy: &serde_json::Value) -> String {
    let visit: Option<domain::api::NewVisit> = serde_json::from_value(copy.clone()).ok();
    visit.map_or_else(String::new, |v| {
        format!("{} · {}", date(v.visited_on), v.note)
    })
}
