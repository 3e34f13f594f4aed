//! Classes and other activities: the ward's schedule (this week or this month, upcoming first)
//! with a form to schedule one, and an activity's page, where the team records who came and the
//! organiser confirms what they learnt, which updates the attendees' skills.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};
use domain::access::{Action, Reach};
use domain::api::{
    Activity, ActivityDetail, ActivityKind, Attendance, Attendee, CheckInCode, Learning,
    NewActivity, ResidentHit, Skill, SkillStatus, Tdp,
};
use domain::{ErrorBody, FieldCode};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use super::{code_param, id_param, not_found};
use crate::api::{self, ApiError};
use crate::components::{
    ErrorNotice, FormState, TextField, choice_button, date, date_time, field_message, loaded,
    set_current_ward, today,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::offline::now;
use crate::routes::Route;
use crate::session::use_session;

pub fn kind_label(kind: ActivityKind) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match kind {
        ActivityKind::CommunityClass => t_string!(i18n, activities.community_class),
        ActivityKind::ElderlyClass => t_string!(i18n, activities.elderly_class),
        ActivityKind::DisabilityClass => t_string!(i18n, activities.disability_class),
        ActivityKind::MobileHelpPoint => t_string!(i18n, activities.mobile_help_point),
        ActivityKind::PartyCellSession => t_string!(i18n, activities.party_cell_session),
        ActivityKind::YouthCampaign => t_string!(i18n, activities.youth_campaign),
        ActivityKind::Other => t_string!(i18n, activities.other),
    }
}

/// "19:30–21:00, 25/11/2026", or across days "25/11/2026 08:00 – 26/11/2026 17:00".
pub(super) fn when(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>) -> String {
    let (start, end) = (domain::time::local(starts_at), domain::time::local(ends_at));
    if start.date() == end.date() {
        format!(
            "{}–{}, {}",
            start.format("%H:%M"),
            end.format("%H:%M"),
            date(start.date())
        )
    } else {
        format!(
            "{} {} – {} {}",
            date(start.date()),
            start.format("%H:%M"),
            date(end.date()),
            end.format("%H:%M")
        )
    }
}

fn topic_names(topics: &[Uuid], skills: &[Skill]) -> String {
    topics
        .iter()
        .filter_map(|t| skills.iter().find(|s| s.id == *t))
        .map(|s| s.name_vi.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Span {
    Week,
    Month,
}

impl Span {
    /// The first and last day of this week (Monday to Sunday) or this month.
    fn days(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        match self {
            Span::Week => domain::time::week_of(today),
            Span::Month => domain::time::month_of(today),
        }
    }
}

#[component]
pub fn Activities() -> impl IntoView {
    let code = code_param();
    let span = RwSignal::new(Span::Week);
    let data = LocalResource::new(move || {
        let (code, span) = (code.get(), span.get());
        async move {
            let ward = code.ok_or_else(not_found)?;
            let (from, to) = span.days(today());
            Ok::<_, ApiError>((
                ward,
                api::activities(ward, from, to).await?,
                api::skills(ward).await?,
                api::tdps(ward).await?,
            ))
        }
    });
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, activities.title)}</h1>
        {move || code.get().map(|ward| view! { <p><A href=Route::Campaigns(ward).path()>{t!(i18n, campaigns.title)}</A></p> })}
        <div class="week-nav" role="group" aria-label=move || t_string!(i18n, activities.period)>
            {move || choice_button(span, Span::Week, t_string!(i18n, activities.this_week))}
            {move || choice_button(span, Span::Month, t_string!(i18n, activities.this_month))}
        </div>
        {move || {
            code.get()
                .map(|ward| {
                    let (from, to) = span.get().days(today());
                    view! {
                        <p class="downloads">
                            {t!(i18n, activities.download)} " "
                            <a href=api::export_activities(ward, from, to, "xlsx") download>"Excel"</a>
                            " · "
                            <a href=api::export_activities(ward, from, to, "csv") download>"CSV"</a>
                        </p>
                    }
                })
        }}
        {loaded(
            data,
            move |(ward, list, skills, tdps): (i32, Vec<Activity>, Vec<Skill>, Vec<Tdp>)| {
                set_current_ward(ward);
                view! { <Schedule ward list skills tdps /> }
            },
        )}
    }
}

