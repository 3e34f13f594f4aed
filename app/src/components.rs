//! Pieces every page uses: the frame with its navigation, loading and error states, and the
//! small badges that show progress and priority.

use domain::api::{Poverty, Priority, Skill};
use domain::indicators::Progress;
use domain::models::Model;
use domain::{ErrorCode, FieldCode};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::api::ApiError;
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::offline::SyncState;
use crate::routes::Route;
use crate::session::{AccountMenu, Session};
use domain::access::Action;
use leptos_i18n::Locale as _;

/// The ward the user is working in, remembered across pages so the menu can link to it.
#[derive(Clone, Copy)]
pub struct CurrentWard(pub RwSignal<Option<i32>>);

pub fn set_current_ward(code: i32) {
    if let Some(CurrentWard(ward)) = use_context::<CurrentWard>()
        && ward.get_untracked() != Some(code)
    {
        ward.set(Some(code));
    }
}

/// Where the chosen language is remembered on the device.
const LOCALE_KEY: &str = "ngo_so_locale";

pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The app speaks Vietnamese first, whatever language the phone's browser prefers; English is
/// one tap away and remembered on the device. (The app's i18n context is given this as its
/// initial locale: leptos_i18n's own cookie would bring a cookie and date library into the
/// bundle, 27 KB brotli, for one value.)
pub fn saved_locale() -> Locale {
    match local_storage()
        .and_then(|s| s.get_item(LOCALE_KEY).ok().flatten())
        .as_deref()
    {
        Some("en") => Locale::en,
        _ => Locale::vi,
    }
}

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
    // The projector fills the screen, and a signed-in person's name has no place on it.
    let location = use_location();
    let presenting = move || location.pathname.with(|p| domain::pages::is_projector(p));
    view! {
        <Show when=move || !presenting()>
            <a class="skip" href="#main">{t!(i18n, nav.skip)}</a>
            <header class="top">
                <A href=move || ward.get().map_or_else(|| Route::Home.path(), |w| Route::Dashboard(w).path()) attr:class="brand">
                    {t!(i18n, app.name)}
                </A>
                <nav aria-label=move || t_string!(i18n, nav.label)>
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
                    <SyncBadge sync />
                    <LanguageSwitch />
                    <AccountMenu />
                </nav>
            </header>
        </Show>
        <crate::pwa::UpdateOffer />
        <Show when=move || { fetching.get() > 0 }>
            <p class="loading page-fetch" role="status">{t!(i18n, common.loading)}</p>
        </Show>
        <main id="main">{children()}</main>
    }
}

/// How many pages' code is being fetched. The page on screen stays until the next one is
/// ready, and the first time a group of pages opens on a slow connection that takes seconds:
/// meanwhile the frame says so.
#[derive(Clone, Copy)]
struct PageFetches(RwSignal<u32>);

/// One page's code being fetched, from `start` until dropped (loaded, failed, or the person
/// went elsewhere first).
pub struct PageFetch(Option<RwSignal<u32>>);

impl PageFetch {
    pub fn start() -> Self {
        let count = use_context::<PageFetches>().map(|PageFetches(count)| count);
        if let Some(count) = count {
            count.update(|n| *n += 1);
        }
        Self(count)
    }
}

impl Drop for PageFetch {
    fn drop(&mut self) {
        if let Some(count) = self.0 {
            count.update(|n| *n = n.saturating_sub(1));
        }
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
    let i18n = use_i18n();
    move || match resource.get() {
        None => {
            view! { <p class="loading" role="status">{t!(i18n, common.loading)}</p> }.into_any()
        }
        Some(Ok(value)) => render(value).into_any(),
        Some(Err(error)) => view! { <ErrorNotice error /> }.into_any(),
    }
}

#[component]
pub fn ErrorNotice(error: ApiError) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match &error {
        ApiError::Network => t_string!(i18n, errors.network),
        ApiError::Decode => t_string!(i18n, errors.decode),
        ApiError::Server(body) => match body.code {
            ErrorCode::BadRequest => t_string!(i18n, errors.bad_request),
            ErrorCode::ValidationFailed => t_string!(i18n, errors.validation_failed),
            ErrorCode::Unauthenticated => t_string!(i18n, errors.unauthenticated),
            ErrorCode::WrongCredentials => t_string!(i18n, errors.wrong_credentials),
            ErrorCode::Forbidden => t_string!(i18n, errors.forbidden),
            ErrorCode::NotFound => t_string!(i18n, errors.not_found),
            ErrorCode::InvitationUnusable => t_string!(i18n, errors.invitation_unusable),
            ErrorCode::TooManyAttempts => t_string!(i18n, errors.too_many_attempts),
            ErrorCode::Conflict => t_string!(i18n, errors.conflict),
            ErrorCode::Internal => t_string!(i18n, errors.internal),
        },
    };
    view! { <p class="error" role="alert">{text}</p> }
}

