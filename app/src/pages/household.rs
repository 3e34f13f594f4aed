//! A household: who lives there, what each has learned, who guides the others ("Gia đình
//! số"), and every visit.

use domain::api::{
    DuplicateCheck, FieldChange, Gender, Household, HouseholdFields, HouseholdGuide, ModelSettings,
    NewResident, PURPOSE_VI, ResidentFields, ResidentSummary, Skill, SkillStatus, Visit,
    VisitVoiding, VoidVisit,
};
use domain::models::{Family, family, household_identity};
use domain::{FieldCode, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use super::{id_param, not_found};
use crate::api::{self, ApiError};
use crate::components::{
    ChoiceSelect, DuplicateGuard, EditHistory, EditHousehold, EditResident, ErrorNotice,
    FieldMessage, FormState, HistoryOf, MoveResident, PriorityBadges, TextArea, TextField, loaded,
};
use crate::contexts::set_current_ward;
use crate::format::{date, today};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{gender_name, skill_name, words};
use crate::offline::{SyncState, use_sync};
use crate::routes::{RESENDS_QUERY, Route};
use crate::session::use_session;
use domain::access::Action;

/// A change the server sent back that a form of this page edits, with its id.
#[derive(Clone)]
enum SentBack {
    Resident(Uuid, NewResident),
    HouseholdEdit(Uuid, HouseholdFields),
    /// An edit of a resident's own fields (a move is made again with the move form).
    ResidentEdit(Uuid, Uuid, ResidentFields),
}

impl SentBack {
    fn of(id: Uuid, change: FieldChange) -> Option<Self> {
        match change {
            FieldChange::Resident(r) => Some(Self::Resident(id, r)),
            FieldChange::HouseholdEdit(e) => Some(Self::HouseholdEdit(id, e.fields)),
            FieldChange::ResidentEdit(e) if e.fields.household_id.is_none() => {
                Some(Self::ResidentEdit(id, e.resident_id, e.fields))
            }
            _ => None,
        }
    }

    fn resident(&self) -> Option<(Uuid, NewResident)> {
        match self {
            Self::Resident(id, r) => Some((*id, r.clone())),
            _ => None,
        }
    }

    fn household_edit(&self) -> Option<(Uuid, HouseholdFields)> {
        match self {
            Self::HouseholdEdit(id, fields) => Some((*id, fields.clone())),
            _ => None,
        }
    }

    fn resident_edit(&self, resident: Uuid) -> Option<(Uuid, ResidentFields)> {
        match self {
            Self::ResidentEdit(id, r, fields) if *r == resident => Some((*id, fields.clone())),
            _ => None,
        }
    }
}

#[component]
pub fn HouseholdPage() -> impl IntoView {
    let id = id_param();
    let sync = use_sync();
    let query = use_query_map();
    let data = LocalResource::new(move || {
        let id = id.get();
        let resends = query.read().get(RESENDS_QUERY);
        // Read again once visits recorded on the phone have reached the server.
        sync.sent.track();
        async move {
            let household = api::household(id.ok_or_else(not_found)?).await?;
            let sent_back = SyncState::sent_back(resends, SentBack::of).await;
            Ok::<_, ApiError>((household, sent_back))
        }
    });
    loaded(
        data,
        move |(h, sent_back): (Household, Option<SentBack>)| {
            set_current_ward(h.tdp.ward_code);
            let on_change = Callback::new(move |()| data.refetch());
            view! { <HouseholdView household=h sent_back on_change /> }
        },
    )
}

#[component]
fn HouseholdView(
    household: Household,
    sent_back: Option<SentBack>,
    on_change: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let h = household;
    let session = use_session();
    let (ward, tdp) = (h.tdp.ward_code, h.tdp.id);
    let may_record = move || session.reach(ward, Action::Record).includes(tdp);
    // A visit recorded against the wrong household is voided by the team leader, or for a
    // week by whoever recorded it (the server checks the same rule).
    let manages = session.reach(ward, Action::ManageTeam).includes(tdp);
    let me = session.me.get_untracked().flatten().map(|me| me.id);
    let may_void = move |v: &Visit| {
        let recorded_it = me.is_some() && v.recorded_by == me;
        domain::access::may_void_visit(manages, recorded_it, v.recorded_at, crate::offline::now())
    };
    let guide = RwSignal::new(h.guide_id);
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<ApiError>);
    let household = h.id;
    let sync = use_sync();
    // Choosing the current guide again clears the choice. Through the outbox: at the door
    // with no signal too.
    let choose = move |resident: Uuid| {
        let next = (guide.get_untracked() != Some(resident)).then_some(resident);
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            let change = FieldChange::Guide(HouseholdGuide {
                household_id: household,
                resident_id: next,
            });
            match sync.save(ward, Uuid::now_v7(), change).await {
                Ok(_) => guide.set(next),
                Err(e) => failure.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let models = LocalResource::new(move || async move {
        Ok::<_, ApiError>((api::models(ward).await?, api::skills(ward).await?))
    });
    let residents = h.residents.clone();
    let names: Vec<(Uuid, String)> = h
        .residents
        .iter()
        .map(|r| (r.id, r.full_name.clone()))
        .collect();
    let editable = h.clone();
    let household_edit = sent_back.as_ref().and_then(SentBack::household_edit);
    let year = chrono::Datelike::year(&today());
    view! {
        <p class="crumb">
            <A href=Route::Tdp(h.tdp.id).path()>{h.tdp.name.clone()}</A>
        </p>
        <h1>{h.head_name.clone()}</h1>
        <p class="subtitle">{h.address.clone()}</p>
        <p>
            <PriorityBadges priority=h.priority />
        </p>
        {(!h.note.is_empty()).then(|| view! { <p class="note">{h.note.clone()}</p> })}
        <Show when=may_record>
            <p class="actions">
                <A href=Route::RecordVisit(h.id).path() attr:class="button primary">
                    {t!(i18n, household.record_visit)}
                </A>
                " "
                <A href=Route::NewTicket(ward, Some(h.id)).path() attr:class="button secondary">
                    {t!(i18n, household.escalate)}
                </A>
                " "
                <EditHousehold
                    household=editable.clone()
                    sent_back=household_edit.clone()
                    saved=on_change
                />
            </p>
        </Show>
        <h2>{t!(i18n, household.residents)}</h2>
        <ul class="list">
            {h
                .residents
                .into_iter()
                .map(|r| {
                    let id = r.id;
                    let is_guide = move || guide.get() == Some(id);
                    // Who left the ward guides nobody.
                    let may_guide = r.departure.is_none();
                    // An erased resident's record keeps nothing to edit.
                    let may_edit = !r.full_name.is_empty();
                    let note = r.note.clone();
                    let editable = r.clone();
                    let edit_sent_back = sent_back.as_ref().and_then(|s| s.resident_edit(id));
                    view! {
                        <li>
                            <A href=Route::Resident(r.id).path()>
                                {if r.full_name.is_empty() {
                                    t!(i18n, resident.erased).into_any()
                                } else {
                                    r.full_name.clone().into_any()
                                }}
                            </A>
                            <span class="muted">{format!(" · {}", r.birth_year)}</span>
                            {r.consent_withdrawn.then(|| view! {
                                " " <span class="badge">{t!(i18n, household.consent_withdrawn)}</span>
                            })}
                            {r.departure.is_some().then(|| view! {
                                " " <span class="badge departed">{t!(i18n, household.departed)}</span>
                            })}
                            <span class="muted small">
                                " · " {t!(i18n, household.skills_achieved, count = r.achieved.len())}
                            </span>
                            {(!note.is_empty()).then(|| view! { <p class="note small">{note.clone()}</p> })}
                            <Show when=move || may_edit && may_record()>
                                <EditResident
                                    ward
                                    resident=editable.clone()
                                    sent_back=edit_sent_back.clone()
                                    saved=on_change
                                />
                                <MoveResident ward resident=editable.clone() saved=on_change />
                            </Show>
                            <Show when=move || is_guide() && !may_record()>
                                " " <span class="badge reached">{t!(i18n, models.is_guide)}</span>
                            </Show>
                            <Show when=move || may_guide && may_record()>
                                " "
                                <button
                                    type="button"
                                    class="button secondary guide"
                                    aria-pressed=move || is_guide().to_string()
                                    disabled=move || busy.get()
                                    on:click=move |_| choose(id)
                                >
                                    {move || if is_guide() {
                                        t_string!(i18n, models.is_guide)
                                    } else {
                                        t_string!(i18n, models.make_guide)
                                    }}
                                </button>
                            </Show>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <Show when=may_record>
            <AddResident
                ward
                tdp
                household=h.id
                sent_back=sent_back.as_ref().and_then(SentBack::resident)
                saved=on_change
            />
        </Show>
        {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
        {loaded(models, move |(settings, skills): (ModelSettings, Vec<Skill>)| {
            let residents = residents.clone();
            view! { <ModelsSummary residents settings skills guide year /> }
        })}
        <PendingVisits household=h.id />
        <EditHistory of=HistoryOf::Household(h.id) names />
        <h2>{t!(i18n, household.visits)}</h2>
        {if h.visits.is_empty() {
            view! { <p>{t!(i18n, household.never_visited)}</p> }.into_any()
        } else {
            view! {
                <ol class="visits">
                    {h
                        .visits
                        .into_iter()
                        .map(|v| {
                            let voided = may_void(&v).then_some(on_change);
                            view! { <VisitItem visit=v ward voided /> }
                        })
                        .collect_view()}
                </ol>
            }
                .into_any()
        }}
    }
}

/// Adding a resident at the door, with their consent asked first (Law 91/2025): saved on the
/// phone, and sent when there is signal. One the server sent back opens the form filled in,
/// to be sent again under its id.
#[component]
fn AddResident(
    ward: i32,
    tdp: Uuid,
    household: Uuid,
    sent_back: Option<(Uuid, NewResident)>,
    saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let open = RwSignal::new(sent_back.is_some());
    // One id per resident: saving again after an error sends the same change.
    let (id, was) = sent_back.unzip();
    let id = StoredValue::new(id.unwrap_or_else(Uuid::now_v7));
    let was = was.as_ref();
    let name = RwSignal::new(was.map(|r| r.full_name.clone()).unwrap_or_default());
    let year = RwSignal::new(was.map(|r| r.birth_year.to_string()).unwrap_or_default());
    let gender = RwSignal::new(was.map_or(Gender::Female, |r| r.gender));
    let consent = RwSignal::new(was.is_some_and(|r| r.consent));
    let form = FormState::new();
    let guard = DuplicateGuard::new();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Ok(birth_year) = year.get_untracked().trim().parse::<i32>() else {
            form.errors
                .set(vec![FieldError::new("birth_year", FieldCode::Required)]);
            return;
        };
        let new = NewResident {
            id: None,
            household_id: household,
            full_name: name.get_untracked(),
            birth_year,
            gender: gender.get_untracked(),
            consent: consent.get_untracked(),
        };
        if !form.start(domain::validate::new_resident(&new, today())) {
            return;
        }
        spawn_local(async move {
            let check = DuplicateCheck {
                tdp_id: tdp,
                full_name: Some(new.full_name.clone()),
                birth_year: Some(new.birth_year),
                address: None,
            };
            if !guard.clear(ward, check).await {
                form.busy.set(false);
                return;
            }
            let outcome = sync
                .save(ward, id.get_value(), FieldChange::Resident(new))
                .await;
            if form.finish(outcome).is_some() {
                guard.forget();
                open.set(false);
                name.set(String::new());
                year.set(String::new());
                consent.set(false);
                id.set_value(Uuid::now_v7());
                saved.run(());
            }
        });
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <p>
                    <button type="button" class="button secondary" on:click=move |_| open.set(true)>
                        {t!(i18n, household.add_resident)}
                    </button>
                </p>
            }
        >
            <form class="card" on:submit=save aria-labelledby="new-resident-title" novalidate>
                <h3 id="new-resident-title">{t!(i18n, household.new_resident)}</h3>
                <TextField
                    id="resident-name"
                    label=words(|i18n| t_string!(i18n, household.full_name))
                    value=name
                    error=form.field("full_name")
                />
                <TextField
                    id="resident-year"
                    label=words(|i18n| t_string!(i18n, household.birth_year))
                    value=year
                    error=form.field("birth_year")
                    kind="number"
                />
                <ChoiceSelect
                    id="resident-gender"
                    label=words(|i18n| t_string!(i18n, household.gender))
                    value=gender
                    options=Gender::ALL
                    name=gender_name
                />
                <p class="muted small">{t!(i18n, resident.consent_ask)} " " {PURPOSE_VI}</p>
                <label class="check">
                    <input
                        type="checkbox"
                        aria-describedby="resident-consent-error"
                        prop:checked=consent
                        on:change=move |ev| consent.set(event_target_checked(&ev))
                    />
                    {t!(i18n, household.consent_agree)}
                </label>
                <FieldMessage code=form.field("consent") id="resident-consent-error" />
                {guard.view()}
                {form.failure_view()}
                <div class="actions">
                    <button type="submit" class="button primary" disabled=form.busy>
                        {move || if guard.warned() {
                            t_string!(i18n, duplicates.save_anyway)
                        } else {
                            t_string!(i18n, household.save_resident)
                        }}
                    </button>
                    <button type="button" class="button" on:click=move |_| open.set(false)>
                        {t!(i18n, household.cancel)}
                    </button>
                </div>
            </form>
        </Show>
    }
}

/// Where the household stands in "Gia đình số" and "Mỗi công dân – Một danh tính số", by the
/// same rules the dashboard counts with.
#[component]
fn ModelsSummary(
    residents: Vec<ResidentSummary>,
    settings: ModelSettings,
    skills: Vec<Skill>,
    guide: RwSignal<Option<Uuid>>,
    year: i32,
) -> impl IntoView {
    let i18n = use_i18n();
    let (have, counted) = household_identity(&residents, &settings, year);
    let names = move |codes: &[&str]| -> String {
        codes
            .iter()
            .map(|code| {
                skills
                    .iter()
                    .find(|s| s.code == *code)
                    .map_or_else(|| code.to_string(), |s| skill_name(s)())
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let family_line = move || {
        match family(&residents, guide.get(), &settings) {
        Family::Digital { guide } => view! {
            <p class="family digital">
                <span class="badge reached">{t!(i18n, models.families)}</span>
                " "
                {t_string!(i18n, models.family_digital, name = guide.full_name.clone()).to_string()}
            </p>
        }
        .into_any(),
        Family::Learning { guide, missing } => view! {
            <p class="family learning">
                {t_string!(i18n, models.family_learning, name = guide.full_name.clone(), skills = names(&missing)).to_string()}
            </p>
        }
        .into_any(),
        Family::NoGuide => view! { <p class="family">{t!(i18n, models.family_no_guide)}</p> }.into_any(),
    }
    };
    view! {
        <section class="models" aria-labelledby="models-title">
            <h2 id="models-title">{t!(i18n, models.title)}</h2>
            {family_line}
            <p class="identity">
                {if counted == 0 {
                    t_string!(i18n, models.identity_nobody).to_string()
                } else {
                    t_string!(i18n, models.identity_count, have = have, counted = counted).to_string()
                }}
            </p>
        </section>
    }
}

/// Visits to this household recorded on the phone and not yet on the server, at once after
/// saving; they leave this list as the sync sends them.
#[component]
fn PendingVisits(household: Uuid) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let pending = LocalResource::new(move || {
        sync.unsent.track();
        sync.problems.track();
        SyncState::pending_for(household)
    });
    move || {
        let entries = pending.get().unwrap_or_default();
        (!entries.is_empty()).then(|| {
            view! {
                <section class="pending" aria-labelledby="pending-title">
                    <h2 id="pending-title">{t!(i18n, sync.pending)}</h2>
                    <ol class="visits">
                        {entries
                            .into_iter()
                            .map(|v| {
                                let line = t_string!(i18n, sync.pending_visit, date = date(v.visited_on), count = v.help.len()).to_string();
                                view! {
                                    <li class="visit pending-visit">
                                        <p>{line}</p>
                                        {(!v.note.is_empty()).then(|| view! { <p class="note">{v.note.clone()}</p> })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                    <p><A href=Route::Sync.path()>{t!(i18n, nav.sync)}</A></p>
                </section>
            }
        })
    }
}

/// One visit of a household; with `voided`, buttons to correct or void it, and what to do
/// once it is voided.
#[component]
pub fn VisitItem(visit: Visit, ward: i32, voided: Option<Callback<()>>) -> impl IntoView {
    let i18n = use_i18n();
    let v = visit;
    let id = v.id;
    let volunteers = v
        .volunteers
        .iter()
        .map(|m| m.full_name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <li class="visit">
            <p>
                <strong>{date(v.visited_on)}</strong>
                " · "
                {volunteers}
                {v.satisfaction.map(|s| view! { " · " {t!(i18n, visit.rating_value, value = s)} })}
            </p>
            <ul class="help">
                {v
                    .help
                    .iter()
                    .map(|item| {
                        let achieved = item.outcome == SkillStatus::Achieved;
                        view! {
                            <li>
                                {format!("{}: {}", item.resident_name, item.skill_name)} " – "
                                {if achieved {
                                    t!(i18n, visit.outcome_achieved).into_any()
                                } else {
                                    t!(i18n, visit.outcome_in_progress).into_any()
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {(!v.note.is_empty()).then(|| view! { <p class="note">{v.note.clone()}</p> })}
            {voided.map(|done| {
                view! {
                    <div class="actions">
                        <A
                            href=Route::CorrectVisit(v.household_id, id).path()
                            attr:class="button secondary"
                        >
                            {t!(i18n, visit.correct)}
                        </A>
                        <VoidVisitDialog id ward done />
                    </div>
                }
            })}
        </li>
    }
}

/// Voiding a visit recorded against the wrong household, or never made: with the reason,
/// after a confirmation.
#[component]
fn VoidVisitDialog(id: Uuid, ward: i32, done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let form = FormState::new();
    let sync = use_sync();
    // Through the outbox, as the visit came: the household page shows it gone at once.
    let void = move |_| {
        let why = VoidVisit {
            reason: reason.get_untracked(),
        };
        if !form.start(domain::validate::void_visit(&why)) {
            return;
        }
        spawn_local(async move {
            let change = FieldChange::VoidVisit(VisitVoiding {
                visit_id: id,
                reason: why.reason,
            });
            let saved = sync.save(ward, Uuid::now_v7(), change).await;
            if form.finish(saved).is_some() {
                open.set(false);
                done.run(());
            }
        });
    };
    view! {
        <button type="button" class="button secondary" on:click=move |_| open.set(true)>
            {t!(i18n, visit.void)}
        </button>
        <Show when=move || open.get()>
            <div class="overlay">
                <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="void-title">
                    <h2 id="void-title">{t!(i18n, visit.void_title)}</h2>
                    <p>{t!(i18n, visit.void_warning)}</p>
                    <TextArea
                        id="void-reason"
                        label=words(|i18n| t_string!(i18n, visit.void_reason))
                        value=reason
                        error=form.field("reason")
                    />
                    {form.failure_view()}
                    <div class="actions">
                        <button type="button" class="button danger" disabled=form.busy on:click=void>
                            {t!(i18n, visit.void_confirm)}
                        </button>
                        <button type="button" class="button" on:click=move |_| open.set(false)>
                            {t!(i18n, visit.void_cancel)}
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
