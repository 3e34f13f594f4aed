//! The phone's own database (IndexedDB): what the person keeps to work without signal, and
//! the outbox of what they recorded. Values are kept as JSON text of the API's own types, so
//! a record read back is exactly what the server sent.

use std::cell::RefCell;
use std::rc::Rc;

use idb::builder::{DatabaseBuilder, ObjectStoreBuilder};
use idb::{Database, Query, TransactionMode, TransactionResult};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::JsValue;

const NAME: &str = "ngoso";
// 2 added `briefings`, 3 `activities`, 4 `markets`; opening the database creates the stores
// it lacks.
const VERSION: u32 = 4;

/// `Household`s of the person's team TDPs, by id.
pub const HOUSEHOLDS: &str = "households";
/// `TdpDetail`s of those TDPs, by id.
pub const TDPS: &str = "tdps";
/// A `WardCopy` per ward the person works in, by code.
pub const WARDS: &str = "wards";
/// `OutboxEntry`s: what was recorded on this phone and not yet accepted by the server.
pub const OUTBOX: &str = "outbox";
/// The signed-in person (`Me`), under [`ME`], so the app opens offline.
pub const PERSON: &str = "person";
pub const ME: &str = "me";
/// The last `Briefing` of each ward shown on this device, by code: the projector opens
/// offline with it.
pub const BRIEFINGS: &str = "briefings";

/// `ActivityDetail`s of the person's team TDPs and their wards, by id: attendance is taken
/// offline.
pub const ACTIVITIES: &str = "activities";

/// `Market`s of the wards the phone keeps, as last read online, by id: the 4T steps are ticked
/// at the stalls.
pub const MARKETS: &str = "markets";

const ALL: [&str; 8] = [
    HOUSEHOLDS, TDPS, WARDS, OUTBOX, PERSON, BRIEFINGS, ACTIVITIES, MARKETS,
];

/// Any failure of the phone's database: private browsing, a full disk, a corrupt value.
#[derive(Debug)]
pub struct StoreError;

impl From<idb::Error> for StoreError {
    fn from(_: idb::Error) -> Self {
        Self
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(_: serde_json::Error) -> Self {
        Self
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

thread_local! {
    static OPEN: RefCell<Option<Rc<Database>>> = const { RefCell::new(None) };
}

async fn database() -> Result<Rc<Database>> {
    if let Some(db) = OPEN.with(|o| o.borrow().clone()) {
        return Ok(db);
    }
    let db = Rc::new(
        ALL.iter()
            .fold(DatabaseBuilder::new(NAME).version(VERSION), |b, name| {
                b.add_object_store(ObjectStoreBuilder::new(name))
            })
            .build()
            .await?,
    );
    OPEN.with(|o| *o.borrow_mut() = Some(db.clone()));
    Ok(db)
}

fn encode<T: Serialize>(value: &T) -> Result<JsValue> {
    Ok(JsValue::from_str(&serde_json::to_string(value)?))
}

fn decode<T: DeserializeOwned>(value: JsValue) -> Result<T> {
    let text = value.as_string().ok_or(StoreError)?;
    Ok(serde_json::from_str(&text)?)
}

pub async fn get<T: DeserializeOwned>(store: &str, key: &str) -> Result<Option<T>> {
    let db = database().await?;
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let value = tx.object_store(store)?.get(JsValue::from_str(key))?.await?;
    tx.await?;
    value.map(decode).transpose()
}

pub async fn all<T: DeserializeOwned>(store: &str) -> Result<Vec<T>> {
    let db = database().await?;
    let tx = db.transaction(&[store], TransactionMode::ReadOnly)?;
    let values = tx.object_store(store)?.get_all(None, None)?.await?;
    tx.await?;
    values.into_iter().map(decode).collect()
}

/// One change to a store, for [`write`].
pub enum Change<'a> {
    Put(&'a str, String, JsValue),
    Delete(&'a str, String),
    Clear(&'a str),
}

impl<'a> Change<'a> {
    pub fn put<T: Serialize>(store: &'a str, key: impl ToString, value: &T) -> Result<Self> {
        Ok(Self::Put(store, key.to_string(), encode(value)?))
    }

    fn store(&self) -> &'a str {
        match self {
            Self::Put(s, ..) | Self::Delete(s, _) | Self::Clear(s) => s,
        }
    }
}

/// Applies the changes in one transaction: all of them are kept, or none.
pub async fn write(changes: Vec<Change<'_>>) -> Result<()> {
    if changes.is_empty() {
        return Ok(());
    }
    let mut stores: Vec<&str> = changes.iter().map(Change::store).collect();
    stores.sort_unstable();
    stores.dedup();
    let db = database().await?;
    let tx = db.transaction(&stores, TransactionMode::ReadWrite)?;
    for change in changes {
        let store = tx.object_store(change.store())?;
        // The requests complete with the transaction, which is awaited below.
        match change {
            Change::Put(_, key, value) => {
                store.put(&value, Some(&JsValue::from_str(&key)))?;
            }
            Change::Delete(_, key) => {
                store.delete(Query::from(JsValue::from_str(&key)))?;
            }
            Change::Clear(_) => {
                store.clear()?;
            }
        }
    }
    match tx.commit()?.await? {
        TransactionResult::Committed => Ok(()),
        TransactionResult::Aborted => Err(StoreError),
    }
}

/// Forgets everything this phone kept, the outbox included (signing out).
pub async fn wipe() -> Result<()> {
    write(ALL.iter().map(|s| Change::Clear(s)).collect()).await
}

/// Drops the phone's database whole: signing out when the code that empties it cannot be
/// fetched. This page's own connection closes first, or it would hold the deletion up until
/// the page closes.
pub fn delete() {
    if let Some(db) = OPEN.with(|o| o.borrow_mut().take()) {
        db.close();
    }
    if let Ok(factory) = idb::Factory::new() {
        let _ = factory.delete(NAME);
    }
}
