//! Who is signed in, for every page: the sign-in form, the gate that shows it before anything
//! else, and the dialog that asks again when a session ends mid-task without losing the page
//! underneath (and what was typed into it).

use domain::access::{Action, Reach};
use domain::api::{DemoAccount, Grant, Me, SignIn};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_location;

use crate::api::{self, ApiError};
use crate::components::{FormState, SignInField};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{role_name, words};
use crate::offline::{self, SyncState, use_sync};
use crate::routes::Route;
use leptos_router::components::A;

#[derive(Clone, Copy)]
pub struct Session {
    /// `None` until the server has said who is signed in.
    pub me: RwSignal<Option<Option<Me>>>,
    pub demo_accounts: RwSignal<Vec<DemoAccount>>,
    /// The server ended the session while a page was open.
    pub lost: RwSignal<bool>,
}

pub fn use_session() -> Session {
    expect_context()
}

impl Session {
    /// Asks the server who is signed in, and makes the answer every component's context.
    pub fn provide() -> Self {
        let session = Self {
            me: RwSignal::new(None),
            demo_accounts: RwSignal::new(Vec::new()),
            lost: RwSignal::new(false),
        };
        provide_context(session);
        api::on_session_lost(move || {
            if matches!(session.me.get_untracked(), Some(Some(_))) {
                session.lost.set(true);
            }
        });
        spawn_local(async move {
            finish_offline_sign_out().await;
            match api::session().await {
                Ok(info) => {
                    session.demo_accounts.set(info.demo_accounts);
                    if let Some(me) = &info.user {
                        offline::remember(me.clone()).await;
                    }
                    session.me.set(Some(info.user));
                }
                // No signal, or a server this copy of the app cannot read yet: whoever was
                // signed in on this phone goes on working from what it keeps.
                Err(ApiError::Network | ApiError::Decode) => {
                    session.me.set(Some(offline::kept_person().await))
                }
                Err(ApiError::Server(_)) => session.me.set(Some(None)),
            }
        });
        session
    }

    /// What the signed-in person may reach with `action` in `ward` (tracked).
    pub fn reach(&self, ward: i32, action: Action) -> Reach {
        self.me.with(|me| match me {
            Some(Some(me)) => Reach::of(&me.grants, ward, action),
            _ => Reach::Nothing,
        })
    }

    /// Whether the signed-in person is on a TDP's team: households are sent to them (tracked).
    pub fn on_a_team(&self) -> bool {
        self.me.with(|me| match me {
            Some(Some(me)) => me.grants.iter().any(|g| g.role.is_per_tdp()),
            _ => false,
        })
    }

    pub fn signed_in(&self, me: Me) {
        self.lost.set(false);
        let session = *self;
        spawn_local(async move {
            offline::remember(me.clone()).await;
            session.me.set(Some(Some(me)));
        });
    }

    /// Signs out and forgets everything this phone kept, the outbox included (the menu warns
    /// first when something is unsent). Without signal, the server is told next time the app
    /// starts.
    pub fn sign_out(&self, sync: SyncState) {
        let session = *self;
        spawn_local(async move {
            set_sign_out_pending(true);
            if api::sign_out().await.is_ok() {
                set_sign_out_pending(false);
            }
            sync.wipe().await;
            session.me.set(Some(None));
        });
    }
}

const SIGN_OUT_PENDING: &str = "ngoso-sign-out-pending";

fn set_sign_out_pending(pending: bool) {
    if let Some(storage) = crate::contexts::local_storage() {
        let _ = if pending {
            storage.set_item(SIGN_OUT_PENDING, "1")
        } else {
            storage.remove_item(SIGN_OUT_PENDING)
        };
    }
}

