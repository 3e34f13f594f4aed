//! An invitation link (`/moi/<token>`): the volunteer sees who invited them to which TDP,
//! enters their phone number and chooses a password, and is signed in.

use domain::api::{AcceptInvitation, InvitationPreview};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api;
use crate::components::{FormState, NewPasswordField, PhoneField, loaded};
use crate::format::date_time;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::words;
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
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = AcceptInvitation {
            phone: phone.get_untracked(),
            password: password.get_untracked(),
        };
        if form.start(domain::validate::accept_invitation(&body)) {
            let (token, navigate) = (token.clone(), navigate.clone());
            spawn_local(async move {
                if let Some(me) = form.finish(api::accept_invitation(&token, &body).await) {
                    session.signed_in(me);
                    navigate(&Route::Home.path(), Default::default());
                }
            });
        }
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
            <PhoneField id="invitation-phone" value=phone error=form.field("phone") />
            <NewPasswordField
                id="invitation-password"
                label=words(|i18n| t_string!(i18n, invitation.password))
                value=password
                error=form.field("password")
            />
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, invitation.submit)}
            </button>
        </form>
    }
}
