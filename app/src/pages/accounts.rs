//! A ward's accounts, for its admins: make an account with its role, change a person's role,
//! disable an account, end its sessions (a lost phone).

use domain::access::Role;
use domain::api::{Account, AccountChange, NewAccount, NewGrant, Tdp};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::{code_param, not_found};
use crate::api::{self, ApiError};
use crate::components::{ErrorNotice, FormState, NewAccountFields, loaded};
use crate::contexts::set_current_ward;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{field_message, role_name};
use crate::session::grant_text;

#[component]
pub fn Accounts() -> impl IntoView {
    let code = code_param();
    let data = LocalResource::new(move || {
        let code = code.get();
        async move {
            let ward = code.ok_or_else(not_found)?;
            Ok::<_, ApiError>((ward, api::tdps(ward).await?))
        }
    });
    loaded(data, |(ward, tdps): (i32, Vec<Tdp>)| {
        set_current_ward(ward);
        view! { <AccountsView ward tdps /> }
    })
}

/// A role and, for the team roles, its TDP: the two selects every role form needs.
#[component]
fn RolePicker(
    #[prop(into)] id: String,
    role: RwSignal<Role>,
    tdp: RwSignal<Option<Uuid>>,
    tdps: Vec<Tdp>,
    tdp_error: Signal<Option<domain::FieldCode>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let tdp_id = format!("{id}-tdp");
    let error_id = format!("{id}-tdp-error");
    view! {
        <div class="field">
            <label for=id.clone()>{t!(i18n, session.role)}</label>
            <select
                id=id
                on:change=move |ev| role.set(Role::parse(&event_target_value(&ev)).unwrap_or(Role::Viewer))
            >
                {Role::ALL
                    .iter()
                    .copied()
                    .map(|r| {
                        view! { <option value=r.as_str() selected=move || role.get() == r>{role_name(r)}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
        <Show when=move || role.get().is_per_tdp()>
            <div class="field">
                <label for=tdp_id.clone()>{t!(i18n, dashboard.tdp)}</label>
                <select
                    id=tdp_id.clone()
                    aria-invalid=move || tdp_error.get().is_some().to_string()
                    aria-describedby=error_id.clone()
                    on:change=move |ev| tdp.set(event_target_value(&ev).parse().ok())
                >
                    <option value="" selected=move || tdp.get().is_none()>"–"</option>
                    {tdps
                        .iter()
                        .map(|t| {
                            let id = t.id;
                            view! { <option value=id.to_string() selected=move || tdp.get() == Some(id)>{t.name.clone()}</option> }
                        })
                        .collect_view()}
                </select>
                {
                    let error_id = error_id.clone();
                    move || tdp_error.get().map(|c| view! { <p class="field-error" id=error_id.clone()>{field_message(c)}</p> })
                }
            </div>
        </Show>
    }
}

#[component]
fn AccountsView(ward: i32, tdps: Vec<Tdp>) -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(move || api::accounts(ward));
    let phone = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Volunteer);
    let tdp = RwSignal::new(None::<Uuid>);
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewAccount {
            phone: phone.get_untracked(),
            full_name: name.get_untracked(),
            password: password.get_untracked(),
            role: role.get_untracked(),
            tdp_id: tdp
                .get_untracked()
                .filter(|_| role.get_untracked().is_per_tdp()),
        };
        if form.start(domain::validate::new_account(&body)) {
            spawn_local(async move {
                if form
                    .finish(api::create_account(ward, &body).await)
                    .is_some()
                {
                    phone.set(String::new());
                    name.set(String::new());
                    password.set(String::new());
                    list.refetch();
                }
            });
        }
    };
    let tdps_for_rows = tdps.clone();
    view! {
        <h1>{t!(i18n, accounts.title)}</h1>
        <h2>{t!(i18n, accounts.create)}</h2>
        <form class="form sign-in" on:submit=submit novalidate>
            <NewAccountFields id="account" name phone password form />
            <RolePicker id="account-role" role tdp tdps tdp_error=form.field("tdp_id") />
            {form.failure_view()}
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, accounts.create)}
            </button>
        </form>
        <h2>{t!(i18n, accounts.list)}</h2>
        {loaded(list, move |accounts: Vec<Account>| {
            let tdps = tdps_for_rows.clone();
            view! {
                <ul class="list accounts">
                    {accounts
                        .into_iter()
                        .map(|a| view! { <AccountRow ward account=a tdps=tdps.clone() on_change=move || list.refetch() /> })
                        .collect_view()}
                </ul>
            }
        })}
    }
}

#[component]
fn AccountRow(
    ward: i32,
    account: Account,
    tdps: Vec<Tdp>,
    on_change: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = account.id;
    let disabled = account.disabled;
    let first = account.grants.first();
    let role = RwSignal::new(first.map_or(Role::Viewer, |g| g.role));
    let tdp = RwSignal::new(first.and_then(|g| g.tdp_id));
    let form = FormState::new();
    let notice = RwSignal::new(None::<ApiError>);
    let save_role = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let grant = NewGrant {
            role: role.get_untracked(),
            tdp_id: tdp
                .get_untracked()
                .filter(|_| role.get_untracked().is_per_tdp()),
        };
        if form.start(domain::validate::new_grant(&grant)) {
            spawn_local(async move {
                if form
                    .finish(api::set_grants(ward, id, &[grant]).await)
                    .is_some()
                {
                    on_change();
                }
            });
        }
    };
    let toggle = move |_| {
        spawn_local(async move {
            match api::change_account(
                ward,
                id,
                &AccountChange {
                    disabled: !disabled,
                },
            )
            .await
            {
                Ok(_) => on_change(),
                Err(e) => notice.set(Some(e)),
            }
        });
    };
    let end_sessions = move |_| {
        spawn_local(async move {
            if let Err(e) = api::end_sessions(ward, id).await {
                notice.set(Some(e));
            }
        });
    };
    view! {
        <li>
            <p>
                <strong>{account.full_name.clone()}</strong>
                " · " {account.phone.clone()}
                <Show when=move || disabled>
                    " · " <span class="badge behind">{t!(i18n, accounts.disabled)}</span>
                </Show>
            </p>
            <ul class="small muted">
                {account.grants.iter().map(|g| view! { <li>{grant_text(g)}</li> }).collect_view()}
            </ul>
            <details>
                <summary>{t!(i18n, accounts.manage)}</summary>
                <form class="form" on:submit=save_role novalidate>
                    <RolePicker id=format!("role-{id}") role tdp tdps tdp_error=form.field("[0].tdp_id") />
                    {move || form.field("role").get().map(|_| view! { <p class="field-error">{t!(i18n, fields.own_admin_role)}</p> })}
                    {form.failure_view()}
                    <button type="submit" class="button secondary">{t!(i18n, accounts.save_role)}</button>
                </form>
                <button type="button" class="button secondary" on:click=toggle>
                    {move || if disabled { t_string!(i18n, accounts.enable) } else { t_string!(i18n, accounts.disable) }}
                </button>
                <button type="button" class="button secondary" on:click=end_sessions>
                    {t!(i18n, accounts.end_sessions)}
                </button>
                {move || notice.get().map(|error| view! { <ErrorNotice error /> })}
            </details>
        </li>
    }
}
