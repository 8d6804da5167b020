//! Property tests of room patterns: the fast matcher against a slow reference
//! written from the documented rule, format/match round trips, the
//! dispatcher against a linear scan, and the overlap check against brute
//! force.

use proptest::prelude::*;
use roomauth::pattern::{Dispatcher, FormatError, Pattern};

/// A pattern in the test's own terms: literal text, or a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Lit(String),
    Hole,
}

/// Assembles a pattern: optional leading literal, placeholders separated by
/// literals, optional final literal.
fn assemble(
    lead: Option<String>,
    holes: usize,
    middles: Vec<String>,
    last: Option<String>,
) -> Vec<Piece> {
    let mut pieces = Vec::new();
    if let Some(lead) = lead {
        pieces.push(Piece::Lit(lead));
    }
    for k in 0..holes {
        if k > 0 {
            pieces.push(Piece::Lit(middles[k - 1].clone()));
        }
        pieces.push(Piece::Hole);
    }
    if let Some(last) = last {
        if matches!(pieces.last(), Some(Piece::Lit(_))) {
            // Two literals in a row are one literal.
            if let Some(Piece::Lit(text)) = pieces.last_mut() {
                text.push_str(&last);
            }
        } else {
            pieces.push(Piece::Lit(last));
        }
    }
    if pieces.is_empty() {
        pieces.push(Piece::Lit("a".to_owned()));
    }
    pieces
}

fn source(pieces: &[Piece]) -> String {
    let mut src = String::new();
    let mut k = 0;
    for piece in pieces {
        match piece {
            Piece::Lit(text) => src.push_str(text),
            Piece::Hole => {
                src.push_str(&format!("<p{k}>"));
                k += 1;
            }
        }
    }
    src
}

fn pieces_with(literal: &'static str) -> impl Strategy<Value = Vec<Piece>> {
    (
        proptest::option::of(literal),
        0..4usize,
        proptest::collection::vec(literal, 3),
        proptest::option::of(literal),
    )
        .prop_map(|(lead, holes, middles, last)| assemble(lead, holes, middles, last))
}

fn pieces() -> impl Strategy<Value = Vec<Piece>> {
    pieces_with("[a-c-]{1,3}")
}

/// The documented matching rule, step by step, one character at a time.
fn reference(pieces: &[Piece], room: &str) -> Option<Vec<String>> {
    let mut rest = room;
    let mut values = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        match &pieces[i] {
            Piece::Lit(text) => {
                // Only the leading literal (or a pattern that is one literal) gets here.
                rest = rest.strip_prefix(text.as_str())?;
                i += 1;
            }
            Piece::Hole => match pieces.get(i + 1) {
                // The last placeholder takes the whole, non-empty rest.
                None => {
                    if rest.is_empty() {
                        return None;
                    }
                    values.push(rest.to_owned());
                    rest = "";
                    i += 1;
                }
                Some(Piece::Lit(text)) if i + 2 == pieces.len() => {
                    // Followed by the final literal: everything up to that suffix.
                    if !rest.ends_with(text.as_str()) || rest.len() == text.len() {
                        return None;
                    }
                    values.push(rest[..rest.len() - text.len()].to_owned());
                    rest = "";
                    i += 2;
                }
                Some(Piece::Lit(text)) => {
                    // Try lengths 1, 2, ... characters; take the first one
                    // that the literal follows.
                    let chars: Vec<char> = rest.chars().collect();
                    let mut taken = None;
                    for len in 1..=chars.len() {
                        let value: String = chars[..len].iter().collect();
                        let after: String = chars[len..].iter().collect();
                        if after.starts_with(text.as_str()) {
                            taken = Some((value, after[text.len()..].to_owned()));
                            break;
                        }
                    }
                    let (value, after) = taken?;
                    rest = &rest[rest.len() - after.len()..];
                    values.push(value);
                    i += 2;
                }
                Some(Piece::Hole) => return None,
            },
        }
    }
    rest.is_empty().then_some(values)
}

/// The room obtained by pasting values into the pattern, without any check.
fn paste(pieces: &[Piece], values: &[String]) -> String {
    let mut room = String::new();
    let mut values = values.iter();
    for piece in pieces {
        match piece {
            Piece::Lit(text) => room.push_str(text),
            Piece::Hole => room.push_str(values.next().map_or("v", String::as_str)),
        }
    }
    room
}

