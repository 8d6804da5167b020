//! The examples' server-side sessions: a session lives in this table, not in
//! the cookie, so that it expires on the server and logout ends it for every
//! copy of the cookie. A session may also hand out short-lived bearer
//! tokens (a Hocuspocus provider's `token`): each dies at its own expiry or
//! with the session, whichever comes first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The live sessions. Cheap to clone (shared).
#[derive(Clone, Default)]
pub struct Sessions {
    table: Arc<Mutex<Table>>,
}

#[derive(Default)]
struct Table {
    /// session id -> (user, expiry).
    live: HashMap<String, (String, Instant)>,
    /// bearer token -> (session id, expiry).
    tokens: HashMap<String, (String, Instant)>,
}

impl Sessions {
    /// Starts a session of `user` lasting `lifetime`; returns its id.
    pub fn start(&self, user: &str, lifetime: Duration) -> String {
        let id = random_id();
        let now = Instant::now();
        let mut table = self.lock();
        // Forget the expired ones, so that the table does not grow forever.
        table.live.retain(|_, (_, expires)| *expires > now);
        let Table { live, tokens } = &mut *table;
        tokens.retain(|_, (session, expires)| *expires > now && live.contains_key(session));
        live.insert(id.clone(), (user.to_owned(), now + lifetime));
        id
    }

    /// The user of live session `id`; an expired session is ended.
    pub fn user(&self, id: &str) -> Option<String> {
        let mut table = self.lock();
        match table.live.get(id) {
            Some((user, expires)) if *expires > Instant::now() => Some(user.clone()),
            Some(_) => {
                table.live.remove(id);
                table.tokens.retain(|_, (session, _)| session != id);
                None
            }
            None => None,
        }
    }

    /// A new bearer token for live session `id`, valid for `lifetime`
    /// (and no longer than the session): a token that leaks is good for
    /// minutes, not for the session's hours.
    pub fn token(&self, id: &str, lifetime: Duration) -> Option<String> {
        self.user(id)?;
        let token = random_id();
        let expires = Instant::now() + lifetime;
        self.lock()
            .tokens
            .insert(token.clone(), (id.to_owned(), expires));
        Some(token)
    }

    /// The user of bearer `token`, while it and its session are live.
    pub fn token_user(&self, token: &str) -> Option<String> {
        let (session, expires) = self.lock().tokens.get(token).cloned()?;
        if expires <= Instant::now() {
            self.lock().tokens.remove(token);
            return None;
        }
        self.user(&session)
    }

    /// Ends session `id` and its bearer token.
    pub fn end(&self, id: &str) {
        let mut table = self.lock();
        table.live.remove(id);
        table.tokens.retain(|_, (session, _)| session != id);
    }

    fn lock(&self) -> MutexGuard<'_, Table> {
        // A poisoned lock only means another request panicked mid-update;
        // the table itself is still usable.
        self.table.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// 16 random bytes, hex: a session id or a bearer token.
fn random_id() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the system random number generator works");
    hex::encode(bytes)
}
