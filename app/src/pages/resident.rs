//! A resident: each skill's status and the visits that helped.

use domain::api::{Resident, SkillStatus};
use leptos::prelude::*;
use leptos_router::components::A;

use super::{id_param, not_found};
use crate::api;
use crate::components::{date, loaded, set_current_ward};
use crate::i18n::{t, use_i18n};
use crate::routes::Route;

#[component]
pub fn ResidentPage() -> impl IntoView {
    let id = id_param();
    let data = LocalResource::new(move || {
        let id = id.get();
        async move { api::resident(id.ok_or_else(not_found)?).await }
    });
    loaded(data, |r: Resident| {
        set_current_ward(r.tdp.ward_code);
        view! { <ResidentView resident=r /> }
    })
}

#[component]
fn ResidentView(resident: Resident) -> impl IntoView {
    let i18n = use_i18n();
    let r = resident;
    let status = move |s: SkillStatus| match s {
        SkillStatus::Achieved => t!(i18n, visit.outcome_achieved).into_any(),
        SkillStatus::InProgress => t!(i18n, visit.outcome_in_progress).into_any(),
    };
    view! {
        <p class="crumb">
            <A href=Route::Household(r.household_id).path()>{r.household_address.clone()}</A>
        </p>
        <h1>{r.full_name.clone()}</h1>
        <p class="subtitle">{t!(i18n, resident.born, year = r.birth_year)} " · " {r.tdp.name.clone()}</p>
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
                                    {s.skill_name.clone()} " – " {status(s.status)}
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
                            {status(h.outcome)}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
