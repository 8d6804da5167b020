//! Fuzzing roomauth: the byte-level entry points of the fuzz targets, their
//! seed inputs and dictionary, over the properties of [`oracles`].
//!
//! | target | what it feeds | input |
//! | --- | --- | --- |
//! | `pattern_parse` | [`roomauth::pattern::Pattern::parse`] | the bytes, as UTF-8 (lossy) |
//! | `pattern_match` | [`roomauth::pattern::Pattern::matches`], [`roomauth::pattern::Dispatcher::lookup`] | lines: patterns, then the room (last line) |
//! | `webhook_body` | [`roomauth::room_service::RoomRequest::parse`] | first byte: the content type; the rest: the body |
#![forbid(unsafe_code)]

pub mod oracles;

/// The fuzz targets, by name.
pub const TARGETS: [&str; 3] = ["pattern_parse", "pattern_match", "webhook_body"];

/// Runs target `name` on `data`; `false` for an unknown name.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "pattern_parse" => pattern_parse(data),
        "pattern_match" => pattern_match(data),
        "webhook_body" => webhook_body(data),
        _ => return false,
    }
    true
}

/// The `pattern_parse` target.
pub fn pattern_parse(data: &[u8]) {
    oracles::pattern_parse(&String::from_utf8_lossy(data));
}

/// The `pattern_match` target: at most 8 patterns, the room last.
pub fn pattern_match(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines: Vec<&str> = text.split('\n').collect();
    let room = lines.pop().unwrap_or_default();
    lines.truncate(8);
    oracles::pattern_match(&lines, room);
}

/// The `webhook_body` target.
pub fn webhook_body(data: &[u8]) {
    let (selector, body) = data
        .split_first()
        .map_or((0, data), |(first, rest)| (*first, rest));
    let content_type = oracles::CONTENT_TYPES[usize::from(selector) % oracles::CONTENT_TYPES.len()];
    oracles::webhook_body(content_type, body);
}

/// Seed inputs of target `name` (also written to `corpus/<name>/` by
/// `run.sh` for libFuzzer).
pub fn seeds(name: &str) -> Vec<Vec<u8>> {
    let texts: Vec<String> = match name {
        "pattern_parse" => [
            "project-<id>",
            "org-<org>-project-<id>",
            "<a>",
            "<a>-<b>",
            "room-<id>-settings",
            "lobby",
            "<",
            ">",
            "<>",
            "<a><b>",
            "<a>-<a>",
            "<type>",
            "<_>",
            "<1a>",
            "a<b",
            "é-<ü>",
            "<a>-<b>-<c>-<d>-<e>-<f>-<g>-<h>-<i>-<j>-<k>-<l>-<m>-<n>-<o>-<p>-<q>",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect(),
        "pattern_match" => [
            "project-<id>\nproject-1",
            "org-<org>-project-<id>\norg-a-project-b-project-1",
            "org-<org>-project-<id>\norg---project-1",
            "room-<id>-settings\nroom-a-settings-settings",
            "project-<id>\ndoc-<id>\nlobby\ndoc-7",
            "<a>-<b>\n<a>x\na-bx",
            "a<x>\nab<y>\nabc",
            "<a>\né",
            "x<a>y<b>z\nxéyéz",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect(),
        "webhook_body" => {
            let bodies = [
                r#"{"room":"express-minimal"}"#,
                r#"{"resources":[{"object":"document","reference":"default","permission":"read_write","room":"express-minimal"},{"object":"room","reference":"express-minimal","permission":"join"}]}"#,
                r#"{"room":"a","user":"mallory"}"#,
                r#"{"room":"a\ud800"}"#,
                r#"{"room":" a "}"#,
                r#"{"room":"a\u202eb"}"#,
                r#"{"resources":[{"object":"room","reference":"a","permission":"join","id":"x"}]}"#,
                "[[[[[[[[[[]]]]]]]]]]",
                // Found by the stable driver: serde quoted the NUL unescaped.
                r#"{"roo\u0000m":" a "}"#,
                "",
                "null",
            ];
            return bodies
                .iter()
                .map(|b| [&[0u8][..], b.as_bytes()].concat())
                .collect();
        }
        _ => Vec::new(),
    };
    texts.into_iter().map(String::into_bytes).collect()
}

/// Tokens the mutators insert (also `run.sh`'s libFuzzer dictionary).
pub fn dictionary(name: &str) -> &'static [&'static str] {
    match name {
        "pattern_parse" | "pattern_match" => &[
            "<", ">", "<id>", "<a>", "<b>", "-", "\n", "é", "<type>", "<_>", "project-", "org-",
        ],
        _ => &[
            r#"{"room":"#,
            r#"{"resources":["#,
            r#"{"object":"room","reference":"a","permission":"join"}"#,
            r#"{"object":"document","reference":"default","permission":"read_write","room":"a"}"#,
            r#""room""#,
            r#""resources""#,
            r#""user""#,
            r#""id""#,
            r#""object""#,
            r#""document""#,
            r#""read_write""#,
            r#""join""#,
            r#"\u0000"#,
            r#"\ud800"#,
            r#"\udc00"#,
            r#"\u202e"#,
            r#"\u00a0"#,
            "\u{feff}",
            "\u{200b}",
            "\u{0085}",
            "\u{3000}",
            "\u{0661}",
            "\\",
            "\"",
            "[",
            "]",
            "{",
            "}",
            ",",
            ":",
            "null",
            "true",
            "1e999",
            "-0",
            "\u{ff}",
            "\u{c0}",
        ],
    }
}
