//! An activity's page: who came, the QR code they check in with, and what the organiser
//! confirms they learnt.

use chrono::TimeDelta;
use domain::access::{Action, Reach};
use domain::api::{
    ActivityDetail, Attendance, AttendanceChange, Attendee, CheckInCode, FieldChange,
    LearningChange, Skill, SkillStatus,
};
use domain::{FieldCode, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::components::{Finds, FormState, Picker, TextField, loaded};
use crate::contexts::set_current_ward;
use crate::format::{date_time, when};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{activity_kind_name, field_message, topic_names, words};
use crate::offline::{now, use_sync};
use crate::pages::{id_param, not_found};
use crate::routes::Route;
use crate::session::use_session;

#[component]
pub fn ActivityPage() -> impl IntoView {
    let id = id_param();
    let data = LocalResource::new(move || {
        let id = id.get();
        async move {
            let detail = api::activity(id.ok_or_else(not_found)?).await?;
            let skills = api::skills(detail.activity.ward_code).await?;
            Ok::<_, ApiError>((detail, skills))
        }
    });
    loaded(
        data,
        move |(detail, skills): (ActivityDetail, Vec<Skill>)| {
            set_current_ward(detail.activity.ward_code);
            view! { <ActivityView detail skills /> }
        },
    )
}

#[component]
fn ActivityView(detail: ActivityDetail, skills: Vec<Skill>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let a = detail.activity.clone();
    let ward = a.ward_code;
    let allowed = |action: Action| match (a.tdp_id, session.reach(ward, action)) {
        (_, Reach::Nothing) => false,
        (Some(tdp), reach) => reach.includes(tdp),
        (None, reach) => action != Action::ManageTeam || reach.is_ward(),
    };
    let may_record = allowed(Action::Record);
    let may_confirm = allowed(Action::ManageTeam) && !a.topics.is_empty();
    let may_see_people = !session.reach(ward, Action::ViewPeople).is_nothing();
    let state = RwSignal::new(detail);
    let topics = topic_names(&a.topics, &skills);
    let whom = a
        .tdp_name
        .clone()
        .unwrap_or_else(|| t_string!(i18n, activities.ward_wide).to_owned());
    view! {
        <p class="crumb"><A href=Route::Activities(ward).path()>{t!(i18n, activities.title)}</A></p>
        <h1>{a.title.clone()}</h1>
        <p>
            <span class="badge">{activity_kind_name(a.kind)}</span>
            {format!(" {} · {} · {}", when(a.starts_at, a.ends_at), a.place, whom)}
        </p>
        <p class="muted">{t!(i18n, activities.organised_by, name = a.organiser.clone())}</p>
        {(!topics.is_empty()).then(|| view! { <p>{t!(i18n, activities.teaches, list = topics.clone())}</p> })}
        <Attendees state may_record />
        {(may_record && now() < a.ends_at + CHECK_IN_GRACE).then(|| view! { <CheckInQr state /> })}
        {may_see_people.then(|| view! {
            <p class="downloads">
                {t!(i18n, activities.download_attendance)} " "
                <a href=api::export_attendance(a.id, "xlsx") download>"Excel"</a>
                " · "
                <a href=api::export_attendance(a.id, "csv") download>"CSV"</a>
            </p>
        })}
        {may_confirm.then(|| view! { <Confirm state /> })}
    }
}

/// How long after its end an activity's check-in code works (the server's rule).
const CHECK_IN_GRACE: TimeDelta = TimeDelta::hours(1);

/// A QR code attendees scan to check themselves in — on the projector, or the organiser's
/// phone held up — and a button to read the list again as they do.
#[component]
fn CheckInQr(state: RwSignal<ActivityDetail>) -> impl IntoView {
    let i18n = use_i18n();
    let id = state.with_untracked(|d| d.activity.id);
    let code = RwSignal::new(None::<CheckInCode>);
    let form = FormState::new();
    let show = move |_| {
        if form.start(Ok(())) {
            spawn_local(async move {
                if let Some(c) = form.finish(api::check_in_code(id).await) {
                    code.set(Some(c));
                }
            });
        }
    };
    let refresh = move |_| {
        if form.start(Ok(())) {
            spawn_local(async move {
                if let Some(d) = form.finish(api::activity(id).await) {
                    state.set(d);
                }
            });
        }
    };
    view! {
        <h2>{t!(i18n, activities.check_in)}</h2>
        <p class="hint">{t!(i18n, activities.check_in_hint)}</p>
        {move || match code.get() {
            None => view! {
                <button type="button" class="button secondary" disabled=form.busy on:click=show>
                    {t!(i18n, activities.show_qr)}
                </button>
            }
                .into_any(),
            Some(c) => view! {
                <figure class="check-in-qr">
                    <div class="qr" inner_html=c.qr_svg.clone()></div>
                    <figcaption>
                        {t!(i18n, activities.qr_until, when = date_time(c.expires_at))}
                        <br />
                        <a href=c.url.clone()>{c.url.clone()}</a>
                    </figcaption>
                </figure>
                <button type="button" class="button secondary" disabled=form.busy on:click=refresh>
                    {t!(i18n, activities.refresh)}
                </button>
            }
                .into_any(),
        }}
        {move || form.errors.get().first().map(|e| view! { <p class="error" role="alert">{field_message(e.code)}</p> })}
        {form.failure_view()}
    }
}

/// Who came: attendees from the register the person may see, the others counted, and (for
/// the team) a search to add people and a count of those not on the register.
#[component]
fn Attendees(state: RwSignal<ActivityDetail>, may_record: bool) -> impl IntoView {
    let i18n = use_i18n();
    let form = FormState::new();
    let sync = use_sync();
    // A change above capacity, waiting for the person to confirm it.
    let over = RwSignal::new(None::<AttendanceChange>);
    let unregistered = RwSignal::new(state.get_untracked().activity.unregistered.to_string());
    // People checking themselves in by QR code are counted on the server: the field follows.
    Effect::new(move |_| {
        unregistered.set(state.with(|d| d.activity.unregistered.to_string()));
    });
    // Through the phone's outbox, so that attendance is taken with no signal too: checked here
    // first by the server's rule, on the list the page shows.
    let send = move |change: AttendanceChange| {
        let d = state.get_untracked();
        let mut ids: Vec<Uuid> = d.attendees.iter().map(|a| a.resident_id).collect();
        ids.retain(|r| !change.removed.contains(r));
        ids.extend(
            change
                .added
                .iter()
                .filter(|r| !ids.contains(r))
                .collect::<Vec<_>>(),
        );
        let whole = Attendance {
            resident_ids: ids,
            unregistered: change.unregistered.unwrap_or(d.activity.unregistered),
            over_capacity: change.over_capacity,
        };
        let over_capacity =
            |fields: &[FieldError]| fields.iter().any(|f| f.code == FieldCode::OverCapacity);
        if let Err(fields) =
            domain::validate::attendance(&whole, d.activity.capacity, d.attendees_elsewhere)
        {
            if over_capacity(&fields) {
                over.set(Some(change));
            } else {
                form.errors.set(fields);
            }
            return;
        }
        form.errors.set(Vec::new());
        form.failure.set(None);
        form.busy.set(true);
        let (id, ward) = (d.activity.id, d.activity.ward_code);
        spawn_local(async move {
            let saved = sync
                .save(
                    ward,
                    Uuid::now_v7(),
                    FieldChange::Attendance(change.clone()),
                )
                .await;
            over.set(None);
            match saved {
                Err(ApiError::Server(body)) if over_capacity(&body.fields) => {
                    form.busy.set(false);
                    over.set(Some(change));
                }
                Err(e) => form.finish(Err::<(), _>(e)).unwrap_or_default(),
                Ok(_) => {
                    if let Some(d) = form.finish(api::activity(id).await) {
                        state.set(d);
                    }
                }
            }
        });
    };
    let change =
        move |added: Vec<Uuid>, removed: Vec<Uuid>, unregistered: Option<i32>| AttendanceChange {
            activity_id: state.with_untracked(|d| d.activity.id),
            added,
            removed,
            unregistered,
            over_capacity: false,
        };
    let add = move |resident: Uuid| send(change(vec![resident], Vec::new(), None));
    let remove = move |resident: Uuid| send(change(Vec::new(), vec![resident], None));
    let save_count = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let n = unregistered.get_untracked().trim().parse().unwrap_or(-1);
        send(change(Vec::new(), Vec::new(), Some(n)));
    };
    let count = move || {
        state.with(|d| {
            let n = d.activity.attendees + i64::from(d.activity.unregistered);
            match d.activity.capacity {
                Some(c) => t_string!(i18n, activities.attended_of, n = n, capacity = c).to_string(),
                None => t_string!(i18n, activities.attended, n = n).to_string(),
            }
        })
    };
    view! {
        <h2>{t!(i18n, activities.attendance)}</h2>
        <p class="attendance-count">{count}</p>
        {move || {
            state.with(|d| {
                (d.attendees_elsewhere > 0)
                    .then(|| view! { <p class="muted">{t!(i18n, activities.elsewhere, n = d.attendees_elsewhere)}</p> })
            })
        }}
        <ul class="list attendees">
            {move || {
                state
                    .get()
                    .attendees
                    .into_iter()
                    .map(|p: Attendee| {
                        let id = p.resident_id;
                        let label = format!("{} {}", t_string!(i18n, activities.remove), p.full_name);
                        view! {
                            <li>
                                <A href=Route::Resident(id).path()>{p.full_name.clone()}</A>
                                <span class="muted">{format!(" · {} · {}", p.birth_year, p.household_address)}</span>
                                {may_record.then(|| view! {
                                    " "
                                    <button type="button" class="button secondary small" aria-label=label on:click=move |_| remove(id)>
                                        {t!(i18n, activities.remove)}
                                    </button>
                                })}
                            </li>
                        }
                    })
                    .collect_view()
            }}
        </ul>
        {move || over.get().map(|change| {
            let confirmed = AttendanceChange { over_capacity: true, ..change };
            view! {
                <div class="error-report" role="alert">
                    <p class="error">{field_message(FieldCode::OverCapacity)}</p>
                    <button type="button" class="button primary" on:click=move |_| send(confirmed.clone())>
                        {t!(i18n, activities.record_anyway)}
                    </button>
                </div>
            }
        })}
        {move || {
            form.errors
                .get()
                .into_iter()
                .find(|e| e.field != "unregistered")
                .map(|e| view! { <p class="field-error" role="alert">{field_message(e.code)}</p> })
        }}
        {form.failure_view()}
        {may_record.then(|| view! {
            <Picker
                id="attendee-search".to_owned()
                ward=state.get_untracked().activity.ward_code
                finds=Finds::Residents
                action=words(|i18n| t_string!(i18n, picker.add))
                label=words(|i18n| t_string!(i18n, activities.find))
                busy=form.busy
                on_pick=add
            />
            <form class="form inline" on:submit=save_count novalidate>
                <TextField
                    id="unregistered"
                    kind="number"
                    label=words(|i18n| t_string!(i18n, activities.unregistered))
                    value=unregistered
                    error=form.field("unregistered")
                />
                <button type="submit" class="button secondary" disabled=form.busy>{t!(i18n, activities.save_count)}</button>
            </form>
        })}
    }
}

