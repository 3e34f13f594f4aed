//! The ward's schedule, this week or this month, upcoming first.

use domain::access::Action;
use domain::api::{Activity, Skill, Tdp};
use leptos::prelude::*;
use leptos_router::components::A;

use super::form::NewActivityForm;
use crate::api::{self, ApiError};
use crate::components::{ActivityItem, choice_button, loaded};
use crate::contexts::set_current_ward;
use crate::format::today;
use crate::i18n::{t, t_string, use_i18n};
use crate::offline::now;
use crate::pages::{code_param, not_found};
use crate::routes::Route;
use crate::session::use_session;
use domain::time::Span;

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
