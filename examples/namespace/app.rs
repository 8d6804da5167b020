//! Several rules over one typed room namespace: every room of the app is an
//! `AppRoom`, parsed and formatted from its variants' patterns.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::post;
use roomauth::axum::AxumContext;
use roomauth::room_service::{Provisioner, RoomService};
use roomauth::webhook::BuildError;
use roomauth::{Deny, RoomParam, RoomResource, Webhook, room_auth, rules};

/// A project's id: its own type, parsed from room names like a `u64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, RoomParam)]
pub struct ProjectId(pub u64);

/// Every room of the app, but the lobby.
#[derive(Debug, Clone, PartialEq, Eq, RoomResource)]
pub enum AppRoom {
    /// A project's room.
    #[room(pattern = "project-<id>")]
    Project {
        /// The project.
        id: ProjectId,
    },
    /// A document of a project.
    #[room(pattern = "doc-<project>-<name>")]
    Document {
        /// The project the document belongs to.
        project: ProjectId,
        /// The document's name.
        name: String,
    },
    /// A user's private room.
    #[room(pattern = "user-<login>")]
    Private {
        /// The user it belongs to.
        login: String,
    },
}

/// Who is a member of which project, and who the admins are.
#[derive(Clone)]
pub struct Directory {
    /// user -> projects.
    pub members: Arc<HashMap<String, Vec<ProjectId>>>,
}

impl Directory {
    /// The demo directory: alice in projects 1 and 2, bob in 2.
    pub fn demo() -> Directory {
        Directory {
            members: Arc::new(HashMap::from([
                ("alice".to_owned(), vec![ProjectId(1), ProjectId(2)]),
                ("bob".to_owned(), vec![ProjectId(2)]),
            ])),
        }
    }

    fn is_member(&self, user: &str, project: ProjectId) -> bool {
        self.members.get(user).is_some_and(|p| p.contains(&project))
    }
}

/// The user, from an `x-user` header (a stand-in for a real session).
pub struct User(pub String);

impl<S: Send + Sync> FromRequestParts<S> for User {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, StatusCode> {
        parts
            .headers
            .get("x-user")
            .and_then(|v| v.to_str().ok())
            .map(|user| User(user.to_owned()))
            .ok_or(StatusCode::UNAUTHORIZED)
    }
}

/// Projects and their documents are for members; private rooms for their owner.
#[room_auth(rooms = AppRoom, session = user)]
pub fn app_rooms(
    user: User,
    room: AppRoom,
    State(directory): State<Directory>,
) -> Result<String, Deny> {
    let allowed = match &room {
        AppRoom::Project { id } | AppRoom::Document { project: id, .. } => {
            directory.is_member(&user.0, *id)
        }
        AppRoom::Private { login } => *login == user.0,
    };
    if allowed {
        Ok(user.0)
    } else {
        Err(Deny::Forbidden)
    }
}

/// The lobby: anyone logged in, to join only.
#[room_auth(rooms = "lobby", permission = "join", session = user)]
pub fn lobby(user: User) -> Option<String> {
    Some(user.0)
}

/// The webhook with both rules.
pub fn webhook<P: Provisioner>(
    provisioner: P,
) -> Result<Webhook<AxumContext<Directory>, RoomService<P>>, BuildError> {
    Webhook::builder(RoomService::new(provisioner))
        .rules(rules![app_rooms, lobby])
        .build()
}

/// The app: the webhook at `/api/roomservice`.
pub fn app(directory: Directory, provisioner: impl Provisioner) -> Result<Router, BuildError> {
    let webhook = webhook(provisioner)?;
    Ok(Router::new()
        .route("/api/roomservice", post(webhook))
        .with_state(directory))
}
