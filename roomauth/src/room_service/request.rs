//! Reading the browser's webhook body into the one room it asks for.

use super::wire::{ObjectKind, Permission, WebhookRequest};
use crate::error::WebhookError;
use crate::request::decode_json;

/// The most bytes a room name or document name may have.
pub const MAX_NAME_LEN: usize = 256;

/// The most resources one webhook body may list (the client sends two).
pub const MAX_RESOURCES: usize = 8;

/// The document `@roomservice/browser` opens in every room (`room(name)`
/// always asks for `default`): what a `{"room"}` body asks for besides the
/// room.
pub const DEFAULT_DOCUMENT: &str = "default";

/// What the browser asked for, once checked: one room, and the names of the
/// documents in it that it wants to read and write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomRequest {
    /// The room to join.
    pub room: String,
    /// Documents of that room, in request order, without duplicates: those
    /// a `{"resources"}` body lists, or [`DEFAULT_DOCUMENT`] for a
    /// `{"room"}` body (the client's auth function asks for the room, and
    /// then opens its `default` document).
    pub documents: Vec<String>,
}

impl RoomRequest {
    /// Checks the content type and parses `body` (either form of the
    /// [module docs](super)). The webhook then holds the room to the
    /// [floor](crate::name::check_room_name); documents are held to
    /// [`check_name`] here.
    pub fn parse(content_type: Option<&str>, body: &[u8]) -> Result<RoomRequest, WebhookError> {
        let request: WebhookRequest = decode_json(content_type, body, r#"`{"room": "<name>"}`"#)?;
        RoomRequest::from_wire(request)
    }

    /// Checks a parsed body: exactly one room, documents only of that room,
    /// the protocol's permissions, names within limits.
    pub fn from_wire(request: WebhookRequest) -> Result<RoomRequest, WebhookError> {
        match request {
            WebhookRequest::Room { room } => {
                check_room_len(&room)?;
                Ok(RoomRequest {
                    room,
                    documents: vec![DEFAULT_DOCUMENT.to_owned()],
                })
            }
            WebhookRequest::Resources { resources } => {
                if resources.len() > MAX_RESOURCES {
                    return Err(WebhookError::malformed(format!(
                        "the body lists {} resources; at most {MAX_RESOURCES} are accepted",
                        resources.len()
                    )));
                }
                let mut rooms = resources.iter().filter(|r| r.object == ObjectKind::Room);
                let room = match (rooms.next(), rooms.next()) {
                    (Some(room), None) => room,
                    (None, _) => {
                        return Err(WebhookError::malformed(
                            "`resources` names no room; add `{\"object\": \"room\", \"reference\": \"<name>\", \"permission\": \"join\"}`",
                        ));
                    }
                    (Some(_), Some(_)) => {
                        return Err(WebhookError::malformed(
                            "`resources` names more than one room; ask for one room per request",
                        ));
                    }
                };
                check_room_len(&room.reference)?;
                let mut documents: Vec<String> = Vec::new();
                for resource in &resources {
                    if resource.id.is_some() {
                        return Err(WebhookError::malformed(
                            "a requested resource carries an `id`; ids are assigned by the provisioner",
                        ));
                    }
                    if resource.permission != Permission::for_object(resource.object) {
                        return Err(WebhookError::malformed(format!(
                            "a {} resource asks for `{}`; it can only be `{}`",
                            object_name(resource.object),
                            resource.permission.as_str(),
                            Permission::for_object(resource.object).as_str()
                        )));
                    }
                    match resource.object {
                        ObjectKind::Room if resource.room.is_some() => {
                            return Err(WebhookError::malformed(
                                "a room resource has a `room` field; only documents name their room",
                            ));
                        }
                        ObjectKind::Room => {}
                        ObjectKind::Document => {
                            if resource.room.as_deref() != Some(&room.reference) {
                                return Err(WebhookError::malformed(
                                    "a document belongs to another room than the one requested; ask for documents of the requested room only",
                                ));
                            }
                            check_name("document", &resource.reference)
                                .map_err(WebhookError::malformed)?;
                            if documents.contains(&resource.reference) {
                                return Err(WebhookError::malformed(
                                    "a document is listed twice; list each once",
                                ));
                            }
                            documents.push(resource.reference.clone());
                        }
                    }
                }
                Ok(RoomRequest {
                    room: room.reference.clone(),
                    documents,
                })
            }
        }
    }
}

/// Room Service's own limit on the room's name. The rest of
/// [`check_name`] is the floor the webhook holds every backend's room to
/// ([`crate::name`]), after this decode: not checked twice.
fn check_room_len(room: &str) -> Result<(), WebhookError> {
    if room.len() > MAX_NAME_LEN {
        return Err(WebhookError::malformed(format!(
            "the room name is {} bytes long; at most {MAX_NAME_LEN} are accepted",
            room.len()
        )));
    }
    Ok(())
}

fn object_name(object: ObjectKind) -> &'static str {
    match object {
        ObjectKind::Room => "room",
        ObjectKind::Document => "document",
    }
}

