//! Editing a household or a resident at the door, and the history of their edits. An edit
//! goes through the phone's outbox with the version the record had when the form opened, and
//! only the fields the person changed: the server merges it with edits others made meanwhile
//! (`domain::edits`), so two phones that changed different fields both keep theirs.

use domain::api::{
    EditField, FieldChange, Gender, Household, HouseholdEdit, HouseholdFields, RecordEdit,
    ResidentEdit, ResidentFields, ResidentSummary,
};
use domain::{FieldCode, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use super::{ChoiceSelect, Finds, FormState, Picker, PriorityFields, TextArea, TextField, loaded};
use crate::api::{self, ApiError};
use crate::format::{date_time, today};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{edit_field_name, edit_value, field_message, gender_name, words};
use crate::offline::{SyncState, use_sync};

/// What both edit forms share: open or not, the form's state, and saving through the outbox.
#[derive(Clone, Copy)]
struct EditForm {
    ward: i32,
    sync: SyncState,
    form: FormState,
    open: RwSignal<bool>,
    saved: Callback<()>,
    /// The id of an edit the server sent back, which the form, opened with it, sends again.
    resend: StoredValue<Option<Uuid>>,
}

impl EditForm {
    fn new(ward: i32, saved: Callback<()>, resend: Option<Uuid>) -> Self {
        Self {
            ward,
            sync: use_sync(),
            form: FormState::new(),
            open: RwSignal::new(resend.is_some()),
            saved,
            resend: StoredValue::new(resend),
        }
    }

    /// Saves `change` once the phone's own check passed: nothing changed just closes the form.
    /// The form shows what the check or the server refused; it closes once the change is
    /// saved (sent, or kept on the phone to send).
    fn submit(self, unchanged: bool, checked: Result<(), Vec<FieldError>>, change: FieldChange) {
        if unchanged {
            self.open.set(false);
            return;
        }
        if !self.form.start(checked) {
            return;
        }
        let id = self.resend.get_value().unwrap_or_else(Uuid::now_v7);
        spawn_local(async move {
            let outcome = self.sync.save(self.ward, id, change).await;
            if self.form.finish(outcome).is_some() {
                self.resend.set_value(None);
                self.open.set(false);
                self.saved.run(());
            }
        });
    }

    /// Saves the fields of resident `r` the person changed, made against the version shown.
    fn resident(self, r: &ResidentSummary, fields: ResidentFields) {
        let edit = ResidentEdit {
            resident_id: r.id,
            base_version: r.version,
            fields,
        };
        let checked = domain::validate::resident_edit(&edit, today());
        self.submit(
            edit.fields.is_empty(),
            checked,
            FieldChange::ResidentEdit(edit),
        );
    }
}

/// The value a field is set to when it differs from what the record had.
fn changed<T: PartialEq>(now: T, was: &T) -> Option<T> {
    (now != *was).then_some(now)
}

/// The household's address, head, priorities and note, edited in place. An edit the server
/// sent back (`sent_back`, with its id) opens the form with its fields over the household as it
/// is now, to be sent again.
#[component]
pub fn EditHousehold(
    household: Household,
    sent_back: Option<(Uuid, HouseholdFields)>,
    saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let h = household;
    let (resend, fields) = sent_back.unzip();
    let edit_form = EditForm::new(h.tdp.ward_code, saved, resend);
    let EditForm { form, open, .. } = edit_form;
    let mut shown = h.clone();
    if let Some(fields) = &fields {
        fields.apply_to(&mut shown);
    }
    let address = RwSignal::new(shown.address);
    let head = RwSignal::new(shown.head_name);
    let elderly_alone = RwSignal::new(shown.priority.elderly_alone);
    let disability = RwSignal::new(shown.priority.disability);
    let poverty = RwSignal::new(shown.priority.poverty);
    let note = RwSignal::new(shown.note);
    let was = StoredValue::new(h);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let h = was.get_value();
        let edit = HouseholdEdit {
            household_id: h.id,
            base_version: h.version,
            fields: HouseholdFields {
                address: changed(address.get_untracked(), &h.address),
                head_name: changed(head.get_untracked(), &h.head_name),
                elderly_alone: changed(elderly_alone.get_untracked(), &h.priority.elderly_alone),
                disability: changed(disability.get_untracked(), &h.priority.disability),
                poverty: changed(poverty.get_untracked(), &h.priority.poverty),
                note: changed(note.get_untracked(), &h.note),
            },
        };
        let checked = domain::validate::household_edit(&edit);
        edit_form.submit(
            edit.fields.is_empty(),
            checked,
            FieldChange::HouseholdEdit(edit),
        );
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button type="button" class="button secondary" on:click=move |_| open.set(true)>
                    {t!(i18n, edits.edit_household)}
                </button>
            }
        >
            <form class="card" on:submit=save aria-labelledby="edit-household-title" novalidate>
                <h3 id="edit-household-title">{t!(i18n, edits.edit_household)}</h3>
                <TextField
                    id="edit-household-address"
                    label=words(|i18n| t_string!(i18n, tdp.address))
                    value=address
                    error=form.field("fields.address")
                />
                <TextField
                    id="edit-household-head"
                    label=words(|i18n| t_string!(i18n, tdp.head_name))
                    value=head
                    error=form.field("fields.head_name")
                />
                <PriorityFields id="edit-household-poverty" elderly_alone disability poverty />
                <NoteAndSave id="edit-household-note" note form open />
            </form>
        </Show>
    }
}

