//! Counselor tokens and ids: random from the operating system, tokens stored only as hashes.

use sha2::{Digest, Sha256};

/// A new counselor token: `rh_` and 64 hex digits (256 random bits).
pub fn new_token() -> String {
    format!("rh_{}", hex(&random::<32>()))
}

/// The stored form of a token: its SHA-256 in hex. A leaked database reveals no usable token.
pub fn hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A new session id: 128 random bits in hex.
pub fn session_id() -> String {
    hex(&random::<16>())
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

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
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
        assert_eq!(session_id().len(), 32);
    }
}
