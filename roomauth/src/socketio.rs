//! The rules on a socketioxide (Socket.IO) server: joining a room goes
//! through them, and a read grant receives the room's broadcasts while its
//! messages to the room are refused.
//!
//! The rules are the app's axum rules: a socket's request context is the
//! head of its handshake request (its cookies and headers, as the
//! `socket.io-client` sent them) with the handshake's `auth` payload in its
//! extensions as [`Auth`], and the app's state. So the session extractor
//! that guards the app's HTTP routes guards its sockets too.
//!
//! ```no_run
//! use axum::Router;
//! use roomauth::socketio::SocketGuard;
//! use roomauth::{room_auth, rules};
//! use serde_json::json;
//! use socketioxide::SocketIo;
//! use socketioxide::extract::{AckSender, Data, SocketRef, TryData};
//!
//! #[room_auth(rooms = "project-<id>")]
//! fn project_rooms(id: u64) -> Option<String> {
//!     (id == 1).then(|| "guest".to_owned())
//! }
//!
//! # fn main() -> Result<(), roomauth::BuildError> {
//! let guard = SocketGuard::new(rules![project_rooms], ())?;   // the rules, the app's state
//! let (layer, io) = SocketIo::new_layer();
//! io.ns("/", async move |socket: SocketRef, TryData(auth): TryData<serde_json::Value>| {
//!     guard.connect(&socket, auth.ok());                      // the handshake's session
//!     let joins = guard.clone();
//!     socket.on("join", async move |socket: SocketRef, Data(room): Data<String>, ack: AckSender| {
//!         let answer = match joins.join(&socket, &room).await {
//!             Ok(admission) => json!({ "ok": true, "access": admission.access().as_str() }),
//!             Err(refused) => refused.to_json(),              // {"error": "not logged in: ..."}
//!         };
//!         let _ = ack.send(&answer);
//!     });
//!     socket.on("send", async move |socket: SocketRef, Data((room, text)): Data<(String, String)>| {
//!         if guard.check_write(&socket, &room).is_ok() {      // read grants stop here
//!             let _ = socket.to(room).emit("message", &text).await;
//!         }
//!     });
//! });
//! let app: Router = Router::new().layer(layer);
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::response::Response;
use http::request::Parts;
use socketioxide::adapter::Adapter;
use socketioxide::socket::Socket;

use crate::axum::AxumContext;
use crate::guard::{Admission, Guard, WriteRefused};
use crate::request::RequestHead;
use crate::rules::{BuildError, IntoRules};
use crate::text::{Escaped, truncate};
use crate::webhook::Denied;

/// The `auth` payload of a socket's handshake (`io({ auth: {..} })`), in
/// the extensions of the request head the rules see: a session extractor
/// may read a token from it (`parts.extensions.get::<Auth>()`).
#[derive(Debug, Clone, PartialEq)]
pub struct Auth(pub serde_json::Value);

/// The rules of a Socket.IO server, and the app's state their extractors
/// see. Cheap to clone.
pub struct SocketGuard<S: Send + Sync + 'static> {
    guard: Guard<AxumContext<S>>,
    state: S,
}

impl<S: Clone + Send + Sync + 'static> Clone for SocketGuard<S> {
    fn clone(&self) -> Self {
        SocketGuard {
            guard: self.guard.clone(),
            state: self.state.clone(),
        }
    }
}

impl<S: Send + Sync + 'static> std::fmt::Debug for SocketGuard<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SocketGuard")
            .field("guard", &self.guard)
            .finish_non_exhaustive()
    }
}

/// What a socket carries between its events: the handshake's `auth`, and
/// the rooms it was admitted to, with their admissions.
#[derive(Clone, Default)]
struct Session(Arc<SessionInner>);

#[derive(Default)]
struct SessionInner {
    auth: Option<Auth>,
    rooms: Mutex<HashMap<String, Admission>>,
}

