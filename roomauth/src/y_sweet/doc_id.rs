//! y-sweet's document ids: `[A-Za-z0-9_-]+`, the server's `validate_doc_name`.

/// The longest doc id roomauth accepts, in bytes. y-sweet has no limit of its
/// own; ids end up in store keys and URLs.
pub const MAX_DOC_ID_LEN: usize = 256;

/// Why a doc id is refused.
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DocIdError {
    /// Empty.
    #[error("`docId` is empty")]
    Empty,
    /// Over [`MAX_DOC_ID_LEN`] bytes.
    #[error("`docId` is over {MAX_DOC_ID_LEN} bytes")]
    TooLong,
    /// Has a character outside `[A-Za-z0-9_-]`, which y-sweet refuses.
    #[error("`docId` may only have ASCII letters, digits, `-` and `_`")]
    Charset,
}

crate::error::debug_is_display!(DocIdError);

/// Checks `doc_id` as y-sweet does (`[A-Za-z0-9_-]+`), with a length limit.
/// A valid id needs no escaping in the server's URL paths.
pub fn validate_doc_id(doc_id: &str) -> Result<(), DocIdError> {
    if doc_id.is_empty() {
        Err(DocIdError::Empty)
    } else if doc_id.len() > MAX_DOC_ID_LEN {
        Err(DocIdError::TooLong)
    } else if !doc_id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Err(DocIdError::Charset)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_y_sweet_ids_only() {
        for ok in ["project-1", "a", "A_b-9", &"x".repeat(MAX_DOC_ID_LEN)] {
            assert_eq!(validate_doc_id(ok), Ok(()), "{ok}");
        }
        assert_eq!(validate_doc_id(""), Err(DocIdError::Empty));
        assert_eq!(
            validate_doc_id(&"x".repeat(MAX_DOC_ID_LEN + 1)),
            Err(DocIdError::TooLong)
        );
        for bad in [
            "org.acme", "a/b", "../x", "a b", "a%2F", "é", "a\n", "a?b", "a#b",
        ] {
            assert_eq!(validate_doc_id(bad), Err(DocIdError::Charset), "{bad:?}");
        }
    }
}
