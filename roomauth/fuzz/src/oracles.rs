//! The properties every fuzz input must satisfy, for the pattern compiler
//! ([`Pattern::parse`]), the matcher ([`Pattern::matches`] and
//! [`Dispatcher::lookup`]) and the webhook body parser
//! ([`RoomRequest::parse`]).
//!
//! Shared, through `#[path]`, by the libFuzzer targets, the stable-toolchain
//! driver (`stable_fuzz`) and the property tests of the main workspace
//! (`tests/hardening_props.rs`), so that CI checks the very same properties
//! on every run. Depends on `roomauth` and `serde_json` only. A property
//! that does not hold panics, with the input in the message.

use roomauth::pattern::{Dispatcher, MAX_PLACEHOLDERS, Pattern, Segment};
use roomauth::room_service::{MAX_NAME_LEN, MAX_RESOURCES, RoomRequest};

/// Characters tried, in order, as placeholder values that no literal of the
/// pattern contains (so formatting must round-trip).
const VALUE_CHARS: [char; 8] = ['a', 'Z', '0', '_', 'é', 'ß', '字', '😀'];

/// `Pattern::parse` on any text: never panics; what it accepts is what the
/// documented syntax allows, and can be formatted and matched back.
pub fn pattern_parse(src: &str) {
    let pattern = match Pattern::parse(src) {
        Ok(pattern) => pattern,
        Err(error) => {
            assert!(
                !error.errors().is_empty(),
                "{src:?}: an error lists its mistakes"
            );
            assert_eq!(error.pattern(), src);
            assert!(!error.to_string().is_empty());
            for mistake in error.errors() {
                assert!(
                    mistake.span.start <= mistake.span.end && mistake.span.end <= src.len(),
                    "{src:?}: {mistake:?}"
                );
            }
            return;
        }
    };
    assert_eq!(pattern.as_str(), src);
    assert!(!src.is_empty(), "the empty pattern was accepted");
    assert!(pattern.placeholder_count() <= MAX_PLACEHOLDERS, "{src:?}");

    // The segments spell the source; literals are non-empty and hold no
    // angle bracket; no two placeholders touch; names are unique identifiers.
    let mut spelled = String::new();
    let mut names: Vec<&str> = Vec::new();
    let mut previous_was_placeholder = false;
    for segment in pattern.segments() {
        match segment {
            Segment::Literal(text) => {
                assert!(
                    !text.is_empty() && !text.contains(['<', '>']),
                    "{src:?}: literal {text:?}"
                );
                spelled.push_str(text);
                previous_was_placeholder = false;
            }
            Segment::Placeholder(name) => {
                assert!(
                    !previous_was_placeholder,
                    "{src:?}: two placeholders in a row"
                );
                assert!(is_identifier(name), "{src:?}: placeholder name {name:?}");
                assert!(
                    !names.contains(&&**name),
                    "{src:?}: duplicate name {name:?}"
                );
                names.push(name);
                spelled.push('<');
                spelled.push_str(name);
                spelled.push('>');
                previous_was_placeholder = true;
            }
        }
    }
    assert_eq!(spelled, src, "the segments spell the pattern");
    assert_eq!(
        Pattern::parse(&pattern.to_string()).as_ref(),
        Ok(&pattern),
        "Display round-trips"
    );

    // With values made of a character that no literal holds, formatting
    // succeeds and matching gives the values back.
    let Some(c) = VALUE_CHARS.iter().find(|c| !src.contains(**c)) else {
        return;
    };
    let values: Vec<String> = (0..pattern.placeholder_count())
        .map(|i| c.to_string().repeat(i % 3 + 1))
        .collect();
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    let room = pattern
        .format(&values)
        .unwrap_or_else(|e| panic!("{src:?}: formatting {values:?} failed: {e}"));
    let captures = pattern
        .matches(&room)
        .unwrap_or_else(|| panic!("{src:?}: {room:?} does not match"));
    assert!(
        captures.iter().eq(values.iter().copied()),
        "{src:?}: {room:?}"
    );
    assert!(
        pattern.overlaps(&pattern).is_some(),
        "{src:?}: a pattern overlaps itself"
    );
    let dispatcher =
        Dispatcher::try_from_iter([(pattern.clone(), ())]).expect("one pattern never overlaps");
    assert!(
        dispatcher.lookup(&room).is_some(),
        "{src:?}: the dispatcher finds {room:?}"
    );
}

/// `Pattern::matches` and `Dispatcher::lookup` on any patterns and room:
/// never panic; a match binds non-empty values that spell the room with the
/// literals; the dispatcher, built from the patterns it accepts (it refuses
/// overlapping ones), finds exactly the one pattern a linear scan finds.
pub fn pattern_match(sources: &[&str], room: &str) {
    let patterns: Vec<Pattern> = sources
        .iter()
        .filter_map(|src| Pattern::parse(src).ok())
        .collect();
    let mut builder = Dispatcher::builder();
    let mut accepted: Vec<&Pattern> = Vec::new();
    for (index, pattern) in patterns.iter().enumerate() {
        check_match(pattern, room);
        if builder.insert(pattern.clone(), index).is_ok() {
            accepted.push(pattern);
        }
    }
    let dispatcher = builder.build();
    let matching: Vec<&&Pattern> = accepted.iter().filter(|p| p.is_match(room)).collect();
    assert!(
        matching.len() <= 1,
        "patterns the dispatcher took as disjoint both match {room:?}: {matching:?}"
    );
    match (dispatcher.lookup(room), matching.first()) {
        (None, None) => {}
        (Some(found), Some(expected)) => {
            assert_eq!(found.pattern, **expected, "{room:?}");
            assert_eq!(Some(found.captures), expected.matches(room), "{room:?}");
            assert_eq!(&patterns[*found.value], **expected);
        }
        (found, expected) => panic!(
            "{room:?}: the dispatcher found {:?}, a linear scan {expected:?}",
            found.map(|f| f.pattern)
        ),
    }
}

