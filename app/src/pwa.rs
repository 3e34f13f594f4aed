//! The installed app: registers the service worker (Workbox's, generated at build time), and
//! offers a new version when one is waiting rather than swapping it in under a half-filled
//! form.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ServiceWorker, ServiceWorkerRegistration, ServiceWorkerState};

use crate::i18n::{t, use_i18n};

/// Registers `/sw.js`; `waiting` gets the new version's worker once it is installed and
/// waiting to take over.
fn register(waiting: RwSignal<Option<ServiceWorker>, LocalStorage>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    // The page reloads once the new version has taken over, so everything on it is new.
    let reload = Closure::<dyn Fn()>::new(|| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().reload();
        }
    });
    container.set_oncontrollerchange(Some(reload.as_ref().unchecked_ref()));
    reload.forget();
    let registering = container.register("/sw.js");
    spawn_local(async move {
        let Ok(registration) = JsFuture::from(registering).await else {
            return;
        };
        let registration: ServiceWorkerRegistration = registration.unchecked_into();
        let first_install = container.controller().is_none();
        if !first_install && let Some(worker) = registration.waiting() {
            waiting.set(Some(worker));
        }
        let found = {
            let registration = registration.clone();
            Closure::<dyn Fn()>::new(move || {
                let Some(worker) = registration.installing() else {
                    return;
                };
                let watched = worker.clone();
                let installed = Closure::<dyn Fn()>::new(move || {
                    let has_controller = web_sys::window()
                        .is_some_and(|w| w.navigator().service_worker().controller().is_some());
                    if watched.state() == ServiceWorkerState::Installed && has_controller {
                        waiting.set(Some(watched.clone()));
                    }
                });
                worker.set_onstatechange(Some(installed.as_ref().unchecked_ref()));
                installed.forget();
            })
        };
        registration.set_onupdatefound(Some(found.as_ref().unchecked_ref()));
        found.forget();
    });
}

/// "A new version is ready — reload", shown when one is waiting.
#[component]
pub fn UpdateOffer() -> impl IntoView {
    let i18n = use_i18n();
    let waiting = RwSignal::new_local(None::<ServiceWorker>);
    register(waiting);
    let update = move |_| {
        if let Some(worker) = waiting.get_untracked() {
            // Workbox's worker takes over when told to skip waiting.
            let message = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&message, &"type".into(), &"SKIP_WAITING".into());
            let _ = worker.post_message(&message);
        }
    };
    view! {
        <Show when=move || waiting.with(Option::is_some)>
            <div class="update" role="status">
                <span>{t!(i18n, pwa.update_ready)}</span>
                <button type="button" class="button primary" on:click=update>
                    {t!(i18n, pwa.reload)}
                </button>
            </div>
        </Show>
    }
}
