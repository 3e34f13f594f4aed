//! Pieces more than one page uses: the frame around every page, form fields, figures against
//! targets, a skills catalogue with its targets, list items, the resident picker and the ward map's drawing. (The words for enums
//! are in `labels`, dates and figures as text in `format`, the app-wide contexts in
//! `contexts`.)

mod catalogue;
mod deck;
mod duplicates;
mod edits;
mod fields;
mod figures;
mod layout;
mod lists;
mod pickers;
mod ward_map;
mod ward_tiles;

pub use catalogue::*;
pub use deck::*;
pub use duplicates::*;
pub use edits::*;
pub use fields::*;
pub use figures::*;
pub use layout::*;
pub use lists::*;
pub use pickers::*;
pub use ward_map::*;
pub use ward_tiles::*;
