//! The ward map: every TDP coloured by how far it is from the target of the chosen indicator,
//! drawn as plain SVG, so it works offline and on a projector with no internet; over the
//! streets of the ward's basemap when its admin has chosen a tile server and the tiles load.
//! Drag or pinch to pan, wheel or buttons to zoom; hovering shows a TDP's figures, tapping opens
//! its page for those who may see it.

use std::collections::HashMap;

use domain::access::Action;
use domain::api::{Basemap, Dashboard, TdpIndicators};
use domain::indicators::{COVERAGE_TARGET, Pace, SATISFACTION_TARGET, progress};
use domain::map::{Boundaries, Projection};
use domain::models::Model;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;

mod basemap;
mod import;

use super::{code_param, not_found};
use crate::api;
use crate::components::{MapView, TdpShape, colour, legend_bands, loaded};
use crate::contexts::set_current_ward;
use crate::format::percent;
use crate::i18n::{t, t_string, use_i18n};
use crate::labels::{model_name, skill_name};
use crate::routes::Route;
use crate::session::use_session;

#[component]
pub fn MapPage() -> impl IntoView {
    let code = code_param();
    let session = use_session();
    let data = LocalResource::new(move || {
        let code = code.get();
        async move {
            let code = code.ok_or_else(not_found)?;
            // Figures and boundaries are kept for offline use; the basemap is not needed there.
            let basemap = api::basemap(code).await.unwrap_or_default();
            Ok((
                api::boundaries(code).await?,
                api::dashboard(code).await?,
                basemap,
            ))
        }
    });
    let may_import = move || {
        code.get()
            .is_some_and(|w| session.reach(w, Action::ManageWard).is_ward())
    };
    view! {
        {loaded(data, |(boundaries, dashboard, basemap): (Boundaries, Dashboard, Basemap)| {
            set_current_ward(dashboard.ward.code);
            view! { <WardMap boundaries dashboard basemap /> }
        })}
        {move || {
            may_import()
                .then(|| code.get())
                .flatten()
                .map(|ward| {
                    view! {
                        <import::BoundaryFile ward on_saved=move || data.refetch() />
                        <basemap::BasemapForm ward on_saved=move || data.refetch() />
                    }
                })
        }}
    }
}

/// At most this many basemap tiles along the map's longer side, whatever its zoom: sharp on a
/// PC, few enough to load on a phone.
const TILES_ACROSS: f64 = 4.0;

/// What the map is coloured by.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Indicator {
    Coverage,
    Satisfaction,
    /// One of the movement's models.
    Model(Model),
    /// The dashboard's skill at this index.
    Skill(usize),
}

impl Indicator {
    fn key(self) -> String {
        match self {
            Self::Coverage => "coverage".into(),
            Self::Satisfaction => "satisfaction".into(),
            Self::Model(m) => m.key().into(),
            Self::Skill(i) => format!("skill-{i}"),
        }
    }

    /// The pace its target is judged at on the dashboard's day: a skill's or a model's to its
    /// deadline, the others' to the year's end.
    fn pace(self, dashboard: &Dashboard) -> Pace {
        let on = domain::time::day(dashboard.computed_at);
        match self {
            Self::Skill(i) => dashboard
                .skills
                .get(i)
                .map_or_else(|| Pace::this_year(on), |s| Pace::to(s.deadline, on)),
            Self::Model(m) => m.pace(&dashboard.models, on),
            Self::Coverage | Self::Satisfaction => Pace::this_year(on),
        }
    }

    /// The share shown and its target, in percent.
    fn share(self, figures: &TdpIndicators, dashboard: &Dashboard) -> (Option<f64>, f64) {
        match self {
            Self::Coverage => (figures.visit_coverage, COVERAGE_TARGET),
            Self::Satisfaction => (figures.satisfaction.map(|s| s * 20.0), SATISFACTION_TARGET),
            Self::Model(m) => (m.figure(&figures.models).share, m.target(&dashboard.models)),
            Self::Skill(i) => (
                figures.skills.get(i).and_then(|f| f.share),
                dashboard.skills.get(i).map_or(100.0, |s| s.target_percent),
            ),
        }
    }
}