/// A resident's name, birth year, gender and note, edited in place; an edit the server sent
/// back opens it filled in, as the household's does.
#[component]
pub fn EditResident(
    ward: i32,
    resident: ResidentSummary,
    sent_back: Option<(Uuid, ResidentFields)>,
    saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let r = resident;
    let (resend, fields) = sent_back.unzip();
    let edit_form = EditForm::new(ward, saved, resend);
    let EditForm { form, open, .. } = edit_form;
    let mut shown = r.clone();
    if let Some(fields) = &fields {
        fields.apply_to(&mut shown);
    }
    let name = RwSignal::new(shown.full_name);
    let year = RwSignal::new(shown.birth_year.to_string());
    let gender = RwSignal::new(shown.gender);
    let note = RwSignal::new(shown.note);
    // Ids of their own, since a household lists several residents.
    let id = |field: &str| format!("edit-{field}-{}", r.id);
    let (name_id, year_id, gender_id, note_id) = (id("name"), id("year"), id("gender"), id("note"));
    let was = StoredValue::new(r);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let r = was.get_value();
        let Ok(birth_year) = year.get_untracked().trim().parse::<i32>() else {
            form.errors.set(vec![FieldError::new(
                "fields.birth_year",
                FieldCode::Required,
            )]);
            return;
        };
        edit_form.resident(
            &r,
            ResidentFields {
                full_name: changed(name.get_untracked(), &r.full_name),
                birth_year: changed(birth_year, &r.birth_year),
                gender: changed(gender.get_untracked(), &r.gender),
                note: changed(note.get_untracked(), &r.note),
                ..ResidentFields::default()
            },
        );
    };
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                " "
                <button type="button" class="button secondary edit" on:click=move |_| open.set(true)>
                    {t!(i18n, edits.edit)}
                </button>
            }
        >
            <form class="card" on:submit=save novalidate>
                <h3>{t!(i18n, edits.edit_resident)}</h3>
                <TextField
                    id=name_id.clone()
                    label=words(|i18n| t_string!(i18n, household.full_name))
                    value=name
                    error=form.field("fields.full_name")
                />
                <TextField
                    id=year_id.clone()
                    label=words(|i18n| t_string!(i18n, household.birth_year))
                    value=year
                    error=form.field("fields.birth_year")
                    kind="number"
                />
                <ChoiceSelect
                    id=gender_id.clone()
                    label=words(|i18n| t_string!(i18n, household.gender))
                    value=gender
                    options=Gender::ALL
                    name=gender_name
                />
                <NoteAndSave id=note_id.clone() note form open />
            </form>
        </Show>
    }
}

