//! What the ward judges the movement's models by: each model's target, the skills it asks of
//! a person, and the thresholds of "Đại sứ số" and "Chợ số"; and each skill's target and
//! deadline, within what the province sets. Ward admins change them; the dashboard, the map
//! and the phones follow.

use domain::access::Action;
use domain::api::{ModelSettings, Skill};
use domain::models::{SKILL_MODELS, SkillModel};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{code_param, not_found};
use crate::api::{self, ApiError, Catalogue};
use crate::components::{
    CatalogueSection, FormState, ModelTargetFields, TextField, loaded, typed_day, typed_number,
};
use crate::contexts::set_current_ward;
use crate::format::today;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{field_message, skill_name, words};
use crate::session::use_session;

#[component]
pub fn ModelSettingsPage() -> impl IntoView {
    let code = code_param();
    let data = LocalResource::new(move || {
        let code = code.get();
        async move {
            let ward = code.ok_or_else(not_found)?;
            Ok::<_, ApiError>((ward, api::models(ward).await?, api::skills(ward).await?))
        }
    });
    let session = use_session();
    loaded(
        data,
        move |(ward, settings, skills): (i32, ModelSettings, Vec<Skill>)| {
            set_current_ward(ward);
            let may_change = session.reach(ward, Action::ManageWard).is_ward();
            // A skill added or retired is one the models may ask for, or no longer.
            let on_change = move || data.refetch();
            view! {
                <SettingsForm ward settings skills />
                <CatalogueSection owner=Catalogue::Ward(ward) may_change on_change />
            }
        },
    )
}

#[component]
fn SettingsForm(ward: i32, settings: ModelSettings, skills: Vec<Skill>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may_change = move || session.reach(ward, Action::ManageWard).is_ward();
    let family_target = RwSignal::new(settings.family_target.to_string());
    let family_deadline = RwSignal::new(settings.family_deadline.to_string());
    let family_skills = RwSignal::new(settings.family_skills.clone());
    let identity_target = RwSignal::new(settings.identity_target.to_string());
    let identity_deadline = RwSignal::new(settings.identity_deadline.to_string());
    let identity_skills = RwSignal::new(settings.identity_skills.clone());
    let quota = RwSignal::new(settings.ambassador_quota.to_string());
    let cashless = RwSignal::new(settings.cashless_market_percent.to_string());
    let form = FormState::new();
    let saved = RwSignal::new(false);
    // What the province gives each model: the least target and the latest deadline.
    let province = settings.province.clone();
    let given = move |model: &SkillModel| province.as_ref().and_then(|p| p.of(model.model));
    // What a change is judged from: the province's targets, and a deadline gone by that may
    // stay as it was.
    let was = StoredValue::new(settings);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let new = ModelSettings {
            family_target: typed_number(&family_target.get_untracked()),
            family_deadline: typed_day(&family_deadline.get_untracked()),
            family_skills: family_skills.get_untracked(),
            identity_target: typed_number(&identity_target.get_untracked()),
            identity_deadline: typed_day(&identity_deadline.get_untracked()),
            identity_skills: identity_skills.get_untracked(),
            ambassador_quota: quota.get_untracked().trim().parse().unwrap_or(0),
            cashless_market_percent: typed_number(&cashless.get_untracked()),
            province: None,
        };
        let checked = was.with_value(|was| domain::validate::model_settings(&new, was, today()));
        if form.start(checked) {
            spawn_local(async move {
                if let Some(now) = form.finish(api::set_models(ward, &new).await) {
                    was.set_value(now);
                    saved.set(true);
                }
            });
        }
    };
    view! {
        <h1>{t!(i18n, models.settings_title)}</h1>
        <p class="subtitle">{t!(i18n, models.settings_hint)}</p>
        <form class="form" on:submit=submit novalidate>
            <fieldset disabled=move || !may_change() class="plain">
                <h2>{t!(i18n, models.families)}</h2>
                <ModelTargetFields
                    model=&SKILL_MODELS[0]
                    target=family_target
                    deadline=family_deadline
                    form
                    province=given(&SKILL_MODELS[0])
                />
                <SkillChoice
                    id="family_skills"
                    legend=words(|i18n| t_string!(i18n, models.family_skills))
                    chosen=family_skills
                    skills=skills.clone()
                    error=form.field("family_skills")
                />
                <h2>{t!(i18n, models.identity)}</h2>
                <ModelTargetFields
                    model=&SKILL_MODELS[1]
                    target=identity_target
                    deadline=identity_deadline
                    form
                    province=given(&SKILL_MODELS[1])
                />
                <SkillChoice
                    id="identity_skills"
                    legend=words(|i18n| t_string!(i18n, models.identity_skills))
                    chosen=identity_skills
                    skills=skills.clone()
                    error=form.field("identity_skills")
                />
                <h2>{t!(i18n, models.ambassadors)}</h2>
                <TextField
                    id="ambassador_quota"
                    label=words(|i18n| t_string!(i18n, models.ambassador_quota))
                    value=quota
                    error=form.field("ambassador_quota")
                    kind="number"
                />
                <h2>{t!(i18n, models.markets)}</h2>
                <TextField
                    id="cashless_market_percent"
                    label=words(|i18n| t_string!(i18n, models.cashless_market_percent))
                    value=cashless
                    error=form.field("cashless_market_percent")
                    kind="number"
                />
            </fieldset>
            {form.failure_view()}
            <Show when=may_change>
                <button type="submit" class="button primary" disabled=move || form.busy.get()>
                    {t!(i18n, models.save)}
                </button>
            </Show>
            <Show when=move || saved.get()>
                <p role="status" class="saved">{t!(i18n, models.saved)}</p>
            </Show>
        </form>
    }
}

/// The skills a model asks for, chosen from the ward's catalogue.
#[component]
fn SkillChoice(
    id: &'static str,
    #[prop(into)] legend: TextProp,
    chosen: RwSignal<Vec<String>>,
    skills: Vec<Skill>,
    error: Signal<Option<domain::FieldCode>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    view! {
        <fieldset class="field" id=id aria-describedby=described>
            <legend>{move || legend.get()}</legend>
            {skills
                .iter()
                .map(|skill| {
                    let code = skill.code.clone();
                    let checked = {
                        let code = code.clone();
                        move || chosen.read().contains(&code)
                    };
                    view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                prop:checked=checked
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    chosen.update(|c| {
                                        c.retain(|x| *x != code);
                                        if on {
                                            c.push(code.clone());
                                        }
                                    });
                                }
                            />
                            {skill_name(skill)}
                        </label>
                    }
                })
                .collect_view()}
            {move || error.get().map(|c| view! { <p class="field-error" id=error_id.clone()>{field_message(c)}</p> })}
        </fieldset>
    }
}
