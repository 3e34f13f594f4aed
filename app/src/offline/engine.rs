//! The offline engine's own code: everything that reads or writes the phone's database at
//! start-up or in the background (the outbox push, the pull that decodes whatever the phone
//! keeps of a ward, the signed-in person kept for opening offline). It is a WASM chunk of its
//! own, fetched when someone is signed in: a new visitor on the sign-in page never needs it,
//! and the installed app has it in the service worker's copy.
//!
//! Each entry point answers a boxed future, because a split point cannot be `async`; a chunk
//! that cannot be fetched (no signal, and no copy yet) answers `Err`.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use std::collections::HashSet;

use domain::api::{ChangeBatch, Me, SyncStatus};
use wasm_split_helpers::SplitLoaderError;

use super::store::{self, Change, OUTBOX, PERSON};
use super::{BATCH, LAST_SYNC, OutboxEntry, Problem, local, now};
use crate::api::{self, ApiError};

type Later<T> = Result<Pin<Box<dyn Future<Output = T>>>, SplitLoaderError>;

/// Pushes the outbox, then pulls what changed in each ward. Says how many changes the server
/// took, also when a later step failed, and when the round ended.
#[wasm_split_helpers::wasm_split(offline, fallible)]
pub fn round(wards: Vec<i32>) -> Later<(usize, Result<DateTime<Utc>, ApiError>)> {
    Ok(Box::pin(async move {
        let taken = match push().await {
            Ok(taken) => taken,
            Err((taken, e)) => return (taken, Err(e)),
        };
        if let Err(e) = pull(wards).await {
            return (taken, Err(e));
        }
        let at = now();
        if let Ok(change) = Change::put(PERSON, LAST_SYNC, &at) {
            let _ = store::write(vec![change]).await;
        }
        (taken, Ok(at))
    }))
}

/// What the phone holds, for the badge and the sync page.
pub struct Outbox {
    /// Changes waiting to be sent.
    pub unsent: usize,
    /// Changes the server did not take.
    pub problems: Vec<OutboxEntry>,
    pub last_sync: Option<DateTime<Utc>>,
}

#[wasm_split_helpers::wasm_split(offline, fallible)]
pub fn outbox() -> Later<Outbox> {
    Ok(Box::pin(async {
        let entries: Vec<OutboxEntry> = store::all(OUTBOX).await.unwrap_or_default();
        let (problems, unsent): (Vec<_>, Vec<_>) =
            entries.into_iter().partition(|e| e.problem.is_some());
        Outbox {
            unsent: unsent.len(),
            problems,
            last_sync: store::get(PERSON, LAST_SYNC).await.ok().flatten(),
        }
    }))
}

/// Keeps the signed-in person on the phone, so the app opens offline. Another person signing
/// in on the same phone does not see the last one's households, attendees or traders; the
/// outbox stays, to be sent.
#[wasm_split_helpers::wasm_split(offline, fallible)]
pub fn remember(me: Me) -> Later<()> {
    Ok(Box::pin(async move {
        let before = kept_person().await;
        let mut changes = Vec::new();
        if before.is_some_and(|b| b.id != me.id) {
            changes.extend(
                [
                    store::HOUSEHOLDS,
                    store::TDPS,
                    store::WARDS,
                    store::PERSON,
                    store::ACTIVITIES,
                    store::MARKETS,
                ]
                .into_iter()
                .map(Change::Clear),
            );
        }
        if let Ok(change) = Change::put(PERSON, store::ME, &me) {
            changes.push(change);
        }
        let _ = store::write(changes).await;
    }))
}

/// Who was signed in on this phone, for working without signal.
#[wasm_split_helpers::wasm_split(offline, fallible)]
pub fn person() -> Later<Option<Me>> {
    Ok(Box::pin(kept_person()))
}

async fn kept_person() -> Option<Me> {
    store::get::<Me>(PERSON, store::ME).await.ok().flatten()
}

/// Forgets everything this phone kept, the outbox included (signing out).
#[wasm_split_helpers::wasm_split(offline, fallible)]
pub fn wipe() -> Later<()> {
    Ok(Box::pin(async {
        let _ = store::wipe().await;
    }))
}

/// Pulls what changed in each ward since the phone's copy.
async fn pull(wards: Vec<i32>) -> Result<(), ApiError> {
    for ward in wards {
        let since = local::ward_copy(ward).await.map(|c| c.cursor);
        let changes = api::sync_changes(ward, since.as_deref()).await?;
        local::keep(changes).await.map_err(|_| ApiError::Network)?;
        if since.is_none() {
            request_persistence();
        }
    }
    Ok(())
}

/// Pushes the outbox, oldest first, in batches, and keeps the server's answer for each change.
/// Says how many changes the server took, also when a later batch failed.
async fn push() -> Result<usize, (usize, ApiError)> {
    let mut taken = 0;
    let all: Vec<OutboxEntry> = store::all(OUTBOX).await.unwrap_or_default();
    // What the phone itself created and the server has not taken yet: a change that refers to
    // one of these waits for it rather than failing.
    let own: HashSet<_> = all.iter().map(OutboxEntry::id).collect();
    let mut entries = all;
    entries.retain(|e| e.problem.is_none());
    entries.sort_by_key(|e| (e.ward, e.change.made_at));
    for chunk in entries.chunk_by(|a, b| a.ward == b.ward) {
        for batch in chunk.chunks(BATCH) {
            let ward = batch[0].ward;
            let body = ChangeBatch {
                sent_at: now(),
                changes: batch.iter().map(|e| e.change.clone()).collect(),
            };
            let outcomes = api::sync_outbox(ward, &body)
                .await
                .map_err(|e| (taken, e))?;
            let mut changes = Vec::with_capacity(batch.len());
            for (entry, outcome) in batch.iter().zip(outcomes) {
                let problem = match outcome.status {
                    SyncStatus::Stored | SyncStatus::AlreadyStored => {
                        taken += 1;
                        changes.push(Change::Delete(OUTBOX, entry.id().to_string()));
                        continue;
                    }
                    // Sent again next round, once what it refers to is there.
                    SyncStatus::Waiting
                        if entry
                            .change
                            .change
                            .refers_to()
                            .iter()
                            .any(|r| own.contains(r)) =>
                    {
                        continue;
                    }
                    SyncStatus::Invalid | SyncStatus::Waiting => Problem::Invalid(outcome.fields),
                    SyncStatus::Refused => Problem::Refused,
                    SyncStatus::Conflict => Problem::Conflict,
                };
                let kept = OutboxEntry {
                    problem: Some(problem),
                    ..entry.clone()
                };
                if let Ok(change) = Change::put(OUTBOX, entry.id(), &kept) {
                    changes.push(change);
                }
            }
            store::write(changes)
                .await
                .map_err(|_| (taken, ApiError::Network))?;
        }
    }
    Ok(taken)
}

/// Asks the browser not to evict the phone's database when space runs short (it may say no;
/// an installed app usually gets yes).
fn request_persistence() {
    if let Some(window) = web_sys::window() {
        let _ = window.navigator().storage().persist();
    }
}