/// A resident moved to another household of the ward, found by address: an edit of their
/// household, through the outbox as any other, so that two moves made apart are a conflict
/// for the team leader. Their help, skills and classes go with them.
#[component]
pub fn MoveResident(ward: i32, resident: ResidentSummary, saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let edit_form = EditForm::new(ward, saved, None);
    let EditForm { form, open, .. } = edit_form;
    let search_id = format!("move-{}", resident.id);
    let was = StoredValue::new(resident);
    let pick = move |household: Uuid| {
        let r = was.get_value();
        let fields = ResidentFields {
            household_id: changed(household, &r.household_id),
            ..ResidentFields::default()
        };
        edit_form.resident(&r, fields);
    };
    let refused = form.field("fields.household_id");
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                " "
                <button type="button" class="button secondary" on:click=move |_| open.set(true)>
                    {t!(i18n, edits.relocate)}
                </button>
            }
        >
            <div class="card">
                <h3>{t!(i18n, edits.relocate)}</h3>
                <p class="muted small">{t!(i18n, edits.move_hint)}</p>
                <Picker
                    id=search_id.clone()
                    ward
                    finds=Finds::Households
                    label=words(|i18n| t_string!(i18n, edits.move_find))
                    action=words(|i18n| t_string!(i18n, edits.move_here))
                    busy=form.busy
                    on_pick=pick
                />
                {move || refused.get().map(|c| view! { <p class="field-error" role="alert">{field_message(c)}</p> })}
                {form.failure_view()}
                <div class="actions">
                    <button type="button" class="button" on:click=move |_| open.set(false)>
                        {t!(i18n, household.cancel)}
                    </button>
                </div>
            </div>
        </Show>
    }
}

/// The end of both edit forms: the record's note (never an identity number), what went
/// wrong, and the buttons.
#[component]
fn NoteAndSave(
    #[prop(into)] id: Oco<'static, str>,
    note: RwSignal<String>,
    form: FormState,
    open: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <TextArea
            id
            label=words(|i18n| t_string!(i18n, edits.note))
            value=note
            error=form.field("fields.note")
        />
        <p class="muted small">{t!(i18n, edits.no_id_numbers)}</p>
        {form.failure_view()}
        <div class="actions">
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, edits.save)}
            </button>
            <button type="button" class="button" on:click=move |_| open.set(false)>
                {t!(i18n, household.cancel)}
            </button>
        </div>
    }
}

/// Whose history a page shows.
#[derive(Clone, Copy)]
pub enum HistoryOf {
    /// A household, with its residents' edits.
    Household(Uuid),
    Resident(Uuid),
}

/// Every edit of the record, newest first: when, by whom, each field from what to what.
#[component]
pub fn EditHistory(
    of: HistoryOf,
    /// Residents' names, for a household's history.
    #[prop(default = Vec::new())]
    names: Vec<(Uuid, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    // The history is read online only: with no signal the section says so, quietly.
    let edits = LocalResource::new(move || {
        sync.sent.track();
        async move {
            let read = match of {
                HistoryOf::Household(id) => api::household_edits(id).await,
                HistoryOf::Resident(id) => api::resident_edits(id).await,
            };
            match read {
                Err(ApiError::Network) => Ok(None),
                read => read.map(Some),
            }
        }
    });
    let names = StoredValue::new(names);
    view! {
        <section class="history" aria-labelledby="history-title">
            <h2 id="history-title">{t!(i18n, edits.history)}</h2>
            {loaded(edits, move |edits: Option<Vec<RecordEdit>>| {
                let Some(edits) = edits else {
                    return view! { <p class="muted">{t!(i18n, edits.history_online)}</p> }.into_any();
                };
                if edits.is_empty() {
                    return view! { <p>{t!(i18n, edits.no_history)}</p> }.into_any();
                }
                view! {
                    <ol class="list edits">
                        {edits
                            .into_iter()
                            .map(|e| {
                                let whose = e.resident_id.and_then(|id| {
                                    names.with_value(|n| n.iter().find(|(r, _)| *r == id).map(|(_, name)| name.clone()))
                                });
                                view! {
                                    <li>
                                        <p class="muted small">
                                            {date_time(e.made_at)}
                                            {e.by.map(|n| format!(" · {n}"))}
                                            {whose.map(|n| format!(" · {n}"))}
                                        </p>
                                        <ul>
                                            {e.fields.into_iter().map(|f| view! { <li>{field_line(f.field, &f.before, &f.after)}</li> }).collect_view()}
                                        </ul>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                }
                    .into_any()
            })}
        </section>
    }
}

/// "Năm sinh: 1956 → 1957".
pub fn field_line(
    field: EditField,
    before: &serde_json::Value,
    after: &serde_json::Value,
) -> String {
    format!(
        "{}: {} → {}",
        edit_field_name(field)(),
        edit_value(field, before),
        edit_value(field, after)
    )
}
