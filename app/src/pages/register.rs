//! For ward admins: the register the ward already keeps in Excel, imported. The file is read
//! first and every row shown with what importing it would do; columns can be matched by hand;
//! nothing is saved until the admin confirms, and then everything or nothing.

use domain::api::{ColumnMapping, ImportColumn, ImportRow, RegisterImport, RowOutcome};
use domain::{ErrorBody, FieldCode, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use wasm_bindgen::JsCast;

use super::code_param;
use crate::api::{self, ApiError};
use crate::components::{ErrorNotice, TableFrame};
use crate::contexts::set_current_ward;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{field_message, row_outcome_name, words};
use crate::routes::Route;

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Idle,
    Reading,
    Read(RegisterImport),
    /// The file itself cannot be read as a register.
    Unreadable(FieldCode),
    Failed(ApiError),
    Saved(RegisterImport),
}

/// A field of the mapping (or of a row's problems), named for people.
fn field_label(field: &str) -> impl Fn() -> &'static str + Copy + Send + Sync + use<> {
    let i18n = use_i18n();
    let field = ColumnMapping::default()
        .fields()
        .into_iter()
        .map(|(f, _)| f)
        .find(|f| *f == field)
        .unwrap_or_default();
    move || match field {
        "tdp" => t_string!(i18n, register.field_tdp),
        "address" => t_string!(i18n, register.field_address),
        "head_name" => t_string!(i18n, register.field_head_name),
        "relation" => t_string!(i18n, register.field_relation),
        "full_name" => t_string!(i18n, register.field_full_name),
        "birth_year" => t_string!(i18n, register.field_birth_year),
        _ => t_string!(i18n, register.field_gender),
    }
}

/// "A", "B", … "AA": the column as the spreadsheet names it.
fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.iter().rev().map(|&b| b as char).collect()
}

fn column_option(c: &ImportColumn) -> String {
    let mut text = format!("{}: {}", column_letter(c.index), c.heading);
    if let Some(sample) = c.samples.first() {
        text.push_str(&format!(" ({sample}…)"));
    }
    text
}