#[component]
fn Schedule(ward: i32, list: Vec<Activity>, skills: Vec<Skill>, tdps: Vec<Tdp>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let now = now();
    let (mut upcoming, mut past): (Vec<Activity>, Vec<Activity>) =
        list.into_iter().partition(|a| a.ends_at >= now);
    upcoming.sort_by_key(|a| a.starts_at);
    past.sort_by_key(|a| std::cmp::Reverse(a.starts_at));
    let manages_ward = session.reach(ward, Action::ManageWard).is_ward();
    let teams = session.reach(ward, Action::ManageTeam);
    let schedulable: Vec<Tdp> = tdps.into_iter().filter(|t| teams.includes(t.id)).collect();
    let may_schedule = manages_ward || !schedulable.is_empty();
    let section = |title: &'static str, items: Vec<Activity>, skills: &[Skill]| {
        (!items.is_empty()).then(|| {
            view! {
                <h2>{title}</h2>
                <ul class="list activities">
                    {items.into_iter().map(|a| view! { <ActivityItem activity=a skills=skills.to_vec() /> }).collect_view()}
                </ul>
            }
        })
    };
    let nothing = upcoming.is_empty() && past.is_empty();
    view! {
        {nothing.then(|| view! { <p>{t!(i18n, activities.none)}</p> })}
        {section(t_string!(i18n, activities.upcoming), upcoming, &skills)}
        {section(t_string!(i18n, activities.past), past, &skills)}
        {may_schedule
            .then(|| view! { <NewActivityForm ward skills tdps=schedulable ward_wide=manages_ward /> })}
    }
}

/// The next few activities, for the dashboard. Offline (the schedule is not kept on the phone)
/// the section is left out rather than shown as an error on the page the team opens first.
#[component]
pub fn UpcomingActivities(ward: i32) -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(move || async move {
        let from = today();
        let list = api::activities(ward, from, from + TimeDelta::days(13)).await?;
        Ok::<_, ApiError>((list, api::skills(ward).await?))
    });
    move || {
        let (list, skills) = data.get()?.ok()?;
        let now = now();
        let next: Vec<Activity> = list
            .into_iter()
            .filter(|a| a.ends_at >= now)
            .take(5)
            .collect();
        (!next.is_empty()).then(|| {
            view! {
                <h2>{t!(i18n, activities.upcoming)}</h2>
                <ul class="list activities">
                    {next.into_iter().map(|a| view! { <ActivityItem activity=a skills=skills.clone() /> }).collect_view()}
                </ul>
                <p><A href=Route::Activities(ward).path()>{t!(i18n, activities.all)}</A></p>
            }
        })
    }
}

#[component]
fn ActivityItem(activity: Activity, skills: Vec<Skill>) -> impl IntoView {
    let i18n = use_i18n();
    let topics = topic_names(&activity.topics, &skills);
    let attended = activity.attendees + i64::from(activity.unregistered);
    let count = match activity.capacity {
        Some(c) => t_string!(i18n, activities.attended_of, n = attended, capacity = c).to_string(),
        None => t_string!(i18n, activities.attended, n = attended).to_string(),
    };
    let whom = activity
        .tdp_name
        .clone()
        .unwrap_or_else(|| t_string!(i18n, activities.ward_wide).to_owned());
    let at = when(activity.starts_at, activity.ends_at);
    view! {
        <li class="activity">
            <span class="badge">{kind_label(activity.kind)}</span>
            " "
            <A href=Route::Activity(activity.id).path()>{activity.title.clone()}</A>
            <br />
            <span>{at}</span>
            <span class="muted">{format!(" · {} · {} · {}", activity.place, whom, activity.organiser)}</span>
            <br />
            {(!topics.is_empty()).then(|| view! { <span class="muted small">{topics}" · "</span> })}
            <span class="small">{count}</span>
        </li>
    }
}

