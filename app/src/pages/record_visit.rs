//! The visit form: who went, whom they helped with what, and how satisfied the household was.
//!
//! The form validates with the same rules as the server (`domain::validate`) before saving,
//! and shows the server's field errors next to the fields too. Saving puts the visit in the
//! phone's outbox first (`offline`), so a visit recorded without signal is kept and sent
//! later.
//!
//! With `?sua=` it corrects a visit of the household instead: filled in with what the visit
//! said, and saved with a reason as one change that voids it and records it again. With
//! `?gui-lai=` it edits a visit (or correction) the server sent back from the phone's outbox,
//! which is then sent again.

use std::collections::HashMap;

use domain::api::{
    FieldChange, HelpItem, Household, NewVisit, Skill, SkillStatus, TdpDetail, Visit,
    VisitCorrection,
};
use domain::{FieldCode, FieldError};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use super::{id_param, not_found};
use crate::api::{self, ApiError};
use crate::components::{ErrorNotice, FieldMessage, TextArea, loaded};
use crate::contexts::set_current_ward;
use crate::format::today;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{skill_name, words};
use crate::offline::{SyncState, use_sync};
use crate::routes::{CORRECTS_QUERY, RESENDS_QUERY, Route};

/// What the form starts from, when not from nothing.
#[derive(Clone)]
struct Draft {
    /// The change's id: one sent back is saved again under its own.
    id: Option<Uuid>,
    /// The visit a correction replaces.
    corrects: Option<Uuid>,
    reason: String,
    visit: NewVisit,
}

impl Draft {
    /// A visit of the household, to correct.
    fn correcting(v: &Visit) -> Self {
        Self {
            id: None,
            corrects: Some(v.id),
            reason: String::new(),
            visit: NewVisit {
                id: None,
                household_id: v.household_id,
                visited_on: v.visited_on,
                volunteer_ids: v.volunteers.iter().map(|m| m.id).collect(),
                help: v
                    .help
                    .iter()
                    .map(|h| HelpItem {
                        resident_id: h.resident_id,
                        skill_id: h.skill_id,
                        outcome: h.outcome,
                    })
                    .collect(),
                satisfaction: v.satisfaction,
                note: v.note.clone(),
            },
        }
    }

    /// A visit or correction on the phone, which the server sent back.
    fn sent_back(id: Uuid, change: FieldChange) -> Option<Self> {
        let (corrects, reason, visit) = match change {
            FieldChange::Visit(v) => (None, String::new(), v),
            FieldChange::CorrectVisit(c) => (Some(c.visit_id), c.reason, c.visit),
            _ => return None,
        };
        Some(Self {
            id: Some(id),
            corrects,
            reason,
            visit,
        })
    }
}

#[component]
pub fn RecordVisit() -> impl IntoView {
    let id = id_param();
    let query = use_query_map();
    let data = LocalResource::new(move || {
        let id = id.get();
        let corrects = query.read().get(CORRECTS_QUERY);
        let resends = query.read().get(RESENDS_QUERY);
        async move {
            let household = api::household(id.ok_or_else(not_found)?).await?;
            // A visit voided or corrected meanwhile is not there to correct; a change sent
            // again or let go meanwhile is not there to edit.
            let draft = match (corrects, resends) {
                (Some(visit), _) => Some(
                    household
                        .visits
                        .iter()
                        .find(|v| v.id.to_string() == visit)
                        .map(Draft::correcting)
                        .ok_or_else(not_found)?,
                ),
                (None, Some(change)) => Some(
                    SyncState::sent_back(Some(change), Draft::sent_back)
                        .await
                        .ok_or_else(not_found)?,
                ),
                (None, None) => None,
            };
            let tdp = api::tdp(household.tdp.id).await?;
            let skills = api::skills(household.tdp.ward_code).await?;
            Ok((household, tdp, skills, draft))
        }
    });
    loaded(data, |(household, tdp, skills, draft)| {
        set_current_ward(household.tdp.ward_code);
        view! { <VisitForm household tdp skills draft /> }
    })
}

