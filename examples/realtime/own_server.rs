//! The app's own realtime server, over the same rules, with no token in
//! between:
//!
//! | path | what |
//! | --- | --- |
//! | `/socket.io/` | Socket.IO (socketioxide): event `join` (a room name), acknowledged `{"ok": true, "access": "read" \| "write"}` or `{"error"}`; event `send` (`{"room", "data"}`), acknowledged the same way, the room's other members receive `message` `{"room", "user", "data"}` |
//! | `GET /ws/{room}` | a plain WebSocket: a writer's text frames reach the room's other sockets as `{"user", "data"}`; a reader's frame is answered `{"error"}` and reaches no one |
//!
//! Both take the session of the cookie (or bearer token) of the handshake
//! request, as every other endpoint of the app. Refused joins: the
//! acknowledgement's `{"error"}` (Socket.IO), or the usual JSON 401/403
//! before the upgrade (WebSocket).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use roomauth::axum::AxumContext;
use roomauth::axum::guard::{Admitted, RoomGuard};
use roomauth::socketio::SocketGuard;
use roomauth::{BuildError, Rules};
use serde::Deserialize;
use serde_json::{Value, json};
use socketioxide::SocketIo;
use socketioxide::extract::{AckSender, SocketRef, TryData};
use socketioxide::layer::SocketIoLayer;
use tokio::sync::broadcast;

use super::AppState;

/// How often a WebSocket is pinged: well within `roomauth::serve`'s idle
/// timeout (60 s), so that a quiet socket stays open.
const PING_EVERY: Duration = Duration::from_secs(25);

/// The Socket.IO server over the app's `rules`, as a layer for the whole app (it answers
/// `/socket.io/` and passes every other request on).
pub fn socketio(
    state: AppState,
    rules: &Rules<AxumContext<AppState>>,
) -> Result<SocketIoLayer, BuildError> {
    let guard = SocketGuard::new(rules, state)?;
    let (layer, io) = SocketIo::new_layer();
    io.ns(
        "/",
        async move |socket: SocketRef, TryData(auth): TryData<Value>| {
            guard.connect(&socket, auth.ok());
            let joins = guard.clone();
            socket.on(
                "join",
                async move |socket: SocketRef, TryData(room): TryData<String>, ack: AckSender| {
                    let answer = match room {
                        Ok(room) => match joins.join(&socket, &room).await {
                            Ok(admission) => {
                                json!({ "ok": true, "access": admission.access().as_str() })
                            }
                            Err(refused) => refused.to_json(),
                        },
                        Err(_) => json!({ "error": "`join` takes a room name (a string)" }),
                    };
                    let _ = ack.send(&answer);
                },
            );
            socket.on(
                "send",
                async move |socket: SocketRef, TryData(send): TryData<Send>, ack: AckSender| {
                    let Ok(Send { room, data }) = send else {
                        let _ = ack.send(&json!({ "error": "`send` takes {\"room\", \"data\"}" }));
                        return;
                    };
                    let answer = match guard.check_write(&socket, &room) {
                        Ok(admission) => {
                            let message =
                                json!({ "room": room, "user": admission.user(), "data": data });
                            match socket.to(room).emit("message", &message).await {
                                Ok(()) => {
                                    json!({ "ok": true, "access": admission.access().as_str() })
                                }
                                Err(_) => json!({ "error": "the message could not be sent" }),
                            }
                        }
                        Err(refused) => refused.to_json(),
                    };
                    let _ = ack.send(&answer);
                },
            );
        },
    );
    Ok(layer)
}

/// The body of a Socket.IO `send`.
#[derive(Deserialize)]
struct Send {
    room: String,
    data: Value,
}

/// `GET /ws/{room}`: the plain WebSocket, behind the app's `rules`.
pub fn websocket_routes(
    rules: &Rules<AxumContext<AppState>>,
) -> Result<Router<AppState>, BuildError> {
    let guard = RoomGuard::new(rules)?;
    let rooms = WsRooms::default();
    let route = get(move |admitted: Admitted, upgrade: WebSocketUpgrade| {
        let rooms = rooms.clone();
        async move { websocket(admitted, upgrade, rooms) }
    });
    Ok(Router::new()
        .route("/ws/{room}", route)
        .layer(guard.layer()))
}

/// One relayed frame: who sent it (the connection, so that it does not hear
/// itself) and the JSON the others receive.
#[derive(Clone)]
struct Relay {
    from: u64,
    json: Arc<str>,
}

/// The WebSocket rooms: one broadcast channel per room with sockets in it.
#[derive(Clone, Default)]
struct WsRooms {
    rooms: Arc<Mutex<HashMap<String, broadcast::Sender<Relay>>>>,
    next_id: Arc<AtomicU64>,
}

impl WsRooms {
    /// A new connection in `room`: its id, the room's sender and its
    /// receiver.
    fn enter(&self, room: &str) -> (u64, broadcast::Sender<Relay>, broadcast::Receiver<Relay>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        let sender = rooms
            .entry(room.to_owned())
            .or_insert_with(|| broadcast::channel(256).0)
            .clone();
        let receiver = sender.subscribe();
        (id, sender, receiver)
    }

    /// A connection left `room`: the room goes when it is empty.
    fn leave(&self, room: &str) {
        let mut rooms = self.rooms.lock().unwrap_or_else(PoisonError::into_inner);
        if rooms
            .get(room)
            .is_some_and(|sender| sender.receiver_count() == 0)
        {
            rooms.remove(room);
        }
    }
}

fn websocket(admitted: Admitted, upgrade: WebSocketUpgrade, rooms: WsRooms) -> Response {
    upgrade.on_upgrade(async move |mut socket: WebSocket| {
        let (id, sender, mut receiver) = rooms.enter(&admitted.room);
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        loop {
            tokio::select! {
                frame = socket.recv() => match frame {
                    Some(Ok(Message::Text(text))) => {
                        let answer = match admitted.check_write() {
                            Ok(()) => {
                                let json = json!({ "user": admitted.user(), "data": text.as_str() });
                                let _ = sender.send(Relay { from: id, json: json.to_string().into() });
                                continue;
                            }
                            Err(refused) => refused.to_json(),
                        };
                        if socket.send(Message::text(answer.to_string())).await.is_err() {
                            break;
                        }
                    }
                    Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                    // Pings are answered by axum; pongs and binary frames are ignored.
                    Some(Ok(_)) => {}
                },
                relayed = receiver.recv() => match relayed {
                    Ok(relay) if relay.from != id => {
                        if socket.send(Message::text(relay.json.as_ref())).await.is_err() {
                            break;
                        }
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                _ = ping.tick() => {
                    if socket.send(Message::Ping(Default::default())).await.is_err() {
                        break;
                    }
                }
            }
        }
        drop(receiver);
        rooms.leave(&admitted.room);
    })
}