/// A room or document name (or any name a provisioner puts in a token):
/// the [floor](crate::name::check_name) every backend holds names to (not
/// empty, no control characters, no invisible formatting characters, no
/// whitespace at either end), and Room Service's own limit of
/// [`MAX_NAME_LEN`] bytes. Nothing is decoded or normalized.
///
/// `what` names the name in the reason (`"room"`, `"document"`, `"user"`):
/// `Err` says what is wrong, to answer with a 400.
///
/// ```
/// use roomauth::room_service::request::check_name;
/// assert!(check_name("room", "project-1").is_ok());
/// assert_eq!(
///     check_name("user", "mallory\n").unwrap_err(),
///     "the user name contains a control character"
/// );
/// ```
pub fn check_name(what: &str, name: &str) -> Result<(), String> {
    if name.len() > MAX_NAME_LEN {
        return Err(format!(
            "the {what} name is {} bytes long; at most {MAX_NAME_LEN} are accepted",
            name.len()
        ));
    }
    crate::name::check_name(what, name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;

    const JSON: Option<&str> = Some("application/json");

    /// Room Service's decode as the webhook runs it: the parse, then the
    /// floor on the room.
    fn decode(content_type: Option<&str>, body: &[u8]) -> Result<RoomRequest, WebhookError> {
        let request = RoomRequest::parse(content_type, body)?;
        crate::name::check_room_name(&request.room)?;
        Ok(request)
    }

    fn status(content_type: Option<&str>, body: &str) -> StatusCode {
        decode(content_type, body.as_bytes()).unwrap_err().status()
    }

    #[test]
    fn both_forms() {
        assert_eq!(
            RoomRequest::parse(JSON, br#"{"room":"express-minimal"}"#).unwrap(),
            RoomRequest {
                room: "express-minimal".into(),
                documents: vec!["default".into()]
            }
        );
        let url_strategy = br#"{"resources":[{"object":"document","reference":"default","permission":"read_write","room":"express-minimal"},{"object":"room","reference":"express-minimal","permission":"join"}]}"#;
        assert_eq!(
            RoomRequest::parse(Some("application/json; charset=utf-8"), url_strategy).unwrap(),
            RoomRequest {
                room: "express-minimal".into(),
                documents: vec!["default".into()]
            }
        );
    }

    #[test]
    fn content_types() {
        assert_eq!(
            status(None, r#"{"room":"a"}"#),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        assert_eq!(
            status(Some("text/plain"), r#"{"room":"a"}"#),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        assert_eq!(
            status(Some("application/x-www-form-urlencoded"), "room=a"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        assert!(RoomRequest::parse(Some("application/vnd.api+json"), br#"{"room":"a"}"#).is_ok());
        assert!(RoomRequest::parse(Some("Application/JSON"), br#"{"room":"a"}"#).is_ok());
    }

    #[test]
    fn malformed_bodies_are_400() {
        let long = format!(r#"{{"room":"{}"}}"#, "a".repeat(MAX_NAME_LEN + 1));
        let many = format!(
            r#"{{"resources":[{}]}}"#,
            [r#"{"object":"room","reference":"a","permission":"join"}"#; MAX_RESOURCES + 1]
                .join(",")
        );
        for body in [
            "",
            "  ",
            "{",
            "null",
            "[]",
            "\"a\"",
            "{}",
            r#"{"room":""}"#,
            r#"{"room":null}"#,
            r#"{"room":7}"#,
            r#"{"room":"a\u0000b"}"#,
            r#"{"room":"a\nb"}"#,
            r#"{"room":" a"}"#,
            r#"{"room":"a\t"}"#,
            r#"{"room":"a\u00a0"}"#,
            r#"{"room":"a\u202eb"}"#,
            r#"{"room":"a\u200bb"}"#,
            r#"{"room":"a\u2028b"}"#,
            r#"{"room":"\ufeffa"}"#,
            r#"{"room":"a\ud800"}"#,
            r#"{"room":"a","user":"mallory"}"#,
            r#"{"room":"a","resources":[]}"#,
            r#"{"resources":[]}"#,
            r#"{"resources":[{"object":"document","reference":"default","permission":"read_write","room":"a"}]}"#,
            r#"{"resources":[{"object":"room","reference":"a","permission":"join"},{"object":"room","reference":"b","permission":"join"}]}"#,
            r#"{"resources":[{"object":"room","reference":"a","permission":"read_write"}]}"#,
            r#"{"resources":[{"object":"room","reference":"a","permission":"join","id":"x"}]}"#,
            r#"{"resources":[{"object":"room","reference":"a","permission":"join","room":"a"}]}"#,
            r#"{"resources":[{"object":"room","reference":"a","permission":"join"},{"object":"document","reference":"d","permission":"read_write","room":"b"}]}"#,
            r#"{"resources":[{"object":"room","reference":"a","permission":"join"},{"object":"document","reference":"d","permission":"read_write"}]}"#,
            r#"{"resources":[{"object":"room","reference":"a","permission":"join"},{"object":"document","reference":"d","permission":"read_write","room":"a"},{"object":"document","reference":"d","permission":"read_write","room":"a"}]}"#,
            r#"{"resources":[{"object":"file","reference":"a","permission":"join"}]}"#,
            &long,
            &many,
        ] {
            assert_eq!(status(JSON, body), StatusCode::BAD_REQUEST, "{body}");
        }
    }

    #[test]
    fn every_default_ignorable_character_is_refused() {
        // Those a hand list missed, and a sample of the rest.
        for c in [
            '\u{034F}',
            '\u{115F}',
            '\u{1160}',
            '\u{3164}',
            '\u{FFA0}',
            '\u{FE00}',
            '\u{FE0F}',
            '\u{E0001}',
            '\u{E0020}',
            '\u{E007F}',
            '\u{180B}',
            '\u{17B4}',
            '\u{1D173}',
            '\u{00AD}',
            '\u{200B}',
            '\u{202E}',
            '\u{2066}',
            '\u{FEFF}',
            '\u{2028}',
            '\u{FFF9}',
        ] {
            let body = serde_json::json!({ "room": format!("project{c}-1") }).to_string();
            assert_eq!(
                status(JSON, &body),
                StatusCode::BAD_REQUEST,
                "U+{:04X}",
                c as u32
            );
            assert!(
                check_name("document", &format!("a{c}b")).is_err(),
                "U+{:04X}",
                c as u32
            );
        }
        // Visible non-ASCII stays accepted.
        for name in ["é", "١", "日本", "x-\u{1F600}", "\u{0915}\u{094D}\u{0937}"] {
            assert_eq!(check_name("room", name), Ok(()), "{name}");
        }
    }

    #[test]
    fn names_are_taken_as_sent() {
        for room in [
            "my room",
            "project-%31",
            "café-١",
            "a b\u{00e9}",
            "x-\u{1F600}",
        ] {
            let body = serde_json::json!({ "room": room }).to_string();
            let parsed = RoomRequest::parse(JSON, body.as_bytes()).unwrap();
            assert_eq!(parsed.room, room, "nothing is decoded or normalized");
        }
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let err = RoomRequest::parse(JSON, br#"{"room":"a","user":"mallory"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `user`"), "{err}");
        // serde quotes the input; its control characters are escaped, so
        // that the message cannot forge a log line.
        let err = RoomRequest::parse(JSON, br#"{"room":"a","us\nerr\u0000":1}"#).unwrap_err();
        assert!(!err.to_string().contains(char::is_control), "{err:?}");
        assert!(err.to_string().contains(r"us\u{a}err\u{0}"), "{err}");
    }

    /// `check_name` as it was: three passes over the name.
    fn check_name_three_passes(what: &str, name: &str) -> Result<(), String> {
        if name.is_empty() {
            return Err(format!("the {what} name is empty"));
        }
        if name.len() > MAX_NAME_LEN {
            return Err(format!(
                "the {what} name is {} bytes long; at most {MAX_NAME_LEN} are accepted",
                name.len()
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(format!("the {what} name contains a control character"));
        }
        if name.chars().any(crate::name::is_invisible_format) {
            return Err(format!(
                "the {what} name contains an invisible formatting character (bidirectional control, zero-width character or line separator)"
            ));
        }
        if name.starts_with(char::is_whitespace) || name.ends_with(char::is_whitespace) {
            return Err(format!("the {what} name starts or ends with whitespace"));
        }
        Ok(())
    }

    fn same_as_three_passes(name: &str) -> Result<(), String> {
        let new = check_name("room", name);
        let old = check_name_three_passes("room", name);
        if new == old {
            Ok(())
        } else {
            Err(format!("{name:?}: {new:?} where it was {old:?}"))
        }
    }

    #[test]
    fn check_name_edge_cases() {
        for name in [
            "",
            " ",
            "a",
            "project-1",
            " a",
            "a ",
            "a b",
            "\u{7f}",
            "a\u{7f}",
            "\t",
            "a\u{0b}",
            "é",
            " é",
            "é ",
            "\u{a0}a",
            "a\u{3000}",
            "a\u{85}",
            "a\u{85}\u{200b}",
            "a\u{200b}\u{85}",
            "a\u{200b}\u{0}",
            "\u{0}\u{200b}",
            "\u{200b} ",
            "é\u{1}",
            "\u{1}é",
            "\u{feff}",
            "x-\u{1F600}",
            &"a".repeat(MAX_NAME_LEN),
            &"a".repeat(MAX_NAME_LEN + 1),
            &"é".repeat(MAX_NAME_LEN / 2),
            &"é".repeat(MAX_NAME_LEN / 2 + 1),
        ] {
            same_as_three_passes(name).unwrap();
        }
        assert!(check_name("room", "project-1").is_ok());
        assert!(check_name("room", "café-١").is_ok());
    }

    /// Characters each check cares about, mixed with ordinary ones.
    fn name_char() -> impl proptest::strategy::Strategy<Value = char> {
        use proptest::prelude::*;
        prop_oneof![
            4 => proptest::char::range('!', '~'),
            1 => Just(' '),
            1 => proptest::char::range('\u{0}', '\u{1f}'),
            1 => Just('\u{7f}'),
            1 => proptest::char::range('\u{80}', '\u{a0}'),
            1 => proptest::sample::select(vec![
                '\u{ad}', '\u{61c}', '\u{180e}', '\u{200b}', '\u{200f}', '\u{2028}',
                '\u{202e}', '\u{2060}', '\u{2066}', '\u{206f}', '\u{feff}', '\u{fffb}',
                '\u{1680}', '\u{2000}', '\u{200a}', '\u{3000}', '\u{205f}', '\u{2010}',
            ]),
            2 => any::<char>(),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 4096,
            failure_persistence: None,
            ..proptest::prelude::ProptestConfig::default()
        })]

        #[test]
        fn check_name_is_the_three_passes(
            chars in proptest::collection::vec(name_char(), 0..12),
        ) {
            let name: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(same_as_three_passes(&name), Ok(()));
        }

        #[test]
        fn check_name_is_the_three_passes_on_any_text(name in ".{0,300}") {
            proptest::prop_assert_eq!(same_as_three_passes(&name), Ok(()));
        }

        #[test]
        fn check_name_is_the_three_passes_near_the_limit(
            head in proptest::collection::vec(name_char(), 0..4),
            fill in (MAX_NAME_LEN - 8)..=MAX_NAME_LEN,
            tail in proptest::collection::vec(name_char(), 0..4),
        ) {
            let mut name: String = head.into_iter().collect();
            name.push_str(&"a".repeat(fill));
            name.extend(tail);
            proptest::prop_assert_eq!(same_as_three_passes(&name), Ok(()));
        }
    }
}