#[component]
pub fn RegisterImport() -> impl IntoView {
    let i18n = use_i18n();
    let code = code_param();
    Effect::new(move |_| {
        if let Some(c) = code.get() {
            set_current_ward(c);
        }
    });
    let stage = RwSignal::new(Stage::Idle);
    // The file stays in the browser between the steps and is sent again with each: the
    // server keeps nothing of a file until it is imported.
    let file = StoredValue::new_local(None::<web_sys::File>);
    let send = move |mapping: Option<ColumnMapping>, preview: bool| {
        let (Some(ward), Some(chosen)) = (code.get_untracked(), file.get_value()) else {
            return;
        };
        stage.set(Stage::Reading);
        spawn_local(async move {
            stage.set(
                match api::import_register(ward, &chosen, mapping, preview).await {
                    Ok(report) if report.saved => Stage::Saved(report),
                    Ok(report) => Stage::Read(report),
                    Err(ApiError::Server(ErrorBody { fields, .. }))
                        if fields.len() == 1 && fields[0].field == "file" =>
                    {
                        Stage::Unreadable(fields[0].code)
                    }
                    Err(e) => Stage::Failed(e),
                },
            );
        });
    };
    let choose = move |ev: leptos::ev::Event| {
        let chosen = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        file.set_value(chosen);
        send(None, true);
    };
    view! {
        <h1>{t!(i18n, register.title)}</h1>
        <p class="hint">{t!(i18n, register.intro)}</p>
        <div class="field">
            <label for="register-file">{t!(i18n, register.choose)}</label>
            <p class="hint">{t!(i18n, register.choose_hint)}</p>
            <input
                id="register-file"
                type="file"
                accept=".xlsx,.xls,.ods,.csv,.txt,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                on:change=choose
            />
        </div>
        <div aria-live="polite">
            {move || match stage.get() {
                Stage::Idle => ().into_any(),
                Stage::Reading => view! { <p class="loading">{t!(i18n, register.reading)}</p> }.into_any(),
                Stage::Unreadable(code) => {
                    let text = move || match code {
                        FieldCode::Required => t_string!(i18n, register.empty_file),
                        FieldCode::TooLong => t_string!(i18n, register.too_many_rows),
                        _ => t_string!(i18n, register.unreadable),
                    };
                    view! { <p class="error" role="alert">{text}</p> }.into_any()
                }
                Stage::Failed(e) => view! { <ErrorNotice error=e /> }.into_any(),
                Stage::Read(report) => view! {
                    <Report report=report.clone() remap=move |m| send(Some(m), true) />
                    <Confirm report on_confirm=move |m| send(Some(m), false) />
                }
                    .into_any(),
                Stage::Saved(report) => {
                    let ward = code.get_untracked().unwrap_or_default();
                    view! {
                        <div class="ok" role="status">
                            <p>
                                {t!(
                                    i18n, register.saved, people = report.residents_new, households = report
                                    .households_new
                                )}
                            </p>
                            <p><A href=Route::Dashboard(ward).path()>{t!(i18n, register.to_dashboard)}</A></p>
                        </div>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}

/// How the file was read, the columns matched to fields, and every row's outcome.
#[component]
fn Report(
    report: RegisterImport,
    remap: impl Fn(ColumnMapping) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let mapping = report.mapping;
    let how_read = match &report.encoding {
        Some(encoding) => t_string!(
            i18n,
            register.read_csv,
            encoding = encoding.clone(),
            line = report.header_line
        )
        .to_string(),
        None => t_string!(
            i18n,
            register.read_workbook,
            format = report.format.clone(),
            line = report.header_line
        )
        .to_string(),
    };
    let ignored = report.ignored_id_columns.join(", ");
    let problem_of = |field: &str| -> Option<FieldError> {
        let path = format!("mapping.{field}");
        report
            .mapping_problems
            .iter()
            .find(|p| p.field == path)
            .cloned()
    };
    let fields = mapping.fields().map(|(field, column)| {
        let problem = problem_of(field);
        let id = format!("map-{field}");
        let options = report.columns.clone();
        let change = move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            let mut m = mapping;
            m.set(field, value.parse().ok());
            remap(m);
        };
        view! {
            <div class="field">
                <label for=id.clone()>{field_label(field)}</label>
                <select id=id on:change=change>
                    <option value="" selected=column.is_none()>{t!(i18n, register.no_column)}</option>
                    {options
                        .into_iter()
                        .map(|c| {
                            view! {
                                <option value=c.index.to_string() selected=column == Some(c.index)>
                                    {column_option(&c)}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                {problem.map(|p| {
                    let text = if p.field == "mapping.head_name" && p.code == FieldCode::Required {
                        t_string!(i18n, register.head_or_relation)
                    } else {
                        field_message(p.code)()
                    };
                    view! { <p class="field-error" role="alert">{text}</p> }
                })}
            </div>
        }
    });
    let count = |outcome: RowOutcome| report.rows.iter().filter(|r| r.outcome == outcome).count();
    let (existing, repeated, invalid) = (
        count(RowOutcome::Existing),
        count(RowOutcome::Repeated),
        count(RowOutcome::Invalid),
    );
    let mut noted: Vec<ImportRow> = report
        .rows
        .iter()
        .filter(|r| r.outcome != RowOutcome::New)
        .cloned()
        .collect();
    noted.sort_by_key(|r| (r.outcome != RowOutcome::Invalid, r.line));
    let new_rows: Vec<ImportRow> = report
        .rows
        .iter()
        .filter(|r| r.outcome == RowOutcome::New)
        .cloned()
        .collect();
    let mapped = report.mapping_problems.is_empty();
    view! {
        <section class="register-report" aria-labelledby="mapping-title">
            <p class="muted">{how_read}</p>
            {(!ignored.is_empty())
                .then(|| view! { <p class="note">{t!(i18n, register.id_columns, list = ignored.clone())}</p> })}
            <h2 id="mapping-title">{t!(i18n, register.mapping_title)}</h2>
            <p class="hint">{t!(i18n, register.mapping_hint)}</p>
            <div class="mapping">{fields.into_iter().collect_view()}</div>
            {mapped.then(|| view! {
                <h2>{t!(i18n, register.rows_title)}</h2>
                <ul class="summary">
                    <li>{t!(i18n, register.households_new, n = report.households_new)}</li>
                    <li>{t!(i18n, register.residents_new, n = report.residents_new)}</li>
                    <li>{t!(i18n, register.existing, n = existing)}</li>
                    <li>{t!(i18n, register.repeated, n = repeated)}</li>
                    <li class:error={invalid > 0}>{t!(i18n, register.invalid, n = invalid)}</li>
                </ul>
                {(!noted.is_empty()).then(|| view! { <RowTable rows=noted.clone() /> })}
                {(!new_rows.is_empty()).then(|| view! {
                    <details>
                        <summary>{t!(i18n, register.show_new, n = new_rows.len())}</summary>
                        <RowTable rows=new_rows.clone() />
                    </details>
                })}
            })}
        </section>
    }
}

#[component]
fn RowTable(rows: Vec<ImportRow>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <TableFrame label=words(|i18n| t_string!(i18n, register.rows_title))>
            <table class="import-rows">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, register.line)}</th>
                        <th scope="col">{t!(i18n, register.field_full_name)}</th>
                        <th scope="col">{t!(i18n, register.field_birth_year)}</th>
                        <th scope="col">{t!(i18n, register.household)}</th>
                        <th scope="col">{t!(i18n, register.outcome)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .map(|r| {
                            let household = [r.tdp_code.clone().unwrap_or_default(), r.address.clone(), r.head_name.clone()]
                                .into_iter()
                                .filter(|s| !s.is_empty())
                                .collect::<Vec<_>>()
                                .join(" · ");
                            let invalid = r.outcome == RowOutcome::Invalid;
                            view! {
                                <tr class:invalid=invalid>
                                    <td>{r.line}</td>
                                    <td>{r.full_name.clone()}</td>
                                    <td>{r.birth_year.map(|y| y.to_string()).unwrap_or_default()}</td>
                                    <td>{household}</td>
                                    <td>
                                        {row_outcome_name(r.outcome)}
                                        {r.same_as.map(|line| view! { " " {t!(i18n, register.same_as, line = line)} })}
                                        {(!r.problems.is_empty()).then(|| view! {
                                            <ul class="problems">
                                                {r.problems
                                                    .iter()
                                                    .map(|p| view! { <li>{field_label(&p.field)} ": " {field_message(p.code)}</li> })
                                                    .collect_view()}
                                            </ul>
                                        })}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </TableFrame>
    }
}

/// The one button that saves: only for a file every row of which can be imported.
#[component]
fn Confirm(
    report: RegisterImport,
    on_confirm: impl Fn(ColumnMapping) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let invalid = report.rows.iter().any(|r| r.outcome == RowOutcome::Invalid);
    let mapping = report.mapping;
    if !report.mapping_problems.is_empty() {
        return view! { <p class="muted">{t!(i18n, register.finish_mapping)}</p> }.into_any();
    }
    if invalid {
        return view! { <p class="error" role="alert">{t!(i18n, register.fix_first)}</p> }
            .into_any();
    }
    if report.residents_new == 0 {
        return view! { <p class="ok">{t!(i18n, register.nothing_new)}</p> }.into_any();
    }
    view! {
        <button type="button" class="button primary" on:click=move |_| on_confirm(mapping)>
            {t!(i18n, register.confirm, people = report.residents_new, households = report.households_new)}
        </button>
    }
    .into_any()
}
