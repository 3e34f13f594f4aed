//! A skills catalogue with each skill's target and deadline: a province's, which its wards
//! inherit, on the province's page; a ward's, beside what its province sets, on the models
//! page. Whoever may change it sets a target and a deadline, adds a skill and retires one.
//! The models' targets and deadlines pass down the same way (`ModelTargetFields`).

use domain::api::{CatalogueSkill, NewSkill, TargetChange};
use domain::models::{Model, SKILL_MODELS, SkillModel};
use domain::validate::SKILL_MIN_AGES;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, Catalogue as Owner};
use crate::components::{FormState, TableFrame, TextField, loaded, typed_day, typed_number};
use crate::format::{date, today};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{field_message, localised, model_short_name, words};

/// The catalogue of `owner`, read when shown. `on_change` runs after each change, for the page
/// to read again what the targets change (the page redraws this too).
#[component]
pub fn CatalogueSection(
    owner: Owner,
    may_change: bool,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let data = LocalResource::new(move || api::catalogue(owner));
    loaded(data, move |skills| {
        view! { <CatalogueTable owner skills may_change on_change /> }
    })
}

#[component]
fn CatalogueTable(
    owner: Owner,
    skills: Vec<CatalogueSkill>,
    may_change: bool,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let ward = matches!(owner, Owner::Ward(_));
    view! {
        <section class="catalogue">
            <h2>{t!(i18n, catalogue.title)}</h2>
            // A ward's rule is what its forms refuse.
            <p class="subtitle">
                {move || if ward {
                    format!(
                        "{} {}",
                        t_string!(i18n, fields.below_province),
                        t_string!(i18n, fields.after_province),
                    )
                } else {
                    t_string!(i18n, catalogue.hint).to_owned()
                }}
            </p>
            <TableFrame label=words(|i18n| t_string!(i18n, catalogue.title))>
                <table class="catalogue">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, dashboard.skill)}</th>
                            <th scope="col">{t!(i18n, dashboard.target)}</th>
                            <th scope="col">{t!(i18n, dashboard.deadline)}</th>
                            {ward.then(|| view! { <th scope="col">{t!(i18n, catalogue.province)}</th> })}
                            // Over each row's buttons.
                            {may_change.then(|| view! { <td></td> })}
                        </tr>
                    </thead>
                    <tbody>
                        {skills
                            .into_iter()
                            .map(|skill| view! { <SkillRow owner skill may_change on_change /> })
                            .collect_view()}
                    </tbody>
                </table>
            </TableFrame>
            {may_change.then(|| view! { <NewSkillForm owner on_change /> })}
        </section>
    }
}

#[component]
fn SkillRow(
    owner: Owner,
    skill: CatalogueSkill,
    may_change: bool,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = localised(&skill.name_vi, &skill.name_en);
    let given = matches!(owner, Owner::Ward(_)).then(|| {
        let text = skill
            .province
            .as_ref()
            .map(|p| format!("{}% · {}", p.target_percent, date(p.deadline)));
        view! { <td>{text.unwrap_or_else(|| "–".into())}</td> }
    });
    if !may_change {
        return view! {
            <tr data-skill=skill.code.clone()>
                <th scope="row">{name}</th>
                <td class="num">{format!("{}%", skill.target_percent)}</td>
                <td>{date(skill.deadline)}</td>
                {given}
            </tr>
        }
        .into_any();
    }
    let code = skill.code.clone();
    let was = TargetChange {
        target_percent: skill.target_percent,
        deadline: skill.deadline,
    };
    let province = skill.province.clone();
    let retirable = !skill.from_province;
    let target = RwSignal::new(skill.target_percent.to_string());
    let deadline = RwSignal::new(skill.deadline.to_string());
    let form = FormState::new();
    // A change redraws the page, this row with it, showing what is stored now.
    let save = {
        let code = code.clone();
        move |_| {
            let change = TargetChange {
                target_percent: typed_number(&target.get_untracked()),
                deadline: typed_day(&deadline.get_untracked()),
            };
            let checked =
                domain::validate::target_change(&change, &was, province.as_ref(), today());
            if form.start(checked) {
                let code = code.clone();
                spawn_local(async move {
                    if form
                        .finish(api::set_target(owner, &code, &change).await)
                        .is_some()
                    {
                        on_change();
                    }
                });
            }
        }
    };
    let retire = {
        let code = code.clone();
        move |_| {
            if form.start(Ok(())) {
                let code = code.clone();
                spawn_local(async move {
                    if form.finish(api::retire_skill(owner, &code).await).is_some() {
                        on_change();
                    }
                });
            }
        }
    };
    let error = move |field: &'static str| {
        let code = form.field(field);
        move || {
            code.get()
                .map(|c| view! { <p class="field-error">{field_message(c)}</p> })
        }
    };
    // A 409 names each model asking for the skill by the field that lists its skills.
    let in_use = move || {
        SKILL_MODELS
            .iter()
            .filter(|m| form.field(m.field).get().is_some())
            .map(|m| {
                let model = m.model;
                view! {
                    <p class="field-error" role="alert">
                        {move || format!("{}: {}", model_short_name(model)(), t_string!(i18n, fields.in_use))}
                    </p>
                }
            })
            .collect_view()
    };
    let label = |what: &'static str, name: &dyn Fn() -> String| format!("{what} – {}", name());
    let target_label = {
        let name = localised(&skill.name_vi, &skill.name_en);
        move || label(t_string!(i18n, dashboard.target), &name)
    };
    let deadline_label = {
        let name = localised(&skill.name_vi, &skill.name_en);
        move || label(t_string!(i18n, dashboard.deadline), &name)
    };
    view! {
        <tr data-skill=code.clone()>
            <th scope="row">
                {name}
                {in_use}
                {error("code")}
                {form.failure_view()}
            </th>
            <td>
                <input
                    class="narrow"
                    type="number"
                    inputmode="decimal"
                    aria-label=target_label
                    aria-invalid=move || form.field("target_percent").get().is_some().to_string()
                    prop:value=target
                    on:input=move |ev| target.set(event_target_value(&ev))
                />
                {error("target_percent")}
            </td>
            <td>
                <input
                    type="date"
                    aria-label=deadline_label
                    aria-invalid=move || form.field("deadline").get().is_some().to_string()
                    prop:value=deadline
                    on:input=move |ev| deadline.set(event_target_value(&ev))
                />
                {error("deadline")}
            </td>
            {given}
            <td class="actions">
                <button type="button" class="button" on:click=save disabled=form.busy>
                    {t!(i18n, visit.save)}
                </button>
                {retirable
                    .then(|| {
                        view! {
                            <button type="button" class="button" on:click=retire disabled=form.busy>
                                {t!(i18n, catalogue.retire)}
                            </button>
                        }
                    })}
            </td>
        </tr>
    }
    .into_any()
}

