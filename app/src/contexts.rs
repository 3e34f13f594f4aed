//! What the app keeps around its pages: the ward being worked in, the pages whose code is
//! being fetched, and the language chosen on this device.

use leptos::prelude::*;

use crate::i18n::Locale;

/// The ward the user is working in, remembered across pages so the menu can link to it.
#[derive(Clone, Copy)]
pub struct CurrentWard(pub RwSignal<Option<i32>>);

pub fn set_current_ward(code: i32) {
    if let Some(CurrentWard(ward)) = use_context::<CurrentWard>()
        && ward.get_untracked() != Some(code)
    {
        ward.set(Some(code));
    }
}

/// How many pages' code is being fetched. The page on screen stays until the next one is
/// ready, and the first time a group of pages opens on a slow connection that takes seconds:
/// meanwhile the frame says so.
#[derive(Clone, Copy)]
pub struct PageFetches(pub RwSignal<u32>);

/// One page's code being fetched, from `start` until dropped (loaded, failed, or the person
/// went elsewhere first).
pub struct PageFetch(Option<RwSignal<u32>>);

impl PageFetch {
    pub fn start() -> Self {
        let count = use_context::<PageFetches>().map(|PageFetches(count)| count);
        if let Some(count) = count {
            count.update(|n| *n += 1);
        }
        Self(count)
    }
}

impl Drop for PageFetch {
    fn drop(&mut self) {
        if let Some(count) = self.0 {
            count.update(|n| *n = n.saturating_sub(1));
        }
    }
}

/// Where the chosen language is remembered on the device.
pub const LOCALE_KEY: &str = "ngo_so_locale";

pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The app speaks Vietnamese first, whatever language the phone's browser prefers; English is
/// one tap away and remembered on the device. (The app's i18n context is given this as its
/// initial locale: leptos_i18n's own cookie would bring a cookie and date library into the
/// bundle, 27 KB brotli, for one value.)
pub fn saved_locale() -> Locale {
    match local_storage()
        .and_then(|s| s.get_item(LOCALE_KEY).ok().flatten())
        .as_deref()
    {
        Some("en") => Locale::en,
        _ => Locale::vi,
    }
}
