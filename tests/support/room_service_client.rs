//! The real `@roomservice/browser` 3.0.4 client (`tests/node/room-service`)
//! joining rooms of an example app, and what a test checks of each join.

use std::time::Duration;

use roomauth::room_service::LocalProvisioner;
use serde_json::{Value, json};

use crate::node::{node_project, run_node_script};

/// How the client asks the app's webhook for a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// The auth function the seed documents: posts `{"room"}`.
    AuthFunction,
    /// The client's built-in URL strategy: posts `{"resources"}`.
    Url,
}

impl Strategy {
    /// Both strategies.
    pub const BOTH: [Strategy; 2] = [Strategy::AuthFunction, Strategy::Url];

    fn as_str(self) -> &'static str {
        match self {
            Strategy::AuthFunction => "function",
            Strategy::Url => "url",
        }
    }
}

/// Logs in as `user` on the app at `app` (`http://127.0.0.1:<port>`) and
/// joins each room with each strategy, one report per join (see
/// `client.mjs`). Blocking: call it from `block_in_place` in async tests.
pub fn join_rooms(app: &str, joins: &[(&str, &str, Strategy)]) -> Vec<Value> {
    let project = node_project("room-service");
    crate::tools::npm_project(&project);
    let scenarios: Vec<Value> = joins
        .iter()
        .map(|(user, room, strategy)| {
            json!({"user": user, "room": room, "strategy": strategy.as_str()})
        })
        .collect();
    let scenarios = Value::from(scenarios).to_string();
    let report = run_node_script(
        &project,
        "client.mjs",
        &[("APP", app), ("SCENARIOS", &scenarios)],
        None,
        Duration::from_secs(60),
    );
    match report {
        Value::Array(reports) if reports.len() == joins.len() => reports,
        other => panic!("client.mjs reported {other:#}"),
    }
}

/// Asserts that a join went all the way, as a member's page does: the
/// webhook said 200, the client fetched the document and presence and
/// joined over its websocket with the ids and token the webhook issued,
/// sent a write to the document, and the token (verified with
/// `provisioner`) grants the room and its `default` document.
pub fn assert_joined_with_write(report: &Value, provisioner: &LocalProvisioner) {
    assert_eq!(report["joined"], true, "{report:#}");
    assert_eq!(report["answer"]["status"], 200, "{report:#}");
    let answer = &report["answer"]["body"];
    let id_of = |object: &str| {
        answer["resources"]
            .as_array()
            .and_then(|rs| rs.iter().find(|r| r["object"] == object))
            .and_then(|r| r["id"].as_str())
            .unwrap_or_else(|| panic!("no {object} id in {answer}"))
            .to_owned()
    };
    let (room_id, doc_id) = (id_of("room"), id_of("document"));
    let token = answer["token"].as_str().expect("a token");
    let bearer = format!("Bearer: {token}");
    assert_eq!(
        report["docs"][0],
        json!({"id": doc_id, "authorization": bearer})
    );
    assert_eq!(
        report["presence"][0],
        json!({"id": room_id, "authorization": bearer})
    );
    let ws = report["ws"].as_array().expect("websocket messages");
    assert_eq!(ws[0], json!({"type": "guest:authenticate", "body": token}));
    assert_eq!(ws[1], json!({"type": "room:join", "body": room_id}));
    assert!(
        ws.iter()
            .any(|m| m["type"] == "doc:cmd" && m["body"]["args"][1] == doc_id.as_str()),
        "the client wrote to the document: {report:#}"
    );
    let room = report["room"].as_str().expect("the room");
    let claims = provisioner.verify(token).expect("the token verifies");
    assert!(claims.grants_room(room), "{claims:?}");
    assert!(claims.grants_document(room, "default"), "{claims:?}");
}