/// A skill the province or ward adds, e.g. e-commerce or online health care.
#[component]
fn NewSkillForm(
    owner: Owner,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let name_vi = RwSignal::new(String::new());
    let name_en = RwSignal::new(String::new());
    let min_age = RwSignal::new(SKILL_MIN_AGES[2]);
    let target = RwSignal::new(String::new());
    let deadline = RwSignal::new(String::new());
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewSkill {
            name_vi: name_vi.get_untracked(),
            name_en: name_en.get_untracked(),
            min_age: min_age.get_untracked(),
            target_percent: typed_number(&target.get_untracked()),
            deadline: typed_day(&deadline.get_untracked()),
        };
        if form.start(domain::validate::new_skill(&new, today())) {
            spawn_local(async move {
                if form.finish(api::add_skill(owner, &new).await).is_some() {
                    on_change();
                }
            });
        }
    };
    view! {
        <form class="form" on:submit=submit novalidate>
            <h3>{t!(i18n, catalogue.add)}</h3>
            <TextField
                id="skill-name-vi"
                label=words(|i18n| t_string!(i18n, catalogue.name_vi))
                value=name_vi
                error=form.field("name_vi")
            />
            <TextField
                id="skill-name-en"
                label=words(|i18n| t_string!(i18n, catalogue.name_en))
                value=name_en
                error=form.field("name_en")
            />
            <div class="field">
                <label for="skill-min-age">{t!(i18n, catalogue.min_age)}</label>
                <select
                    id="skill-min-age"
                    on:change=move |ev| min_age.set(event_target_value(&ev).parse().unwrap_or(0))
                >
                    {SKILL_MIN_AGES
                        .map(|age| view! { <option value=age selected=move || min_age.get() == age>{age}</option> })
                        .collect_view()}
                </select>
            </div>
            <TextField
                id="skill-target"
                label=words(|i18n| t_string!(i18n, dashboard.target))
                value=target
                error=form.field("target_percent")
                kind="number"
            />
            <TextField
                id="skill-deadline"
                label=words(|i18n| t_string!(i18n, dashboard.deadline))
                value=deadline
                error=form.field("deadline")
                kind="date"
            />
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, catalogue.add)}
            </button>
        </form>
    }
}

/// A model's target and deadline, as the province's page and a ward's models page set them;
/// on a ward's, with what its province gives beside them.
#[component]
pub fn ModelTargetFields(
    model: &'static SkillModel,
    target: RwSignal<String>,
    deadline: RwSignal<String>,
    form: FormState,
    province: Option<TargetChange>,
) -> impl IntoView {
    let i18n = use_i18n();
    let families = model.model == Model::Families;
    let target_label = TextProp::from(move || {
        if families {
            t_string!(i18n, models.family_target)
        } else {
            t_string!(i18n, models.identity_target)
        }
    });
    let deadline_label = TextProp::from(move || {
        if families {
            t_string!(i18n, models.family_deadline)
        } else {
            t_string!(i18n, models.identity_deadline)
        }
    });
    let error = form.field(model.target);
    let target_field = match province {
        Some(p) => {
            let given = TextProp::from(move || {
                let (target, deadline) = (p.target_percent, date(p.deadline));
                t_string!(i18n, models.province_gives, target, deadline).to_string()
            });
            view! { <TextField id=model.target label=target_label value=target error kind="number" hint=given /> }
            .into_any()
        }
        None => view! { <TextField id=model.target label=target_label value=target error kind="number" /> }
            .into_any(),
    };
    view! {
        {target_field}
        <TextField
            id=model.deadline
            label=deadline_label
            value=deadline
            error=form.field(model.deadline)
            kind="date"
        />
    }
}
