//! Stable resource ids: the same room or document always gets the same id.

use sha2::{Digest, Sha256};

/// The stable id of room `room`: `rm_` and 20 hex digits of a
/// domain-separated SHA-256; the same room always gets the same id.
pub fn room_id(room: &str) -> String {
    stable_id("rm_", "room", &[room])
}

/// The stable id of document `reference` of room `room`: `doc_` and 20 hex
/// digits of a domain-separated SHA-256.
pub fn document_id(room: &str, reference: &str) -> String {
    stable_id("doc_", "document", &[room, reference])
}

fn stable_id(prefix: &str, kind: &str, parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"roomauth.local.v1.id\0");
    hasher.update(kind.as_bytes());
    for part in parts {
        // Length-prefixed, so ("a/b", "c") and ("a", "b/c") never collide.
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    // 10 bytes, 20 digits, written in place: no `String` per id. (The
    // encoding only fails for a buffer of the wrong size.)
    let mut digits = [0u8; 20];
    let mut id = String::with_capacity(prefix.len() + digits.len());
    id.push_str(prefix);
    if hex::encode_to_slice(&digest[..10], &mut digits).is_ok() {
        id.extend(digits.iter().copied().map(char::from));
    }
    id
}
