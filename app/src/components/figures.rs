//! Figures against targets and the badges that colour them.

use domain::api::{Figure, Poverty, Priority};
use domain::indicators::Progress;
use leptos::prelude::*;

use crate::format::percent;
use crate::i18n::{t, use_i18n};
use crate::labels::progress_name;

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
    view! { <span class=format!("badge {}", band_class(progress))>{progress_name(progress)}</span> }
}

/// A figure's count ("127 / 200") and its share with a bar: the cells every table of
/// figures against targets starts with.
pub fn figure_cells(figure: &Figure) -> impl IntoView + use<> {
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

/// A table of figures' order: the column it is sorted by, and whether ascending. A column's
/// header sorts by it (again: reverses): names and ranks start ascending, figures highest
/// first.
#[derive(Clone, Copy)]
pub struct Sort<C: Copy + 'static> {
    by: RwSignal<(C, bool)>,
    /// The columns read from the top: names, ranks.
    ascending_first: fn(C) -> bool,
}

impl<C: Copy + PartialEq + Send + Sync + 'static> Sort<C> {
    /// Sorted by `first`, ascending.
    pub fn new(first: C, ascending_first: fn(C) -> bool) -> Self {
        Self {
            by: RwSignal::new((first, true)),
            ascending_first,
        }
    }

    /// The column and whether ascending (tracked).
    pub fn get(self) -> (C, bool) {
        self.by.get()
    }

    /// `order` as the table is sorted now: reversed for a descending column.
    pub fn apply(self, ascending: bool, order: std::cmp::Ordering) -> std::cmp::Ordering {
        if ascending { order } else { order.reverse() }
    }

    /// The column's header: a button that sorts by it, with `aria-sort` telling which way.
    pub fn header(self, column: C, label: Box<dyn Fn() -> String + Send + Sync>) -> impl IntoView {
        let by = self.by;
        let ascending_first = self.ascending_first;
        let aria = move || match by.get() {
            (c, true) if c == column => "ascending",
            (c, false) if c == column => "descending",
            _ => "none",
        };
        view! {
            <th scope="col" aria-sort=aria>
                <button
                    type="button"
                    class="sort"
                    on:click=move |_| {
                        by.update(|(c, asc)| {
                            if *c == column {
                                *asc = !*asc;
                            } else {
                                *c = column;
                                *asc = ascending_first(column);
                            }
                        })
                    }
                >
                    {label}
                </button>
            </th>
        }
    }
}

/// One figure as a bar against its target, with the target's line and where it stands: a
/// row of a projector's slide.
pub fn bar_row(
    name: AnyView,
    figure: &Figure,
    target: f64,
    detail: AnyView,
) -> impl IntoView + use<> {
    let share = figure.share.unwrap_or(0.0);
    view! {
        <li class="skill-row">
            <span class="skill-name">{name}</span>
            <span class="bar" role="img" aria-label=format!("{} / {target:.0}%", percent(figure.share))>
                <span
                    class=format!("bar-fill {}", band_class(figure.progress))
                    style:width=format!("{share:.1}%")
                ></span>
                <span class="bar-target" style:left=format!("{target:.1}%")></span>
            </span>
            <span class="skill-share">{percent(figure.share)}</span>
            <span class="skill-target">{detail}</span>
            {(!figure.withheld).then(|| view! { <ProgressBadge progress=figure.progress /> })}
        </li>
    }
}

/// A skill's row of a projector's slide: its figure against its target, due by `deadline`.
pub fn skill_bar_row(
    name: AnyView,
    figure: &Figure,
    target: f64,
    deadline: chrono::NaiveDate,
) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let detail = t!(
        i18n,
        projector.target,
        target = format!("{target:.0}"),
        deadline = crate::format::date(deadline)
    );
    bar_row(name, figure, target, detail.into_any())
}
