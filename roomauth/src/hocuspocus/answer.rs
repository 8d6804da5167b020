//! The JSON roomauth answers the extension with.

use serde::{Deserialize, Serialize};

/// roomauth's answer on success: `{"user": "alice", "readOnly": true}`.
/// The extension sets `connectionConfig.readOnly` from `readOnly` and puts
/// `user` into the connection's context.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthenticateAnswer {
    /// The granted user's id.
    pub user: String,
    /// `true` for a read grant: Hocuspocus applies none of the
    /// connection's updates.
    #[serde(rename = "readOnly")]
    pub read_only: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_shape() {
        let answer = AuthenticateAnswer {
            user: "alice".into(),
            read_only: true,
        };
        assert_eq!(
            serde_json::to_string(&answer).expect("serializes"),
            r#"{"user":"alice","readOnly":true}"#
        );
    }
}