/// The organiser's word on what each attendee learnt: ticked, they achieved the activity's
/// topics; unticked, they are on their way.
#[component]
fn Confirm(state: RwSignal<ActivityDetail>) -> impl IntoView {
    let i18n = use_i18n();
    // Everyone achieved unless unticked: people added after this was shown are ticked too.
    let unticked = RwSignal::new(state.with_untracked(|d| {
        d.attendees
            .iter()
            .filter(|a| a.outcome == Some(SkillStatus::InProgress))
            .map(|a| a.resident_id)
            .collect::<Vec<_>>()
    }));
    let form = FormState::new();
    let done = RwSignal::new(false);
    let sync = use_sync();
    // Through the phone's outbox: the class may end where there is no signal.
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (id, ward) = state.with_untracked(|d| (d.activity.id, d.activity.ward_code));
        let not_yet = unticked.get_untracked();
        let learnt = LearningChange {
            activity_id: id,
            achieved: state.with_untracked(|d| {
                d.attendees
                    .iter()
                    .map(|a| a.resident_id)
                    .filter(|r| !not_yet.contains(r))
                    .collect()
            }),
        };
        form.busy.set(true);
        spawn_local(async move {
            let change = FieldChange::Learning(learnt);
            if form
                .finish(sync.save(ward, Uuid::now_v7(), change).await)
                .is_some()
                && let Some(d) = form.finish(api::activity(id).await)
            {
                state.set(d);
                done.set(true);
            }
        });
    };
    view! {
        <h2>{t!(i18n, activities.learning)}</h2>
        <p class="hint">{t!(i18n, activities.learning_hint)}</p>
        <form class="form" on:submit=submit novalidate>
            {move || {
                state
                    .get()
                    .attendees
                    .into_iter()
                    .map(|p| {
                        let id = p.resident_id;
                        let input_id = format!("learnt-{id}");
                        view! {
                            <div class="check">
                                <input
                                    type="checkbox"
                                    id=input_id.clone()
                                    prop:checked=move || unticked.with(|u| !u.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        unticked.update(|u| {
                                            u.retain(|x| *x != id);
                                            if !on {
                                                u.push(id);
                                            }
                                        });
                                    }
                                />
                                <label for=input_id>{t!(i18n, activities.learnt, name = p.full_name.clone())}</label>
                            </div>
                        }
                    })
                    .collect_view()
            }}
            {move || {
                form.errors
                    .get()
                    .into_iter()
                    .next()
                    .map(|e| view! { <p class="field-error" role="alert">{field_message(e.code)}</p> })
            }}
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=move || form.busy.get() || state.with(|d| d.attendees.is_empty())>
                {t!(i18n, activities.confirm)}
            </button>
            {move || done.get().then(|| view! { <p class="ok" role="status">{t!(i18n, activities.confirmed)}</p> })}
        </form>
    }
}
