//! Items of lists that more than one page shows: households (a TDP, a volunteer's own, search
//! results) and activities (the schedule, the dashboard).

use domain::api::{Activity, HouseholdSummary, Skill};
use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::PriorityBadges;
use crate::format::{date, when};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{activity_kind_name, topic_names};
use crate::routes::Route;

/// A household in a list; with `selected`, a box to tick it for sending a team member.
#[component]
pub fn HouseholdItem(
    household: HouseholdSummary,
    #[prop(default = None)] selected: Option<RwSignal<Vec<Uuid>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let h = household;
    let id = h.id;
    let tick = selected.map(|selected| {
        let label = format!("{} – {}", h.head_name, h.address);
        view! {
            <input
                type="checkbox"
                class="pick"
                aria-label=label
                prop:checked=move || selected.read().contains(&id)
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    selected.update(|s| {
                        s.retain(|x| *x != id);
                        if on {
                            s.push(id);
                        }
                    });
                }
            />
        }
    });
    view! {
        <li>
            {tick}
            <A href=Route::Household(h.id).path()>{h.head_name.clone()}</A>
            <span class="muted">{format!(" · {}", h.address)}</span>
            <PriorityBadges priority=h.priority />
            <Show when=move || h.digital_family>
                <span class="badge reached">{t!(i18n, models.families)}</span>
            </Show>
            {h
                .assigned_to
                .clone()
                .map(|name| view! { <span class="badge assigned">{t!(i18n, assignments.sent, name = name)}</span> })}
            <span class="muted small">
                {match h.last_visit {
                    Some(d) => {
                        view! { " · " {t!(i18n, household.last_visit)} " " {date(d)} }
                            .into_any()
                    }
                    None => view! { " · " {t!(i18n, household.never_visited)} }.into_any(),
                }}
            </span>
        </li>
    }
}

#[component]
pub fn ActivityItem(activity: Activity, skills: Vec<Skill>) -> impl IntoView {
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
            <span class="badge">{activity_kind_name(activity.kind)}</span>
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
