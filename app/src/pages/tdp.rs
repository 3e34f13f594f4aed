//! A TDP: its figures, its team, and its households, priority households first.

use domain::api::{
    AmbassadorChange, AmbassadorNetwork, Assignment, DuplicateCheck, FieldChange, Figure,
    HouseholdFilter, HouseholdSummary, NewHousehold, Priority, TdpDetail, TeamMember,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use uuid::Uuid;

use super::{id_param, not_found};
use crate::api;
use crate::components::{
    DuplicateGuard, ErrorNotice, FormState, HouseholdItem, KeptNotice, PriorityFields,
    ProgressBadge, TextField, loaded,
};
use crate::contexts::set_current_ward;
use crate::format::{percent, rating};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{household_filter_name, skill_name, team_role_name, words};
use crate::offline::{Saved, SyncState, use_sync};
use crate::routes::{RESENDS_QUERY, Route};
use crate::session::use_session;

#[component]
pub fn TdpPage() -> impl IntoView {
    let id = id_param();
    let query = use_query_map();
    let data = LocalResource::new(move || {
        let id = id.get();
        let resends = query.read().get(RESENDS_QUERY);
        async move {
            let id = id.ok_or_else(not_found)?;
            let detail = api::tdp(id).await?;
            let skills = api::skills(detail.tdp.ward_code).await?;
            let sent_back = SyncState::sent_back(resends, |id, change| match change {
                FieldChange::Household(h) => Some((id, h)),
                _ => None,
            })
            .await;
            Ok((detail, skills, sent_back))
        }
    });
    loaded(data, |(detail, skills, sent_back)| {
        set_current_ward(detail.tdp.ward_code);
        view! { <TdpView detail skills sent_back /> }
    })
}

/// One figure against its target: "63.5% (127 / 200)" and where it stands.
fn figure_line(name: AnyView, fig: Figure) -> impl IntoView {
    view! {
        <li>
            <span class="figure-name">{name}</span>
            <span class="figure-value">
                {format!("{} ({} / {})", percent(fig.share), fig.achieved, fig.population)}
            </span>
            <ProgressBadge progress=fig.progress />
        </li>
    }
}

/// A new household the server sent back, with its change's id.
type SentBack = Option<(Uuid, NewHousehold)>;

#[component]
fn TdpView(
    detail: TdpDetail,
    skills: Vec<domain::api::Skill>,
    sent_back: SentBack,
) -> impl IntoView {
    let i18n = use_i18n();
    let f = detail.indicators.clone();
    let session = use_session();
    let (ward, id) = (detail.tdp.ward_code, detail.tdp.id);
    let may_invite = move || {
        session
            .reach(ward, domain::access::Action::ManageTeam)
            .includes(id)
    };
    // Which team members are digital ambassadors, for the team leader: read online only, so
    // offline the buttons do not show.
    let team = detail.team.clone();
    let network = RwSignal::new(None::<AmbassadorNetwork>);
    let reload = move || {
        spawn_local(async move {
            if let Ok(n) = api::ambassadors(ward, Some(id)).await {
                network.set(Some(n));
            }
        })
    };
    if may_invite() {
        reload();
    }
    view! {
        <p class="crumb">
            <A href=Route::Dashboard(detail.tdp.ward_code).path()>{t!(i18n, nav.dashboard)}</A>
        </p>
        <h1>{detail.tdp.name.clone()}</h1>
        <section class="cards" aria-label=move || t_string!(i18n, dashboard.summary)>
            <div class="card">
                <p class="card-label">{t!(i18n, dashboard.households_visited)}</p>
                <p class="card-value" data-testid="tdp-coverage">{percent(f.visit_coverage)}</p>
                <p class="card-note">
                    {format!("{} / {}", f.households_visited, f.households_registered)}
                </p>
            </div>
            <div class="card">
                <p class="card-label">{t!(i18n, dashboard.satisfaction)}</p>
                <p class="card-value">
                    {rating(f.satisfaction)}
                </p>
            </div>
        </section>
        <h2>{t!(i18n, dashboard.skills_title)}</h2>
        <ul class="figures">
            {skills
                .iter()
                .zip(f.skills.iter())
                .map(|(s, fig)| {
                    figure_line(skill_name(s).into_any(), fig.figure())
                })
                .collect_view()}
        </ul>
        <h2>{t!(i18n, models.title)}</h2>
        <ul class="figures">
            {figure_line(t!(i18n, models.families_of_households).into_any(), f.models.families.clone())}
            {figure_line(t!(i18n, models.identity_of_people).into_any(), f.models.identity.clone())}
            {figure_line(
                view! { <A href=Route::Ambassadors(ward).path()>{t!(i18n, models.ambassadors_at_quota)}</A> }
                    .into_any(),
                f.models.ambassadors.clone(),
            )}
            {figure_line(
                view! { <A href=Route::Markets(ward).path()>{t!(i18n, models.cashless_traders)}</A> }
                    .into_any(),
                f.models.cashless.clone(),
            )}
        </ul>
        <h2>{t!(i18n, tdp.team)}</h2>
        <ul class="list team">
            {detail
                .team
                .iter()
                .cloned()
                .map(|m| {
                    view! {
                        <li>
                            <span>{m.full_name.clone()}</span>
                            " · "
                            <span class="muted">{team_role_name(m.role)}</span>
                            {m.phone.map(|p| view! { " · " <a href=format!("tel:{p}")>{p.clone()}</a> })}
                            <MemberAmbassador ward member=m.id name=m.full_name network reload />
                        </li>
                    }
                })
                .collect_view()}
        </ul>
        <p class="actions">
            <A href=format!("{}?to={id}", Route::Projector(ward).path()) attr:class="button secondary">
                {t!(i18n, nav.projector)}
            </A>
            <Show when=may_invite>
                <A href=Route::Invitations(id).path() attr:class="button secondary">
                    {t!(i18n, invitations.title)}
                </A>
            </Show>
        </p>
        <h2>{t!(i18n, tdp.households)}</h2>
        <Show when=move || session.reach(ward, domain::access::Action::Record).includes(id)>
            <AddHousehold ward tdp=id sent_back=sent_back.clone() />
        </Show>
        <Households tdp=detail.tdp.id team=if may_invite() { team } else { Vec::new() } />
    }
}

/// A household found at the door that the register lacks: saved on the phone, and sent when
/// there is signal. Its page opens at once, from the phone's copy if need be. One the server
/// sent back opens the form filled in, to be sent again under its id.
#[component]
fn AddHousehold(ward: i32, tdp: Uuid, sent_back: SentBack) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let navigate = use_navigate();
    let open = RwSignal::new(sent_back.is_some());
    // One id per household: saving again after an error sends the same change.
    let (id, was) = sent_back.unzip();
    let id = id.unwrap_or_else(Uuid::now_v7);
    let was = was.as_ref();
    let address = RwSignal::new(was.map(|h| h.address.clone()).unwrap_or_default());
    let head = RwSignal::new(was.map(|h| h.head_name.clone()).unwrap_or_default());
    let priority = was.map(|h| h.priority).unwrap_or_default();
    let elderly_alone = RwSignal::new(priority.elderly_alone);
    let disability = RwSignal::new(priority.disability);
    let poverty = RwSignal::new(priority.poverty);
    // Where it was found, if the phone placed it: kept as it was.
    let location = was.and_then(|h| h.location);
    let form = FormState::new();
    let guard = DuplicateGuard::new();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = NewHousehold {
            id: None,
            tdp_id: tdp,
            address: address.get_untracked(),
            head_name: head.get_untracked(),
            priority: Priority {
                elderly_alone: elderly_alone.get_untracked(),
                disability: disability.get_untracked(),
                poverty: poverty.get_untracked(),
            },
            location,
        };
        if !form.start(domain::validate::new_household(&new)) {
            return;
        }
        let navigate = navigate.clone();
        spawn_local(async move {
            let check = DuplicateCheck {
                tdp_id: tdp,
                full_name: None,
                birth_year: None,
                address: Some(new.address.clone()),
            };
            if !guard.clear(ward, check).await {
                form.busy.set(false);
                return;
            }
            let outcome = sync.save(ward, id, FieldChange::Household(new)).await;
            if form.finish(outcome).is_some() {
                navigate(&Route::Household(id).path(), Default::default());
            }
        });
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <p>
                    <button type="button" class="button secondary" on:click=move |_| open.set(true)>
                        {t!(i18n, tdp.add_household)}
                    </button>
                </p>
            }
        >
            <form class="card" on:submit=save.clone() aria-labelledby="new-household-title" novalidate>
                <h3 id="new-household-title">{t!(i18n, tdp.new_household)}</h3>
                <TextField
                    id="household-address"
                    label=words(|i18n| t_string!(i18n, tdp.address))
                    value=address
                    error=form.field("address")
                />
                <TextField
                    id="household-head"
                    label=words(|i18n| t_string!(i18n, tdp.head_name))
                    value=head
                    error=form.field("head_name")
                />
                <PriorityFields id="household-poverty" elderly_alone disability poverty />
                {guard.view()}
                {form.failure_view()}
                <div class="actions">
                    <button type="submit" class="button primary" disabled=form.busy>
                        {move || if guard.warned() {
                            t_string!(i18n, duplicates.save_anyway)
                        } else {
                            t_string!(i18n, tdp.save_household)
                        }}
                    </button>
                    <button type="button" class="button" on:click=move |_| open.set(false)>
                        {t!(i18n, household.cancel)}
                    </button>
                </div>
            </form>
        </Show>
    }
}

