//! Turns the translation catalogue (`locales/*.json`) into the typed `i18n` module: a key
//! missing from a language, or misspelt in a component, fails the build.

use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let cfg = leptos_i18n_build::Config::new("vi")
        .and_then(|c| c.add_locale("en"))
        .expect("the locale list is valid")
        // Lets a translation with values be rendered as a plain string (titles, labels).
        .parse_options(leptos_i18n_build::ParseOptions::new().interpolate_display(true));
    let infos = leptos_i18n_build::TranslationsInfos::parse(cfg).expect("the catalogue parses");
    infos.emit_diagnostics();
    infos.rerun_if_locales_changed();
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    infos
        .generate_i18n_module(out.join("i18n"))
        .expect("the i18n module is written");
}
