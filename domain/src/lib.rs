//! Ngõ Số's shared vocabulary.
//!
//! Both the phone (WASM) and the server compile this crate, so a form and the API validate
//! the same way and an indicator is computed by one rule wherever it is shown.

#[macro_use]
mod choice;

pub mod access;
pub mod api;
pub mod campaigns;
pub mod disclosure;
pub mod duplicates;
pub mod edits;
pub mod error;
pub mod indicators;
pub mod map;
pub mod models;
pub mod pages;
pub mod text;
pub mod time;
pub mod validate;

pub use error::{ErrorBody, ErrorCode, FieldCode, FieldError};
