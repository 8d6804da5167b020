//! The sign-in's watchlist: the users whose online status the signed-in
//! user follows (Pusher's "watchlist events"), decided by the app.

/// Most user ids in one watchlist: roomauth's bound (a circle of
/// interest, not a directory), so that a sign-in answer stays small.
pub const MAX_WATCHLIST_LEN: usize = 100;

/// The users a signed-in user watches, written into the signed
/// `user_data` as `"watchlist": [..]`; the server then sends the client
/// `online`/`offline` events for them (`pusher.user.watchlist.bind(..)`).
/// The app attaches it to the sign-in's grant:
///
/// ```
/// use roomauth::Grant;
/// use roomauth::pusher::Watchlist;
///
/// let grant = Grant::read("alice").with_extension(Watchlist::new(["bob", "carol"]));
/// # assert_eq!(grant.extension::<Watchlist>().unwrap().ids(), ["bob", "carol"]);
/// ```
///
/// Servers without watchlist events (Soketi 1.6, Laravel Reverb) accept
/// the signed `user_data` and ignore the list; Pusher needs "Watchlist
/// events" on in the app's settings; Sockudo reads it at sign-in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Watchlist(Vec<String>);

impl Watchlist {
    /// A watchlist of these user ids, in this order, without repeats.
    pub fn new<S: Into<String>>(ids: impl IntoIterator<Item = S>) -> Watchlist {
        let mut list: Vec<String> = Vec::new();
        for id in ids {
            let id = id.into();
            if !list.contains(&id) {
                list.push(id);
            }
        }
        Watchlist(list)
    }

    /// The user ids.
    pub fn ids(&self) -> &[String] {
        &self.0
    }
}
