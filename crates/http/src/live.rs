//! Sessions kept in memory between requests, so that a reply does not reread and replay its log.
//!
//! The store stays the truth. A kept session is a guess that may lag behind another server on the
//! same database; it is safe because a reply is stored only at the log position the kept session
//! expects, a position another server already filled is refused by the store, and any refusal
//! made on a kept session is checked again on a session freshly rebuilt from the store.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;
use rehearse_core::engine::Session;

use crate::store::CounselorId;

/// A session as this server last saw it.
pub struct Live {
    /// Whose session it is.
    pub owner: CounselorId,
    /// How many events its stored log holds.
    pub logged: usize,
    /// The session, rebuilt from those events.
    pub session: Session,
}

/// One session's place in memory. Its lock is held for a whole request, so requests to one session
/// on this server run one after another; `None` means "rebuild it from the store".
pub type Slot = Arc<tokio::sync::Mutex<Option<Live>>>;

/// The sessions recently used on this server, the least recently used dropped first.
pub struct LiveSessions {
    slots: Mutex<LruCache<String, Slot>>,
}

impl LiveSessions {
    /// Keeps at most `capacity` sessions.
    pub fn new(capacity: NonZeroUsize) -> LiveSessions {
        LiveSessions { slots: Mutex::new(LruCache::new(capacity)) }
    }

    /// The slot of session `id`, empty if it is not in memory. A slot dropped from memory while a
    /// request holds it only costs the next request a rebuild.
    pub fn slot(&self, id: &str) -> Slot {
        let mut slots = crate::lock(&self.slots);
        if let Some(slot) = slots.get(id) {
            return Arc::clone(slot);
        }
        let slot = Slot::default();
        slots.put(id.to_owned(), Arc::clone(&slot));
        slot
    }

    /// Drops session `id` from memory.
    pub fn forget(&self, id: &str) {
        crate::lock(&self.slots).pop(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_shared_bounded_and_forgotten() {
        let live = LiveSessions::new(NonZeroUsize::new(2).unwrap());
        let (a, b) = (live.slot("a"), live.slot("b"));
        assert!(Arc::ptr_eq(&a, &live.slot("a")));
        // "b" is now the least recently used, so a third session pushes it out, and not "a".
        live.slot("c");
        assert!(Arc::ptr_eq(&a, &live.slot("a")));
        assert!(!Arc::ptr_eq(&b, &live.slot("b")));
        live.forget("a");
        assert!(!Arc::ptr_eq(&a, &live.slot("a")));
    }
}
