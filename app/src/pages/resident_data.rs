//! Everything held about one resident, to print and hand to them or to download as JSON: the
//! ward admin's answer to a resident who asks to see their data (Law 91/2025/QH15).

use domain::api::ResidentExport;
use leptos::prelude::*;
use leptos_router::components::A;

use super::{id_param, not_found};
use crate::api;
use crate::components::{PrintButton, PriorityBadges, loaded};
use crate::contexts::set_current_ward;
use crate::format::{date, date_time};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{
    activity_kind_name, audit_action_name, skill_status_name, ticket_status_name, words,
};
use crate::routes::Route;

#[component]
pub fn ResidentData() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    let data = LocalResource::new(move || {
        let id = id.get();
        async move { api::resident_export(id.ok_or_else(not_found)?).await }
    });
    view! {
        <div class="no-print week-nav">
            <PrintButton label=words(|i18n| t_string!(i18n, resident_data.print)) />
            {move || id.get().map(|id| view! {
                <a class="button secondary" href=api::resident_export_url(id) download=format!("du-lieu-{id}.json")>
                    {t!(i18n, resident_data.download)}
                </a>
            })}
        </div>
        {loaded(data, |e: ResidentExport| {
            set_current_ward(e.resident.tdp.ward_code);
            view! { <Export export=e /> }
        })}
    }
}

#[component]
fn Export(export: ResidentExport) -> impl IntoView {
    let i18n = use_i18n();
    let e = export;
    let r = e.resident;
    let h = e.household;
    let (name, crumb) = (r.full_name.clone(), r.full_name.clone());
    view! {
        <p class="crumb no-print">
            <A href=Route::Resident(r.id).path()>{crumb}</A>
        </p>
        <h1>{t!(i18n, resident_data.title, name = name)}</h1>
        <p class="subtitle">
            {t!(i18n, resident_data.generated, ward = e.ward_name.clone(), at = date_time(e.generated_at))}
        </p>
        <p>{e.purpose.clone()}</p>

        <h2>{t!(i18n, resident_data.person)}</h2>
        <table class="report">
            <tbody>
                <tr><th scope="row">{t!(i18n, resident_data.name)}</th><td>{r.full_name.clone()}</td></tr>
                <tr><th scope="row">{t!(i18n, resident_data.birth_year)}</th><td>{r.birth_year}</td></tr>
                <tr>
                    <th scope="row">{t!(i18n, resident_data.consent)}</th>
                    <td>
                        {match (r.consent.withdrawn_at, r.consent.given_at) {
                            (Some(at), _) => t!(i18n, resident_data.consent_withdrawn, date = date(domain::time::day(at))).into_any(),
                            (None, Some(at)) => t!(i18n, resident_data.consent_given, date = date(domain::time::day(at))).into_any(),
                            (None, None) => t!(i18n, resident_data.consent_none).into_any(),
                        }}
                    </td>
                </tr>
                <tr><th scope="row">{t!(i18n, resident_data.tdp)}</th><td>{r.tdp.name.clone()}</td></tr>
                <tr><th scope="row">{t!(i18n, resident_data.address)}</th><td>{h.address.clone()}</td></tr>
                <tr><th scope="row">{t!(i18n, resident_data.head)}</th><td>{h.head_name.clone().unwrap_or_else(|| "–".into())}</td></tr>
                <tr>
                    <th scope="row">{t!(i18n, resident_data.priority)}</th>
                    <td><PriorityBadges priority=h.priority /></td>
                </tr>
                <tr>
                    <th scope="row">{t!(i18n, resident_data.location)}</th>
                    <td>{h.location.map(|l| format!("{:.5}, {:.5}", l.lat, l.lon)).unwrap_or_else(|| "–".into())}</td>
                </tr>
            </tbody>
        </table>

        <h2>{t!(i18n, resident.skills)}</h2>
        <table class="report">
            <tbody>
                {r.skills.iter().map(|s| view! {
                    <tr>
                        <th scope="row">{s.skill_name.clone()}</th>
                        <td>{skill_status_name(s.status)}</td>
                        <td>{date(s.since)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>

        <h2>{t!(i18n, resident.history)}</h2>
        <table class="report">
            <tbody>
                {r.history.iter().map(|v| view! {
                    <tr>
                        <td>{date(v.visited_on)}</td>
                        <th scope="row">{v.skill_name.clone()}</th>
                        <td>{skill_status_name(v.outcome)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>

        <h2>{t!(i18n, resident.activities)}</h2>
        <table class="report">
            <tbody>
                {r.activities.iter().map(|a| view! {
                    <tr>
                        <td>{date_time(a.starts_at)}</td>
                        <th scope="row">{a.title.clone()}</th>
                        <td>{activity_kind_name(a.kind)}</td>
                        <td>{a.outcome.map(|o| skill_status_name(o)())}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>

        <h2>{t!(i18n, resident_data.visits)}</h2>
        <table class="report">
            <tbody>
                {e.household_visits.iter().map(|v| view! {
                    <tr>
                        <td>{date(v.visited_on)}</td>
                        <td class="num">{v.satisfaction.map(|s| format!("{s}/5"))}</td>
                        <td>{v.note.clone()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>

        <h2>{t!(i18n, resident_data.tickets)}</h2>
        <table class="report">
            <tbody>
                {e.tickets.iter().map(|tk| view! {
                    <tr>
                        <td>{date_time(tk.opened_at)}</td>
                        <th scope="row">{tk.title.clone()}</th>
                        <td>{tk.description.clone()}</td>
                        <td>{ticket_status_name(tk.status)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>

        <h2>{t!(i18n, resident_data.changes)}</h2>
        <table class="report">
            <tbody>
                {e.changes.iter().map(|c| view! {
                    <tr>
                        <td>{date_time(c.at)}</td>
                        <td>{c.by.clone().unwrap_or_else(|| "–".into())}</td>
                        <td>{audit_action_name(c.action)}</td>
                        <td>{c.fields.join(", ")}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
