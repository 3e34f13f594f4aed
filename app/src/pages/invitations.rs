//! A TDP's invitations, for its team leader: invite a volunteer by name, hand them the link or
//! let them scan its QR code, and revoke an invitation that should not be used.

use domain::api::{CreatedInvitation, Invitation, InvitationStatus, NewInvitation, TdpDetail};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use uuid::Uuid;

use super::{id_param, not_found};
use crate::api;
use crate::components::{ErrorNotice, FormState, TextField, loaded};
use crate::contexts::set_current_ward;
use crate::format::date_time;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{invitation_status_name, words};
use crate::routes::Route;

#[component]
pub fn Invitations() -> impl IntoView {
    let id = id_param();
    let tdp = LocalResource::new(move || {
        let id = id.get();
        async move { api::tdp(id.ok_or_else(not_found)?).await }
    });
    loaded(tdp, |d: TdpDetail| {
        set_current_ward(d.tdp.ward_code);
        view! { <InvitationsView tdp=d /> }
    })
}

#[component]
fn InvitationsView(tdp: TdpDetail) -> impl IntoView {
    let i18n = use_i18n();
    let id = tdp.tdp.id;
    let list = LocalResource::new(move || api::invitations(id));
    let name = RwSignal::new(String::new());
    let form = FormState::new();
    let created = RwSignal::new(None::<CreatedInvitation>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewInvitation {
            full_name: name.get_untracked(),
        };
        if form.start(domain::validate::new_invitation(&body)) {
            spawn_local(async move {
                if let Some(c) = form.finish(api::create_invitation(id, &body).await) {
                    name.set(String::new());
                    created.set(Some(c));
                    list.refetch();
                }
            });
        }
    };
    view! {
        <p class="crumb"><A href=Route::Tdp(id).path()>{tdp.tdp.name.clone()}</A></p>
        <h1>{t!(i18n, invitations.title)}</h1>
        <p>{t!(i18n, invitations.intro)}</p>
        <form class="form sign-in" on:submit=submit novalidate>
            <TextField
                id="invitee-name"
                label=words(|i18n| t_string!(i18n, invitations.name))
                value=name
                error=form.field("full_name")
                autocomplete="name"
            />
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, invitations.create)}
            </button>
        </form>
        {move || created.get().map(|c| view! { <NewLink created=c /> })}
        <h2>{t!(i18n, invitations.list)}</h2>
        {loaded(list, move |items: Vec<Invitation>| {
            if items.is_empty() {
                view! { <p>{t!(i18n, invitations.none)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list invitations">
                        {items.into_iter().map(|i| view! { <Item invitation=i on_revoked=move || list.refetch() /> }).collect_view()}
                    </ul>
                }
                    .into_any()
            }
        })}
    }
}

/// The link just made, once: the server keeps only its hash.
#[component]
fn NewLink(created: CreatedInvitation) -> impl IntoView {
    let i18n = use_i18n();
    let qr = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        js_sys::encode_uri_component(&created.qr_svg)
    );
    let name = created.invitation.full_name.clone();
    view! {
        <section class="card new-link" aria-labelledby="new-link-title">
            <h2 id="new-link-title">{t!(i18n, invitations.ready, name = name.clone())}</h2>
            <p>{t!(i18n, invitations.ready_text)}</p>
            <img class="qr" src=qr alt=move || t_string!(i18n, invitations.qr_alt) width="240" height="240" />
            <label for="invitation-link">{t!(i18n, invitations.link)}</label>
            <input id="invitation-link" type="url" readonly prop:value=created.link.clone() />
            <p class="muted small">
                {t!(i18n, invitations.valid_until, when = date_time(created.invitation.expires_at))}
            </p>
        </section>
    }
}

#[component]
fn Item(
    invitation: Invitation,
    on_revoked: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let failure = RwSignal::new(None);
    let id: Uuid = invitation.id;
    let status = invitation.status;
    let revoke = move |_| {
        spawn_local(async move {
            match api::revoke_invitation(id).await {
                Ok(()) => on_revoked(),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    view! {
        <li>
            <strong>{invitation.full_name.clone()}</strong>
            " · " <span class="muted">{invitation_status_name(status)}</span>
            " · " <span class="muted small">{date_time(invitation.created_at)}</span>
            <Show when=move || status == InvitationStatus::Pending>
                <button type="button" class="button secondary" on:click=revoke>
                    {t!(i18n, invitations.revoke)}
                </button>
            </Show>
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
        </li>
    }
}