/// A sign-out made offline ends the session on the server before anything else.
async fn finish_offline_sign_out() {
    let pending = crate::contexts::local_storage()
        .and_then(|s| s.get_item(SIGN_OUT_PENDING).ok().flatten())
        .is_some();
    if pending && api::sign_out().await.is_ok() {
        set_sign_out_pending(false);
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Gate {
    Loading,
    SignIn,
    App,
}

/// Shows the sign-in page until someone is signed in, except on the pages anyone may open
/// (an invitation link).
#[component]
pub fn SessionGate(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let location = use_location();
    // A memo, so that the app underneath is built once per sign-in, not on every navigation
    // or every change to the signed-in person's details.
    let gate = Memo::new(move |_| {
        let public = location.pathname.with(|p| domain::pages::is_public(p));
        match session.me.with(|me| me.as_ref().map(Option::is_some)) {
            _ if public => Gate::App,
            None => Gate::Loading,
            Some(false) => Gate::SignIn,
            Some(true) => Gate::App,
        }
    });
    view! {
        {move || match gate.get() {
            Gate::Loading => view! { <p class="loading" role="status">{t!(i18n, common.loading)}</p> }.into_any(),
            Gate::SignIn => view! { <SignInPage /> }.into_any(),
            Gate::App => children().into_any(),
        }}
        <Show when=move || session.lost.get()>
            <div class="overlay">
                <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="lost-title">
                    <h2 id="lost-title">{t!(i18n, session.lost_title)}</h2>
                    <p>{t!(i18n, session.lost_text)}</p>
                    <SignInForm />
                </div>
            </div>
        </Show>
    }
}

#[component]
fn SignInPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <h1>{t!(i18n, session.title)}</h1>
        <p>{t!(i18n, session.intro)}</p>
        <SignInForm />
        <Show when=move || !session.demo_accounts.read().is_empty()>
            <section class="demo-accounts" aria-labelledby="demo-title">
                <h2 id="demo-title">{t!(i18n, session.demo_title)}</h2>
                <p>{t!(i18n, session.demo_text)}</p>
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, session.role)}</th>
                            <th scope="col">{t!(i18n, session.phone)}</th>
                            <th scope="col">{t!(i18n, session.password)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            session
                                .demo_accounts
                                .get()
                                .into_iter()
                                .map(|a| {
                                    view! {
                                        <tr>
                                            <th scope="row">{role_name(a.role)}</th>
                                            <td>{a.phone}</td>
                                            <td><code>{a.password}</code></td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </section>
        </Show>
    }
}

/// A role as a line of text: "Thành viên tổ – Tổ dân phố số 1, Phường Phú Diễn".
pub fn grant_text(g: &Grant) -> impl Fn() -> String + Send + Sync + 'static + use<> {
    let role = role_name(g.role);
    let place = match &g.tdp_name {
        Some(tdp) => format!("{tdp}, {}", g.ward_name),
        None => g.ward_name.clone(),
    };
    move || format!("{} – {place}", role())
}

#[component]
fn SignInForm() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = SignIn {
            phone: phone.get_untracked(),
            password: password.get_untracked(),
        };
        if form.start(domain::validate::sign_in(&body)) {
            spawn_local(async move {
                if let Some(me) = form.finish(api::sign_in(&body).await) {
                    password.set(String::new());
                    session.signed_in(me);
                }
            });
        }
    };
    view! {
        <form class="form sign-in" on:submit=submit novalidate>
            <SignInField
                id="sign-in-phone"
                label=words(|i18n| t_string!(i18n, session.phone))
                value=phone
                error=form.field("phone")
                kind="tel"
                autocomplete="username"
            />
            <SignInField
                id="sign-in-password"
                label=words(|i18n| t_string!(i18n, session.password))
                value=password
                error=form.field("password")
                kind="password"
                autocomplete="current-password"
            />
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, session.submit)}
            </button>
        </form>
    }
}

/// The signed-in person's name and the sign-out button, for the header. Signing out deletes
/// what the phone keeps, so with visits still unsent it asks first.
#[component]
pub fn AccountMenu() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let sync = use_sync();
    let confirming = RwSignal::new(false);
    let name = move || {
        session.me.with(|me| match me {
            Some(Some(me)) => Some(me.full_name.clone()),
            _ => None,
        })
    };
    let unsent = move || sync.unsent.get() + sync.problems.with(Vec::len);
    let sign_out = move |_| {
        if unsent() > 0 {
            confirming.set(true);
        } else {
            session.sign_out(sync);
        }
    };
    view! {
        {move || {
            name()
                .map(|name| {
                    view! {
                        <A href=Route::MyAccount.path() attr:class="who">{name}</A>
                        <button type="button" class="link-button" on:click=sign_out>
                            {t!(i18n, session.sign_out)}
                        </button>
                    }
                })
        }}
        <Show when=move || confirming.get()>
            <div class="overlay">
                <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="unsent-title">
                    <h2 id="unsent-title">{t!(i18n, sync.sign_out_title)}</h2>
                    <p>{move || t_string!(i18n, sync.sign_out_warning, count = unsent())}</p>
                    <div class="actions">
                        <button
                            type="button"
                            class="button primary"
                            on:click=move |_| {
                                confirming.set(false);
                                sync.start();
                            }
                        >
                            {t!(i18n, sync.sync_now)}
                        </button>
                        <button
                            type="button"
                            class="button danger"
                            on:click=move |_| {
                                confirming.set(false);
                                session.sign_out(sync);
                            }
                        >
                            {t!(i18n, sync.sign_out_anyway)}
                        </button>
                        <button type="button" class="button" on:click=move |_| confirming.set(false)>
                            {t!(i18n, sync.cancel)}
                        </button>
                    </div>
                </div>
            </div>
        </Show>
    }
}
