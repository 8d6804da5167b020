//! The fuzz targets' properties (`roomauth/fuzz/src/oracles.rs`, the very
//! same file) as short, bounded property tests, so that CI checks them on
//! every run: the pattern compiler, the matcher and dispatcher, and the
//! webhook body parser never panic, and what they accept follows the
//! documented rules. `roomauth/fuzz/run.sh SECONDS` runs them for longer.

#[path = "../roomauth/fuzz/src/oracles.rs"]
mod oracles;

use proptest::prelude::*;
use serde_json::{Value, json};

/// Text made of what patterns and rooms are made of, with a few multi-byte
/// and hostile characters.
fn pattern_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => prop::sample::select(vec!["<", ">", "-", "a", "b", "<a>", "<b>", "<id>", "<_>", "<type>", "<1>", "x", "é", "\u{0}", " "]).prop_map(str::to_owned),
            1 => any::<char>().prop_map(String::from),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

/// A valid pattern with distinct placeholder names, and a room that matches
/// it often: the pattern's literals with values in between.
fn pattern_and_room() -> impl Strategy<Value = (String, String)> {
    let literal = "[ab\\-é]{1,3}";
    let value = "[ab\\-é0]{1,4}";
    (
        proptest::option::of(literal),
        proptest::collection::vec((value, literal), 0..4),
        proptest::option::of(value),
    )
        .prop_map(|(lead, pairs, last)| {
            let (mut src, mut room) = match lead {
                Some(lead) => (lead.clone(), lead),
                None => (String::new(), String::new()),
            };
            let mut k = 0;
            for (value, literal) in pairs {
                src += &format!("<p{k}>{literal}");
                room += &format!("{value}{literal}");
                k += 1;
            }
            if let Some(value) = last {
                src += &format!("<p{k}>");
                room += &value;
            }
            if src.is_empty() {
                src = "a".to_owned();
                room = "a".to_owned();
            }
            (src, room)
        })
}

/// Strings a hostile client would put in a name.
fn nasty_string() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "project-1",
            "a",
            "",
            " a",
            "a ",
            "a\u{0}",
            "a\n",
            "\u{202e}a",
            "a\u{200b}b",
            "\u{feff}",
            "é",
            "%31",
            "\u{661}",
            "a\u{2028}",
            "default",
            "express-minimal",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,12}",
        any::<String>(),
        Just("x".repeat(300)),
    ]
}

/// JSON values shaped like webhook bodies, often wrongly.
fn body_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        nasty_string().prop_map(Value::from),
        prop::sample::select(vec![
            "room",
            "document",
            "join",
            "read_write",
            "file",
            "admin"
        ])
        .prop_map(Value::from),
    ];
    let key = prop::sample::select(vec![
        "room",
        "resources",
        "object",
        "reference",
        "permission",
        "id",
        "user",
        "token",
    ]);
    leaf.prop_recursive(4, 48, 8, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..10).prop_map(Value::from),
            proptest::collection::btree_map(key.clone(), inner, 0..5).prop_map(|m| Value::Object(
                m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

/// A body the URL-strategy client sends, with its names replaced.
fn client_body() -> impl Strategy<Value = Vec<u8>> {
    (
        nasty_string(),
        nasty_string(),
        nasty_string(),
        any::<bool>(),
    )
        .prop_map(|(room, doc, doc_room, same)| {
            let doc_room = if same { room.clone() } else { doc_room };
            json!({"resources": [
            {"object": "document", "reference": doc, "permission": "read_write", "room": doc_room},
            {"object": "room", "reference": room, "permission": "join"},
        ]})
        .to_string()
        .into_bytes()
        })
}

/// A valid body with one byte changed.
fn mutated_body() -> impl Strategy<Value = Vec<u8>> {
    let base = br#"{"resources":[{"object":"document","reference":"default","permission":"read_write","room":"project-1"},{"object":"room","reference":"project-1","permission":"join"}]}"#;
    (0..base.len(), any::<u8>(), 0usize..3).prop_map(move |(at, byte, how)| {
        let mut body = base.to_vec();
        match how {
            0 => body[at] = byte,
            1 => body.insert(at, byte),
            _ => {
                body.remove(at);
            }
        }
        body
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn pattern_parse_holds(src in pattern_text()) {
        oracles::pattern_parse(&src);
    }

    #[test]
    fn pattern_parse_holds_on_any_text(src in any::<String>()) {
        oracles::pattern_parse(&src);
    }

    #[test]
    fn valid_patterns_format_and_match((src, room) in pattern_and_room()) {
        oracles::pattern_parse(&src);
        oracles::pattern_match(&[&src], &room);
    }

    #[test]
    fn dispatcher_agrees_with_a_linear_scan(
        cases in proptest::collection::vec(pattern_and_room(), 1..5),
        pick in any::<prop::sample::Index>(),
        noise in pattern_text(),
    ) {
        let sources: Vec<&str> = cases.iter().map(|(src, _)| src.as_str()).collect();
        let room = &cases[pick.index(cases.len())].1;
        oracles::pattern_match(&sources, room);
        oracles::pattern_match(&sources, &noise);
    }

    #[test]
    fn body_parser_holds_on_any_bytes(selector in 0usize..8, body in proptest::collection::vec(any::<u8>(), 0..256)) {
        oracles::webhook_body(oracles::CONTENT_TYPES[selector], &body);
    }

    #[test]
    fn body_parser_holds_on_json_shaped_bodies(value in body_value()) {
        oracles::webhook_body(Some("application/json"), value.to_string().as_bytes());
    }

    #[test]
    fn body_parser_holds_on_client_bodies(body in client_body()) {
        oracles::webhook_body(Some("application/json"), &body);
    }

    #[test]
    fn body_parser_holds_on_mutated_bodies(body in mutated_body(), selector in 0usize..8) {
        oracles::webhook_body(oracles::CONTENT_TYPES[selector], &body);
    }
}
