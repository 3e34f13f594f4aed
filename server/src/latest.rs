//! The latest of something costly to count, kept per key (a ward's dashboard, a province's
//! page), with the turn to count the next one. Readers who find the latest too old while
//! another counts share that count instead of each counting again: on a campaign day every
//! sync moves what a dashboard counts, and its readers would otherwise all count at once.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use tokio::sync::OwnedMutexGuard;

/// When a reader looks at the latest value, which the caller's rule judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// Nobody counts a newer one: the latest serves only if it is current.
    Idle,
    /// Another reader counts a newer one: a recent enough latest answers at once rather than
    /// queue behind that count.
    Counting,
    /// This reader waited behind another's count, which put this value meanwhile.
    Counted,
}

/// The latest value per key, and each key's turn to count the next.
pub struct Latest<K, V>(Mutex<HashMap<K, Slot<V>>>);

struct Slot<V> {
    value: Option<V>,
    /// How many values were put, to tell a value put while a reader waited.
    puts: u64,
    turn: Arc<tokio::sync::Mutex<()>>,
}

impl<V> Default for Slot<V> {
    fn default() -> Self {
        Slot {
            value: None,
            puts: 0,
            turn: Arc::default(),
        }
    }
}

impl<K, V> Default for Latest<K, V> {
    fn default() -> Self {
        Latest(Mutex::default())
    }
}

/// What a reader is given.
pub enum Found<V> {
    /// A value to answer with.
    Kept(V),
    /// None that serves: count the next, holding the key's turn until it is put. `latest` is
    /// the value it replaces, if any, to count from.
    Turn {
        latest: Option<V>,
        turn: OwnedMutexGuard<()>,
    },
}

impl<K: Hash + Eq + Clone, V: Clone> Latest<K, V> {
    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<K, Slot<V>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The latest value of `key`, whatever its age.
    pub fn latest(&self, key: &K) -> Option<V> {
        self.slots().get(key).and_then(|s| s.value.clone())
    }

    /// The latest value of `key` if `serves` says it does, else the turn to count the next:
    /// at once if nobody else counts, else after theirs unless theirs then serves.
    pub async fn find(&self, key: &K, serves: impl Fn(&V, Moment) -> bool) -> Found<V> {
        let (turn, seen) = {
            let mut slots = self.slots();
            let slot = slots.entry(key.clone()).or_default();
            if let Some(v) = slot.value.as_ref().filter(|v| serves(v, Moment::Idle)) {
                return Found::Kept(v.clone());
            }
            match slot.turn.clone().try_lock_owned() {
                Ok(turn) => {
                    return Found::Turn {
                        latest: slot.value.clone(),
                        turn,
                    };
                }
                Err(_) => {
                    if let Some(v) = slot.value.as_ref().filter(|v| serves(v, Moment::Counting)) {
                        return Found::Kept(v.clone());
                    }
                }
            }
            (slot.turn.clone(), slot.puts)
        };
        let turn = turn.lock_owned().await;
        let slots = self.slots();
        let slot = &slots[key];
        match &slot.value {
            Some(v) if slot.puts > seen && serves(v, Moment::Counted) => Found::Kept(v.clone()),
            latest => Found::Turn {
                latest: latest.clone(),
                turn,
            },
        }
    }

    /// Keeps `value` as the latest of `key`; the caller then lets its turn go.
    pub fn put(&self, key: K, value: V) {
        let mut slots = self.slots();
        let slot = slots.entry(key).or_default();
        slot.value = Some(value);
        slot.puts += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value counted at a version; it serves readers of that version or older, and while
    /// another counts, any reader.
    fn serves(wanted: u32) -> impl Fn(&u32, Moment) -> bool {
        move |&v, moment| v >= wanted || moment == Moment::Counting
    }

    fn kept(found: Found<u32>) -> Option<u32> {
        match found {
            Found::Kept(v) => Some(v),
            Found::Turn { .. } => None,
        }
    }

    #[tokio::test]
    async fn readers_share_one_count_and_are_answered_meanwhile() {
        let latest = Latest::<i32, u32>::default();
        // Nothing kept: the first reader counts.
        let Found::Turn { latest: None, turn } = latest.find(&1, serves(1)).await else {
            panic!("nothing was kept")
        };
        latest.put(1, 1);
        drop(turn);
        // Current: kept.
        assert_eq!(kept(latest.find(&1, serves(1)).await), Some(1));
        // Moved and nobody counting: counted again, from the latest.
        let Found::Turn {
            latest: Some(1),
            turn,
        } = latest.find(&1, serves(2)).await
        else {
            panic!("the value moved")
        };
        // Meanwhile another reader is answered at once with the latest.
        assert_eq!(kept(latest.find(&1, serves(2)).await), Some(1));
        drop(turn);
        assert_eq!(latest.latest(&1), Some(1));
    }

    #[tokio::test]
    async fn a_reader_who_waited_takes_the_count_put_meanwhile_if_it_serves() {
        let latest = Arc::new(Latest::<i32, u32>::default());
        let Found::Turn { turn, .. } = latest.find(&1, serves(1)).await else {
            panic!("nothing was kept")
        };
        // Two readers whom nothing kept serves wait; one wants what is being counted, the
        // other something newer still.
        let strict = |wanted: u32| move |&v: &u32, _: Moment| v >= wanted;
        let waiters = [1, 2].map(|wanted| {
            let latest = latest.clone();
            tokio::spawn(async move { kept(latest.find(&1, strict(wanted)).await) })
        });
        tokio::task::yield_now().await;
        latest.put(1, 1);
        drop(turn);
        let [first, second] = waiters;
        assert_eq!(first.await.unwrap(), Some(1));
        assert_eq!(second.await.unwrap(), None);
    }
}