/// The TDP's households, a page at a time: all of them, or those the team still has to reach.
/// With the `team` (for its leader), households can be ticked and sent to a member.
#[component]
fn Households(tdp: Uuid, team: Vec<TeamMember>) -> impl IntoView {
    let i18n = use_i18n();
    let selected = RwSignal::new(Vec::<Uuid>::new());
    let may_assign = !team.is_empty();
    let filter = RwSignal::new(HouseholdFilter::All);
    let shown = RwSignal::new(Vec::<HouseholdSummary>::new());
    let more = RwSignal::new(true);
    let error = RwSignal::new(None);
    let load = Action::new_local(
        move |&(show, offset): &(HouseholdFilter, usize)| async move {
            let answer = api::tdp_households(tdp, show, offset).await;
            // A page asked for before the filter changed belongs to no list any more, and
            // none does once the person has left the TDP's page.
            if filter.try_get_untracked() != Some(show) {
                return;
            }
            match answer {
                Ok(page) => {
                    more.set(page.len() == api::PAGE);
                    shown.update(|s| s.extend(page));
                }
                Err(e) => error.set(Some(e)),
            }
        },
    );
    load.dispatch((HouseholdFilter::All, 0));
    let choose = move |ev: leptos::ev::Event| {
        let show = HouseholdFilter::parse(&event_target_value(&ev)).unwrap_or_default();
        filter.set(show);
        shown.set(Vec::new());
        error.set(None);
        more.set(true);
        load.dispatch((show, 0));
    };
    view! {
        <div class="field">
            <label for="households-show">{t!(i18n, tdp.show)}</label>
            <select id="households-show" on:change=choose>
                {HouseholdFilter::ALL
                    .iter()
                        .copied()
                    .map(|f| view! { <option value=f.as_str() selected=move || filter.get() == f>{household_filter_name(f)}</option> })
                    .collect_view()}
            </select>
        </div>
        {may_assign
            .then(|| {
                view! {
                    <p class="downloads">
                        {t!(i18n, tdp.download)} " "
                        <a href=move || api::export_households(tdp, filter.get(), "xlsx") download>
                            {t!(i18n, dashboard.download_xlsx)}
                        </a>
                        " · "
                        <a href=move || api::export_households(tdp, filter.get(), "csv") download>
                            {t!(i18n, dashboard.download_csv)}
                        </a>
                    </p>
                }
            })}
        <Show when=move || !more.get() && shown.with(Vec::is_empty)>
            <p>{t!(i18n, tdp.none)}</p>
        </Show>
        <ul class="list households">
            <For
                each=move || shown.get()
                key=|h| (h.id, h.assigned_to.clone())
                children=move |h| {
                    view! { <HouseholdItem household=h selected=may_assign.then_some(selected) /> }
                }
            />
        </ul>
        {may_assign.then(|| view! { <AssignBar tdp team selected shown /> })}
        {move || error.get().map(|e| view! { <ErrorNotice error=e /> })}
        <Show when=move || more.get()>
            <button
                type="button"
                class="secondary"
                disabled=move || load.pending().get()
                on:click=move |_| {
                    load.dispatch((filter.get_untracked(), shown.with(Vec::len)));
                }
            >
                {t!(i18n, tdp.more)}
            </button>
        </Show>
    }
}

