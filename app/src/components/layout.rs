//! The frame around every page (navigation, language, sync state) and the loading and
//! error states every page shows.

use domain::access::Action;
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::api::ApiError;
use crate::contexts::{CurrentWard, LOCALE_KEY, PageFetches, local_storage};
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::labels::error_message;
use crate::offline::SyncState;
use crate::routes::Route;
use crate::session::{AccountMenu, Session};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let ward = RwSignal::new(None::<i32>);
    provide_context(CurrentWard(ward));
    let fetching = RwSignal::new(0u32);
    provide_context(PageFetches(fetching));
    let session = Session::provide();
    let sync = SyncState::provide(session);
    let may_search = move || {
        ward.get()
            .is_some_and(|w| !session.reach(w, Action::ViewPeople).is_nothing())
    };
    let may_manage = move || {
        ward.get()
            .is_some_and(|w| session.reach(w, Action::ManageWard).is_ward())
    };
    // Screen readers pick their voice from <html lang>.
    Effect::new(move |_| {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", i18n.get_locale().as_str());
        }
    });
    // A deck fills the screen, and a signed-in person's name has no place on it.
    let location = use_location();
    let presenting = move || location.pathname.with(|p| domain::pages::is_deck(p));
    // On a phone the menu folds away behind one button, and a page opened from it folds it.
    let menu = RwSignal::new(false);
    Effect::new(move |_| {
        location.pathname.track();
        menu.set(false);
    });
    view! {
        <Show when=move || !presenting()>
            <a class="skip" href="#main">{t!(i18n, nav.skip)}</a>
            <header class="top">
                <A href=move || ward.get().map_or_else(|| Route::Home.path(), |w| Route::Dashboard(w).path()) attr:class="brand">
                    {t!(i18n, app.name)}
                </A>
                <SyncBadge sync />
                <button
                    type="button"
                    class="menu-toggle"
                    aria-controls="site-nav"
                    aria-expanded=move || menu.get().to_string()
                    on:click=move |_| menu.update(|open| *open = !*open)
                >
                    {t!(i18n, nav.menu)}
                </button>
                <nav id="site-nav" class:open=menu aria-label=move || t_string!(i18n, nav.label)>
                    <Show when=move || ward.get().is_some()>
                        <A href=move || Route::Dashboard(ward.get().unwrap_or_default()).path()>
                            {t!(i18n, nav.dashboard)}
                        </A>
                    </Show>
                    <Show when=move || ward.get().is_some()>
                        <A href=move || Route::Map(ward.get().unwrap_or_default()).path()>
                            {t!(i18n, nav.map)}
                        </A>
                        <A href=move || Route::Projector(ward.get().unwrap_or_default()).path()>
                            {t!(i18n, nav.projector)}
                        </A>
                    </Show>
                    <Show when=move || ward.get().is_some()>
                        <A href=move || Route::Activities(ward.get().unwrap_or_default()).path()>
                            {t!(i18n, nav.activities)}
                        </A>
                    </Show>
                    <Show when=move || session.on_a_team()>
                        <A href=Route::MyHouseholds.path()>{t!(i18n, nav.my_households)}</A>
                    </Show>
                    <Show when=may_search>
                        <A href=move || Route::Search(ward.get().unwrap_or_default()).path()>
                            {t!(i18n, nav.search)}
                        </A>
                        <A href=move || Route::Tickets(ward.get().unwrap_or_default()).path()>
                            {t!(i18n, nav.tickets)}
                        </A>
                    </Show>
                    <Show when=may_manage>
                        <A href=move || Route::Accounts(ward.get().unwrap_or_default()).path()>
                            {t!(i18n, nav.accounts)}
                        </A>
                        <A href=move || Route::Audit(ward.get().unwrap_or_default()).path()>
                            {t!(i18n, nav.audit)}
                        </A>
                        <A href=move || Route::Models(ward.get().unwrap_or_default()).path()>
                            {t!(i18n, nav.models)}
                        </A>
                        <A href=move || Route::RegisterImport(ward.get().unwrap_or_default()).path()>
                            {t!(i18n, nav.register)}
                        </A>
                    </Show>
                    <LanguageSwitch />
                    <AccountMenu />
                </nav>
            </header>
            <Shortcuts ward session />
        </Show>
        <crate::pwa::UpdateOffer />
        <Show when=move || { fetching.get() > 0 }>
            <p class="loading page-fetch" role="status">{t!(i18n, common.loading)}</p>
        </Show>
        <main id="main">{children()}</main>
    }
}

