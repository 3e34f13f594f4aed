//! Forms: their state after a submit, and labelled fields wired for screen readers.

use domain::FieldCode;
use domain::api::Poverty;
use leptos::prelude::*;

use super::ErrorNotice;
use crate::api::ApiError;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{field_message, poverty_name, sign_in_message, words};

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

/// A percentage or a count as typed, a decimal comma read as a point; what cannot be read is
/// NaN, which the shared validation refuses.
pub fn typed_number(text: &str) -> f64 {
    text.trim().replace(',', ".").parse().unwrap_or(f64::NAN)
}

/// A date as an `<input type="date">` gives it; none when left empty, which the shared
/// validation refuses as a day long past.
pub fn typed_day(text: &str) -> chrono::NaiveDate {
    text.parse().unwrap_or_default()
}

/// A labelled text input with its error message, wired for screen readers.
#[component]
pub fn TextField(
    #[prop(into)] id: Oco<'static, str>,
    #[prop(into)] label: TextProp,
    value: RwSignal<String>,
    error: Signal<Option<FieldCode>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional, into)] hint: Option<TextProp>,
) -> impl IntoView {
    let input = Input {
        id,
        label,
        value,
        error,
        kind,
        autocomplete,
    };
    input.view(hint, field_message)
}

/// The sign-in form's fields: a `TextField` that words only the errors signing in can meet
/// (`labels::sign_in_message`). The sign-in page is in the shell that every first visit
/// downloads; the words of every other form's errors stay in the page groups.
#[component]
pub fn SignInField(
    #[prop(into)] id: Oco<'static, str>,
    #[prop(into)] label: TextProp,
    value: RwSignal<String>,
    error: Signal<Option<FieldCode>>,
    kind: &'static str,
    autocomplete: &'static str,
) -> impl IntoView {
    let input = Input {
        id,
        label,
        value,
        error,
        kind,
        autocomplete,
    };
    input.view(None, sign_in_message)
}

struct Input {
    id: Oco<'static, str>,
    label: TextProp,
    value: RwSignal<String>,
    error: Signal<Option<FieldCode>>,
    kind: &'static str,
    autocomplete: &'static str,
}

impl Input {
    /// Generic over `message`, so that each caller's copy calls its own wording directly.
    fn view<M, W>(self, hint: Option<TextProp>, message: M) -> impl IntoView + use<M, W>
    where
        M: Fn(FieldCode) -> W + Copy + Send + Sync + 'static,
        W: Fn() -> &'static str + Send + Sync + 'static,
    {
        let Self {
            id,
            label,
            value,
            error,
            kind,
            autocomplete,
        } = self;
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
                <label for=id.clone()>{move || label.get()}</label>
                {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{move || h.get()}</p> })}
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
                {move || error.get().map(|c| view! { <p class="field-error" id=error_id.clone()>{message(c)}</p> })}
            </div>
        }
    }
}

/// A phone number: what people sign in with. `autocomplete` is `username` where it is the
/// person's own.
#[component]
pub fn PhoneField(
    #[prop(into)] id: Oco<'static, str>,
    value: RwSignal<String>,
    error: Signal<Option<FieldCode>>,
    #[prop(default = "username")] autocomplete: &'static str,
) -> impl IntoView {
    view! {
        <TextField id label=words(|i18n| t_string!(i18n, session.phone)) value error kind="tel" autocomplete />
    }
}

/// A password being chosen, with what makes one strong enough.
#[component]
pub fn NewPasswordField(
    #[prop(into)] id: Oco<'static, str>,
    #[prop(into)] label: TextProp,
    value: RwSignal<String>,
    error: Signal<Option<FieldCode>>,
) -> impl IntoView {
    view! {
        <TextField
            id
            label
            hint=words(|i18n| t_string!(i18n, invitation.password_hint))
            value
            error
            kind="password"
            autocomplete="new-password"
        />
    }
}

/// The name, phone number and first password of an account an admin makes for someone else:
/// a ward's admin for their ward, a province's admin for a ward's first admin. The fields'
/// ids start with `id`; their errors are `form`'s.
#[component]
pub fn NewAccountFields(
    id: &'static str,
    name: RwSignal<String>,
    phone: RwSignal<String>,
    password: RwSignal<String>,
    form: FormState,
) -> impl IntoView {
    view! {
        <TextField
            id=format!("{id}-name")
            label=words(|i18n| t_string!(i18n, accounts.name))
            value=name
            error=form.field("full_name")
            autocomplete="off"
        />
        <PhoneField id=format!("{id}-phone") value=phone error=form.field("phone") autocomplete="off" />
        <NewPasswordField
            id=format!("{id}-password")
            label=words(|i18n| t_string!(i18n, accounts.first_password))
            value=password
            error=form.field("password")
        />
    }
}

/// A labelled text area with its error message, for text longer than a line.
#[component]
pub fn TextArea(
    #[prop(into)] id: Oco<'static, str>,
    #[prop(into)] label: TextProp,
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
            <label for=id.clone()>{move || label.get()}</label>
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

/// A labelled `<select>` over every value of a choice enum (`T::ALL`), each named in the
/// current language by `name` (one of `labels`' functions).
#[component]
pub fn ChoiceSelect<T, F>(
    #[prop(into)] id: Oco<'static, str>,
    #[prop(into)] label: TextProp,
    value: RwSignal<T>,
    options: &'static [T],
    name: fn(T) -> F,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + std::str::FromStr + Into<&'static str> + 'static,
    F: Fn() -> &'static str + Send + Sync + 'static,
{
    view! {
        <div class="field">
            <label for=id.clone()>{move || label.get()}</label>
            <select
                id=id
                on:change=move |ev| {
                    if let Ok(chosen) = event_target_value(&ev).parse::<T>() {
                        value.set(chosen);
                    }
                }
            >
                {options
                    .iter()
                    .copied()
                    .map(|o| {
                        let key: &'static str = o.into();
                        view! { <option value=key selected=move || value.get() == o>{name(o)}</option> }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// Why a household comes first: the checkboxes and the poverty list, for adding one and for
/// editing it.
#[component]
pub fn PriorityFields(
    #[prop(into)] id: Oco<'static, str>,
    elderly_alone: RwSignal<bool>,
    disability: RwSignal<bool>,
    poverty: RwSignal<Poverty>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <fieldset>
            <legend>{t!(i18n, tdp.priority)}</legend>
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=elderly_alone
                    on:change=move |ev| elderly_alone.set(event_target_checked(&ev))
                />
                {t!(i18n, household.elderly_alone)}
            </label>
            <label class="check">
                <input
                    type="checkbox"
                    prop:checked=disability
                    on:change=move |ev| disability.set(event_target_checked(&ev))
                />
                {t!(i18n, household.disability)}
            </label>
        </fieldset>
        <ChoiceSelect
            id
            label=words(|i18n| t_string!(i18n, tdp.poverty))
            value=poverty
            options=Poverty::ALL
            name=poverty_name
        />
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
