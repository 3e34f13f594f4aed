//! The ward's campaigns with their countdowns.

use domain::access::Action;
use domain::api::{Campaign, Skill, Tdp};
use leptos::prelude::*;
use leptos_router::components::A;

use super::form::NewCampaignForm;
use crate::api::{self, ApiError};
use crate::components::loaded;
use crate::contexts::set_current_ward;
use crate::format::{countdown, period};
use crate::i18n::{t, use_i18n};
use crate::pages::{code_param, not_found};
use crate::routes::Route;
use crate::session::use_session;

#[component]
pub fn Campaigns() -> impl IntoView {
    let code = code_param();
    let data = LocalResource::new(move || {
        let code = code.get();
        async move {
            let ward = code.ok_or_else(not_found)?;
            Ok::<_, ApiError>((
                ward,
                api::campaigns(ward).await?,
                api::skills(ward).await?,
                api::tdps(ward).await?,
            ))
        }
    });
    loaded(
        data,
        move |(ward, list, skills, tdps): (i32, Vec<Campaign>, Vec<Skill>, Vec<Tdp>)| {
            set_current_ward(ward);
            view! { <CampaignList ward list skills tdps /> }
        },
    )
}

#[component]
fn CampaignList(
    ward: i32,
    list: Vec<Campaign>,
    skills: Vec<Skill>,
    tdps: Vec<Tdp>,
) -> impl IntoView {
    let i18n = use_i18n();
    let may_start = use_session().reach(ward, Action::ManageWard).is_ward();
    view! {
        <p class="crumb"><A href=Route::Activities(ward).path()>{t!(i18n, activities.title)}</A></p>
        <h1>{t!(i18n, campaigns.title)}</h1>
        {if list.is_empty() {
            view! { <p>{t!(i18n, campaigns.none)}</p> }.into_any()
        } else {
            view! {
                <ul class="list campaigns">
                    {list
                        .into_iter()
                        .map(|c| {
                            let (when, left) = (period(&c), countdown(&c));
                            view! {
                                <li>
                                    <A href=Route::Campaign(c.id).path()>{c.name.clone()}</A>
                                    <span class="muted">{format!(" · {when} · ")}</span>
                                    <strong>{left}</strong>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
                .into_any()
        }}
        {may_start.then(|| view! { <NewCampaignForm ward skills tdps /> })}
    }
}