/// The translated message for a field error code.
pub fn field_message(code: FieldCode) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match code {
        FieldCode::Required => t_string!(i18n, fields.required),
        FieldCode::TooLong => t_string!(i18n, fields.too_long),
        FieldCode::OutOfRange => t_string!(i18n, fields.out_of_range),
        FieldCode::InFuture => t_string!(i18n, fields.in_future),
        FieldCode::InvalidFormat => t_string!(i18n, fields.invalid_format),
        FieldCode::UnknownReference => t_string!(i18n, fields.unknown_reference),
        FieldCode::OtherWard => t_string!(i18n, fields.other_ward),
        FieldCode::OtherHousehold => t_string!(i18n, fields.other_household),
        FieldCode::Duplicate => t_string!(i18n, fields.duplicate),
        FieldCode::TooShort => t_string!(i18n, fields.too_short),
        FieldCode::WeakPassword => t_string!(i18n, fields.weak_password),
        FieldCode::WrongPassword => t_string!(i18n, fields.wrong_password),
        FieldCode::RoleScope => t_string!(i18n, fields.role_scope),
        FieldCode::OwnAdminRole => t_string!(i18n, fields.own_admin_role),
        FieldCode::OwnMentor => t_string!(i18n, fields.own_mentor),
        FieldCode::NoHouseholdHead => t_string!(i18n, fields.no_household_head),
        FieldCode::EndsBeforeStart => t_string!(i18n, fields.ends_before_start),
        FieldCode::OverCapacity => t_string!(i18n, fields.over_capacity),
        FieldCode::IdNumber => t_string!(i18n, fields.id_number),
        FieldCode::Expired => t_string!(i18n, fields.expired),
        FieldCode::OtherActivity => t_string!(i18n, fields.other_activity),
        FieldCode::EmptyGeometry => t_string!(i18n, fields.empty_geometry),
        FieldCode::SwappedCoordinates => t_string!(i18n, fields.swapped_coordinates),
        FieldCode::InvalidGeometry => t_string!(i18n, fields.invalid_geometry),
    }
}

/// The message next to a form field, when the field has an error.
#[component]
pub fn FieldMessage(
    #[prop(into)] code: Signal<Option<FieldCode>>,
    id: &'static str,
) -> impl IntoView {
    view! {
        {move || code.get().map(|c| view! { <p class="field-error" id=id>{field_message(c)}</p> })}
    }
}

/// The CSS class of a band against a target, as every figure is coloured.
pub fn band_class(p: Progress) -> &'static str {
    match p {
        Progress::Reached => "reached",
        Progress::OnTrack => "on-track",
        Progress::Behind => "behind",
    }
}

#[component]
pub fn ProgressBadge(progress: Progress) -> impl IntoView {
    let i18n = use_i18n();
    let text = match progress {
        Progress::Reached => t_string!(i18n, progress.reached),
        Progress::OnTrack => t_string!(i18n, progress.on_track),
        Progress::Behind => t_string!(i18n, progress.behind),
    };
    view! { <span class=format!("badge {}", band_class(progress))>{text}</span> }
}

/// A figure's count ("127 / 200") and its share with a bar: the cells every table of
/// figures against targets starts with.
pub fn figure_cells(figure: &domain::api::Figure) -> impl IntoView + use<> {
    let bar = figure.share.unwrap_or(0.0).min(100.0);
    view! {
        <td class="num">{format!("{} / {}", figure.achieved, figure.population)}</td>
        <td class="num">
            {percent(figure.share)}
            <span class="bar" aria-hidden="true">
                <span style:width=format!("{bar}%")></span>
            </span>
        </td>
    }
}

/// Today in Vietnam by the phone's clock, whatever zone the phone is set to: ages, the forms'
/// default dates, this week's schedule.
pub fn today() -> chrono::NaiveDate {
    domain::time::day(crate::offline::now())
}

/// A date as Vietnamese write it, day first: 23/11/2026. (Not chrono's `format`, whose
/// pattern parser would ship in the bundle for this one use.)
pub fn date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:02}/{:02}/{}", d.day(), d.month(), d.year())
}

/// A moment as Vietnamese write it, in Vietnam's time (UTC+7): 23/11/2026 14:05.
pub fn date_time(t: chrono::DateTime<chrono::Utc>) -> String {
    use chrono::Timelike;
    let local = domain::time::local(t);
    format!(
        "{} {:02}:{:02}",
        date(local.date()),
        local.hour(),
        local.minute()
    )
}

/// A mean satisfaction as "4.6 / 5", or a dash when nobody has rated yet.
pub fn rating(mean: Option<f64>) -> String {
    mean.map_or_else(|| "–".into(), |s| format!("{s:.1} / 5"))
}

/// A share as "63.5%", or a dash when there is nobody to count.
pub fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "–".into(), |s| format!("{s:.1}%"))
}

