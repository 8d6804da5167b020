//! Hocuspocus: the endpoint of roomauth's `onAuthenticate` extension.

pub mod signature;
pub mod wire;

/// roomauth's Hocuspocus extension (`extension.mjs`, Node 20, no
/// dependencies): write it next to the Hocuspocus server.
pub const EXTENSION_JS: &str = include_str!("extension.mjs");
