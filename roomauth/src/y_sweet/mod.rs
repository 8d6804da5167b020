//! y-sweet: the auth endpoint `@y-sweet/client` calls.

pub mod connection;
pub mod doc_id;
pub mod wire;
