//! An activity's check-in page (`/diem-danh/<activity>?ma=<code>`), opened by scanning the QR
//! code the team shows: the attendee gives their name and birth year, no account needed. A
//! family sharing one phone checks in one after another.

use domain::api::{CheckIn, CheckInActivity};
use domain::{ErrorBody, FieldCode};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use uuid::Uuid;

use super::id_param;
use crate::api::{self, ApiError};
use crate::components::{ErrorNotice, FormState, TextField};
use crate::format::when;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{activity_kind_name, field_message, words};
use crate::routes::CHECK_IN_CODE;

#[component]
pub fn CheckInPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let query = use_query_map();
    let code = Memo::new(move |_| query.read().get(CHECK_IN_CODE).unwrap_or_default());
    let data = LocalResource::new(move || {
        let (id, code) = (id.get(), code.get());
        async move {
            match id {
                Some(id) => api::check_in_activity(id, &code).await.map(|a| (id, a)),
                None => Err(ApiError::Server(ErrorBody::new(
                    domain::ErrorCode::NotFound,
                ))),
            }
        }
    });
    view! {
        <h1>{t!(i18n, check_in.title)}</h1>
        {move || {
            data.get()
                .map(|result| match result {
                    Ok((id, activity)) => {
                        view! { <CheckInForm id activity code=code.get_untracked() /> }.into_any()
                    }
                    Err(error) => view! { <CodeProblem error /> }.into_any(),
                })
        }}
    }
}

/// Why the code opens nothing, in the words of the field it names when it names one
/// ("expired", "another activity's").
#[component]
fn CodeProblem(error: ApiError) -> impl IntoView {
    match &error {
        ApiError::Server(body) if body.field("code").is_some() => {
            let code = body
                .field("code")
                .map_or(FieldCode::UnknownReference, |f| f.code);
            view! { <p class="error" role="alert">{field_message(code)}</p> }.into_any()
        }
        _ => view! { <ErrorNotice error /> }.into_any(),
    }
}

#[component]
fn CheckInForm(id: Uuid, activity: CheckInActivity, code: String) -> impl IntoView {
    let i18n = use_i18n();
    // One id per person checking in, so that a retried send counts them once.
    let check_in = RwSignal::new(Uuid::now_v7());
    let name = RwSignal::new(String::new());
    let year = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let birth_year = match year.get_untracked().trim().parse::<i32>() {
            Ok(y) => y,
            Err(_) => {
                form.errors.set(vec![domain::FieldError::new(
                    "birth_year",
                    FieldCode::InvalidFormat,
                )]);
                return;
            }
        };
        let body = CheckIn {
            id: check_in.get_untracked(),
            code: code.clone(),
            full_name: name.get_untracked(),
            birth_year,
        };
        if form.start(domain::validate::check_in(&body, crate::format::today())) {
            spawn_local(async move {
                if form.finish(api::check_in(id, &body).await).is_some() {
                    done.set(Some(body.full_name.trim().to_owned()));
                }
            });
        }
    };
    let next = move |_| {
        check_in.set(Uuid::now_v7());
        name.set(String::new());
        year.set(String::new());
        done.set(None);
    };
    view! {
        <p class="subtitle">
            <span class="badge">{activity_kind_name(activity.kind)}</span>
            " "
            <strong>{activity.title.clone()}</strong>
        </p>
        <p>{format!("{} · {} · {}", when(activity.starts_at, activity.ends_at), activity.place, activity.ward_name)}</p>
        {move || match done.get() {
            Some(who) => view! {
                <p class="ok" role="status">{t!(i18n, check_in.done, name = who)}</p>
                <button type="button" class="button secondary" on:click=next>
                    {t!(i18n, check_in.another)}
                </button>
            }
                .into_any(),
            None => view! {
                <form class="form" on:submit=submit.clone() novalidate>
                    <TextField
                        id="check-in-name"
                        label=words(|i18n| t_string!(i18n, check_in.full_name))
                        value=name
                        error=form.field("full_name")
                        autocomplete="name"
                    />
                    <TextField
                        id="check-in-year"
                        kind="number"
                        label=words(|i18n| t_string!(i18n, check_in.birth_year))
                        value=year
                        error=form.field("birth_year")
                    />
                    {move || form.field("code").get().map(|c| view! { <p class="error" role="alert">{field_message(c)}</p> })}
                    {form.failure_view()}
                    <button type="submit" class="button primary" disabled=form.busy>
                        {t!(i18n, check_in.submit)}
                    </button>
                </form>
                <p class="hint">{t!(i18n, check_in.privacy)}</p>
            }
                .into_any(),
        }}
    }
}
