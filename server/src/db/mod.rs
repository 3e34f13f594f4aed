//! Reads that more than one resource's handlers share, one module per resource. Handlers in
//! `api/` keep their own one-off SQL; what several of them read — a ward, a TDP's households,
//! a dashboard's figures, a week's tickets — lives here, so no handler module imports another.

pub mod accounts;
pub mod activities;
pub mod campaigns;
pub mod dashboard;
pub mod edits;
pub mod households;
pub mod map;
pub mod models;
pub mod provinces;
pub mod residents;
pub mod tdps;
pub mod tickets;
pub mod visits;
pub mod wards;
