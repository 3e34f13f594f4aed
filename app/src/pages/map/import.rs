//! For ward admins, under the map: the boundaries as a GeoJSON file to download, and a file to
//! import, checked and previewed first (which TDPs it matches, which it leaves out, or what is
//! wrong with which feature) and saved only when the admin says so.

use domain::api::BoundaryImport;
use domain::{ErrorBody, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::api::{self, ApiError};
use crate::components::ErrorNotice;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::field_message;

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Idle,
    Checking,
    /// The file is good; saving it is one tap away.
    Previewed(serde_json::Value, BoundaryImport),
    /// What is wrong with the file, feature by feature.
    Refused(Vec<FieldError>),
    Unreadable,
    Failed(ApiError),
    Saved(BoundaryImport),
}

/// "features[3].geometry" → "Đối tượng số 4 (hình)": people count from one.
fn where_in_file(field: &str) -> String {
    let i18n = use_i18n();
    let feature = field
        .strip_prefix("features[")
        .and_then(|rest| rest.split(']').next())
        .and_then(|n| n.parse::<usize>().ok());
    match feature {
        Some(n) if field.ends_with(".properties") => {
            t_string!(i18n, boundaries.feature_tdp, number = n + 1).to_string()
        }
        Some(n) => t_string!(i18n, boundaries.feature_shape, number = n + 1).to_string(),
        None => t_string!(i18n, boundaries.whole_file).to_string(),
    }
}

async fn read_file(input: &web_sys::HtmlInputElement) -> Option<String> {
    let file = input.files()?.get(0)?;
    JsFuture::from(file.text()).await.ok()?.as_string()
}

#[component]
pub fn BoundaryFile(
    ward: i32,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let stage = RwSignal::new(Stage::Idle);
    let check = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        stage.set(Stage::Checking);
        spawn_local(async move {
            let Some(file) = read_file(&input)
                .await
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
            else {
                stage.set(Stage::Unreadable);
                return;
            };
            stage.set(match api::import_boundaries(ward, &file, true).await {
                Ok(report) => Stage::Previewed(file, report),
                Err(ApiError::Server(ErrorBody { fields, .. })) if !fields.is_empty() => {
                    Stage::Refused(fields)
                }
                Err(e) => Stage::Failed(e),
            });
        });
    };
    let save = move |_| {
        let Stage::Previewed(file, _) = stage.get_untracked() else {
            return;
        };
        stage.set(Stage::Checking);
        spawn_local(async move {
            match api::import_boundaries(ward, &file, false).await {
                Ok(report) => {
                    stage.set(Stage::Saved(report));
                    on_saved();
                }
                Err(e) => stage.set(Stage::Failed(e)),
            }
        });
    };
    let report = move |r: &BoundaryImport| {
        let missing = r.missing.join(", ");
        view! {
            <p>{t!(i18n, boundaries.matched, count = r.matched.len())}</p>
            {(!r.missing.is_empty()).then(|| view! { <p class="muted">{t!(i18n, boundaries.missing, list = missing.clone())}</p> })}
        }
    };
    view! {
        <section class="boundary-file" aria-labelledby="boundaries-title">
            <h2 id="boundaries-title">{t!(i18n, boundaries.title)}</h2>
            <p>
                <a href=api::boundaries_file(ward) download=format!("ranh-gioi-{ward}.geojson")>
                    {t!(i18n, boundaries.download)}
                </a>
            </p>
            <div class="field">
                <label for="boundary-file">{t!(i18n, boundaries.choose)}</label>
                <p class="hint">{t!(i18n, boundaries.hint)}</p>
                <input id="boundary-file" type="file" accept=".geojson,.json,application/geo+json,application/json" on:change=check />
            </div>
            <div aria-live="polite">
                {move || match stage.get() {
                    Stage::Idle => ().into_any(),
                    Stage::Checking => view! { <p class="loading">{t!(i18n, boundaries.checking)}</p> }.into_any(),
                    Stage::Unreadable => view! { <p class="error" role="alert">{t!(i18n, boundaries.unreadable)}</p> }.into_any(),
                    Stage::Failed(e) => view! { <ErrorNotice error=e /> }.into_any(),
                    Stage::Refused(fields) => view! {
                        <div class="error-report" role="alert">
                            <p class="error">{t!(i18n, boundaries.refused)}</p>
                            <ul>
                                {fields
                                    .into_iter()
                                    .map(|f| view! { <li>{where_in_file(&f.field)} ": " {field_message(f.code)}</li> })
                                    .collect_view()}
                            </ul>
                        </div>
                    }
                        .into_any(),
                    Stage::Previewed(_, r) => view! {
                        <div class="preview">
                            {report(&r)}
                            <button type="button" class="button primary" on:click=save>{t!(i18n, boundaries.save)}</button>
                        </div>
                    }
                        .into_any(),
                    Stage::Saved(r) => view! {
                        <div class="ok" role="status">
                            <p>{t!(i18n, boundaries.saved)}</p>
                            {report(&r)}
                        </div>
                    }
                        .into_any(),
                }}
            </div>
        </section>
    }
}
