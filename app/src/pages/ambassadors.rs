//! "Đại sứ số": the ward's mentor network, TDP by TDP — each digital ambassador, whether they
//! guide their quota of people yet, and each learner's progress — and adding a learner.

use domain::access::Action;
use domain::api::{AmbassadorNetwork, FieldChange, Learner, LearnerChange, Mentor, ModelSettings};
use domain::models::{at_quota, default_settings, learner_progress};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

use super::{code_param, not_found};
use crate::api;
use crate::components::{ErrorNotice, Finds, FormState, KeptNotice, Picker, loaded};
use crate::contexts::set_current_ward;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{field_message, words};
use crate::offline::{Saved, use_sync};
use crate::routes::Route;
use crate::session::use_session;

#[component]
pub fn Ambassadors() -> impl IntoView {
    let code = code_param();
    let data = LocalResource::new(move || {
        let code = code.get();
        async move { api::ambassadors(code.ok_or_else(not_found)?, None).await }
    });
    let ward = move || code.get().unwrap_or_default();
    // Which mentor's "add a learner" form is open: kept across the reloads each addition makes.
    let adding = RwSignal::new(None::<Uuid>);
    Effect::new(move |_| {
        if let Some(c) = code.get() {
            set_current_ward(c);
        }
    });
    loaded(data, move |network: AmbassadorNetwork| {
        view! { <Network ward=ward() network adding on_change=move || data.refetch() /> }
    })
}

#[component]
fn Network(
    ward: i32,
    network: AmbassadorNetwork,
    adding: RwSignal<Option<Uuid>>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    // The rules of `domain::models` need only the quota and the skills set.
    let settings = ModelSettings {
        ambassador_quota: network.quota,
        family_skills: network.skills.clone(),
        ..default_settings()
    };
    let quota = network.quota;
    let mut groups: Vec<(String, Vec<Mentor>)> = Vec::new();
    for m in network.mentors {
        match groups.last_mut() {
            Some((tdp, list)) if *tdp == m.tdp_name => list.push(m),
            _ => groups.push((m.tdp_name.clone(), vec![m])),
        }
    }
    view! {
        <h1>{t!(i18n, ambassadors.title)}</h1>
        <p class="subtitle">{t!(i18n, ambassadors.intro, quota = quota)}</p>
        {groups.is_empty().then(|| view! { <p>{t!(i18n, ambassadors.none)}</p> })}
        {groups
            .into_iter()
            .map(|(tdp, mentors)| {
                let settings = settings.clone();
                view! {
                    <section class="mentors">
                        <h2>{tdp}</h2>
                        <ul class="list">
                            {mentors
                                .into_iter()
                                .map(|mentor| {
                                    view! {
                                        <MentorItem ward mentor settings=settings.clone() adding on_change />
                                    }
                                })
                                .collect_view()}
                        </ul>
                    </section>
                }
            })
            .collect_view()}
    }
}

#[component]
fn MentorItem(
    ward: i32,
    mentor: Mentor,
    settings: ModelSettings,
    adding: RwSignal<Option<Uuid>>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may_record = session.reach(ward, Action::Record).includes(mentor.tdp_id);
    let quota = settings.ambassador_quota;
    let met = at_quota(mentor.learner_count, &settings);
    let hidden = mentor.learner_count - mentor.learners.len() as i64;
    let name = match mentor.resident_id {
        Some(id) => {
            view! { <A href=Route::Resident(id).path()>{mentor.full_name.clone()}</A> }.into_any()
        }
        None => view! {
            {mentor.full_name.clone()}
            <span class="muted">{" · "} {t!(i18n, ambassadors.team_member)}</span>
        }
        .into_any(),
    };
    let failure = RwSignal::new(None);
    let kept = RwSignal::new(false);
    let sync = use_sync();
    let remove = move |learner: Uuid| {
        spawn_local(async move {
            let change = FieldChange::Learner(LearnerChange {
                resident_id: learner,
                mentor_id: None,
            });
            match sync.save(ward, Uuid::now_v7(), change).await {
                Ok(Saved::Sent) => on_change(),
                Ok(Saved::Queued) => kept.set(true),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    view! {
        <li class="mentor" data-mentor=mentor.id.to_string()>
            <p>
                <strong>{name}</strong>
                " · "
                <span class="learner-count">
                    {t!(i18n, ambassadors.learners, n = mentor.learner_count, quota = quota)}
                </span>
                " "
                {if met {
                    view! { <span class="badge reached">{t!(i18n, ambassadors.at_quota)}</span> }.into_any()
                } else {
                    view! { <span class="badge behind quota-flag">{t!(i18n, ambassadors.below_quota)}</span> }
                        .into_any()
                }}
            </p>
            <ul class="learners">
                {mentor
                    .learners
                    .into_iter()
                    .map(|l| {
                        let id = l.resident_id;
                        view! {
                            <LearnerItem learner=l settings=settings.clone()>
                                <Show when=move || may_record>
                                    <button
                                        type="button"
                                        class="button secondary small"
                                        on:click=move |_| remove(id)
                                    >
                                        {t!(i18n, ambassadors.remove)}
                                    </button>
                                </Show>
                            </LearnerItem>
                        }
                    })
                    .collect_view()}
                {(hidden > 0)
                    .then(|| view! { <li class="muted">{t!(i18n, ambassadors.hidden_learners, n = hidden)}</li> })}
            </ul>
            <KeptNotice kept />
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            {may_record
                .then(|| {
                    let id = mentor.id;
                    view! {
                        <button
                            type="button"
                            class="button secondary"
                            aria-expanded=move || (adding.get() == Some(id)).to_string()
                            on:click=move |_| adding.update(|a| *a = (*a != Some(id)).then_some(id))
                        >
                            {t!(i18n, ambassadors.add_learner)}
                        </button>
                        <Show when=move || adding.get() == Some(id)>
                            <AddLearner ward mentor=id on_change />
                        </Show>
                    }
                })}
        </li>
    }
}

#[component]
fn LearnerItem(learner: Learner, settings: ModelSettings, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let (done, of) = learner_progress(&learner.achieved, &settings);
    view! {
        <li>
            <A href=Route::Resident(learner.resident_id).path()>{learner.full_name.clone()}</A>
            <span class="muted">
                {format!(" · {} · ", learner.birth_year)}
                {t!(i18n, ambassadors.progress, done = done, of = of)}
            </span>
            " "
            {children()}
        </li>
    }
}

/// Finds a resident by name and adds them to the mentor's learners.
#[component]
fn AddLearner(
    ward: i32,
    mentor: Uuid,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let form = FormState::new();
    let kept = RwSignal::new(false);
    let sync = use_sync();
    let add = move |resident: Uuid| {
        form.busy.set(true);
        spawn_local(async move {
            let change = FieldChange::Learner(LearnerChange {
                resident_id: resident,
                mentor_id: Some(mentor),
            });
            match form.finish(sync.save(ward, Uuid::now_v7(), change).await) {
                Some(Saved::Sent) => on_change(),
                Some(Saved::Queued) => kept.set(true),
                None => {}
            }
        });
    };
    let own_mentor = form.field("mentor_id");
    view! {
        <div class="add-learner">
            <Picker
                id=format!("learner-{mentor}")
                ward
                finds=Finds::Residents
                action=words(|i18n| t_string!(i18n, picker.add))
                label=words(|i18n| t_string!(i18n, ambassadors.find))
                busy=form.busy
                on_pick=add
            />
            {move || own_mentor.get().map(|c| view! { <p class="field-error">{field_message(c)}</p> })}
            <KeptNotice kept />
            {form.failure_view()}
        </div>
    }
}
