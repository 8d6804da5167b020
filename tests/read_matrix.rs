//! The read matrix: for every backend, what a read grant can and cannot do,
//! each row naming the test that proves it against the real server, the
//! official client or verifier (or why none runs here). SECURITY.md's
//! table is this one: `security_md_has_the_matrix` fails when either
//! changes without the other, and prints the table to paste.

use std::path::Path;

/// What proves a row.
enum Proof {
    /// `name`, a test function in `file` (relative to the workspace root).
    Test {
        file: &'static str,
        name: &'static str,
    },
    /// Nothing runs here; the reason.
    NotRun(&'static str),
}

/// One backend's row.
struct Row {
    backend: &'static str,
    can: &'static str,
    cannot: &'static str,
    proof: Proof,
}

const MATRIX: &[Row] = &[
    Row {
        backend: "Room Service",
        can: "join the room (`join`)",
        cannot: "open any document: a requested one is dropped, never `read_write`",
        proof: Proof::Test {
            file: "tests/realtime_e2e.rs",
            name: "room_service_grants_follow_the_rules",
        },
    },
    Row {
        backend: "Pusher protocol, client events off",
        can: "subscribe to private, presence and encrypted channels; receive the app's events; be a presence member",
        cannot: "send client events: the server refuses every member's (Soketi: `pusher:error` 4301), so none reaches another member",
        proof: Proof::Test {
            file: "tests/pusher_e2e.rs",
            name: "a_reader_never_publishes",
        },
    },
    Row {
        backend: "Pusher protocol, client events on",
        can: "nothing: refused with a 403 that says why (single and batch endpoints), logged at warn",
        cannot: "subscribe; send client events (frames sent without a subscription reach nobody), while a writer's are relayed",
        proof: Proof::Test {
            file: "tests/pusher_e2e.rs",
            name: "a_reader_never_publishes",
        },
    },
    Row {
        backend: "Sockudo with pusher-js",
        can: "what the Pusher row of its client events switch says",
        cannot: "be read-only per user: publish capabilities are checked for Protocol V2 connections only",
        proof: Proof::NotRun(
            "no Sockudo build here (9 min); read in sockudo-adapter 5.2.0, `validate_client_event`",
        ),
    },
    Row {
        backend: "LiveKit",
        can: "`roomJoin` the one `room`, `canSubscribe`",
        cannot: "publish tracks or data: `canPublish: false`, `canPublishData: false` written out",
        proof: Proof::Test {
            file: "tests/livekit_e2e.rs",
            name: "livekit_client_and_server_sdk_accept_the_rules_tokens",
        },
    },
    Row {
        backend: "Liveblocks",
        can: "enter the room (`*:read`), read storage, show presence; comment where the rule's `LiveblocksGrant` says so",
        cannot: "write storage: `canWrite` false and `@liveblocks/client` refuses the write (the local dev server itself enforces no scope); `storage:write` is never sent for a read grant",
        proof: Proof::Test {
            file: "tests/liveblocks_e2e.rs",
            name: "liveblocks_client_enters_through_the_rules",
        },
    },
    Row {
        backend: "Hocuspocus",
        can: "open the document `readonly` and see others' edits",
        cannot: "edit: the server drops the reader's updates, no other client sees them",
        proof: Proof::Test {
            file: "tests/hocuspocus_e2e.rs",
            name: "real_hocuspocus_server_and_provider",
        },
    },
    Row {
        backend: "y-sweet",
        can: "open the document with a `read-only` token and see others' edits",
        cannot: "edit, over the socket or the server's HTTP API (403)",
        proof: Proof::Test {
            file: "tests/y_sweet_e2e.rs",
            name: "real_y_sweet_server_and_client",
        },
    },
    Row {
        backend: "Centrifugo",
        can: "subscribe (subscribe proxy or subscription token), with its `info`",
        cannot: "publish where the publish proxy decides: `{\"error\": {\"code\": 403, \"message\": \"permission denied: read-only\"}}`",
        proof: Proof::Test {
            file: "tests/centrifugo_contract.rs",
            name: "publish_proxy_publishes_only_for_write_grants",
        },
    },
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The matrix as the Markdown table SECURITY.md carries.
fn markdown() -> String {
    let mut table = String::from(
        "| backend | a read grant can | a read grant cannot | proved by |\n| --- | --- | --- | --- |\n",
    );
    for row in MATRIX {
        let proof = match row.proof {
            Proof::Test { file, name } => format!("`{file}` `{name}`"),
            Proof::NotRun(why) => format!("not run: {why}"),
        };
        table.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            row.backend, row.can, row.cannot, proof
        ));
    }
    table
}

#[test]
fn every_row_names_a_test_that_exists() {
    for row in MATRIX {
        let Proof::Test { file, name } = row.proof else {
            continue;
        };
        let source = std::fs::read_to_string(root().join(file))
            .unwrap_or_else(|e| panic!("{}: {file}: {e}", row.backend));
        let lines: Vec<&str> = source.lines().collect();
        let at = lines
            .iter()
            .position(|line| {
                let line = line.trim_start();
                line.starts_with(&format!("async fn {name}("))
                    || line.starts_with(&format!("fn {name}("))
            })
            .unwrap_or_else(|| panic!("{}: no `fn {name}` in {file}", row.backend));
        // A test, not a helper: its attribute is among the lines above it
        // (after its doc comment).
        let attributes = lines[..at]
            .iter()
            .rev()
            .take_while(|line| {
                let line = line.trim_start();
                line.starts_with("#[") || line.starts_with("///")
            })
            .any(|line| line.trim_start().starts_with("#[") && line.contains("test"));
        assert!(
            attributes,
            "{}: `{name}` in {file} is not a test",
            row.backend
        );
    }
}

#[test]
fn security_md_has_the_matrix() {
    let security = std::fs::read_to_string(root().join("SECURITY.md")).expect("SECURITY.md");
    let table = markdown();
    assert!(
        security.contains(&table),
        "SECURITY.md's read matrix is not tests/read_matrix.rs's; paste this table:\n\n{table}"
    );
}
