//! Centrifugo: the subscribe proxy and subscription tokens.
//!
//! Phase A: the protocol core; the backends are wired to the seam next.

pub mod channel;
pub mod proxy;
pub mod token;
