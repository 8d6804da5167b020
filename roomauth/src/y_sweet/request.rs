//! The client's body: what `@y-sweet/client` posts to the auth endpoint.

use serde::Deserialize;

/// What `@y-sweet/client` posts to its auth endpoint: `{"docId": "project-1"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ClientRequest {
    /// The document the provider opens.
    #[serde(rename = "docId")]
    pub doc_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_doc_id() {
        let request: ClientRequest =
            serde_json::from_str(r#"{"docId":"project-1"}"#).expect("parses");
        assert_eq!(request.doc_id, "project-1");
    }
}
