//! The dashboard's sections from the programmes: running campaigns, the next activities and
//! the open tickets. Each is left out when it has nothing to show or the phone is offline, so
//! the page a team opens first never shows their error.

use chrono::TimeDelta;
use domain::access::Action;
use domain::api::{Activity, Campaign, Skill, TicketFigures};
use domain::campaigns::{Phase, phase};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ApiError};
use crate::components::ActivityItem;
use crate::format::{countdown, today, took};
use crate::i18n::{t, use_i18n};
use crate::offline::now;
use crate::pages::not_found;
use crate::routes::Route;
use crate::session::use_session;

/// The next activities, with the skills they teach.
type Activities = (Vec<Activity>, Vec<Skill>);

/// What the sections show, fetched alongside the dashboard's figures: the page appears once
/// all have answered, so that no section arrives later and pushes the figures down.
#[derive(Clone, Copy)]
pub struct Programmes {
    campaigns: LocalResource<Result<Vec<Campaign>, ApiError>>,
    activities: LocalResource<Result<Activities, ApiError>>,
    tickets: LocalResource<Result<TicketFigures, ApiError>>,
}

impl Programmes {
    pub fn fetch(ward: Memo<Option<i32>>) -> Self {
        Self {
            campaigns: LocalResource::new(move || {
                let ward = ward.get();
                async move { api::campaigns(ward.ok_or_else(not_found)?).await }
            }),
            activities: LocalResource::new(move || {
                let ward = ward.get();
                async move {
                    let ward = ward.ok_or_else(not_found)?;
                    let from = today();
                    let list = api::activities(ward, from, from + TimeDelta::days(13)).await?;
                    Ok((list, api::skills(ward).await?))
                }
            }),
            tickets: LocalResource::new(move || {
                let ward = ward.get();
                async move { api::ticket_figures(ward.ok_or_else(not_found)?).await }
            }),
        }
    }

    /// Whether every section has its answer (or its error).
    pub fn answered(&self) -> bool {
        self.campaigns.get().is_some()
            && self.activities.get().is_some()
            && self.tickets.get().is_some()
    }
}

#[component]
pub fn UpcomingActivities(ward: i32, programmes: Programmes) -> impl IntoView {
    let i18n = use_i18n();
    let data = programmes.activities;
    move || {
        let (list, skills) = data.get()?.ok()?;
        let now = now();
        let next: Vec<Activity> = list
            .into_iter()
            .filter(|a| a.ends_at >= now)
            .take(5)
            .collect();
        (!next.is_empty()).then(|| {
            view! {
                <h2>{t!(i18n, activities.upcoming)}</h2>
                <ul class="list activities">
                    {next.into_iter().map(|a| view! { <ActivityItem activity=a skills=skills.clone() /> }).collect_view()}
                </ul>
                <p><A href=Route::Activities(ward).path()>{t!(i18n, activities.all)}</A></p>
            }
        })
    }
}

/// The unresolved tickets per TDP and how fast the team resolves them, for the dashboard.
/// Left out when there is nothing to show, or offline.
#[component]
pub fn OpenTickets(ward: i32, programmes: Programmes) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let data = programmes.tickets;
    move || {
        let f = data.get()?.ok()?;
        (f.open + f.in_progress + f.resolved_30_days > 0).then(|| {
            let may_read = !session.reach(ward, Action::ViewPeople).is_nothing();
            let median = f.median_hours_30_days.map(took);
            view! {
                <section aria-labelledby="open-tickets">
                    <h2 id="open-tickets">{t!(i18n, tickets.dashboard)}</h2>
                    <p>
                        {t!(i18n, tickets.waiting, open = f.open, in_progress = f.in_progress)}
                        {median
                            .map(|m| {
                                view! {
                                    " "
                                    {t!(i18n, tickets.median, n = f.resolved_30_days, time = m)}
                                }
                            })}
                    </p>
                    {(!f.tdps.is_empty())
                        .then(|| {
                            view! {
                                <table class="compact">
                                    <thead>
                                        <tr>
                                            <th scope="col">{t!(i18n, tickets.tdp)}</th>
                                            <th scope="col" class="num">{t!(i18n, tickets.open)}</th>
                                            <th scope="col" class="num">{t!(i18n, tickets.in_progress)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {f.tdps
                                            .into_iter()
                                            .map(|t| {
                                                view! {
                                                    <tr>
                                                        <th scope="row">{t.name}</th>
                                                        <td class="num">{t.open}</td>
                                                        <td class="num">{t.in_progress}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            }
                        })}
                    {may_read
                        .then(|| {
                            view! { <p><A href=Route::Tickets(ward).path()>{t!(i18n, tickets.to_queue)}</A></p> }
                        })}
                </section>
            }
        })
    }
}

/// The campaigns running or about to start, for the dashboard; left out offline.
#[component]
pub fn RunningCampaigns(programmes: Programmes) -> impl IntoView {
    let i18n = use_i18n();
    let data = programmes.campaigns;
    move || {
        let list = data.get()?.ok()?;
        let current: Vec<Campaign> = list
            .into_iter()
            .filter(|c| phase(c.starts_on, c.ends_on, today()) != Phase::Ended)
            .collect();
        (!current.is_empty()).then(|| {
            view! {
                <h2>{t!(i18n, campaigns.title)}</h2>
                <ul class="list campaigns">
                    {current
                        .into_iter()
                        .map(|c| {
                            let left = countdown(&c);
                            view! {
                                <li>
                                    <A href=Route::Campaign(c.id).path()>{c.name.clone()}</A>
                                    " · " <strong>{left}</strong>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
        })
    }
}
