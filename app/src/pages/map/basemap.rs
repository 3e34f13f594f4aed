//! For ward admins, under the map: the tile server the map is drawn over, and its credit.
//! Empty, the map is drawn alone, as it always is without internet.

use domain::api::Basemap;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::components::{FormState, TextField};
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::words;

#[component]
pub fn BasemapForm(ward: i32, on_saved: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let url = RwSignal::new(String::new());
    let credit = RwSignal::new(String::new());
    let saved = RwSignal::new(false);
    let form = FormState::new();
    spawn_local(async move {
        if let Ok(b) = api::basemap(ward).await {
            url.set(b.tile_url.unwrap_or_default());
            credit.set(b.attribution.unwrap_or_default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let given = |s: String| (!s.trim().is_empty()).then_some(s);
        let body = Basemap {
            tile_url: given(url.get_untracked()),
            attribution: given(credit.get_untracked()),
        };
        saved.set(false);
        if form.start(domain::validate::basemap(&body)) {
            spawn_local(async move {
                if form.finish(api::set_basemap(ward, &body).await).is_some() {
                    saved.set(true);
                    on_saved();
                }
            });
        }
    };
    view! {
        <h2>{t!(i18n, map.basemap)}</h2>
        <form class="form" on:submit=submit novalidate>
            <TextField
                id="basemap-url"
                label=words(|i18n| t_string!(i18n, map.tile_url))
                hint=words(|i18n| t_string!(i18n, map.tile_url_hint))
                value=url
                error=form.field("tile_url")
            />
            <TextField
                id="basemap-credit"
                label=words(|i18n| t_string!(i18n, map.attribution))
                value=credit
                error=form.field("attribution")
            />
            {form.failure_view()}
            {move || saved.get().then(|| view! { <p class="ok" role="status">{t!(i18n, map.basemap_saved)}</p> })}
            <button type="submit" class="button primary" disabled=form.busy>
                {t!(i18n, map.save_basemap)}
            </button>
        </form>
    }
}
