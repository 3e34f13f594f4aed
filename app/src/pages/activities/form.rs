//! The form a team schedules a class, help point or session with.

use chrono::NaiveDate;
use domain::FieldCode;
use domain::api::{ActivityKind, NewActivity, Skill, Tdp};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use crate::api::{self};
use crate::components::{FormState, TextField};
use crate::format::today;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{activity_kind_name, words};
use crate::routes::Route;

#[component]
pub(super) fn NewActivityForm(
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
        let time = |s: String| domain::time::hour_minute(&s);
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
                        .map(|k| view! { <option value=k.as_str()>{activity_kind_name(k)}</option> })
                        .collect_view()}
                </select>
            </div>
            <TextField id="activity-title" label=words(|i18n| t_string!(i18n, activities.name)) value=title error=form.field("title") />
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
            <TextField id="activity-place" label=words(|i18n| t_string!(i18n, activities.place)) value=place error=form.field("place") />
            <TextField id="activity-day" kind="date" label=words(|i18n| t_string!(i18n, activities.day)) value=day error=form.field("starts_at") />
            <div class="row">
                <TextField id="activity-starts" kind="time" label=words(|i18n| t_string!(i18n, activities.starts)) value=starts error=Signal::derive(|| None) />
                <TextField id="activity-ends" kind="time" label=words(|i18n| t_string!(i18n, activities.ends)) value=ends error=form.field("ends_at") />
            </div>
            <TextField
                id="activity-organiser"
                label=words(|i18n| t_string!(i18n, activities.organiser))
                value=organiser
                error=form.field("organiser")
            />
            <TextField
                id="activity-capacity"
                kind="number"
                label=words(|i18n| t_string!(i18n, activities.capacity))
                value=capacity
                error=form.field("capacity")
                hint=words(|i18n| t_string!(i18n, activities.capacity_hint))
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
