//! The API, tested through the real router against a real PostgreSQL: every test gets a fresh
//! database (`#[sqlx::test]`, from `DATABASE_URL`), migrated by the server's own start-up code.
//! Modules mirror the API's resources.

mod accounts;
mod activities;
mod ambassadors;
mod assignments;
mod authorization;
mod backups;
mod boundaries;
mod briefing;
mod campaigns;
mod catalogue;
mod check_ins;
mod common;
mod corrections;
mod duplicates;
mod edits;
mod exports;
mod faults;
mod households;
mod invitations;
mod limits;
mod markets;
mod merges;
mod models;
mod outbox;
mod provinces;
mod register;
mod residents;
mod serving;
mod sessions;
mod sync;
mod system;
mod tdps;
mod tickets;
mod upgrades;
mod visits;
mod wards;
mod weekly;
