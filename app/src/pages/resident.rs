//! A resident: each skill's status, the visits that helped, the classes attended, and their
//! part in "Đại sứ số".

use domain::access::Action;
use domain::api::{
    AmbassadorChange, Consent, Departure, DepartureReason, FieldChange, Household, LearnerChange,
    PURPOSE_VI, Resident, ResidentConsent, ResidentDeparture, ResidentSummary, Skill, SkillStatus,
    Tdp,
};
use domain::{FieldCode, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

use super::{id_param, not_found};
use crate::api::{self, ResidentRecord};
use crate::components::{
    ChoiceSelect, EditHistory, ErrorNotice, FormState, HistoryOf, KeptNotice, TextField, loaded,
};
use crate::contexts::set_current_ward;
use crate::format::{date, today};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{
    activity_kind_name, departure_reason_name, skill_name, skill_status_name, words,
};
use crate::offline::{Saved, use_sync};
use crate::routes::Route;
use crate::session::use_session;

#[component]
pub fn ResidentPage() -> impl IntoView {
    let id = id_param();
    let sync = use_sync();
    let data = LocalResource::new(move || {
        let id = id.get();
        // Read again once changes saved on the phone (a departure) have reached the server.
        sync.sent.track();
        async move { api::resident(id.ok_or_else(not_found)?).await }
    });
    let on_change = move || data.refetch();
    loaded(data, move |record| match record {
        ResidentRecord::Whole(r) => {
            set_current_ward(r.tdp.ward_code);
            let erased = r.full_name.is_empty();
            let withdrawn = r.consent.withdrawn();
            let history = HistoryOf::Resident(r.id);
            let departure = Departing::of(&r);
            view! {
                <ResidentView resident=r.clone() />
                {(!erased).then(|| view! {
                    <DepartureSection resident=departure on_change />
                    <ConsentSection
                        id=r.id
                        tdp=r.tdp.clone()
                        consent=ConsentState::Recorded(r.consent.clone())
                        on_change
                    />
                    {(!withdrawn).then(|| view! { <Ambassador resident=r.clone() on_change /> })}
                    <Erasure resident=r on_change />
                })}
                <EditHistory of=history />
            }
            .into_any()
        }
        ResidentRecord::Kept {
            household,
            resident,
            achieved,
        } => {
            set_current_ward(household.tdp.ward_code);
            let (id, tdp) = (resident.id, household.tdp.clone());
            let consent = ConsentState::Kept {
                withdrawn: resident.consent_withdrawn,
            };
            let departure = (!resident.full_name.is_empty()).then(|| Departing {
                id,
                tdp: tdp.clone(),
                birth_year: resident.birth_year,
                departure: resident.departure,
            });
            view! {
                <KeptResidentView household resident achieved />
                {departure.map(|resident| view! {
                    <DepartureSection resident on_change />
                    <ConsentSection id tdp consent on_change />
                })}
            }
            .into_any()
        }
    })
}

/// Who the resident is, atop their page from either record: their household, their name (or
/// that it was erased at their request), birth year, TDP and note.
struct Header {
    household: Uuid,
    address: String,
    name: String,
    birth_year: i32,
    tdp: String,
    note: String,
}

impl Header {
    fn view(self) -> impl IntoView {
        let i18n = use_i18n();
        view! {
            <p class="crumb">
                <A href=Route::Household(self.household).path()>{self.address}</A>
            </p>
            <h1>
                {if self.name.is_empty() {
                    t!(i18n, resident.erased).into_any()
                } else {
                    self.name.into_any()
                }}
            </h1>
            <p class="subtitle">
                {t!(i18n, resident.born, year = self.birth_year)} " · " {self.tdp}
            </p>
            {(!self.note.is_empty()).then(|| view! { <p class="note">{self.note}</p> })}
        }
    }
}

/// A resident without signal, from the phone's copy of their household: who they are, the
/// skills they achieved and whether they left, which a team member may mark at the door.
/// Their history and part in "Đại sứ số" wait for signal.
#[component]
fn KeptResidentView(
    household: Household,
    resident: ResidentSummary,
    achieved: Vec<Skill>,
) -> impl IntoView {
    let i18n = use_i18n();
    let r = resident;
    let header = Header {
        household: household.id,
        address: household.address,
        name: r.full_name,
        birth_year: r.birth_year,
        tdp: household.tdp.name,
        note: r.note,
    };
    view! {
        {header.view()}
        <p class="notice" data-testid="kept-copy">{t!(i18n, resident.kept_copy)}</p>
        <h2>{t!(i18n, resident.skills)}</h2>
        {if achieved.is_empty() {
            view! { <p>{t!(i18n, resident.no_skills)}</p> }.into_any()
        } else {
            view! {
                <ul class="list">
                    {achieved
                        .iter()
                        .map(|s| view! {
                            <li>{skill_name(s)} " – " {skill_status_name(SkillStatus::Achieved)}</li>
                        })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
    }
}

#[component]
fn ResidentView(resident: Resident) -> impl IntoView {
    let i18n = use_i18n();
    let r = resident;
    let header = Header {
        household: r.household_id,
        address: r.household_address.clone(),
        name: r.full_name.clone(),
        birth_year: r.birth_year,
        tdp: r.tdp.name.clone(),
        note: r.note.clone(),
    };
    view! {
        {header.view()}
        <h2>{t!(i18n, resident.skills)}</h2>
        {if r.skills.is_empty() {
            view! { <p>{t!(i18n, resident.no_skills)}</p> }.into_any()
        } else {
            view! {
                <ul class="list">
                    {r
                        .skills
                        .iter()
                        .map(|s| {
                            view! {
                                <li>
                                    {s.skill_name.clone()} " – " {skill_status_name(s.status)}
                                    <span class="muted small">
                                        {format!(" · {}", date(s.since))}
                                    </span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
        <h2>{t!(i18n, resident.history)}</h2>
        <ul class="list">
            {r
                .history
                .iter()
                .map(|h| {
                    view! {
                        <li>
                            {format!("{} · {} – ", date(h.visited_on), h.skill_name)}
                            {skill_status_name(h.outcome)}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        {(!r.activities.is_empty()).then(move || view! {
            <h2>{t!(i18n, resident.activities)}</h2>
            <ul class="list attended">
                {r
                    .activities
                    .into_iter()
                    .map(|a| {
                        view! {
                            <li>
                                {date(domain::time::day(a.starts_at))} " · "
                                <A href=Route::Activity(a.activity_id).path()>{a.title.clone()}</A>
                                " (" {activity_kind_name(a.kind)} ")"
                                {a.outcome.map(|o| view! { " – " {skill_status_name(o)} })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        })}
    }
}

/// Whether the resident is a digital ambassador, and who guides them; registering or
/// withdrawing for those who record in the resident's TDP.
#[component]
fn Ambassador(
    resident: Resident,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let ward = resident.tdp.ward_code;
    let may_record = session
        .reach(ward, Action::Record)
        .includes(resident.tdp.id);
    let failure = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let kept = RwSignal::new(false);
    let sync = use_sync();
    // Through the outbox, as at the door: kept on the phone when there is no signal.
    let save = move |change: FieldChange| {
        busy.set(true);
        spawn_local(async move {
            let saved = sync.save(ward, Uuid::now_v7(), change).await;
            busy.set(false);
            match saved {
                Ok(Saved::Sent) => on_change(),
                Ok(Saved::Queued) => kept.set(true),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let id = resident.id;
    let act = move |register: bool| {
        save(FieldChange::Ambassador(AmbassadorChange {
            resident_id: Some(id),
            team_member_id: None,
            ambassador: register,
        }))
    };
    let stop_learning = move |_| {
        save(FieldChange::Learner(LearnerChange {
            resident_id: id,
            mentor_id: None,
        }))
    };
    let is_mentor = resident.mentor_id.is_some();
    view! {
        <section class="ambassador" aria-labelledby="ambassador-title">
            <h2 id="ambassador-title">{t!(i18n, ambassadors.section)}</h2>
            {is_mentor
                .then(|| {
                    view! {
                        <p>
                            {t!(i18n, ambassadors.is_mentor)} " "
                            <A href=Route::Ambassadors(ward).path()>{t!(i18n, ambassadors.see_network)}</A>
                        </p>
                    }
                })}
            {match resident.learns_from {
                Some(m) => {
                    view! {
                        <p>
                            {t!(i18n, ambassadors.learns_from, name = m.full_name)} " "
                            <Show when=move || may_record>
                                <button type="button" class="button secondary small" disabled=busy on:click=stop_learning>
                                    {t!(i18n, ambassadors.stop_learning)}
                                </button>
                            </Show>
                        </p>
                    }
                        .into_any()
                }
                None => view! { <p class="muted">{t!(i18n, ambassadors.no_mentor)}</p> }.into_any(),
            }}
            <Show when=move || may_record>
                <button
                    type="button"
                    class="button secondary"
                    disabled=busy
                    on:click=move |_| act(!is_mentor)
                >
                    {if is_mentor {
                        t!(i18n, ambassadors.withdraw).into_any()
                    } else {
                        t!(i18n, ambassadors.register).into_any()
                    }}
                </button>
            </Show>
            <KeptNotice kept />
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
        </section>
    }
}

/// What the consent section knows of a resident's consent.
#[derive(Clone)]
enum ConsentState {
    /// The server's record: who recorded it and when, what for, or that they withdrew it.
    Recorded(Consent),
    /// Offline, from the phone's copy of the household: only whether they withdrew it.
    Kept { withdrawn: bool },
}

/// The resident's consent (Law 91/2025): who recorded it and when, what for, or that they
/// withdrew it; recording it as given or withdrawn, for those who record in their TDP. A
/// resident from the ward's register has none recorded until they are asked at the door, with
/// the purpose read to them. Saved on the phone first, like everything done at a door.
#[component]
fn ConsentSection(
    id: Uuid,
    tdp: Tdp,
    consent: ConsentState,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sync = use_sync();
    let ward = tdp.ward_code;
    let may_record = session.reach(ward, Action::Record).includes(tdp.id);
    let failure = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let set = move |given: bool| {
        busy.set(true);
        spawn_local(async move {
            let change = FieldChange::Consent(ResidentConsent {
                resident_id: id,
                given,
            });
            let saved = sync.save(ward, Uuid::now_v7(), change).await;
            busy.set(false);
            match saved {
                Ok(_) => on_change(),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let by = |who: Option<String>| who.unwrap_or_default();
    // Whether the person may be asked (none recorded, or withdrawn), and may withdraw it.
    let (state, may_give, may_withdraw) = match consent {
        ConsentState::Recorded(c) => match (c.withdrawn_at, c.given_at) {
            (Some(at), _) => (
                view! {
                    <p class="notice">
                        {t!(i18n, resident.consent_withdrawn, date = date(domain::time::day(at)), by = by(c.withdrawn_by))}
                    </p>
                }
                .into_any(),
                true,
                false,
            ),
            (None, Some(at)) => (
                view! {
                    <p>{t!(i18n, resident.consent_given, date = date(domain::time::day(at)), by = by(c.given_by))}</p>
                    <p class="muted small">{c.purpose.unwrap_or_default()}</p>
                }
                .into_any(),
                false,
                true,
            ),
            (None, None) => (
                view! { <p class="muted">{t!(i18n, resident.consent_none)}</p> }.into_any(),
                true,
                false,
            ),
        },
        ConsentState::Kept { withdrawn: true } => (
            view! { <p class="notice">{t!(i18n, resident.consent_withdrawn_kept)}</p> }.into_any(),
            true,
            false,
        ),
        // Given or not yet asked, the phone cannot tell: either may be recorded at the door,
        // and recording what is already there changes nothing.
        ConsentState::Kept { withdrawn: false } => (
            view! { <p class="muted">{t!(i18n, resident.consent_unknown)}</p> }.into_any(),
            true,
            true,
        ),
    };
    view! {
        <section class="consent" aria-labelledby="consent-title">
            <h2 id="consent-title">{t!(i18n, resident.consent)}</h2>
            {state}
            <Show when=move || may_record>
                {may_give.then(|| view! {
                    <p class="muted small">{t!(i18n, resident.consent_ask)} " " {PURPOSE_VI}</p>
                    <button type="button" class="button secondary" disabled=busy on:click=move |_| set(true)>
                        {t!(i18n, resident.consent_give)}
                    </button>
                })}
                {may_withdraw.then(|| view! {
                    " "
                    <button type="button" class="button secondary" disabled=busy on:click=move |_| set(false)>
                        {t!(i18n, resident.consent_withdraw)}
                    </button>
                })}
            </Show>
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
        </section>
    }
}

/// What marking a departure needs to know of a resident, from the server's record or the
/// phone's copy.
struct Departing {
    id: Uuid,
    tdp: Tdp,
    birth_year: i32,
    departure: Option<Departure>,
}

impl Departing {
    fn of(r: &Resident) -> Self {
        Self {
            id: r.id,
            tdp: r.tdp.clone(),
            birth_year: r.birth_year,
            departure: r.departure,
        }
    }
}

/// Whether the resident still lives in the ward: a team member marks them as moved out or
/// deceased, from a day, and they leave every count; or, entered by mistake, counts them
/// again. Saved on the phone first, like everything done at a door.
#[component]
fn DepartureSection(
    resident: Departing,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sync = use_sync();
    let (ward, tdp) = (resident.tdp.ward_code, resident.tdp.id);
    let may_record = session.reach(ward, Action::Record).includes(tdp);
    let id = resident.id;
    let open = RwSignal::new(false);
    let reason = RwSignal::new(DepartureReason::MovedOut);
    let on = RwSignal::new(today().to_string());
    let form = FormState::new();
    let save = move |departure: Option<Departure>| {
        if let Some(d) = &departure
            && !form.start(domain::validate::departure(d, resident.birth_year, today()))
        {
            return;
        }
        form.busy.set(true);
        spawn_local(async move {
            let change = FieldChange::ResidentDeparture(ResidentDeparture {
                resident_id: id,
                departure,
            });
            let outcome = sync.save(ward, Uuid::now_v7(), change).await;
            if form.finish(outcome).is_some() {
                open.set(false);
                on_change();
            }
        });
    };
    let mark = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match on.get_untracked().parse() {
            Ok(day) => save(Some(Departure {
                on: day,
                reason: reason.get_untracked(),
            })),
            Err(_) => form
                .errors
                .set(vec![FieldError::new("departure.on", FieldCode::Required)]),
        }
    };
    let state = resident.departure.map(|d| {
        let day = date(d.on);
        view! {
            <p class="notice" data-testid="departure">
                {match d.reason {
                    DepartureReason::MovedOut => t_string!(i18n, resident.moved_out_on, date = day).to_string(),
                    DepartureReason::Deceased => t_string!(i18n, resident.deceased_on, date = day).to_string(),
                }}
            </p>
            <p class="muted small">{t!(i18n, resident.departed_hint)}</p>
        }
    });
    let departed = resident.departure.is_some();
    view! {
        <section class="departure" aria-labelledby="departure-title">
            <h2 id="departure-title">{t!(i18n, resident.departure)}</h2>
            {state}
            <Show when=move || may_record>
                {if departed {
                    view! {
                        <button type="button" class="button secondary" disabled=form.busy on:click=move |_| save(None)>
                            {t!(i18n, resident.count_again)}
                        </button>
                    }
                        .into_any()
                } else {
                    view! {
                        <Show
                            when=move || open.get()
                            fallback=move || view! {
                                <button type="button" class="button secondary" on:click=move |_| open.set(true)>
                                    {t!(i18n, resident.mark_departed)}
                                </button>
                            }
                        >
                            <form class="card" on:submit=mark novalidate>
                                <ChoiceSelect
                                    id="departure-reason"
                                    label=words(|i18n| t_string!(i18n, resident.departure_reason))
                                    value=reason
                                    options=DepartureReason::ALL
                                    name=departure_reason_name
                                />
                                <TextField
                                    id="departure-on"
                                    label=words(|i18n| t_string!(i18n, resident.departure_on))
                                    value=on
                                    error=form.field("departure.on")
                                    kind="date"
                                />
                                {form.failure_view()}
                                <div class="actions">
                                    <button type="submit" class="button danger" disabled=form.busy>
                                        {t!(i18n, resident.departure_save)}
                                    </button>
                                    <button type="button" class="button" on:click=move |_| open.set(false)>
                                        {t!(i18n, household.cancel)}
                                    </button>
                                </div>
                            </form>
                        </Show>
                    }
                        .into_any()
                }}
            </Show>
        </section>
    }
}

/// Erasing the resident's data at their request, for the ward admin, after a confirmation.
#[component]
fn Erasure(
    resident: Resident,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may = !session
        .reach(resident.tdp.ward_code, Action::ManageWard)
        .is_nothing();
    let confirming = RwSignal::new(false);
    let failure = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let id = resident.id;
    let erase = move |_| {
        busy.set(true);
        spawn_local(async move {
            let done = api::erase_resident(id).await;
            busy.set(false);
            confirming.set(false);
            match done {
                Ok(()) => on_change(),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    may.then(|| {
        view! {
            <section class="erasure" aria-labelledby="erasure-title">
                <h2 id="erasure-title">{t!(i18n, resident.erasure)}</h2>
                <p>
                    <A href=Route::ResidentData(id).path()>{t!(i18n, resident.see_data)}</A>
                </p>
                <p class="muted">{t!(i18n, resident.erasure_hint)}</p>
                <button type="button" class="button danger" on:click=move |_| confirming.set(true)>
                    {t!(i18n, resident.erase)}
                </button>
                {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
                <Show when=move || confirming.get()>
                    <div class="overlay">
                        <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="erase-title">
                            <h2 id="erase-title">{t!(i18n, resident.erase_title)}</h2>
                            <p>{t!(i18n, resident.erase_warning)}</p>
                            <div class="actions">
                                <button type="button" class="button danger" disabled=busy on:click=erase>
                                    {t!(i18n, resident.erase_confirm)}
                                </button>
                                <button type="button" class="button" on:click=move |_| confirming.set(false)>
                                    {t!(i18n, resident.erase_cancel)}
                                </button>
                            </div>
                        </div>
                    </div>
                </Show>
            </section>
        }
    })
}
