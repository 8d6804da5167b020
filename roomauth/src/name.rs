//! The room-name floor: the names no backend lets through, because they
//! could look like another name (or forge a log line).
//!
//! The webhook applies [`check_room_name`] to the room every backend names,
//! after the backend's `decode` and before the rules or the backend's grant
//! see it, so that every backend refuses the same look-alike names with the
//! same 400. Each backend adds only its own limits on top (Pusher's charset
//! and 200 bytes, Liveblocks' room ids, y-sweet's doc ids, the lengths).

use crate::error::WebhookError;

/// Checks a room name against the floor: the one 400 every backend answers
/// to a look-alike room name. See [`check_name`].
///
/// ```
/// use roomauth::name::check_room_name;
/// assert!(check_room_name("project-1").is_ok());
/// assert_eq!(
///     check_room_name("project-1\u{202e}").unwrap_err().to_string(),
///     "malformed request: the room name contains an invisible formatting character \
///      (bidirectional control, zero-width character or line separator)"
/// );
/// ```
pub fn check_room_name(room: &str) -> Result<(), WebhookError> {
    check_name("room", room).map_err(WebhookError::Malformed)
}

/// A backend's own refusal of `room` (its charset, say), unless the floor
/// refuses the name too: then the floor's, so that a look-alike name gets
/// the same 400 from every backend whatever the backend checks first.
/// Backends call it on their refusal path only.
pub fn floor_or(room: &str, own: WebhookError) -> WebhookError {
    check_room_name(room).err().unwrap_or(own)
}

/// The floor for any name (a room, a document, a user id): not empty, no
/// control characters (they have no business in a name and break logs), no
/// invisible formatting characters (bidirectional overrides, zero-width
/// characters, line separators: they make a name display as another), and
/// no whitespace at either end (`" project-1"` would look like
/// `project-1`). Nothing is decoded or normalized: `%31` stays `%31`, and a
/// rule sees the name exactly as sent. Lengths are each service's own.
///
/// `what` names the name in the reason (`"room"`, `"document"`, `"user"`):
/// `Err` says what is wrong, to answer with a 400. The reason never quotes
/// the name.
///
/// ```
/// use roomauth::name::check_name;
/// assert!(check_name("room", "project-1").is_ok());
/// assert_eq!(
///     check_name("user", "mallory\n").unwrap_err(),
///     "the user name contains a control character"
/// );
/// ```
pub fn check_name(what: &str, name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err(format!("the {what} name is empty"));
    }
    // One pass over the bytes while they are printable ASCII, the usual
    // name: no control character, no invisible formatting character (all
    // are outside ASCII), and the space the only whitespace.
    let bytes = name.as_bytes();
    match bytes.iter().position(|b| !(0x20..0x7f).contains(b)) {
        None if name.starts_with(' ') || name.ends_with(' ') => Err(whitespace_at_end(what)),
        None => Ok(()),
        // An ASCII byte outside the printable range: C0 controls and DEL.
        Some(at) if bytes.get(at).is_some_and(u8::is_ascii) => Err(control_character(what)),
        // The first non-ASCII character: the rest of the name as text.
        Some(at) => check_text_name(what, name, at),
    }
}

/// [`check_name`] from byte `from` on, where the first non-ASCII character
/// starts; the bytes before it are printable ASCII.
fn check_text_name(what: &str, name: &str, from: usize) -> Result<(), String> {
    // A control character anywhere is reported before an invisible one.
    let mut invisible = false;
    for c in name.get(from..).unwrap_or(name).chars() {
        if c.is_control() {
            return Err(control_character(what));
        }
        invisible |= is_invisible_format(c);
    }
    if invisible {
        return Err(format!(
            "the {what} name contains an invisible formatting character (bidirectional control, zero-width character or line separator)"
        ));
    }
    if name.starts_with(char::is_whitespace) || name.ends_with(char::is_whitespace) {
        return Err(whitespace_at_end(what));
    }
    Ok(())
}

fn control_character(what: &str) -> String {
    format!("the {what} name contains a control character")
}

fn whitespace_at_end(what: &str) -> String {
    format!("the {what} name starts or ends with whitespace")
}

/// Characters that are not seen themselves: Unicode's
/// `Default_Ignorable_Code_Point` (zero-width characters and joiners,
/// bidirectional controls, the soft hyphen, the combining grapheme joiner,
/// the Hangul fillers, variation selectors, tag characters, ...), from the
/// Unicode Character Database as ICU4X ships it; and the line and paragraph
/// separators and interlinear annotation characters, which break or hide
/// text without being default-ignorable.
pub(crate) fn is_invisible_format(c: char) -> bool {
    const IGNORABLE: icu_properties::CodePointSetDataBorrowed<'static> =
        icu_properties::CodePointSetData::new::<icu_properties::props::DefaultIgnorableCodePoint>();
    IGNORABLE.contains(c) || matches!(c, '\u{2028}' | '\u{2029}' | '\u{FFF9}'..='\u{FFFB}')
}

#[cfg(test)]
mod tests {
    use super::*;

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
            '\u{E0041}',
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
            '\u{2029}',
            '\u{FFF9}',
        ] {
            assert!(
                check_room_name(&format!("project{c}-1")).is_err(),
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
    fn reasons_say_what_is_wrong() {
        for (name, reason) in [
            ("", "the room name is empty"),
            ("a\u{0}b", "the room name contains a control character"),
            ("a\u{85}", "the room name contains a control character"),
            (" a", "the room name starts or ends with whitespace"),
            ("a\u{3000}", "the room name starts or ends with whitespace"),
            (
                "\u{feff}a",
                "the room name contains an invisible formatting character (bidirectional control, zero-width character or line separator)",
            ),
        ] {
            assert_eq!(check_name("room", name), Err(reason.to_owned()), "{name:?}");
        }
        // The floor has no length: that is each service's own limit.
        assert_eq!(check_name("room", &"a".repeat(4096)), Ok(()));
    }

    #[test]
    fn a_backends_own_refusal_gives_way_to_the_floors() {
        let own = || WebhookError::malformed("`docId` may only have ASCII letters");
        assert_eq!(
            floor_or("a\u{200b}b", own()).to_string(),
            check_room_name("a\u{200b}b").unwrap_err().to_string()
        );
        assert_eq!(floor_or("a/b", own()).to_string(), own().to_string());
    }
}