/// A phone's bar along the bottom of the screen, in reach of the thumb: the four pages the
/// person's roles open most, in this order. A PC's header lists every page instead.
#[component]
fn Shortcuts(ward: RwSignal<Option<i32>>, session: Session) -> impl IntoView {
    let i18n = use_i18n();
    let items = move || {
        let mut items: Vec<(String, String)> = Vec::new();
        if session.on_a_team() {
            items.push((
                Route::MyHouseholds.path(),
                t_string!(i18n, nav.my_households).to_string(),
            ));
        }
        if let Some(w) = ward.get() {
            items.push((
                Route::Dashboard(w).path(),
                t_string!(i18n, nav.dashboard).to_string(),
            ));
            if !session.reach(w, Action::ViewPeople).is_nothing() {
                items.push((
                    Route::Search(w).path(),
                    t_string!(i18n, nav.search).to_string(),
                ));
                items.push((
                    Route::Tickets(w).path(),
                    t_string!(i18n, nav.tickets).to_string(),
                ));
            }
            items.push((Route::Map(w).path(), t_string!(i18n, nav.map).to_string()));
            items.push((
                Route::Activities(w).path(),
                t_string!(i18n, nav.activities).to_string(),
            ));
            items.push((
                Route::Projector(w).path(),
                t_string!(i18n, nav.projector).to_string(),
            ));
        }
        items.truncate(4);
        items
    };
    move || {
        let items = items();
        (!items.is_empty()).then(|| {
            view! {
                <nav class="shortcuts" aria-label=move || t_string!(i18n, nav.shortcuts)>
                    {items
                        .into_iter()
                        .map(|(path, label)| view! { <A href=path>{label}</A> })
                        .collect_view()}
                </nav>
            }
        })
    }
}

/// Vietnamese ⇄ English, remembered on the device.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let switch = move |_| {
        let next = match i18n.get_locale() {
            Locale::vi => Locale::en,
            Locale::en => Locale::vi,
        };
        i18n.set_locale(next);
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(LOCALE_KEY, next.as_str());
        }
    };
    view! {
        <button type="button" class="lang" on:click=switch>
            {t!(i18n, nav.other_language)}
        </button>
    }
}

/// How the phone's sync stands, in a word or two, linking to the sync page: what waits to be
/// sent first, since that is what a volunteer must not lose.
#[component]
fn SyncBadge(sync: SyncState) -> impl IntoView {
    let i18n = use_i18n();
    let session = crate::session::use_session();
    let text = move || {
        let (unsent, problems) = (sync.unsent.get(), sync.problems.with(Vec::len));
        if unsent > 0 {
            t_string!(i18n, sync.unsent, count = unsent).to_string()
        } else if problems > 0 {
            t_string!(i18n, sync.problems, count = problems).to_string()
        } else if sync.running.get() {
            t_string!(i18n, sync.running).to_string()
        } else if sync.offline.get() {
            t_string!(i18n, sync.offline).to_string()
        } else {
            t_string!(i18n, sync.synced).to_string()
        }
    };
    let waiting = move || sync.unsent.get() + sync.problems.with(Vec::len) > 0;
    view! {
        <Show when=move || session.me.with(|me| matches!(me, Some(Some(_))))>
            <A
                href=Route::Sync.path()
                attr:class=move || if waiting() { "sync-badge waiting" } else { "sync-badge" }
                attr:data-testid="sync-badge"
            >
                <span aria-live="polite">{text}</span>
            </A>
        </Show>
    }
}

/// Shows `render(value)` once `resource` has loaded, a notice while it loads, and a readable
/// message if it failed. A plain reactive closure: each page waits for one resource, which
/// needs none of `<Suspense>`'s coordination.
pub fn loaded<T, V>(
    resource: LocalResource<Result<T, ApiError>>,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    loaded_with(resource, || true, render)
}

/// The same, holding the page back until `also` says that what else it shows has answered
/// too: a page drawn whole does not move under the reader's eyes as its parts arrive.
pub fn loaded_with<T, V>(
    resource: LocalResource<Result<T, ApiError>>,
    also: impl Fn() -> bool + Send + Sync + 'static,
    render: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let i18n = use_i18n();
    move || match (resource.get(), also()) {
        (Some(Err(error)), _) => view! { <ErrorNotice error /> }.into_any(),
        (Some(Ok(value)), true) => render(value).into_any(),
        _ => view! { <p class="loading" role="status">{t!(i18n, common.loading)}</p> }.into_any(),
    }
}

#[component]
pub fn ErrorNotice(error: ApiError) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match &error {
        ApiError::Network => t_string!(i18n, errors.network),
        ApiError::Decode => t_string!(i18n, errors.decode),
        ApiError::Server(body) => error_message(body.code)(),
    };
    view! { <p class="error" role="alert">{text}</p> }
}

/// Said when a change could not reach the server and waits on the phone, to be sent when
/// there is signal: the page cannot show it yet.
#[component]
pub fn KeptNotice(kept: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        kept.get()
            .then(|| view! { <p class="ok" role="status">{t!(i18n, sync.kept)}</p> })
    }
}

/// A table that may be wider than a phone. It scrolls sideways inside its frame; the frame
/// takes the keyboard's focus, so that arrow keys scroll it too, and a screen reader announces
/// it by `label`.
#[component]
pub fn TableFrame(label: TextProp, children: Children) -> impl IntoView {
    view! {
        <div class="table-wrap" role="region" tabindex="0" aria-label=move || label.get()>
            {children()}
        </div>
    }
}

/// The button that prints the page: a report on A4, without the app's menus (`no-print`).
#[component]
pub fn PrintButton(label: TextProp) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button primary"
            on:click=move |_| {
                let _ = window().print();
            }
        >
            {move || label.get()}
        </button>
    }
}