#[component]
fn NewActivityForm(
    ward: i32,
    skills: Vec<Skill>,
    tdps: Vec<Tdp>,
    ward_wide: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    // One id per activity being scheduled, so that a retried submit cannot add it twice.
    let id = RwSignal::new(Uuid::now_v7());
    let kind = RwSignal::new(ActivityKind::CommunityClass);
    let title = RwSignal::new(String::new());
    let first_tdp = (!ward_wide).then(|| tdps.first().map(|t| t.id)).flatten();
    let tdp = RwSignal::new(first_tdp);
    let place = RwSignal::new(String::new());
    let day = RwSignal::new(today().to_string());
    let starts = RwSignal::new("19:30".to_owned());
    let ends = RwSignal::new("21:00".to_owned());
    let organiser = RwSignal::new(String::new());
    let capacity = RwSignal::new(String::new());
    let topics = RwSignal::new(Vec::<Uuid>::new());
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let time = |s: String| NaiveTime::parse_from_str(&s, "%H:%M").ok();
        let (Ok(on), Some(start), Some(end)) = (
            day.get_untracked().parse::<NaiveDate>(),
            time(starts.get_untracked()),
            time(ends.get_untracked()),
        ) else {
            form.errors.set(vec![domain::FieldError::new(
                "starts_at",
                FieldCode::InvalidFormat,
            )]);
            return;
        };
        let capacity_text = capacity.get_untracked();
        let capacity = match capacity_text.trim() {
            "" => None,
            n => match n.parse::<i32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    form.errors.set(vec![domain::FieldError::new(
                        "capacity",
                        FieldCode::InvalidFormat,
                    )]);
                    return;
                }
            },
        };
        let body = NewActivity {
            id: id.get_untracked(),
            kind: kind.get_untracked(),
            title: title.get_untracked(),
            tdp_id: tdp.get_untracked(),
            place: place.get_untracked(),
            starts_at: domain::time::instant(on, start),
            ends_at: domain::time::instant(on, end),
            organiser: organiser.get_untracked(),
            topics: topics.get_untracked(),
            capacity,
        };
        if form.start(domain::validate::new_activity(&body)) {
            let navigate = navigate.clone();
            spawn_local(async move {
                // On to what was scheduled, wherever it falls: Monday's class scheduled on a
                // Sunday evening is not in this week's schedule.
                if let Some(created) = form.finish(api::create_activity(ward, &body).await) {
                    navigate(&Route::Activity(created.id).path(), Default::default());
                }
            });
        }
    };
    let label = move |s: &'static str| Signal::derive(move || s.to_owned());
    view! {
        <h2>{t!(i18n, activities.add)}</h2>
        <form class="form" on:submit=submit novalidate>
            <div class="field">
                <label for="activity-kind">{t!(i18n, activities.kind)}</label>
                <select
                    id="activity-kind"
                    on:change=move |ev| {
                        kind.set(ActivityKind::parse(&event_target_value(&ev)).unwrap_or(ActivityKind::Other))
                    }
                >
                    {ActivityKind::ALL
                        .iter()
                        .copied()
                        .map(|k| view! { <option value=k.as_str()>{kind_label(k)}</option> })
                        .collect_view()}
                </select>
            </div>
            <TextField id="activity-title" label=label(t_string!(i18n, activities.name)) value=title error=form.field("title") />
            <div class="field">
                <label for="activity-tdp">{t!(i18n, activities.for_whom)}</label>
                <select
                    id="activity-tdp"
                    on:change=move |ev| tdp.set(event_target_value(&ev).parse().ok())
                >
                    {ward_wide.then(|| view! { <option value="">{t!(i18n, activities.ward_wide)}</option> })}
                    {tdps
                        .into_iter()
                        .map(|t| view! { <option value=t.id.to_string()>{t.name.clone()}</option> })
                        .collect_view()}
                </select>
            </div>
            <TextField id="activity-place" label=label(t_string!(i18n, activities.place)) value=place error=form.field("place") />
            <TextField id="activity-day" kind="date" label=label(t_string!(i18n, activities.day)) value=day error=form.field("starts_at") />
            <div class="row">
                <TextField id="activity-starts" kind="time" label=label(t_string!(i18n, activities.starts)) value=starts error=Signal::derive(|| None) />
                <TextField id="activity-ends" kind="time" label=label(t_string!(i18n, activities.ends)) value=ends error=form.field("ends_at") />
            </div>
            <TextField
                id="activity-organiser"
                label=label(t_string!(i18n, activities.organiser))
                value=organiser
                error=form.field("organiser")
            />
            <TextField
                id="activity-capacity"
                kind="number"
                label=label(t_string!(i18n, activities.capacity))
                value=capacity
                error=form.field("capacity")
                hint=Signal::derive(move || t_string!(i18n, activities.capacity_hint).to_owned())
            />
            <fieldset class="field">
                <legend>{t!(i18n, activities.topics)}</legend>
                {skills
                    .into_iter()
                    .map(|s| {
                        let id = s.id;
                        let input_id = format!("topic-{}", s.code);
                        view! {
                            <div class="check">
                                <input
                                    type="checkbox"
                                    id=input_id.clone()
                                    prop:checked=move || topics.with(|t| t.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        topics.update(|t| {
                                            t.retain(|x| *x != id);
                                            if on {
                                                t.push(id);
                                            }
                                        });
                                    }
                                />
                                <label for=input_id>{s.name_vi.clone()}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, activities.add)}
            </button>
        </form>
    }
}

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
            <span class="badge">{kind_label(a.kind)}</span>
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
    // A list above capacity, waiting for the person to confirm it.
    let over = RwSignal::new(None::<Attendance>);
    let unregistered = RwSignal::new(state.get_untracked().activity.unregistered.to_string());
    // People checking themselves in by QR code are counted on the server: the field follows.
    Effect::new(move |_| {
        unregistered.set(state.with(|d| d.activity.unregistered.to_string()));
    });
    let send = move |body: Attendance| {
        let id = state.get_untracked().activity.id;
        form.busy.set(true);
        spawn_local(async move {
            match api::set_attendance(id, &body).await {
                Err(ApiError::Server(ErrorBody { fields, .. }))
                    if fields.iter().any(|f| f.code == FieldCode::OverCapacity) =>
                {
                    form.busy.set(false);
                    over.set(Some(body));
                }
                result => {
                    over.set(None);
                    if let Some(d) = form.finish(result) {
                        state.set(d);
                    }
                }
            }
        });
    };
    let with = move |change: &dyn Fn(&mut Vec<Uuid>)| {
        let mut ids: Vec<Uuid> =
            state.with_untracked(|d| d.attendees.iter().map(|a| a.resident_id).collect());
        change(&mut ids);
        Attendance {
            resident_ids: ids,
            unregistered: unregistered.get_untracked().trim().parse().unwrap_or(-1),
            over_capacity: false,
        }
    };
    let add = move |resident: Uuid| {
        send(with(&|ids| {
            if !ids.contains(&resident) {
                ids.push(resident);
            }
        }))
    };
    let remove = move |resident: Uuid| send(with(&|ids| ids.retain(|r| *r != resident)));
    let save_count = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(with(&|_| {}));
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
        {move || over.get().map(|body| {
            let confirmed = Attendance { over_capacity: true, ..body };
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
            <FindResident ward=state.get_untracked().activity.ward_code on_pick=add busy=form.busy />
            <form class="form inline" on:submit=save_count novalidate>
                <TextField
                    id="unregistered"
                    kind="number"
                    label=Signal::derive(move || t_string!(i18n, activities.unregistered).to_owned())
                    value=unregistered
                    error=form.field("unregistered")
                />
                <button type="submit" class="button secondary" disabled=form.busy>{t!(i18n, activities.save_count)}</button>
            </form>
        })}
    }
}