#[component]
pub fn PriorityBadges(priority: Priority) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || priority.elderly_alone>
            <span class="badge priority">{t!(i18n, household.elderly_alone)}</span>
        </Show>
        <Show when=move || priority.disability>
            <span class="badge priority">{t!(i18n, household.disability)}</span>
        </Show>
        <Show when=move || priority.poverty == Poverty::NearPoor>
            <span class="badge priority">{t!(i18n, household.near_poor)}</span>
        </Show>
        <Show when=move || priority.poverty == Poverty::Poor>
            <span class="badge priority">{t!(i18n, household.poor)}</span>
        </Show>
    }
}

/// A skill's name in the current language: the catalogue is data, with both names stored.
pub fn skill_name(skill: &Skill) -> impl Fn() -> String + Send + Sync + 'static + use<> {
    let i18n = use_i18n();
    let (vi, en) = (skill.name_vi.clone(), skill.name_en.clone());
    move || match i18n.get_locale() {
        Locale::vi => vi.clone(),
        Locale::en => en.clone(),
    }
}

/// A model's name as its figures are labelled, in the current language.
pub fn model_name(model: Model) -> impl Fn() -> &'static str + Copy + Send + Sync {
    let i18n = use_i18n();
    move || match model {
        Model::Families => t_string!(i18n, models.families_of_households),
        Model::Identity => t_string!(i18n, models.identity_of_people),
        Model::Ambassadors => t_string!(i18n, models.ambassadors_at_quota),
        Model::Cashless => t_string!(i18n, models.cashless_traders),
    }
}

/// What a form shows after a submit: the field errors next to their fields, any other failure
/// above the button, and whether it is waiting for the server.
#[derive(Clone, Copy)]
pub struct FormState {
    pub errors: RwSignal<Vec<domain::FieldError>>,
    pub failure: RwSignal<Option<ApiError>>,
    pub busy: RwSignal<bool>,
}

impl FormState {
    pub fn new() -> Self {
        Self {
            errors: RwSignal::new(Vec::new()),
            failure: RwSignal::new(None),
            busy: RwSignal::new(false),
        }
    }

    /// The error code of `field`, if the last submit had one.
    pub fn field(self, name: &'static str) -> Signal<Option<FieldCode>> {
        Signal::derive(move || {
            self.errors
                .read()
                .iter()
                .find(|e| e.field == name)
                .map(|e| e.code)
        })
    }

    /// Checks a request in the browser first (the same rules as the server); true when it
    /// may be sent.
    pub fn start(self, checked: Result<(), Vec<domain::FieldError>>) -> bool {
        self.failure.set(None);
        match checked {
            Err(e) => {
                self.errors.set(e);
                false
            }
            Ok(()) => {
                self.errors.set(Vec::new());
                self.busy.set(true);
                true
            }
        }
    }

    /// Shows what the server answered, unless it succeeded.
    pub fn finish<T>(self, result: Result<T, ApiError>) -> Option<T> {
        self.busy.set(false);
        match result {
            Ok(value) => Some(value),
            Err(ApiError::Server(body)) if !body.fields.is_empty() => {
                self.errors.set(body.fields);
                None
            }
            Err(e) => {
                self.failure.set(Some(e));
                None
            }
        }
    }

    pub fn failure_view(self) -> impl IntoView {
        move || {
            self.failure
                .get()
                .map(|error| view! { <ErrorNotice error /> })
        }
    }
}

/// A labelled text input with its error message, wired for screen readers.
#[component]
pub fn TextField(
    id: &'static str,
    #[prop(into)] label: Signal<String>,
    value: RwSignal<String>,
    error: Signal<Option<FieldCode>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional, into)] hint: Option<Signal<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id
                type=kind
                inputmode=match kind {
                    "tel" => "tel",
                    "number" => "decimal",
                    _ => "text",
                }
                autocomplete=autocomplete
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            {move || error.get().map(|c| view! { <p class="field-error" id=error_id.clone()>{field_message(c)}</p> })}
        </div>
    }
}

/// A labelled text area with its error message, for text longer than a line.
#[component]
pub fn TextArea(
    id: &'static str,
    #[prop(into)] label: Signal<String>,
    value: RwSignal<String>,
    error: Signal<Option<FieldCode>>,
    #[prop(default = 3)] rows: u32,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described = {
        let error_id = error_id.clone();
        move || error.get().is_some().then(|| error_id.clone())
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <textarea
                id=id
                rows=rows
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described
                prop:value=value
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
            {move || error.get().map(|c| view! { <p class="field-error" id=error_id.clone()>{field_message(c)}</p> })}
        </div>
    }
}

/// One of a few buttons that choose what a page shows ("this week" / "this month"), pressed
/// when `current` holds its value.
pub fn choice_button<T>(current: RwSignal<T>, value: T, label: &'static str) -> impl IntoView
where
    T: PartialEq + Copy + Send + Sync + 'static,
{
    view! {
        <button
            type="button"
            class="button secondary"
            aria-pressed=move || (current.get() == value).to_string()
            on:click=move |_| current.set(value)
        >
            {label}
        </button>
    }
}
