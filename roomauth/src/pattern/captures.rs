//! The placeholder values of one match, kept as byte ranges of the room name.

use std::fmt;
use std::hash::{Hash, Hasher};

use roomauth_syntax::MAX_PLACEHOLDERS;

use super::Pattern;

/// The placeholder values bound by [`Pattern::matches`], in the order of the
/// placeholders.
///
/// Holds the room name and one byte range per value in a fixed array
/// ([`MAX_PLACEHOLDERS`] slots of two `u16`s: room names that can have
/// captures are at most [`MAX_ROOM_LEN`](super::MAX_ROOM_LEN) bytes long), so matching never
/// allocates and a match is small enough to be moved around in registers
/// rather than copied through memory. Two captures are equal when their
/// values are.
#[derive(Clone, Copy)]
pub struct Captures<'r> {
    room: &'r str,
    len: u8,
    spans: [Span; MAX_PLACEHOLDERS],
}

/// Where one value sits in the room name. Always on character boundaries:
/// the matcher only cuts the room before or after a literal, and a literal
/// (valid UTF-8) can only occur at a boundary.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    start: u16,
    end: u16,
}

impl Span {
    fn of(self, room: &str) -> Option<&str> {
        room.get(usize::from(self.start)..usize::from(self.end))
    }
}

impl<'r> Captures<'r> {
    pub(super) const fn new(room: &'r str) -> Self {
        Captures {
            room,
            len: 0,
            spans: [Span { start: 0, end: 0 }; MAX_PLACEHOLDERS],
        }
    }

    /// Records the next value, `room[start..end]`; `None` when every slot
    /// is taken or an offset does not fit in 16 bits.
    pub(super) fn push(&mut self, start: usize, end: usize) -> Option<()> {
        let span = Span {
            start: u16::try_from(start).ok()?,
            end: u16::try_from(end).ok()?,
        };
        *self.spans.get_mut(usize::from(self.len))? = span;
        self.len += 1;
        Some(())
    }

    /// The room name the values were taken from.
    pub fn room(&self) -> &'r str {
        self.room
    }

    /// The value of the `index`-th placeholder.
    pub fn get(&self, index: usize) -> Option<&'r str> {
        if index >= self.len() {
            return None;
        }
        self.spans.get(index).and_then(|span| span.of(self.room))
    }

    /// The value of the placeholder called `name` in `pattern`, the pattern
    /// that produced these captures.
    pub fn name(&self, pattern: &Pattern, name: &str) -> Option<&'r str> {
        self.get(pattern.placeholder_index(name)?)
    }

    /// The number of values: the pattern's number of placeholders.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether there are no values (the pattern has no placeholder).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The values, in the order of the placeholders.
    pub fn iter(&self) -> CapturesIter<'_, 'r> {
        CapturesIter {
            room: self.room,
            spans: self.spans.get(..self.len()).unwrap_or_default().iter(),
        }
    }
}

impl PartialEq for Captures<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Captures<'_> {}

impl Hash for Captures<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        self.iter().for_each(|value| value.hash(state));
    }
}

impl fmt::Debug for Captures<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'c, 'r> IntoIterator for &'c Captures<'r> {
    type Item = &'r str;
    type IntoIter = CapturesIter<'c, 'r>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// The values of a [`Captures`], in the order of the placeholders.
#[derive(Debug, Clone)]
pub struct CapturesIter<'c, 'r> {
    room: &'r str,
    spans: std::slice::Iter<'c, Span>,
}

impl<'r> Iterator for CapturesIter<'_, 'r> {
    type Item = &'r str;

    fn next(&mut self) -> Option<&'r str> {
        self.spans.next().and_then(|span| span.of(self.room))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.spans.size_hint()
    }
}

impl ExactSizeIterator for CapturesIter<'_, '_> {}

impl std::iter::FusedIterator for CapturesIter<'_, '_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_match_stays_small() {
        // The room, 16 ranges of two u16s and a count: moved around by every
        // match, so its size is part of the matcher's speed.
        assert!(std::mem::size_of::<Captures<'_>>() <= 88);
        assert!(std::mem::size_of::<Option<Captures<'_>>>() <= 88);
    }
}