/// Whether a team member is a digital ambassador, with the team leader's button to register or
/// withdraw them.
#[component]
fn MemberAmbassador(
    ward: i32,
    member: Uuid,
    name: String,
    network: RwSignal<Option<AmbassadorNetwork>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let failure = RwSignal::new(None);
    let kept = RwSignal::new(false);
    let sync = use_sync();
    let act = move |register: bool| {
        spawn_local(async move {
            let change = FieldChange::Ambassador(AmbassadorChange {
                resident_id: None,
                team_member_id: Some(member),
                ambassador: register,
            });
            match sync.save(ward, Uuid::now_v7(), change).await {
                Ok(Saved::Sent) => reload(),
                Ok(Saved::Queued) => kept.set(true),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let name = StoredValue::new(name);
    view! {
        {move || {
            network
                .with(|n| {
                    n.as_ref()
                        .map(|n| {
                            let mentor = n.mentors.iter().find(|m| m.team_member_id == Some(member));
                            let register = mentor.is_none();
                            let action = move || {
                                if register {
                                    t_string!(i18n, ambassadors.register)
                                } else {
                                    t_string!(i18n, ambassadors.withdraw)
                                }
                            };
                            view! {
                                {mentor
                                    .map(|m| {
                                        view! {
                                            " · "
                                            <span class="badge reached">{t!(i18n, ambassadors.section)}</span>
                                            " "
                                            <span class="muted">
                                                {t!(i18n, ambassadors.learners, n = m.learner_count, quota = n.quota)}
                                            </span>
                                        }
                                    })}
                                " "
                                <button
                                    type="button"
                                    class="button secondary small"
                                    aria-label=move || format!("{} – {}", action(), name.get_value())
                                    on:click=move |_| act(register)
                                >
                                    {action}
                                </button>
                            }
                        })
                })
        }}
        <KeptNotice kept />
        {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
    }
}

/// Sends a member of the team to the ticked households, or calls them back; the list shows the
/// answer at once.
#[component]
fn AssignBar(
    tdp: Uuid,
    team: Vec<TeamMember>,
    selected: RwSignal<Vec<Uuid>>,
    shown: RwSignal<Vec<HouseholdSummary>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let member = RwSignal::new(team.first().map(|m| m.id));
    let form = FormState::new();
    let send = move |to: Option<Uuid>| {
        let body = Assignment {
            team_member_id: to,
            household_ids: selected.get_untracked(),
        };
        if form.start(domain::validate::assignment(&body)) {
            spawn_local(async move {
                if let Some(updated) = form.finish(api::assign(tdp, &body).await) {
                    shown.update(|list| {
                        for h in list.iter_mut() {
                            if let Some(u) = updated.iter().find(|u| u.id == h.id) {
                                *h = u.clone();
                            }
                        }
                    });
                    selected.set(Vec::new());
                }
            });
        }
    };
    let none_ticked = form.field("household_ids");
    view! {
        <section
            class="card assign"
            class:ticking=move || selected.with(|s| !s.is_empty())
            aria-labelledby="assign-title"
        >
            <h3 id="assign-title">
                {move || t!(i18n, assignments.ticked, n = selected.with(Vec::len))}
            </h3>
            <div class="field">
                <label for="assign-member">{t!(i18n, assignments.member)}</label>
                <select
                    id="assign-member"
                    on:change=move |ev| member.set(event_target_value(&ev).parse().ok())
                >
                    {team
                        .into_iter()
                        .map(|m| view! { <option value=m.id.to_string()>{m.full_name}</option> })
                        .collect_view()}
                </select>
            </div>
            {move || none_ticked.get().map(|_| view! { <p class="field-error">{t!(i18n, assignments.tick_first)}</p> })}
            {form.failure_view()}
            <p class="actions">
                <button
                    type="button"
                    class="button primary"
                    disabled=form.busy
                    on:click=move |_| send(member.get_untracked())
                >
                    {t!(i18n, assignments.send)}
                </button>
                <button type="button" class="button secondary" disabled=form.busy on:click=move |_| send(None)>
                    {t!(i18n, assignments.call_back)}
                </button>
            </p>
        </section>
    }
}
