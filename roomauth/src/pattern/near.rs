//! Patterns that look meant for a room none of them matches: what the log
//! names when no rule answers, so that a misspelt pattern or room is told
//! apart from a real refusal.

use super::parse::Pattern;

/// The most patterns [`near`] names.
pub const MAX_NEAR: usize = 3;

/// The patterns of `patterns` that look meant for `room`, nearest first, at
/// most [`MAX_NEAR`]: those whose literal text before the first placeholder
/// begins the room (the placeholder's type refused the rest, or a literal
/// after it differs) or appears in it (a prefix the pattern lacks, like
/// Pusher's `presence-`), and those within a few edits of the room's
/// beginning (a typo).
pub fn near<'p>(patterns: impl IntoIterator<Item = &'p Pattern>, room: &str) -> Vec<&'p Pattern> {
    let mut scored: Vec<(usize, &Pattern)> = patterns
        .into_iter()
        .filter_map(|pattern| distance(pattern, room).map(|d| (d, pattern)))
        .collect();
    scored.sort_by_key(|(d, _)| *d);
    scored.into_iter().take(MAX_NEAR).map(|(_, p)| p).collect()
}

/// How far `room` is from `pattern`, if near at all: 0 for a room that
/// begins with the pattern's literal prefix, 1 for one that contains it,
/// 1 + the edits between the prefix and the room's beginning otherwise.
fn distance(pattern: &Pattern, room: &str) -> Option<usize> {
    let prefix = pattern.literal_prefix();
    if prefix.is_empty() {
        return None;
    }
    if room.starts_with(prefix) {
        return Some(0);
    }
    if room.contains(prefix) {
        return Some(1);
    }
    // The room's beginning as long as the prefix (the whole room for a
    // pattern without placeholders).
    let chars = prefix.chars().count();
    let whole = pattern.placeholder_count() == 0;
    let head: String = if whole {
        room.to_owned()
    } else {
        room.chars().take(chars).collect()
    };
    let edits = strsim::levenshtein(&head, prefix);
    (edits <= (chars / 4).max(1)).then_some(1 + edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(patterns: &[Pattern], room: &str) -> Vec<String> {
        near(patterns, room)
            .into_iter()
            .map(|p| p.as_str().to_owned())
            .collect()
    }

    #[test]
    fn near_patterns() {
        let patterns: Vec<Pattern> = ["project-<id>", "lobby", "org-<org>-team-<team>", "doc:<id>"]
            .iter()
            .map(|p| Pattern::parse(p).unwrap())
            .collect();
        // The right prefix, a placeholder that refused the rest.
        assert_eq!(names(&patterns, "project-abc"), ["project-<id>"]);
        // A prefix the pattern lacks.
        assert_eq!(names(&patterns, "presence-project-1"), ["project-<id>"]);
        // Typos.
        assert_eq!(names(&patterns, "projcet-1"), ["project-<id>"]);
        assert_eq!(names(&patterns, "lobbi"), ["lobby"]);
        assert_eq!(names(&patterns, "lobby-2"), ["lobby"]);
        assert_eq!(
            names(&patterns, "org-acme-teams-1"),
            ["org-<org>-team-<team>"]
        );
        // Nothing near.
        assert!(names(&patterns, "zzz").is_empty());
        assert!(names(&patterns, "").is_empty());
        // Nearest first, at most MAX_NEAR.
        let many: Vec<Pattern> = ["a-<x>", "ab-<x>", "abc-<x>", "abcd-<x>", "q-<x>"]
            .iter()
            .map(|p| Pattern::parse(p).unwrap())
            .collect();
        let found = names(&many, "abcd-1");
        assert_eq!(found.len(), MAX_NEAR);
        assert_eq!(found[0], "abcd-<x>");
    }
}
