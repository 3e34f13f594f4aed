//! Working without signal. Every change made at a door (a household, a resident, a visit, a
//! visit voided) goes first to the outbox in the phone's own database, with an id made here
//! (UUIDv7) and the phone's clock; the sync then pushes the outbox to the server in batches
//! and pulls what changed in the person's TDPs. It runs when the app starts, when the signal
//! comes back, every minute, and after each change — never relying on the Background Sync
//! API, which only Chromium has. Until the server has them, the pages show the phone's
//! changes over what it keeps (`local`).
//!
//! The server takes a change once however often it is sent (its id is the key), so a sync cut
//! off half way is simply run again.

mod engine;
pub mod local;
pub mod store;

use chrono::{DateTime, Utc};
use domain::api::{
    ChangeBatch, FieldChange, Me, OutboxChange, OutboxVisit, SyncStatus, VisitCorrection,
};
use domain::{ErrorBody, ErrorCode, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::api::{self, ApiError};
use crate::session::Session;
use store::{Change, OUTBOX};

/// Changes sent per request: small enough for a weak 3G link to carry in a few seconds.
const BATCH: usize = 100;
const EVERY: std::time::Duration = std::time::Duration::from_secs(60);
const LAST_SYNC: &str = "last_sync";

/// A change made on this phone that the server has not taken yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "KeptEntry")]
pub struct OutboxEntry {
    pub ward: i32,
    pub change: OutboxChange,
    /// Why the server did not take it; `None` while it waits to be sent.
    pub problem: Option<Problem>,
}

impl OutboxEntry {
    pub fn id(&self) -> Uuid {
        self.change.id
    }
}

/// An entry as the phone's database may hold it: app versions before the outbox took every
/// kind of change kept visits only, and a phone may still hold some after the update.
#[derive(Deserialize)]
#[serde(untagged)]
enum KeptEntry {
    Change {
        ward: i32,
        change: OutboxChange,
        problem: Option<Problem>,
    },
    Visit {
        ward: i32,
        item: OutboxVisit,
        problem: Option<Problem>,
    },
}

impl From<KeptEntry> for OutboxEntry {
    fn from(kept: KeptEntry) -> Self {
        match kept {
            KeptEntry::Change {
                ward,
                change,
                problem,
            } => Self {
                ward,
                change,
                problem,
            },
            KeptEntry::Visit {
                ward,
                item,
                problem,
            } => Self {
                ward,
                change: OutboxChange {
                    id: item.visit.id.unwrap_or_default(),
                    made_at: item.recorded_at,
                    change: FieldChange::Visit(item.visit),
                },
                problem,
            },
        }
    }
}

/// What the server answered for a change it did not take. Such a change is not sent again by
/// itself: the person retries it or lets it go.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Problem {
    /// The form's content is wrong (a volunteer no longer on the team, say).
    Invalid(Vec<FieldError>),
    /// The household is not in the person's TDPs any more.
    Refused,
    /// The id was already used for other content; the server keeps this copy for the team
    /// leader to resolve.
    Conflict,
}

impl Problem {
    /// What a form shows for its change the server did not take.
    fn error(self) -> ApiError {
        ApiError::Server(match self {
            Self::Invalid(fields) => ErrorBody::validation(fields),
            Self::Refused => ErrorBody::new(ErrorCode::Forbidden),
            Self::Conflict => ErrorBody::new(ErrorCode::Conflict),
        })
    }
}

/// Waits `ms` milliseconds without holding up the page.
async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The phone's clock now: the one place the app reads it.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

/// How the sync stands, for the badge and the sync page.
#[derive(Clone, Copy)]
pub struct SyncState {
    session: Session,
    /// Waiting to be sent (problems not included).
    pub unsent: RwSignal<usize>,
    pub problems: RwSignal<Vec<OutboxEntry>>,
    pub last_sync: RwSignal<Option<DateTime<Utc>>>,
    pub running: RwSignal<bool>,
    /// Counts up whenever the server takes changes from this phone, so pages showing them
    /// read them again.
    pub sent: RwSignal<usize>,
    /// The last attempt could not reach the server.
    pub offline: RwSignal<bool>,
    /// Asked to run while running: one more round when this one ends.
    again: StoredValue<bool>,
}