#[component]
fn VisitForm(
    household: Household,
    tdp: TdpDetail,
    skills: Vec<Skill>,
    draft: Option<Draft>,
) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let ward = household.tdp.ward_code;
    let household_id = household.id;
    let visit_id = draft
        .as_ref()
        .and_then(|d| d.id)
        .unwrap_or_else(Uuid::now_v7);
    let corrects = draft.as_ref().and_then(|d| d.corrects);
    let visit = draft.as_ref().map(|d| &d.visit);

    // A draft fills the form in as far as it can still say it: team members who left the team
    // and residents who withdrew their consent are not on it.
    let on_team = |id: &Uuid| tdp.team.iter().any(|m| m.id == *id);
    let listed = |id: &Uuid| {
        household
            .residents
            .iter()
            .any(|r| r.id == *id && r.takes_records())
    };
    let date = RwSignal::new(visit.map_or(today(), |v| v.visited_on).to_string());
    let volunteers = RwSignal::new(visit.map_or_else(Vec::new, |v| {
        v.volunteer_ids.iter().copied().filter(on_team).collect()
    }));
    let help = RwSignal::new(visit.map_or_else(HashMap::new, |v| {
        v.help
            .iter()
            .filter(|h| listed(&h.resident_id))
            .map(|h| ((h.resident_id, h.skill_id), h.outcome))
            .collect()
    }));
    let satisfaction = RwSignal::new(visit.and_then(|v| v.satisfaction));
    let note = RwSignal::new(visit.map(|v| v.note.clone()).unwrap_or_default());
    let reason = RwSignal::new(draft.as_ref().map(|d| d.reason.clone()).unwrap_or_default());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<ApiError>);

    let field = move |name: &'static str| {
        Signal::derive(move || errors.with(|e| e.iter().find(|f| f.field == name).map(|f| f.code)))
    };

    let sync = use_sync();
    let save = Action::new_local(move |change: &FieldChange| {
        let change = change.clone();
        async move { sync.save(ward, visit_id, change).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => navigate(&Route::Household(household_id).path(), Default::default()),
        Some(Err(ApiError::Server(body))) if !body.fields.is_empty() => errors.set(body.fields),
        Some(Err(e)) => failure.set(Some(e)),
        None => {}
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let Ok(visited_on) = date.get_untracked().parse() else {
            errors.set(vec![FieldError::new("visited_on", FieldCode::Required)]);
            return;
        };
        let visit = NewVisit {
            id: Some(visit_id),
            household_id,
            visited_on,
            volunteer_ids: volunteers.get_untracked(),
            help: help
                .get_untracked()
                .into_iter()
                .map(|((resident_id, skill_id), outcome)| HelpItem {
                    resident_id,
                    skill_id,
                    outcome,
                })
                .collect(),
            satisfaction: satisfaction.get_untracked(),
            note: note.get_untracked(),
        };
        let (change, valid) = match corrects {
            Some(visit_id) => {
                let c = VisitCorrection {
                    visit_id,
                    reason: reason.get_untracked(),
                    visit,
                };
                let valid = domain::validate::visit_correction(&c, today());
                (FieldChange::CorrectVisit(c), valid)
            }
            None => {
                let valid = domain::validate::new_visit(&visit, today());
                (FieldChange::Visit(visit), valid)
            }
        };
        match valid {
            Ok(()) => {
                errors.set(Vec::new());
                save.dispatch(change);
            }
            Err(fields) => errors.set(fields),
        }
    };

    let skills_for = |resident: Uuid| {
        skills
            .iter()
            .map(|s| {
                let key = (resident, s.id);
                let name = skill_name(s);
                let label = name();
                view! {
                    <div class="help-row">
                        <span class="help-skill">{name}</span>
                        <select
                            aria-label=label
                            prop:value=move || {
                                help.with(|h| h.get(&key).map_or("", |s| s.as_str()))
                            }
                            on:change=move |ev| {
                                let value = event_target_value(&ev);
                                help.update(|h| match SkillStatus::parse(&value) {
                                    Some(outcome) => {
                                        h.insert(key, outcome);
                                    }
                                    None => {
                                        h.remove(&key);
                                    }
                                })
                            }
                        >
                            <option value="">{t!(i18n, visit.outcome_none)}</option>
                            <option value="in_progress">{t!(i18n, visit.outcome_in_progress)}</option>
                            <option value="achieved">{t!(i18n, visit.outcome_achieved)}</option>
                        </select>
                    </div>
                }
            })
            .collect_view()
    };

    view! {
        <p class="crumb">
            <A href=Route::Household(household_id).path()>{household.head_name.clone()}</A>
        </p>
        <h1>
            {move || if corrects.is_some() {
                t_string!(i18n, visit.correct_title)
            } else {
                t_string!(i18n, visit.title)
            }}
        </h1>
        <p class="subtitle">{household.address.clone()}</p>
        <form class="visit-form" on:submit=on_submit novalidate>
            {corrects.map(|_| view! {
                <p class="muted">{t!(i18n, visit.correct_hint)}</p>
                <TextArea
                    id="reason"
                    label=words(|i18n| t_string!(i18n, visit.correct_reason))
                    value=reason
                    error=field("reason")
                    rows=2
                />
            })}
            <div class="field">
                <label for="visited_on">{t!(i18n, visit.date)}</label>
                <input
                    id="visited_on"
                    type="date"
                    bind:value=date
                    aria-invalid=move || field("visited_on").get().is_some().to_string()
                    aria-describedby="visited_on-error"
                />
                <FieldMessage code=field("visited_on") id="visited_on-error" />
            </div>
            <fieldset class="field" aria-describedby="volunteer_ids-error">
                <legend>{t!(i18n, visit.volunteers)}</legend>
                {tdp
                    .team
                    .iter()
                    .map(|m| {
                        let id = m.id;
                        view! {
                            <label class="check">
                                <input
                                    type="checkbox"
                                    prop:checked=move || volunteers.with(|v| v.contains(&id))
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        volunteers.update(|v| {
                                            v.retain(|x| *x != id);
                                            if on {
                                                v.push(id);
                                            }
                                        });
                                    }
                                />
                                {m.full_name.clone()}
                            </label>
                        }
                    })
                    .collect_view()}
                <FieldMessage code=field("volunteer_ids") id="volunteer_ids-error" />
            </fieldset>
            <h2>{t!(i18n, visit.help)}</h2>
            <p class="muted">{t!(i18n, visit.help_hint)}</p>
            {household
                .residents
                .into_iter()
                // Nobody erased at their request, nor who withdrew their consent.
                .filter(|r| r.takes_records())
                .enumerate()
                .map(|(i, r)| {
                    view! {
                        <details class="resident" open=i == 0>
                            <summary>{format!("{} ({})", r.full_name, r.birth_year)}</summary>
                            {skills_for(r.id)}
                        </details>
                    }
                })
                .collect_view()}
            <fieldset class="field rating" aria-describedby="satisfaction-error">
                <legend>{t!(i18n, visit.rating)}</legend>
                {(1..=5)
                    .map(|n| {
                        view! {
                            <label class="check">
                                <input
                                    type="radio"
                                    name="satisfaction"
                                    value=n
                                    prop:checked=move || satisfaction.get() == Some(n)
                                    on:change=move |_| satisfaction.set(Some(n))
                                />
                                {move || match n {
                                    1 => t_string!(i18n, visit.rating_1),
                                    2 => t_string!(i18n, visit.rating_2),
                                    3 => t_string!(i18n, visit.rating_3),
                                    4 => t_string!(i18n, visit.rating_4),
                                    _ => t_string!(i18n, visit.rating_5),
                                }}
                            </label>
                        }
                    })
                    .collect_view()}
                <FieldMessage code=field("satisfaction") id="satisfaction-error" />
            </fieldset>
            <div class="field">
                <label for="note">{t!(i18n, visit.note)}</label>
                <textarea id="note" rows="3" bind:value=note aria-describedby="note-error"></textarea>
                <FieldMessage code=field("note") id="note-error" />
            </div>
            <Show when=move || errors.with(|e| e.iter().any(|f| f.field.starts_with("help") || f.field == "household_id"))>
                <p class="error" role="alert">{t!(i18n, visit.help_error)}</p>
            </Show>
            {move || failure.get().map(|e| view! { <ErrorNotice error=e /> })}
            <button type="submit" class="primary" disabled=move || save.pending().get()>
                {move || if corrects.is_some() {
                    t_string!(i18n, visit.correct_save)
                } else {
                    t_string!(i18n, visit.save)
                }}
            </button>
        </form>
    }
}