/// One pattern against one room.
fn check_match(pattern: &Pattern, room: &str) {
    let Some(captures) = pattern.matches(room) else {
        assert!(!pattern.is_match(room));
        return;
    };
    assert_eq!(
        captures.len(),
        pattern.placeholder_count(),
        "{pattern:?} on {room:?}"
    );
    let mut values = captures.iter();
    let mut spelled = String::new();
    for segment in pattern.segments() {
        match segment {
            Segment::Literal(text) => spelled.push_str(text),
            Segment::Placeholder(_) => {
                let value = values.next().expect("one value per placeholder");
                assert!(!value.is_empty(), "{pattern:?} on {room:?}: an empty value");
                spelled.push_str(value);
            }
        }
    }
    assert_eq!(
        spelled, room,
        "{pattern:?}: the values and literals spell the room"
    );
    // Formatting the values back gives the room, or is refused; never
    // another room.
    let values: Vec<&str> = captures.iter().collect();
    if let Ok(formatted) = pattern.format(&values) {
        assert_eq!(formatted, room, "{pattern:?}");
    }
}

/// The content types the body oracle is tried with, picked by the input's
/// first byte.
pub const CONTENT_TYPES: [Option<&str>; 8] = [
    Some("application/json"),
    Some("application/json; charset=utf-8"),
    Some("application/vnd.api+json"),
    Some("APPLICATION/JSON"),
    Some("text/plain"),
    Some("application/x-www-form-urlencoded"),
    Some(""),
    None,
];

/// Room Service's decode as the webhook runs it (`RoomRequest::parse`, then
/// the room-name floor on the room) on any bytes: never panics; refuses
/// with 400 or 415 and a short JSON error; accepts only JSON bodies naming
/// one room whose names follow the documented rules, which re-encode to the
/// same request.
pub fn webhook_body(content_type: Option<&str>, body: &[u8]) {
    let decoded = RoomRequest::parse(content_type, body).and_then(|request| {
        roomauth::name::check_room_name(&request.room)?;
        Ok(request)
    });
    let request = match decoded {
        Ok(request) => request,
        Err(error) => {
            let status = error.status().as_u16();
            assert!(
                status == 400 || status == 415,
                "status {status} for {:?}",
                String::from_utf8_lossy(body)
            );
            let json: serde_json::Value =
                serde_json::from_slice(&error.to_json()).expect("the error is JSON");
            let message = json["error"].as_str().expect("an error message");
            assert!(!message.is_empty() && message.len() <= 400, "{message:?}");
            assert!(
                !message.contains(|c: char| c.is_control()),
                "{message:?}: control characters reach the message"
            );
            return;
        }
    };
    assert!(
        matches!(content_type, Some(ct) if ct.to_ascii_lowercase().contains("json")),
        "accepted with content type {content_type:?}"
    );
    assert!(
        std::str::from_utf8(body).is_ok(),
        "accepted a body that is not UTF-8"
    );
    check_name(&request.room);
    assert!(request.documents.len() < MAX_RESOURCES, "{request:?}");
    for (i, document) in request.documents.iter().enumerate() {
        check_name(document);
        assert!(
            !request.documents[..i].contains(document),
            "{request:?}: a document twice"
        );
    }
    // Re-encoded in the URL-strategy form, it parses to the same request.
    let mut resources: Vec<serde_json::Value> = request
        .documents
        .iter()
        .map(|d| serde_json::json!({"object": "document", "reference": d, "permission": "read_write", "room": request.room}))
        .collect();
    resources.push(
        serde_json::json!({"object": "room", "reference": request.room, "permission": "join"}),
    );
    let again = serde_json::json!({ "resources": resources }).to_string();
    assert_eq!(
        RoomRequest::parse(Some("application/json"), again.as_bytes())
            .as_ref()
            .ok(),
        Some(&request)
    );
    let room_only = serde_json::json!({ "room": request.room }).to_string();
    assert_eq!(
        RoomRequest::parse(Some("application/json"), room_only.as_bytes())
            .map(|r| r.room)
            .ok()
            .as_ref(),
        Some(&request.room)
    );
}

/// The documented rules of a room or document name.
fn check_name(name: &str) {
    assert!(!name.is_empty() && name.len() <= MAX_NAME_LEN, "{name:?}");
    assert!(
        !name.chars().any(char::is_control),
        "{name:?}: a control character"
    );
    assert!(
        !name.starts_with(char::is_whitespace) && !name.ends_with(char::is_whitespace),
        "{name:?}: whitespace at an end"
    );
    assert!(
        !name.contains([
            '\u{202E}',
            '\u{200B}',
            '\u{2028}',
            '\u{FEFF}',
            '\u{034F}',
            '\u{3164}',
            '\u{FE0F}',
            '\u{E0020}'
        ]),
        "{name:?}: an invisible formatting character"
    );
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
        && name != "_"
}
