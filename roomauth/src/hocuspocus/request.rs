//! The JSON the extension sends: `{"documentName": "project-1"}`.

use serde::Deserialize;

/// The longest `documentName` accepted, in bytes. Hocuspocus itself has no
/// limit; room names in roomauth's patterns are far shorter.
pub const MAX_DOCUMENT_NAME_LEN: usize = 512;

/// The extension's body: `{"documentName": "project-1"}`. The identity is
/// not in the body: it travels in the forwarded `Cookie` and
/// `Authorization` headers, where the app's session extractor reads it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct AuthenticateRequest {
    /// The document the provider asks for (the provider's `name`).
    #[serde(rename = "documentName")]
    pub document_name: String,
}

/// Why a `documentName` is refused.
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DocumentNameError {
    /// Over [`MAX_DOCUMENT_NAME_LEN`] bytes.
    #[error("`documentName` is over {MAX_DOCUMENT_NAME_LEN} bytes")]
    TooLong,
}

crate::error::debug_is_display!(DocumentNameError);

impl AuthenticateRequest {
    /// Checks the document name against roomauth's limit for Hocuspocus.
    /// Empty, control and look-alike names are the webhook's floor
    /// ([`crate::name`]).
    pub fn validate(&self) -> Result<(), DocumentNameError> {
        if self.document_name.len() > MAX_DOCUMENT_NAME_LEN {
            Err(DocumentNameError::TooLong)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_shape() {
        let request: AuthenticateRequest =
            serde_json::from_str(r#"{"documentName":"project-1","later":1}"#).expect("parses");
        assert_eq!(request.document_name, "project-1");
        assert_eq!(request.validate(), Ok(()));
    }

    #[test]
    fn document_name_validation() {
        let named = |name: &str| AuthenticateRequest {
            document_name: name.into(),
        };
        assert_eq!(
            named(&"a".repeat(MAX_DOCUMENT_NAME_LEN + 1)).validate(),
            Err(DocumentNameError::TooLong)
        );
        assert_eq!(named(&"a".repeat(MAX_DOCUMENT_NAME_LEN)).validate(), Ok(()));
        assert_eq!(named("org.acme/notes 1").validate(), Ok(()));
    }
}
