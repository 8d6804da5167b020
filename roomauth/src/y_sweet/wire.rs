//! The JSON the app sends the y-sweet server and reads back
//! (`crates/y-sweet-core/src/api_types.rs` of y-sweet 0.9.1).

use serde::{Deserialize, Serialize};

/// `POST /doc/new` body: creates the document if it is missing (a no-op
/// otherwise).
#[derive(Debug, Clone, Serialize)]
pub struct NewDocRequest<'a> {
    /// The document to create.
    #[serde(rename = "docId")]
    pub doc_id: &'a str,
}

/// `POST /doc/new` answer: `{"docId": "project-1"}`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewDocAnswer {
    /// The document created or found.
    #[serde(rename = "docId")]
    pub doc_id: String,
}

/// y-sweet's two grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Authorization {
    /// Read and write.
    #[serde(rename = "full")]
    Full,
    /// Read only: the server applies none of the connection's updates.
    #[serde(rename = "read-only")]
    ReadOnly,
}

/// `POST /doc/:id/auth` body.
#[derive(Debug, Clone, Serialize)]
pub struct AuthDocRequest<'a> {
    /// The grant.
    pub authorization: Authorization,
    /// The user; y-sweet 0.9.1 accepts it and does not use it yet.
    #[serde(rename = "userId")]
    pub user_id: &'a str,
    /// How long the client token is valid.
    #[serde(rename = "validForSeconds")]
    pub valid_for_seconds: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_shapes() {
        assert_eq!(
            serde_json::to_string(&AuthDocRequest {
                authorization: Authorization::ReadOnly,
                user_id: "alice",
                valid_for_seconds: 3600,
            })
            .expect("serializes"),
            r#"{"authorization":"read-only","userId":"alice","validForSeconds":3600}"#
        );
        assert_eq!(
            serde_json::to_string(&NewDocRequest { doc_id: "p" }).expect("serializes"),
            r#"{"docId":"p"}"#
        );
    }
}
