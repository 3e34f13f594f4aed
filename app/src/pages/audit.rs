//! The ward's audit log, for its admins: every create, update and delete, newest first,
//! filtered by what was changed and how; above it, the age of the server's last backup.

use domain::api::{AuditAction, AuditEntry, BackupStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{code_param, not_found};
use crate::api;
use crate::components::{ErrorNotice, TableFrame};
use crate::contexts::set_current_ward;
use crate::format::{date_time, took};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{audit_action_name, words};

/// The tables the log names, in the order the filter offers them.
const ENTITIES: [&str; 8] = [
    "visits",
    "households",
    "residents",
    "team_members",
    "tdps",
    "users",
    "role_grants",
    "invitations",
];

#[component]
pub fn AuditLog() -> impl IntoView {
    let i18n = use_i18n();
    let code = code_param();
    let entity = RwSignal::new(None::<String>);
    let action = RwSignal::new(None::<AuditAction>);
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let failure = RwSignal::new(None);
    let more = RwSignal::new(false);
    // Loads the first page whenever a filter changes; `older` appends the next one.
    let load = move |before: Option<i64>| {
        let Some(ward) = code.get_untracked() else {
            failure.set(Some(not_found()));
            return;
        };
        set_current_ward(ward);
        let (e, a) = (entity.get_untracked(), action.get_untracked());
        spawn_local(async move {
            match api::audit(ward, e, a, before).await {
                Ok(page) => {
                    more.set(page.len() == api::PAGE);
                    if before.is_some() {
                        entries.update(|list| list.extend(page));
                    } else {
                        entries.set(page);
                    }
                    failure.set(None);
                }
                Err(err) => failure.set(Some(err)),
            }
        });
    };
    Effect::new(move |_| {
        entity.track();
        action.track();
        code.track();
        load(None);
    });
    let older = move |_| load(entries.with_untracked(|l| l.last().map(|e| e.id)));
    let backups = RwSignal::new(None::<BackupStatus>);
    Effect::new(move |_| {
        if let Some(ward) = code.get() {
            spawn_local(async move { backups.set(api::backups(ward).await.ok()) });
        }
    });
    view! {
        <h1>{t!(i18n, audit.title)}</h1>
        {move || backups.get().map(|status| view! { <BackupAge status /> })}
        <div class="filters">
            <div class="field">
                <label for="audit-entity">{t!(i18n, audit.entity)}</label>
                <select id="audit-entity" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    entity.set((!v.is_empty()).then_some(v));
                }>
                    <option value="">{t!(i18n, audit.all)}</option>
                    {ENTITIES.map(|e| view! { <option value=e>{e}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="audit-action">{t!(i18n, audit.action)}</label>
                <select id="audit-action" on:change=move |ev| action.set(AuditAction::parse(&event_target_value(&ev)))>
                    <option value="">{t!(i18n, audit.all)}</option>
                    {[AuditAction::Create, AuditAction::Update, AuditAction::Delete]
                        .map(|a| view! { <option value=a.as_str()>{audit_action_name(a)}</option> })
                        .collect_view()}
                </select>
            </div>
        </div>
        {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
        <TableFrame label=words(|i18n| t_string!(i18n, audit.title))>
            <table class="audit">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, audit.when)}</th>
                        <th scope="col">{t!(i18n, audit.who)}</th>
                        <th scope="col">{t!(i18n, audit.action)}</th>
                        <th scope="col">{t!(i18n, audit.entity)}</th>
                        <th scope="col">{t!(i18n, audit.change)}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || entries.get() key=|e| e.id let:e>
                        <tr>
                            <td>{date_time(e.at)}</td>
                            <td>{e.user_name.clone().unwrap_or_else(|| "–".into())}</td>
                            <td>{audit_action_name(e.action)}</td>
                            <td>{e.entity.clone()}</td>
                            <td>
                                {e.forgotten.then(|| view! { <span class="muted">{t!(i18n, audit.forgotten)} " "</span> })}
                                <code class="change">{e.change.to_string()}</code>
                            </td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </TableFrame>
        <Show when=move || more.get()>
            <button type="button" class="button secondary" on:click=older>{t!(i18n, audit.older)}</button>
        </Show>
    }
}

/// When the server last backed the data up, as an alert when that is more than two days ago
/// or never: a ward's register and a year of visits must not hang on one disk.
#[component]
fn BackupAge(status: BackupStatus) -> impl IntoView {
    let i18n = use_i18n();
    let now = crate::offline::now();
    let stale = status.stale(now);
    let latest = move || match &status.latest {
        Some(b) => t_string!(
            i18n,
            audit.backup_latest,
            when = date_time(b.at),
            ago = took((now - b.at).num_minutes() as f64 / 60.0),
            size = format!("{:.1} MB", b.bytes as f64 / 1e6),
        )
        .to_string(),
        None => t_string!(i18n, audit.backup_none).to_string(),
    };
    view! {
        <p class="backup-age" class:error=stale role=if stale { "alert" } else { "status" }>
            {latest}
            {stale.then(|| view! { " " {t!(i18n, audit.backup_stale)} })}
        </p>
    }
}