fn holes(pieces: &[Piece]) -> usize {
    pieces.iter().filter(|p| matches!(p, Piece::Hole)).count()
}

fn fast(pattern: &Pattern, room: &str) -> Option<Vec<String>> {
    pattern
        .matches(room)
        .map(|captures| captures.iter().map(str::to_owned).collect())
}

/// Superset membership: every placeholder is "any non-empty text".
fn fits(pieces: &[Piece], s: &[char]) -> bool {
    match pieces.split_first() {
        None => s.is_empty(),
        Some((Piece::Lit(text), rest)) => {
            let text: Vec<char> = text.chars().collect();
            s.starts_with(&text) && fits(rest, &s[text.len()..])
        }
        Some((Piece::Hole, rest)) => (1..=s.len()).any(|len| fits(rest, &s[len..])),
    }
}

/// The shortest string over `alphabet`, up to `max` characters, that fits
/// both patterns.
fn brute_overlap(a: &[Piece], b: &[Piece], alphabet: &[char], max: usize) -> Option<String> {
    let mut current: Vec<Vec<char>> = vec![Vec::new()];
    for _ in 0..=max {
        if let Some(found) = current.iter().find(|s| fits(a, s) && fits(b, s)) {
            return Some(found.iter().collect());
        }
        current = current
            .iter()
            .flat_map(|s| {
                alphabet.iter().map(move |&c| {
                    let mut longer = s.clone();
                    longer.push(c);
                    longer
                })
            })
            .collect();
    }
    None
}

