//! A province's wards as a grid of tiles, one per ward of the official list: the province's
//! map until it has its wards' boundaries. Each tile is coloured by the share of the ward's
//! households visited against the pace to all of them by the year's end, with the share in
//! words beside the colour; a ward not started yet, or without households, is grey.

use chrono::NaiveDate;
use domain::api::ProvinceWard;
use domain::indicators::{COVERAGE_TARGET, Pace, progress};
use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::{band_class, legend_bands};
use crate::format::percent;
use crate::i18n::{t, t_string, use_i18n};
use crate::routes::Route;

/// `links`: a tile opens its ward's figures (the province's page; not on a projector).
#[component]
pub fn WardTiles(wards: Vec<ProvinceWard>, day: NaiveDate, links: bool) -> impl IntoView {
    let i18n = use_i18n();
    let year = Pace::this_year(day);
    let tiles = wards
        .into_iter()
        .map(|w| {
            let Some(s) = w.standing else {
                return view! {
                    <li class="ward-tile no-data" data-ward=w.code>
                        <span class="tile-name">{w.name}</span>
                        <span class="tile-value">{t!(i18n, province.not_onboarded)}</span>
                    </li>
                }
                .into_any();
            };
            let coverage = s.totals.visit_coverage;
            // As on a ward's map: grey until there is a household to count.
            let band = coverage.map_or("no-data", |c| {
                band_class(progress(Some(c), COVERAGE_TARGET, year))
            });
            let name = if links {
                view! { <A href=Route::Dashboard(w.code).path()>{w.name}</A> }.into_any()
            } else {
                view! { {w.name} }.into_any()
            };
            view! {
                <li class=format!("ward-tile {band}") data-ward=w.code>
                    <span class="tile-name">{name}</span>
                    <span class="tile-value">{percent(coverage)}</span>
                </li>
            }
            .into_any()
        })
        .collect_view();
    view! {
        <ul class="legend" aria-label=move || t_string!(i18n, map.legend)>
            {legend_bands(move || (COVERAGE_TARGET, year))}
        </ul>
        <ul class="ward-tiles">{tiles}</ul>
    }
}