pub fn use_sync() -> SyncState {
    expect_context()
}

/// What became of a change a form saved.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Saved {
    /// The server has it.
    Sent,
    /// On the phone, to be sent when the server can be reached.
    Queued,
}

impl SyncState {
    pub fn provide(session: Session) -> Self {
        let sync = Self {
            session,
            unsent: RwSignal::new(0),
            problems: RwSignal::new(Vec::new()),
            last_sync: RwSignal::new(None),
            running: RwSignal::new(false),
            sent: RwSignal::new(0),
            offline: RwSignal::new(false),
            again: StoredValue::new(false),
        };
        provide_context(sync);
        // On start and after each sign-in: what the phone holds first, for the badge, then a
        // round. Nobody signed in has nothing to sync, so a new visitor never fetches its code.
        Effect::new(move |_| {
            if session.me.with(|me| matches!(me, Some(Some(_)))) {
                spawn_local(async move {
                    sync.refresh().await;
                    sync.run().await;
                });
            }
        });
        let _ = window_event_listener(leptos::ev::online, move |_| sync.start());
        let _ = set_interval_with_handle(move || sync.start(), EVERY);
        sync
    }

    fn signed_in(&self) -> bool {
        self.session
            .me
            .with_untracked(|me| matches!(me, Some(Some(_))))
    }

    /// Starts a sync in the background.
    pub fn start(self) {
        if self.signed_in() {
            spawn_local(self.run());
        }
    }

    /// Pushes the outbox, then pulls what changed. Returns at once if a sync is running
    /// already (which then runs once more).
    pub async fn run(self) {
        if self.running.get_untracked() {
            self.again.set_value(true);
            return;
        }
        self.running.set(true);
        loop {
            self.again.set_value(false);
            match self.round().await {
                Ok(at) => {
                    self.last_sync.set(Some(at));
                    self.offline.set(false);
                }
                Err(ApiError::Network) => self.offline.set(true),
                // The server's own trouble (or an ended session, which the session dialog
                // handles, or an answer this copy of the app cannot read): the next round
                // tries again.
                Err(ApiError::Server(_) | ApiError::Decode) => self.offline.set(false),
            }
            self.refresh().await;
            if !self.again.get_value() || !self.signed_in() {
                break;
            }
        }
        self.running.set(false);
    }

    /// Says when it ended, if it did.
    async fn round(&self) -> Result<DateTime<Utc>, ApiError> {
        let mut wards: Vec<i32> = self.session.me.with_untracked(|me| {
            me.as_ref()
                .and_then(Option::as_ref)
                .map(|me| me.grants.iter().map(|g| g.ward_code).collect())
                .unwrap_or_default()
        });
        wards.sort_unstable();
        wards.dedup();
        // Its code not fetched (no signal, and no copy yet) is one more round without signal.
        let (taken, done) = engine::round(wards)
            .await
            .map_err(|_| ApiError::Network)?
            .await;
        if taken > 0 {
            self.sent.update(|s| *s += taken);
        }
        done
    }

    /// Reads the outbox again for the badge and the problem list.
    pub async fn refresh(&self) {
        // Its code not fetched: the badge stays as it was until the next round.
        let Ok(read) = engine::outbox().await else {
            return;
        };
        let outbox = read.await;
        self.unsent.set(outbox.unsent);
        self.problems.set(outbox.problems);
        if outbox.last_sync.is_some() {
            self.last_sync.set(outbox.last_sync);
        }
    }