fn check_matches(pieces: &[Piece], rooms: &[String]) -> Result<(), TestCaseError> {
    let src = source(pieces);
    let pattern = Pattern::parse(&src).map_err(|e| TestCaseError::fail(e.to_string()))?;
    for room in rooms {
        prop_assert_eq!(
            fast(&pattern, room),
            reference(pieces, room),
            "pattern {:?} room {:?}",
            src,
            room
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn matches_agrees_with_reference(
        pieces in pieces(),
        random in proptest::collection::vec("[a-c-]{0,12}", 8),
        values in proptest::collection::vec("[a-c-]{0,4}", 4),
    ) {
        let mut rooms = random;
        rooms.push(paste(&pieces, &values));
        let nonempty: Vec<String> =
            values.iter().map(|v| if v.is_empty() { "a".to_owned() } else { v.clone() }).collect();
        rooms.push(paste(&pieces, &nonempty));
        check_matches(&pieces, &rooms)?;
    }

    #[test]
    fn matches_agrees_with_reference_on_unicode(
        pieces in pieces_with("[aé€-]{1,3}"),
        random in proptest::collection::vec("[aé€\u{80}-]{0,10}", 8),
        values in proptest::collection::vec("[aé€-]{1,4}", 4),
    ) {
        let mut rooms = random;
        rooms.push(paste(&pieces, &values));
        check_matches(&pieces, &rooms)?;
    }

    #[test]
    fn format_round_trips_or_refuses_with_reason(
        pieces in pieces(),
        values in proptest::collection::vec("[a-c-]{0,4}", 4),
    ) {
        let src = source(&pieces);
        let pattern = Pattern::parse(&src).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let values = &values[..holes(&pieces)];
        let refs: Vec<&str> = values.iter().map(String::as_str).collect();
        match pattern.format(&refs) {
            Ok(room) => {
                prop_assert_eq!(&room, &paste(&pieces, values));
                prop_assert_eq!(fast(&pattern, &room), Some(values.to_vec()));
            }
            Err(FormatError::EmptyValue { placeholder, .. }) => {
                let index: usize = placeholder[1..].parse().map_err(|_| TestCaseError::fail("name"))?;
                prop_assert!(values[index].is_empty());
            }
            Err(FormatError::NotRoundTrip { placeholder, room, value, .. }) => {
                prop_assert!(values.iter().all(|v| !v.is_empty()));
                prop_assert_eq!(&room, &paste(&pieces, values));
                // Refused only because it would indeed parse back differently,
                // and the named placeholder is the first one that differs.
                let back = reference(&pieces, &room);
                prop_assert_ne!(back.as_deref(), Some(values));
                let index: usize = placeholder[1..].parse().map_err(|_| TestCaseError::fail("name"))?;
                prop_assert_eq!(&values[index], &value);
                if let Some(back) = back {
                    let first_diff = back.iter().zip(values).position(|(a, b)| a != b);
                    prop_assert_eq!(first_diff, Some(index));
                }
            }
            Err(other) => prop_assert!(false, "unexpected {other}"),
        }
    }

    #[test]
    fn dispatcher_agrees_with_linear_scan(
        all in proptest::collection::vec(pieces(), 1..10),
        random in proptest::collection::vec("[a-c-]{0,10}", 8),
        values in proptest::collection::vec("[a-c-]{1,3}", 4),
    ) {
        let mut builder = Dispatcher::builder();
        let mut inserted: Vec<Pattern> = Vec::new();
        for pieces in &all {
            let pattern = Pattern::parse(&source(pieces)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let before = builder.len();
            match builder.insert(pattern.clone(), inserted.len()) {
                Ok(()) => inserted.push(pattern),
                Err(error) => {
                    // Refused only for a real (superset) overlap with an inserted pattern.
                    prop_assert_eq!(builder.len(), before);
                    prop_assert_eq!(&error.new, pattern.as_str());
                    let existing = &inserted[error.existing_index];
                    prop_assert_eq!(&error.existing, existing.as_str());
                    prop_assert_eq!(existing.overlaps(&pattern), Some(error.witness.clone()));
                }
            }
        }
        // Every pattern refused overlaps some inserted one, every inserted
        // pair is disjoint.
        for pieces in &all {
            let pattern = Pattern::parse(&source(pieces)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let overlapping = inserted.iter().filter(|other| other.overlaps(&pattern).is_some()).count();
            prop_assert!(overlapping >= 1);
            if inserted.contains(&pattern) {
                prop_assert_eq!(overlapping, 1);
            }
        }
        let dispatcher = builder.build();
        prop_assert_eq!(dispatcher.len(), inserted.len());
        let mut rooms = random;
        for pieces in &all {
            rooms.push(paste(pieces, &values));
        }
        for room in &rooms {
            let linear: Vec<usize> = inserted
                .iter()
                .enumerate()
                .filter(|(_, pattern)| pattern.is_match(room))
                .map(|(i, _)| i)
                .collect();
            prop_assert!(linear.len() <= 1, "{:?} all match {:?}", linear, room);
            let found = dispatcher.lookup(room);
            prop_assert_eq!(found.map(|m| m.index), linear.first().copied(), "room {:?}", room);
            if let Some(found) = found {
                prop_assert_eq!(*found.value, found.index);
                prop_assert_eq!(Some(found.captures), inserted[found.index].matches(room));
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    #[test]
    fn overlap_agrees_with_brute_force(a in pieces_with("[ab-]{1,2}"), b in pieces_with("[ab-]{1,2}")) {
        const MAX: usize = 7;
        let pa = Pattern::parse(&source(&a)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let pb = Pattern::parse(&source(&b)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let witness = pa.overlaps(&pb);
        // Symmetric, up to the choice of witness.
        prop_assert_eq!(
            witness.as_ref().map(|w| w.chars().count()),
            pb.overlaps(&pa).map(|w| w.chars().count())
        );
        // Any witness fits both patterns.
        if let Some(witness) = &witness {
            let chars: Vec<char> = witness.chars().collect();
            prop_assert!(fits(&a, &chars) && fits(&b, &chars), "witness {:?}", witness);
        }
        // The literals use only `a`, `b`, `-`, so the fresh character is `x`
        // and the witness, a shortest one, is found by brute force too.
        let brute = brute_overlap(&a, &b, &['a', 'b', '-', 'x'], MAX);
        if brute.is_some() {
            prop_assert!(witness.is_some(), "brute force found {:?}", brute);
        }
        let short_witness = witness.filter(|w| w.chars().count() <= MAX);
        prop_assert_eq!(
            brute.map(|s| s.chars().count()),
            short_witness.map(|s| s.chars().count())
        );
    }
}

#[test]
fn reference_follows_the_documented_examples() {
    let pieces = vec![
        Piece::Lit("org-".into()),
        Piece::Hole,
        Piece::Lit("-project-".into()),
        Piece::Hole,
    ];
    assert_eq!(
        reference(&pieces, "org-a-project-b-project-1"),
        Some(vec!["a".to_owned(), "b-project-1".to_owned()])
    );
    assert_eq!(reference(&pieces, "org--project-1"), None);
    let pattern = Pattern::parse(&source(&pieces)).unwrap();
    assert_eq!(pattern.as_str(), "org-<p0>-project-<p1>");
}
