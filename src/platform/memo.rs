//! A bounded per-instance memo of reads whose data no longer changes — a finished import's owners, accounts,
//! first transaction pages and analysis — so a page opened again, or read again after each action taken on it,
//! skips those statements. A key names the kind of value, its id and its version (for an import, when it
//! finished), and the caller checks on every read, against the row it reads anyway, that the data is still
//! there (not erased); so a stale entry is never served, by this instance or after another changed the row.
//! Values are type-erased so the platform does not depend on the areas that keep them. Entries older than the
//! time to live are dropped (swept every minute), so data erased elsewhere does not linger in memory.

use quick_cache::sync::Cache;
use std::any::Any;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemoKey {
    pub kind: &'static str,
    pub id: i64,
    pub version: i64,
}

#[derive(Clone)]
struct Entry {
    value: Arc<dyn Any + Send + Sync>,
    stored_at: Instant,
}

pub struct Memo {
    /// `None` when the memo is off (no entries allowed).
    entries: Option<Cache<MemoKey, Entry>>,
    time_to_live: Duration,
}

impl Memo {
    pub fn new(capacity: usize, time_to_live: Duration) -> Self {
        Self { entries: (capacity > 0).then(|| Cache::new(capacity)), time_to_live }
    }

    /// The value kept under `key`, if it is there, fresh, and a `T`.
    pub fn get<T: Any + Send + Sync>(&self, key: &MemoKey) -> Option<Arc<T>> {
        let entries = self.entries.as_ref()?;
        let entry = entries.get(key)?;
        if entry.stored_at.elapsed() > self.time_to_live {
            entries.remove(key);
            return None;
        }
        entry.value.downcast::<T>().ok()
    }

    pub fn insert<T: Any + Send + Sync>(&self, key: MemoKey, value: Arc<T>) {
        if let Some(entries) = &self.entries {
            entries.insert(key, Entry { value, stored_at: Instant::now() });
        }
    }

    /// Drops every version kept of `kind` `id` (the data was erased here).
    pub fn forget(&self, kind: &'static str, id: i64) {
        if let Some(entries) = &self.entries {
            entries.retain(|k, _| !(k.kind == kind && k.id == id));
        }
    }

    /// Drops the entries older than the time to live.
    pub fn sweep(&self) {
        if let Some(entries) = &self.entries {
            entries.retain(|_, e| e.stored_at.elapsed() <= self.time_to_live);
        }
    }

    pub fn len(&self) -> usize {
        self.entries.as_ref().map_or(0, Cache::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KIND: &str = "test.rows";

    fn key(id: i64, version: i64) -> MemoKey {
        MemoKey { kind: KIND, id, version }
    }

    #[test]
    fn a_value_is_served_under_its_own_key_and_type_only() {
        let memo = Memo::new(8, Duration::from_secs(60));
        memo.insert(key(1, 10), Arc::new(vec![1u8, 2, 3]));
        assert_eq!(memo.get::<Vec<u8>>(&key(1, 10)).as_deref(), Some(&vec![1, 2, 3]));
        assert!(memo.get::<Vec<u8>>(&key(1, 11)).is_none(), "another version is another entry");
        assert!(memo.get::<Vec<u8>>(&key(2, 10)).is_none());
        assert!(memo.get::<String>(&key(1, 10)).is_none(), "a value of another type is not served");
    }

    #[test]
    fn forgetting_an_id_drops_all_its_versions_and_nothing_else() {
        let memo = Memo::new(8, Duration::from_secs(60));
        memo.insert(key(1, 10), Arc::new(1u32));
        memo.insert(key(1, 11), Arc::new(2u32));
        memo.insert(key(2, 10), Arc::new(3u32));
        memo.forget(KIND, 1);
        assert!(memo.get::<u32>(&key(1, 10)).is_none() && memo.get::<u32>(&key(1, 11)).is_none());
        assert_eq!(memo.get::<u32>(&key(2, 10)).as_deref(), Some(&3));
        assert_eq!(memo.len(), 1);
    }

    #[test]
    fn entries_past_their_time_to_live_are_neither_served_nor_kept() {
        let memo = Memo::new(8, Duration::ZERO);
        memo.insert(key(1, 10), Arc::new(1u32));
        memo.insert(key(2, 10), Arc::new(2u32));
        std::thread::sleep(Duration::from_millis(2));
        assert!(memo.get::<u32>(&key(1, 10)).is_none());
        memo.sweep();
        assert!(memo.is_empty(), "the sweep drops what was not read again");
    }

    #[test]
    fn a_memo_of_no_entries_keeps_nothing_and_the_capacity_bounds_the_rest() {
        let off = Memo::new(0, Duration::from_secs(60));
        off.insert(key(1, 10), Arc::new(1u32));
        assert!(off.get::<u32>(&key(1, 10)).is_none() && off.is_empty());
        let small = Memo::new(4, Duration::from_secs(60));
        for id in 0..100 {
            small.insert(key(id, 1), Arc::new(id));
        }
        assert!(small.len() <= 4, "held {}", small.len());
    }
}