    /// Saves a change from a form, under `id`: to the outbox first, then straight to the
    /// server if it can be reached. What the server refuses comes back to the form, field
    /// errors next to their fields (and the change leaves the outbox, since the form still
    /// holds it); kept on the phone, it is `Queued`.
    pub async fn save(self, ward: i32, id: Uuid, change: FieldChange) -> Result<Saved, ApiError> {
        let entry = OutboxEntry {
            ward,
            change: OutboxChange {
                id,
                made_at: now(),
                change,
            },
            problem: None,
        };
        let key = id.to_string();
        let saved = Change::put(OUTBOX, &key, &entry);
        if store::write(saved.into_iter().collect()).await.is_err() {
            // No database on this phone (private browsing, say): straight to the server.
            let batch = ChangeBatch {
                sent_at: now(),
                changes: vec![entry.change],
            };
            let outcome = api::sync_outbox(ward, &batch)
                .await?
                .pop()
                .ok_or(ApiError::Decode)?;
            return match outcome.status {
                SyncStatus::Stored | SyncStatus::AlreadyStored => Ok(Saved::Sent),
                SyncStatus::Invalid | SyncStatus::Waiting => {
                    Err(Problem::Invalid(outcome.fields).error())
                }
                SyncStatus::Refused => Err(Problem::Refused.error()),
                SyncStatus::Conflict => Err(Problem::Conflict.error()),
            };
        }
        self.refresh().await;
        self.run().await;
        // A sync already running when this was saved takes it in one more round.
        self.settled().await;
        match store::get::<OutboxEntry>(OUTBOX, &key).await {
            Ok(None) => Ok(Saved::Sent),
            Ok(Some(OutboxEntry {
                problem: Some(problem @ (Problem::Invalid(_) | Problem::Refused)),
                ..
            })) => {
                let _ = store::write(vec![Change::Delete(OUTBOX, key)]).await;
                self.refresh().await;
                Err(problem.error())
            }
            // A conflict stays on the sync page: the server kept its copy for the team leader.
            _ => Ok(Saved::Queued),
        }
    }

    /// Waits for the sync running now, and the round it owes, to end; at most a minute.
    async fn settled(self) {
        for _ in 0..600 {
            if !self.running.get_untracked() {
                return;
            }
            pause(100).await;
        }
    }

    /// Sends a change with a problem again.
    pub fn retry(self, entry: OutboxEntry) {
        spawn_local(async move {
            let id = entry.id();
            let entry = OutboxEntry {
                problem: None,
                ..entry
            };
            if let Ok(change) = Change::put(OUTBOX, id, &entry) {
                let _ = store::write(vec![change]).await;
            }
            self.run().await;
        });
    }

    /// Lets a change with a problem go, on the person's word.
    pub fn discard(self, entry: OutboxEntry) {
        spawn_local(async move {
            let _ = store::write(vec![Change::Delete(OUTBOX, entry.id().to_string())]).await;
            self.refresh().await;
        });
    }

    /// The change a page's `?gui-lai=` names, which the server sent back: the page's form
    /// opens filled in with it (`kind` takes what that form edits) and saves it again under
    /// its id. `None` once it was sent again or let go, or for a change of another kind.
    pub async fn sent_back<T>(
        query: Option<String>,
        kind: impl FnOnce(Uuid, FieldChange) -> Option<T>,
    ) -> Option<T> {
        let id = query?.parse::<Uuid>().ok()?;
        let entry: OutboxEntry = store::get(OUTBOX, &id.to_string()).await.ok().flatten()?;
        kind(id, entry.change.change)
    }

    /// Visits of this household still on the phone, newest first.
    pub async fn pending_for(household: Uuid) -> Vec<domain::api::NewVisit> {
        let mut entries: Vec<OutboxEntry> = store::all(OUTBOX).await.unwrap_or_default();
        entries.sort_by_key(|e| std::cmp::Reverse(e.change.made_at));
        entries
            .into_iter()
            .filter_map(|e| match e.change.change {
                FieldChange::Visit(v)
                | FieldChange::CorrectVisit(VisitCorrection { visit: v, .. })
                    if v.household_id == household =>
                {
                    Some(v)
                }
                _ => None,
            })
            .collect()
    }

    /// Forgets everything on the phone (signing out).
    pub async fn wipe(self) {
        match engine::wipe().await {
            Ok(wipe) => wipe.await,
            // Its code not fetched: nothing of this person may stay on the phone all the same.
            Err(_) => store::delete(),
        }
        self.unsent.set(0);
        self.problems.set(Vec::new());
        self.last_sync.set(None);
    }
}

/// Keeps the signed-in person on the phone, so the app opens offline.
pub async fn remember(me: Me) {
    // Not fetched: the next start remembers.
    if let Ok(remember) = engine::remember(me).await {
        remember.await;
    }
}

/// Who was signed in on this phone, for working without signal.
pub async fn kept_person() -> Option<Me> {
    match engine::person().await {
        Ok(person) => person.await,
        Err(_) => None,
    }
}
