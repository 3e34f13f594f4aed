//! The form a ward starts a campaign with: its period, scope and targets.

use chrono::NaiveDate;
use domain::api::{CampaignTarget, NewCampaign, Skill, Tdp};
use domain::campaigns::HOUSEHOLDS_VISITED;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

use crate::api::{self};
use crate::components::{FormState, TextField};
use crate::format::today;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{field_message, words};
use crate::routes::Route;

#[component]
pub(super) fn NewCampaignForm(ward: i32, skills: Vec<Skill>, tdps: Vec<Tdp>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    // One id per campaign being started, so that a retried submit cannot start it twice.
    let id = RwSignal::new(Uuid::now_v7());
    let name = RwSignal::new(String::new());
    let starts = RwSignal::new(today().to_string());
    let ends = RwSignal::new((today() + chrono::Days::new(44)).to_string());
    let chosen = RwSignal::new(Vec::<Uuid>::new());
    let mut indicators = vec![(
        HOUSEHOLDS_VISITED.to_owned(),
        t_string!(i18n, campaigns.households_visited).to_owned(),
    )];
    indicators.extend(skills.into_iter().map(|s| (s.code, s.name_vi)));
    let targets: Vec<(String, String, RwSignal<String>)> = indicators
        .into_iter()
        .map(|(code, label)| (code, label, RwSignal::new(String::new())))
        .collect();
    let form = FormState::new();
    let submit = {
        let targets = targets.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let day = |s: RwSignal<String>| s.get_untracked().parse::<NaiveDate>().ok();
            let (Some(starts_on), Some(ends_on)) = (day(starts), day(ends)) else {
                form.errors.set(vec![domain::FieldError::new(
                    "starts_on",
                    domain::FieldCode::InvalidFormat,
                )]);
                return;
            };
            let body = NewCampaign {
                id: id.get_untracked(),
                name: name.get_untracked(),
                starts_on,
                ends_on,
                tdp_ids: chosen.get_untracked(),
                targets: targets
                    .iter()
                    .filter_map(|(code, _, value)| {
                        let text = value.get_untracked();
                        let text = text.trim();
                        (!text.is_empty()).then(|| CampaignTarget {
                            indicator: code.clone(),
                            target: text.parse().unwrap_or(0),
                        })
                    })
                    .collect(),
            };
            if form.start(domain::validate::new_campaign(&body)) {
                let navigate = navigate.clone();
                spawn_local(async move {
                    // On to its page: the countdown and the burn-up are what comes next.
                    if let Some(created) = form.finish(api::create_campaign(ward, &body).await) {
                        navigate(&Route::Campaign(created.id).path(), Default::default());
                    }
                });
            }
        }
    };
    let targets_error = form.field("targets");
    view! {
        <h2>{t!(i18n, campaigns.add)}</h2>
        <form class="form" on:submit=submit novalidate>
            <TextField id="campaign-name" label=words(|i18n| t_string!(i18n, campaigns.name)) value=name error=form.field("name") />
            <TextField id="campaign-starts" kind="date" label=words(|i18n| t_string!(i18n, campaigns.starts_on)) value=starts error=form.field("starts_on") />
            <TextField id="campaign-ends" kind="date" label=words(|i18n| t_string!(i18n, campaigns.ends_on)) value=ends error=form.field("ends_on") />
            <details class="field">
                <summary>{t!(i18n, campaigns.where_)}</summary>
                {tdps
                    .into_iter()
                    .map(|t| {
                        let id = t.id;
                        let input_id = format!("campaign-tdp-{id}");
                        view! {
                            <div class="check">
                                <input
                                    type="checkbox"
                                    id=input_id.clone()
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        chosen.update(|c| {
                                            c.retain(|x| *x != id);
                                            if on {
                                                c.push(id);
                                            }
                                        });
                                    }
                                />
                                <label for=input_id>{t.name.clone()}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </details>
            <fieldset class="field targets">
                <legend>{t!(i18n, campaigns.targets)}</legend>
                <p class="hint">{t!(i18n, campaigns.targets_hint)}</p>
                {move || targets_error.get().map(|c| view! { <p class="field-error" role="alert">{field_message(c)}</p> })}
                {targets
                    .into_iter()
                    .enumerate()
                    .map(|(i, (_, text, value))| {
                        let input_id = format!("campaign-target-{i}");
                        view! {
                            <div class="target-row">
                                <label for=input_id.clone()>{text}</label>
                                <input id=input_id type="number" min="1" inputmode="numeric" bind:value=value />
                            </div>
                        }
                    })
                    .collect_view()}
            </fieldset>
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, campaigns.add)}
            </button>
        </form>
    }
}
