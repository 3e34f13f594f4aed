//! The signed-in person's own account: who they are, their roles, and changing their password.

use domain::api::PasswordChange;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::{FormState, NewPasswordField, TextField};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{province_role_name, words};
use crate::session::{grant_text, use_session};

#[component]
pub fn MyAccount() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let me = move || session.me.get().flatten();
    // Roles over provinces, which the session does not carry.
    let provinces = LocalResource::new(api::my_provinces);
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let form = FormState::new();
    let done = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        let body = PasswordChange {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        if form.start(domain::validate::password_change(&body)) {
            spawn_local(async move {
                if form.finish(api::change_password(&body).await).is_some() {
                    current.set(String::new());
                    new.set(String::new());
                    done.set(true);
                }
            });
        }
    };
    view! {
        <h1>{t!(i18n, account.title)}</h1>
        {move || {
            me().map(|me| {
                view! {
                    <p><strong>{me.full_name}</strong>" · "{me.phone}</p>
                    <h2>{t!(i18n, account.roles)}</h2>
                    <ul class="list">
                        {me.grants.iter().map(|g| view! { <li>{grant_text(g)}</li> }).collect_view()}
                        {move || {
                            provinces
                                .get()
                                .and_then(Result::ok)
                                .unwrap_or_default()
                                .into_iter()
                                .map(|g| {
                                    let role = province_role_name(g.role);
                                    let place = g.province_name;
                                    view! { <li>{move || format!("{} – {place}", role())}</li> }
                                })
                                .collect_view()
                        }}
                    </ul>
                }
            })
        }}
        <h2>{t!(i18n, account.change_password)}</h2>
        <form class="form sign-in" on:submit=submit novalidate>
            <TextField
                id="current-password"
                label=words(|i18n| t_string!(i18n, account.current_password))
                value=current
                error=form.field("current_password")
                kind="password"
                autocomplete="current-password"
            />
            <NewPasswordField
                id="new-password"
                label=words(|i18n| t_string!(i18n, account.new_password))
                value=new
                error=form.field("new_password")
            />
            {form.failure_view()}
            <Show when=move || done.get()>
                <p class="ok" role="status">{t!(i18n, account.password_changed)}</p>
            </Show>
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, account.save_password)}
            </button>
        </form>
    }
}
