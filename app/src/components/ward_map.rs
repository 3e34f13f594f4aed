//! A ward's map drawn as plain SVG: each TDP's shape filled with the colour of its band against
//! a target, labelled with its number, and the legend of those bands. The map page draws it to
//! pan, zoom and tap; the projector draws it still, for a meeting.

use domain::indicators::{Pace, Progress};
use domain::map::Projection;
use leptos::prelude::*;

use crate::i18n::{t, t_string, use_i18n};

/// One TDP on the map: its shape, filled by `fill`, and its number at the shape's label point.
/// The map page names it (`data-tdp`), titles it for hovering and listens to taps; the
/// projector draws it still.
pub struct TdpShape {
    /// The shape as an SVG path, and where its label goes (`Projection::path`, `label`).
    pub path: String,
    pub at: (f64, f64),
    /// The TDP's code; the map shows its number.
    pub code: String,
    pub class: &'static str,
}

impl TdpShape {
    /// The shape, still.
    pub fn view(self, fill: &'static str) -> impl IntoView {
        let number = self.number();
        view! {
            <g class=self.class>
                <path d=self.path fill=fill fill-rule="evenodd" />
                {number}
            </g>
        }
    }

    /// The shape as the map page draws it: filled as `fill` says now, titled `title`, and
    /// telling `tap` and `hover`.
    pub fn pointable(
        self,
        tdp: uuid::Uuid,
        title: String,
        fill: impl Fn() -> &'static str + Send + Sync + 'static,
        tap: impl Fn() + Send + Sync + 'static,
        hover: impl Fn() + Send + Sync + 'static,
    ) -> impl IntoView {
        let number = self.number();
        view! {
            <g class=self.class data-tdp=tdp.to_string()>
                <path d=self.path fill=fill fill-rule="evenodd" on:click=move |_| tap() on:pointerenter=move |_| hover()>
                    <title>{title}</title>
                </path>
                {number}
            </g>
        }
    }

    /// The TDP's number at its label point.
    fn number(&self) -> impl IntoView + use<> {
        let (x, y) = self.at;
        let number = tdp_number(&self.code);
        view! { <text x=format!("{x:.0}") y=format!("{y:.0}") class="tdp-label">{number}</text> }
    }
}

/// A TDP's fill: its band against the target, grey when there is nothing to count yet.
pub fn colour(p: Option<Progress>) -> &'static str {
    match p {
        Some(Progress::Reached) => "#15803d",
        Some(Progress::OnTrack) => "#d97706",
        Some(Progress::Behind) => "#b91c1c",
        None => "#a8a29e",
    }
}

/// The visible part of the drawing, in its units (metres).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapView {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl MapView {
    pub fn zoom(self, factor: f64, (cx, cy): (f64, f64)) -> Self {
        let w = self.w * factor;
        let h = self.h * factor;
        Self {
            x: cx - (cx - self.x) * factor,
            y: cy - (cy - self.y) * factor,
            w,
            h,
        }
    }

    pub fn centre(self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// The whole ward with a margin around it, so that edge labels are not cut off.
    pub fn whole(projection: &Projection) -> Self {
        let margin = projection.width.max(projection.height) * 0.03;
        Self {
            x: -margin,
            y: -margin,
            w: projection.width + 2.0 * margin,
            h: projection.height + 2.0 * margin,
        }
    }

    pub fn view_box(self) -> String {
        format!("{:.1} {:.1} {:.1} {:.1}", self.x, self.y, self.w, self.h)
    }
}

/// The legend's colour bands for an indicator whose target (in percent) is `target`, judged
/// at `pace`: behind below the straight line to the target, on track from it.
pub fn legend_bands(
    target: impl Fn() -> (f64, Pace) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let limit = move || {
        let (target, pace) = target();
        format!("{:.0}", pace.expected(target))
    };
    let whole = move || format!("{:.0}", target().0);
    view! {
        <li><span class="swatch behind"></span>
            {move || t_string!(i18n, map.behind, limit = limit()).to_string()}</li>
        <li><span class="swatch on-track"></span>
            {move || t_string!(i18n, map.on_track, limit = limit(), target = whole()).to_string()}</li>
        <li><span class="swatch reached"></span>
            {move || t_string!(i18n, map.reached, target = whole()).to_string()}</li>
        <li><span class="swatch no-data"></span>{t!(i18n, map.no_data)}</li>
    }
}

/// The number a TDP is labelled with on the map: "07" for "TDP-07".
pub fn tdp_number(code: &str) -> String {
    code.trim_start_matches("TDP-").to_owned()
}
