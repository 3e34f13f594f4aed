//! An invitation link (`/moi/<token>`): the volunteer sees who invited them to which TDP,
//! enters their phone number and chooses a password, and is signed in.

use domain::api::{AcceptInvitation, InvitationPreview};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::{self, ApiError};
use crate::components::{ErrorNotice, FieldMessage, date_time, loaded};
use crate::i18n::{t, use_i18n};
use crate::routes::Route;
use crate::session::use_session;

#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = Memo::new(move |_| params.read().get("token").unwrap_or_default());
    let preview = LocalResource::new(move || {
        let token = token.get();
        async move { api::invitation(&token).await }
    });
    loaded(preview, move |p: InvitationPreview| {
        view! { <Accept preview=p token=token.get_untracked() /> }
    })
}

#[component]
fn Accept(preview: InvitationPreview, token: String) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<domain::FieldError>::new());
    let failure = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let field = move |name: &'static str| {
        Signal::derive(move || {
            errors
                .read()
                .iter()
                .find(|e| e.field == name)
                .map(|e| e.code)
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = AcceptInvitation {
            phone: phone.get_untracked(),
            password: password.get_untracked(),
        };
        failure.set(None);
        if let Err(e) = domain::validate::accept_invitation(&body) {
            errors.set(e);
            return;
        }
        errors.set(Vec::new());
        busy.set(true);
        let (token, navigate) = (token.clone(), navigate.clone());
        spawn_local(async move {
            match api::accept_invitation(&token, &body).await {
                Ok(me) => {
                    session.signed_in(me);
                    navigate(&Route::Home.path(), Default::default());
                }
                Err(ApiError::Server(body)) if !body.fields.is_empty() => errors.set(body.fields),
                Err(e) => failure.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <h1>{t!(i18n, invitation.title)}</h1>
        <p>
            {t!(
                i18n, invitation.text, name = preview.full_name.clone(), tdp = preview.tdp_name.clone(),
                ward = preview.ward_name.clone()
            )}
        </p>
        <p class="muted small">
            {t!(i18n, invitation.expires, when = date_time(preview.expires_at))}
        </p>
        <form class="form" on:submit=submit novalidate>
            <div class="field">
                <label for="invitation-phone">{t!(i18n, session.phone)}</label>
                <input
                    id="invitation-phone"
                    type="tel"
                    inputmode="tel"
                    autocomplete="username"
                    aria-invalid=move || field("phone").get().is_some().to_string()
                    prop:value=phone
                    on:input=move |ev| phone.set(event_target_value(&ev))
                />
                <FieldMessage code=field("phone") id="invitation-phone-error" />
            </div>
            <div class="field">
                <label for="invitation-password">{t!(i18n, invitation.password)}</label>
                <p class="hint" id="invitation-password-hint">{t!(i18n, invitation.password_hint)}</p>
                <input
                    id="invitation-password"
                    type="password"
                    autocomplete="new-password"
                    aria-describedby="invitation-password-hint"
                    aria-invalid=move || field("password").get().is_some().to_string()
                    prop:value=password
                    on:input=move |ev| password.set(event_target_value(&ev))
                />
                <FieldMessage code=field("password") id="invitation-password-error" />
            </div>
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            <button type="submit" class="button primary" disabled=busy>
                {t!(i18n, invitation.submit)}
            </button>
        </form>
    }
}