/// Finds residents by name (diacritics optional) and hands the one chosen to `on_pick`.
#[component]
fn FindResident(
    ward: i32,
    on_pick: impl Fn(Uuid) + Copy + Send + Sync + 'static,
    busy: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let typed = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<ResidentHit>>);
    let failure = RwSignal::new(None::<ApiError>);
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let q = typed.get_untracked();
        if domain::text::fold(&q).chars().count() < 2 {
            return;
        }
        spawn_local(async move {
            match api::search(ward, &q).await {
                Ok(r) => found.set(Some(r.residents)),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    view! {
        <form class="search" role="search" on:submit=search>
            <label for="attendee-search">{t!(i18n, activities.find)}</label>
            <div class="row">
                <input id="attendee-search" type="search" autocomplete="off" bind:value=typed />
                <button type="submit" class="button secondary">{t!(i18n, activities.search)}</button>
            </div>
        </form>
        {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
        {move || found.get().map(|people| {
            if people.is_empty() {
                return view! { <p class="muted">{t!(i18n, activities.no_match)}</p> }.into_any();
            }
            view! {
                <ul class="list">
                    {people
                        .into_iter()
                        .map(|p| {
                            let id = p.id;
                            let label = format!("{} {}", t_string!(i18n, activities.add_attendee), p.full_name);
                            view! {
                                <li>
                                    {p.full_name.clone()}
                                    <span class="muted">{format!(" · {} · {}", p.birth_year, p.household_address)}</span>
                                    " "
                                    <button
                                        type="button"
                                        class="button primary small"
                                        disabled=move || busy.get()
                                        aria-label=label
                                        on:click=move |_| {
                                            on_pick(id);
                                            found.set(None);
                                            typed.set(String::new());
                                        }
                                    >
                                        {t!(i18n, activities.add_attendee)}
                                    </button>
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
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = state.get_untracked().activity.id;
        let not_yet = unticked.get_untracked();
        let body = Learning {
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
            if let Some(d) = form.finish(api::confirm_learning(id, &body).await) {
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
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=move || form.busy.get() || state.with(|d| d.attendees.is_empty())>
                {t!(i18n, activities.confirm)}
            </button>
            {move || done.get().then(|| view! { <p class="ok" role="status">{t!(i18n, activities.confirmed)}</p> })}
        </form>
    }
}