impl<S: Clone + Send + Sync + 'static> SocketGuard<S> {
    /// A guard over `rules`, whose extractors see `state`. Fails as
    /// [`Rules::new`](crate::rules::Rules::new).
    pub fn new(
        rules: impl IntoRules<AxumContext<S>>,
        state: S,
    ) -> Result<SocketGuard<S>, BuildError> {
        Ok(SocketGuard::from_guard(Guard::new(rules)?, state))
    }

    /// A guard over the rules of `guard` (the ones of a webhook or of an
    /// axum [`RoomGuard`](crate::axum::guard::RoomGuard)).
    pub fn from_guard(guard: Guard<AxumContext<S>>, state: S) -> SocketGuard<S> {
        SocketGuard { guard, state }
    }

    /// The framework-neutral guard.
    pub fn guard(&self) -> &Guard<AxumContext<S>> {
        &self.guard
    }

    /// Accepts the pages of these origins, and only them (see
    /// [`Guard::allowed_origins`]; by default, the app's own origin only).
    #[must_use]
    pub fn allowed_origins<I>(mut self, origins: I) -> Self
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.guard = self.guard.allowed_origins(origins);
        self
    }

    /// Accepts requests from every origin (see [`Guard::any_origin`]).
    #[must_use]
    pub fn any_origin(mut self) -> Self {
        self.guard = self.guard.any_origin();
        self
    }

    /// Starts the socket's session, in the namespace's connect handler:
    /// keeps the handshake's `auth` payload for the rules ([`Auth`]). The
    /// cookies and headers are the handshake request's own. Call it before
    /// registering the handlers that call [`join`](Self::join).
    pub fn connect<A: Adapter>(&self, socket: &Socket<A>, auth: Option<serde_json::Value>) {
        let session = SessionInner {
            auth: auth.map(Auth),
            rooms: Mutex::default(),
        };
        socket.extensions.insert(Session(Arc::new(session)));
    }

    /// Runs the rules for `room` with the socket's handshake request; on a
    /// yes, the socket joins the room (it receives the room's broadcasts)
    /// and the admission is kept for [`check_write`](Self::check_write).
    /// A refusal also takes the socket out of the room if it was in it: a
    /// withdrawn permission is withdrawn at the next join.
    pub async fn join<A: Adapter>(
        &self,
        socket: &Socket<A>,
        room: &str,
    ) -> Result<Admission, JoinRefused> {
        let session = self.session(socket);
        // The handshake came from a page the guard accepts, or no room.
        self.guard
            .check_origin(&RequestHead::new(&socket.req_parts().headers))
            .map_err(|error| JoinRefused::from(Denied::Error(error)))?;
        let mut parts: Parts = socket.req_parts().clone();
        if let Some(auth) = &session.0.auth {
            parts.extensions.insert(auth.clone());
        }
        let mut cx = AxumContext {
            parts,
            state: self.state.clone(),
        };
        let decided = self.guard.admit(room, &mut cx).await;
        let mut rooms = session
            .0
            .rooms
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match decided {
            Ok(admission) => {
                socket.join(admission.room.clone());
                rooms.insert(admission.room.clone(), admission.clone());
                Ok(admission)
            }
            Err(denied) => {
                if rooms.remove(room).is_some() {
                    socket.leave(room.to_owned());
                }
                Err(JoinRefused::from(denied))
            }
        }
    }

    /// Whether the socket may send to `room`: its admission for a write
    /// grant; [`WriteRefused::ReadOnly`] for a read grant (logged), and
    /// [`WriteRefused::NotJoined`] when it was not admitted to the room.
    /// The one call a message handler makes before relaying.
    pub fn check_write<A: Adapter>(
        &self,
        socket: &Socket<A>,
        room: &str,
    ) -> Result<Admission, WriteRefused> {
        let session = self.session(socket);
        let rooms = session
            .0
            .rooms
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(admission) = rooms.get(room) else {
            // Not a room the guard checked: the name is the client's.
            let room = truncate(room, 128);
            tracing::info!(room = %Escaped(&room), outcome = "write refused: not in the room", "room guard");
            return Err(WriteRefused::NotJoined);
        };
        admission.check_write()?;
        Ok(admission.clone())
    }

    /// Takes the socket out of `room`, admission and all.
    pub fn leave<A: Adapter>(&self, socket: &Socket<A>, room: &str) {
        let session = self.session(socket);
        session
            .0
            .rooms
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(room);
        socket.leave(room.to_owned());
    }

    /// The socket's session; a socket whose connect handler did not call
    /// [`connect`](Self::connect) gets one without `auth`.
    fn session<A: Adapter>(&self, socket: &Socket<A>) -> Session {
        if let Some(session) = socket.extensions.get::<Session>() {
            return session;
        }
        let session = Session::default();
        socket.extensions.insert(session.clone());
        session
    }
}

/// Why a socket was not let into a room: the webhooks' status and message,
/// sent back through the join's acknowledgement ([`to_json`](Self::to_json)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinRefused {
    /// The status the HTTP endpoints would answer (400, 401, 403, 500).
    pub status: u16,
    /// What went wrong, for the client.
    pub message: String,
}

impl JoinRefused {
    /// `{"error": "<message>"}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "error": self.message })
    }
}

impl std::fmt::Display for JoinRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for JoinRefused {}

impl From<Denied<Response>> for JoinRefused {
    fn from(denied: Denied<Response>) -> JoinRefused {
        match denied {
            Denied::Error(error) => JoinRefused {
                status: error.status().as_u16(),
                message: error.to_string(),
            },
            // An extractor's own HTTP answer has no place in an ack: its
            // status says enough, and its body may be the app's HTML.
            Denied::Rejected(response) => JoinRefused {
                status: response.status().as_u16(),
                message: format!("refused by the app's request check ({})", response.status()),
            },
        }
    }
}
