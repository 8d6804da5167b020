//! What is issued: the client token the y-sweet server answers, checked
//! before it is relayed unchanged.

use serde::Deserialize;

use super::wire::Authorization;

/// The client token `POST /doc/:id/auth` answers and the app relays
/// unchanged: `{"url", "baseUrl", "docId", "token", "authorization"}`.
/// roomauth reads it only to check it before relaying.
#[derive(Debug, Clone, Deserialize)]
pub struct ClientToken {
    /// The WebSocket URL prefix (`ws://host/d/<docId>/ws`).
    pub url: String,
    /// The document the token is for.
    #[serde(rename = "docId")]
    pub doc_id: String,
    /// The opaque token; absent from a server without `--auth`.
    pub token: Option<String>,
    /// The grant the token carries.
    pub authorization: Option<Authorization>,
}

/// Why a client token from the server is not relayed.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientTokenError {
    /// For another document than asked.
    #[error("the client token is for another document")]
    OtherDocument,
    /// Another grant than asked (relaying it could give a reader write access).
    #[error("the client token carries another grant than asked for")]
    OtherGrant,
    /// A read-only grant asked, and an answer that does not say it is
    /// read-only: the server may give the connection full access.
    #[error("the client token does not say it is read-only, as asked")]
    GrantNotSaid,
    /// A read-only grant asked, and an answer without a token: a server
    /// started without `--auth` checks no token and gives every connection
    /// full access, so read-only cannot be kept.
    #[error(
        "the client token for a read-only grant has no token: the y-sweet server runs without `--auth` and would give full access; start it with `--auth` and put the server token in the connection string"
    )]
    ReadOnlyWithoutToken,
    /// `url` is not a WebSocket URL.
    #[error("the client token's url is not ws:// or wss://")]
    NotWebSocket,
}

crate::error::debug_is_display!(ClientTokenError);

impl ClientToken {
    /// Checks that the token is the one asked for and grants no more: same
    /// document, same grant (a read-only one must say so, and carry a
    /// token the server checks), a WebSocket URL.
    pub fn check(&self, doc_id: &str, asked: Authorization) -> Result<(), ClientTokenError> {
        let read_only = asked == Authorization::ReadOnly;
        if self.doc_id != doc_id {
            Err(ClientTokenError::OtherDocument)
        } else if self.authorization.is_some_and(|given| given != asked) {
            Err(ClientTokenError::OtherGrant)
        } else if read_only && self.authorization.is_none() {
            Err(ClientTokenError::GrantNotSaid)
        } else if read_only && self.token.as_deref().is_none_or(str::is_empty) {
            Err(ClientTokenError::ReadOnlyWithoutToken)
        } else if !(self.url.starts_with("ws://") || self.url.starts_with("wss://")) {
            Err(ClientTokenError::NotWebSocket)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As the y-sweet 0.9.1 server answers (`auth_doc`).
    const TOKEN: &str = r#"{"url":"ws://127.0.0.1:8080/d/project-1/ws","baseUrl":"http://127.0.0.1:8080/d/project-1","docId":"project-1","token":"AAAg","authorization":"read-only"}"#;

    #[test]
    fn checks_the_token_before_relaying() {
        let token: ClientToken = serde_json::from_str(TOKEN).expect("parses");
        assert_eq!(token.check("project-1", Authorization::ReadOnly), Ok(()));
        assert_eq!(
            token.check("project-2", Authorization::ReadOnly),
            Err(ClientTokenError::OtherDocument)
        );
        assert_eq!(
            token.check("project-1", Authorization::Full),
            Err(ClientTokenError::OtherGrant)
        );
        // A server without `--auth`: no token, so read-only cannot hold.
        let mut open = token.clone();
        open.token = None;
        assert_eq!(
            open.check("project-1", Authorization::ReadOnly),
            Err(ClientTokenError::ReadOnlyWithoutToken)
        );
        open.token = Some(String::new());
        assert_eq!(
            open.check("project-1", Authorization::ReadOnly),
            Err(ClientTokenError::ReadOnlyWithoutToken)
        );
        // Full access asked: no token is what such a server sends.
        open.authorization = Some(Authorization::Full);
        assert_eq!(open.check("project-1", Authorization::Full), Ok(()));
        let mut unsaid = token.clone();
        unsaid.authorization = None;
        assert_eq!(
            unsaid.check("project-1", Authorization::ReadOnly),
            Err(ClientTokenError::GrantNotSaid)
        );
        unsaid.token = None;
        assert_eq!(unsaid.check("project-1", Authorization::Full), Ok(()));
        let mut http = token.clone();
        http.url = "http://evil/".into();
        assert_eq!(
            http.check("project-1", Authorization::ReadOnly),
            Err(ClientTokenError::NotWebSocket)
        );
    }
}