/// How tall a TDP's number is on the screen, in CSS pixels: readable on a phone.
const LABEL_PX: f64 = 14.0;

#[component]
fn WardMap(boundaries: Boundaries, dashboard: Dashboard, basemap: Basemap) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let ward = dashboard.ward.code;
    let Some(projection) = Projection::fit(boundaries.features.iter().map(|f| &f.geometry)) else {
        return view! {
            <h1>{t!(i18n, map.title)}</h1>
            <p>{t!(i18n, map.no_boundaries)}</p>
        }
        .into_any();
    };
    let whole = MapView::whole(&projection);
    let view_box = RwSignal::new(whole);
    let indicator = RwSignal::new(Indicator::Coverage);
    let hovered = RwSignal::new(None::<Uuid>);
    let figures: HashMap<Uuid, TdpIndicators> = dashboard
        .tdps
        .iter()
        .filter_map(|f| f.tdp_id.map(|id| (id, f.clone())))
        .collect();
    let dashboard = StoredValue::new(dashboard);
    let figures = StoredValue::new(figures);

    let fill = move |tdp: Uuid| {
        let chosen = indicator.get();
        figures.with_value(|all| {
            let p = all.get(&tdp).and_then(|f| {
                let (share, target, pace) = dashboard.with_value(|d| {
                    let (share, target) = chosen.share(f, d);
                    (share, target, chosen.pace(d))
                });
                share.map(|s| progress(Some(s), target, pace))
            });
            colour(p)
        })
    };

    // Pan with one pointer, pinch with two; a press that moved is not a tap.
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    let pointers = StoredValue::new(HashMap::<i32, (f64, f64)>::new());
    let moved = StoredValue::new(0.0_f64);
    let units_per_pixel = move || {
        let width = svg_ref
            .get_untracked()
            .map(|svg| svg.get_bounding_client_rect().width())
            .unwrap_or(1.0)
            .max(1.0);
        view_box.get_untracked().w / width
    };
    // The TDPs' numbers stay LABEL_PX tall on the screen at any zoom and on any screen: their
    // size in the drawing's units follows the view and the map's size on the page.
    let resized = RwSignal::new(0u32);
    let on_resize = window_event_listener(leptos::ev::resize, move |_| resized.update(|n| *n += 1));
    on_cleanup(move || on_resize.remove());
    // Measured once the map is on the page, and again after each zoom and resize.
    Effect::new(move |_| {
        resized.track();
        let v = view_box.get();
        let Some(svg) = svg_ref.get() else { return };
        let r = svg.get_bounding_client_rect();
        // The drawing is fitted whole into the box (preserveAspectRatio's default, "meet").
        let units = (v.w / r.width().max(1.0)).max(v.h / r.height().max(1.0));
        // Through the CSSOM: the content security policy refuses style attributes.
        let size = format!("{:.1}px", LABEL_PX * units);
        let _ = svg.style().set_property("--label-size", &size);
    });
    let on_down = move |ev: leptos::ev::PointerEvent| {
        pointers.update_value(|p| {
            p.insert(
                ev.pointer_id(),
                (ev.client_x() as f64, ev.client_y() as f64),
            );
        });
        if pointers.with_value(|p| p.len() == 1) {
            moved.set_value(0.0);
        }
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        let id = ev.pointer_id();
        let now = (ev.client_x() as f64, ev.client_y() as f64);
        let Some(before) = pointers.with_value(|p| p.get(&id).copied()) else {
            return;
        };
        let scale = units_per_pixel();
        let spread = |p: &HashMap<i32, (f64, f64)>| {
            let v: Vec<_> = p.values().collect();
            ((v[0].0 - v[1].0).powi(2) + (v[0].1 - v[1].1).powi(2)).sqrt()
        };
        let two = pointers.with_value(|p| p.len() == 2);
        let spread_before = two.then(|| pointers.with_value(spread));
        pointers.update_value(|p| {
            p.insert(id, now);
        });
        if let Some(before_spread) = spread_before {
            let after = pointers.with_value(spread);
            if after > 0.0 {
                let v = view_box.get_untracked();
                view_box.set(v.zoom(before_spread / after, v.centre()));
            }
        } else {
            let (dx, dy) = (now.0 - before.0, now.1 - before.1);
            moved.update_value(|m| *m += dx.abs() + dy.abs());
            view_box.update(|v| {
                v.x -= dx * scale;
                v.y -= dy * scale;
            });
        }
    };
    let on_up = move |ev: leptos::ev::PointerEvent| {
        pointers.update_value(|p| {
            p.remove(&ev.pointer_id());
        });
    };
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        ev.prevent_default();
        let factor = if ev.delta_y() > 0.0 { 1.25 } else { 0.8 };
        let v = view_box.get_untracked();
        // Around the point under the mouse.
        let centre = svg_ref.get_untracked().map_or(v.centre(), |svg| {
            let r = svg.get_bounding_client_rect();
            (
                v.x + (ev.client_x() as f64 - r.left()) / r.width().max(1.0) * v.w,
                v.y + (ev.client_y() as f64 - r.top()) / r.height().max(1.0) * v.h,
            )
        });
        view_box.set(v.zoom(factor, centre));
    };
    let zoom_by = move |factor: f64| {
        let v = view_box.get_untracked();
        view_box.set(v.zoom(factor, v.centre()));
    };

    // Households with a place, for those who may see them: off at first, since a whole ward is
    // thousands of dots.
    let may_see_households = move || !session.reach(ward, Action::ViewPeople).is_nothing();
    let show_households = RwSignal::new(false);
    let points = LocalResource::new(move || {
        let show = show_households.get();
        async move {
            if show {
                api::household_points(ward).await.unwrap_or_default()
            } else {
                Vec::new()
            }
        }
    });
    let dots = {
        let navigate = navigate.clone();
        move || {
            let radius = view_box.get().w / 150.0;
            points
                .get()
                .unwrap_or_default()
                .into_iter()
                .map(|p| {
                    let (x, y) = projection.point([p.location.lon, p.location.lat]);
                    let navigate = navigate.clone();
                    let open = move |_| {
                        if moved.get_value() < 8.0 {
                            navigate(&Route::Household(p.id).path(), Default::default());
                        }
                    };
                    view! {
                        <circle
                            class=if p.visited { "household visited" } else { "household" }
                            cx=format!("{x:.0}")
                            cy=format!("{y:.0}")
                            r=format!("{radius:.1}")
                            on:click=open
                        />
                    }
                })
                .collect_view()
        }
    };

    let shapes = boundaries
        .features
        .into_iter()
        .map(|f| {
            let id = f.properties.tdp_id;
            let shape = TdpShape {
                path: projection.path(&f.geometry),
                at: projection.label(&f.geometry),
                code: f.properties.code,
                class: "tdp",
            };
            let may_open = move || session.reach(ward, Action::ViewPeople).includes(id);
            let navigate = navigate.clone();
            let tap = move || {
                if moved.get_value() < 8.0 && may_open() {
                    navigate(&Route::Tdp(id).path(), Default::default());
                }
                hovered.set(Some(id));
            };
            shape.pointable(
                id,
                f.properties.name,
                move || fill(id),
                tap,
                move || hovered.set(Some(id)),
            )
        })
        .collect_view();

    // The basemap's tiles for what is in view, each kept while it stays in view.
    let show_tiles = RwSignal::new(basemap.tile_url.is_some());
    let template = StoredValue::new(basemap.tile_url.clone());
    let tiles = move || {
        let v = view_box.get();
        match (show_tiles.get(), template.get_value()) {
            (true, Some(_)) => projection.tiles((v.x, v.y, v.w, v.h), TILES_ACROSS),
            _ => Vec::new(),
        }
    };

    let skill_names: Vec<(usize, String)> = dashboard.with_value(|d| {
        d.skills
            .iter()
            .enumerate()
            .map(|(i, s)| (i, skill_name(s)()))
            .collect()
    });
    let choose = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        indicator.set(match value.as_str() {
            "coverage" => Indicator::Coverage,
            "satisfaction" => Indicator::Satisfaction,
            other => match Model::parse(other) {
                Some(m) => Indicator::Model(m),
                None => other
                    .strip_prefix("skill-")
                    .and_then(|i| i.parse().ok())
                    .map_or(Indicator::Coverage, Indicator::Skill),
            },
        });
    };
    let target = move || {
        let chosen = indicator.get();
        dashboard.with_value(|d| (chosen.share(&d.totals, d).1, chosen.pace(d)))
    };
    let info = move || {
        let id = hovered.get()?;
        let chosen = indicator.get();
        figures.with_value(|all| {
            let f = all.get(&id)?;
            let (share, _) = dashboard.with_value(|d| chosen.share(f, d));
            Some(view! {
                <p class="map-info" role="status">
                    <strong>{f.name.clone()}</strong>
                    {format!(" · {} ", percent(share))}
                    {t!(i18n, map.visited, visited = f.households_visited, registered = f.households_registered)}
                </p>
            })
        })
    };

    view! {
        <h1>{t!(i18n, map.title)}</h1>
        <div class="map-controls">
            <label for="indicator">{t!(i18n, map.indicator)}</label>
            <select id="indicator" on:change=choose prop:value=move || indicator.get().key()>
                <option value="coverage">{t!(i18n, map.coverage)}</option>
                <option value="satisfaction">{t!(i18n, map.satisfaction)}</option>
                {Model::ALL
                    .into_iter()
                    .map(|m| view! { <option value=m.key()>{model_name(m)}</option> })
                    .collect_view()}
                {skill_names
                    .into_iter()
                    .map(|(i, name)| view! { <option value=format!("skill-{i}")>{name}</option> })
                    .collect_view()}
            </select>
        </div>
        <div class="map-frame">
            <svg
                node_ref=svg_ref
                class=move || if show_tiles.get() { "ward-map with-basemap" } else { "ward-map" }
                role="img"
                aria-label=move || t_string!(i18n, map.title)
                viewBox=move || view_box.get().view_box()
                on:pointerdown=on_down
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointercancel=on_up
                on:wheel=on_wheel
            >
                <g class="tiles">
                    <For each=tiles key=|(tile, _)| (tile.z, tile.x, tile.y) let((tile, [x, y, w, h]))>
                        <image
                            href=template.with_value(|t| tile.url(t.as_deref().unwrap_or_default()))
                            x=format!("{x:.1}")
                            y=format!("{y:.1}")
                            width=format!("{w:.1}")
                            height=format!("{h:.1}")
                            preserveAspectRatio="none"
                        />
                    </For>
                </g>
                {shapes}
                {dots}
            </svg>
            <div class="map-zoom">
                <button type="button" class="button" aria-label=move || t_string!(i18n, map.zoom_in) on:click=move |_| zoom_by(0.8)>"+"</button>
                <button type="button" class="button" aria-label=move || t_string!(i18n, map.zoom_out) on:click=move |_| zoom_by(1.25)>"−"</button>
                <button type="button" class="button" on:click=move |_| view_box.set(whole)>{t!(i18n, map.fit)}</button>
            </div>
        </div>
        {info}
        {basemap
            .attribution
            .clone()
            .filter(|_| basemap.tile_url.is_some())
            .map(|credit| {
                view! {
                    <label class="check">
                        <input type="checkbox" bind:checked=show_tiles />
                        {t!(i18n, map.show_basemap)}
                    </label>
                    <Show when=move || show_tiles.get()>
                        <p class="small muted attribution">{t!(i18n, map.basemap_credit, credit = credit.clone())}</p>
                    </Show>
                }
            })}
        <Show when=may_see_households>
            <label class="check">
                <input type="checkbox" bind:checked=show_households />
                {t!(i18n, map.households)}
            </label>
        </Show>
        <ul class="legend" aria-label=move || t_string!(i18n, map.legend)>
            {legend_bands(target)}
            <Show when=move || show_households.get()>
                <li><span class="dot"></span>{t!(i18n, map.household_unvisited)}</li>
                <li><span class="dot visited"></span>{t!(i18n, map.household_visited)}</li>
            </Show>
        </ul>
    }
    .into_any()
}
