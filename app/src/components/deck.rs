//! A deck of slides shown one at a time, full screen, for a meeting's projector: a ward's
//! briefing, a province's wards. Keys and presentation clickers: → ↓ Page Down, space and
//! Enter go on; ← ↑ Page Up go back; Home, End; P pauses the automatic advance; F fills the
//! screen. On a phone, swipe. What each slide shows, and keeping it fresh, are the page's.

use std::time::Duration;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::LanguageSwitch;
use crate::i18n::{t, t_string, use_i18n};

/// `slide` draws slide `i` whole, footer included; `titles` name the slides in the list that
/// goes to one, and their count is the deck's.
#[component]
pub fn SlideDeck<T, S>(titles: Vec<T>, slide: S) -> impl IntoView
where
    T: Fn() -> &'static str + Copy + Send + Sync + 'static,
    S: Fn(usize) -> AnyView + Send + Sync + 'static,
{
    let i18n = use_i18n();
    let current = RwSignal::new(0_usize);
    let len = titles.len();
    let last = len - 1;
    let go = move |to: usize| current.set(to.min(last));
    let next = move || current.update(|c| *c = (*c + 1).min(last));
    let previous = move || current.update(|c| *c = c.saturating_sub(1));
    let interval = RwSignal::new(0_u64);
    let paused = RwSignal::new(false);

    // Automatic advance, round and round, while not paused: a one-second tick counts the time
    // a slide has been shown, so a slide turned by hand gets its full time too.
    let shown_for = StoredValue::new(0_u64);
    Effect::new(move |_| {
        current.track();
        shown_for.set_value(0);
    });
    let tick = move || {
        let seconds = interval.get_untracked();
        if seconds == 0 || paused.get_untracked() {
            return;
        }
        shown_for.update_value(|s| *s += 1);
        if shown_for.get_value() >= seconds {
            current.update(|c| *c = (*c + 1) % len);
        }
    };
    if let Ok(handle) = set_interval_with_handle(tick, Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }

    let fullscreen = move || {
        let doc = document();
        if doc.fullscreen_element().is_some() {
            doc.exit_fullscreen();
        } else if let Some(root) = doc.document_element() {
            let _ = root.request_fullscreen();
        }
    };
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.alt_key() || ev.meta_key() {
            return;
        }
        let key = ev.key();
        // On the deck's own buttons and lists these keys already mean something.
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .map(|e| e.tag_name());
        let native = match target.as_deref() {
            Some("SELECT") => key.starts_with("Arrow") || key == " " || key == "Enter",
            Some("BUTTON") => key == " " || key == "Enter",
            _ => false,
        };
        if native {
            return;
        }
        let handled = match key.as_str() {
            "ArrowRight" | "ArrowDown" | "PageDown" | " " | "Enter" => {
                next();
                true
            }
            "ArrowLeft" | "ArrowUp" | "PageUp" | "Backspace" => {
                previous();
                true
            }
            "Home" => {
                go(0);
                true
            }
            "End" => {
                go(last);
                true
            }
            "p" | "P" => {
                paused.update(|p| *p = !*p);
                true
            }
            "f" | "F" => {
                fullscreen();
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    });
    on_cleanup(move || keys.remove());

    // A horizontal swipe turns the page on a phone.
    let swipe_from = StoredValue::new(None::<(i32, i32)>);
    let on_down = move |ev: leptos::ev::PointerEvent| {
        swipe_from.set_value(Some((ev.client_x(), ev.client_y())));
    };
    let on_up = move |ev: leptos::ev::PointerEvent| {
        if let Some((x, y)) = swipe_from.get_value() {
            let (dx, dy) = (ev.client_x() - x, ev.client_y() - y);
            if dx.abs() > 60 && dx.abs() > 2 * dy.abs() {
                if dx < 0 { next() } else { previous() }
            }
        }
        swipe_from.set_value(None);
    };

    view! {
        <div class="deck" on:pointerdown=on_down on:pointerup=on_up>
            <div class="deck-stage" aria-live="polite">{move || slide(current.get())}</div>
            <div class="deck-controls" role="toolbar" aria-label=move || t_string!(i18n, projector.controls)>
                <button type="button" class="button" on:click=move |_| previous()
                    aria-label=move || t_string!(i18n, projector.previous)>"←"</button>
                <label class="visually-hidden" for="deck-go">{t!(i18n, projector.go_to)}</label>
                <select id="deck-go" prop:value=move || current.get().to_string()
                    on:change=move |ev| go(event_target_value(&ev).parse().unwrap_or(0))>
                    {titles.into_iter().enumerate().map(|(i, title)| view! {
                        <option value=i.to_string()>{format!("{}. ", i + 1)}{title}</option>
                    }).collect_view()}
                </select>
                <button type="button" class="button" on:click=move |_| next()
                    aria-label=move || t_string!(i18n, projector.next)>"→"</button>
                <label for="deck-auto">{t!(i18n, projector.auto)}</label>
                <select id="deck-auto" prop:value=move || interval.get().to_string()
                    on:change=move |ev| interval.set(event_target_value(&ev).parse().unwrap_or(0))>
                    <option value="0">{t!(i18n, projector.auto_off)}</option>
                    {[10_u64, 20, 30, 60].into_iter().map(|s| view! {
                        <option value=s.to_string()>{t!(i18n, projector.seconds, s = s)}</option>
                    }).collect_view()}
                </select>
                <Show when=move || { interval.get() > 0 }>
                    <button type="button" class="button" aria-pressed=move || paused.get().to_string()
                        on:click=move |_| paused.update(|p| *p = !*p)>
                        {move || if paused.get() { t_string!(i18n, projector.resume) } else { t_string!(i18n, projector.pause) }}
                    </button>
                </Show>
                <button type="button" class="button" on:click=move |_| fullscreen()>
                    {t!(i18n, projector.fullscreen)}
                </button>
                <LanguageSwitch />
            </div>
        </div>
    }
}
