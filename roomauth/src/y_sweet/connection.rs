//! The connection string (`Y_SWEET_CONNECTION_STRING`): where the y-sweet
//! server is and the server token that authorizes roomauth, in the SDK's
//! format `ys://<server token>@host:port[/path]` (`yss://` for HTTPS).

use std::fmt;

use percent_encoding::percent_decode_str;
use url::Url;

use crate::secret::Secret;

/// A parsed connection string. `Debug` redacts the token.
#[derive(Clone)]
pub struct ConnectionString {
    /// `http://host:port[/path]` (`https://` for `yss://`), no trailing slash.
    base_url: String,
    /// The server token, sent as `Authorization: Bearer`; `None` for a
    /// server started without `--auth` (development).
    server_token: Option<Secret>,
}

/// Why a connection string was refused. No variant carries the string (it
/// has the token in it).
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionStringError {
    /// Not a URL.
    #[error(
        "the y-sweet connection string is not a URL: write `ys://<server token>@<host>:<port>`"
    )]
    NotAUrl,
    /// The scheme is not `ys` or `yss`.
    #[error(
        "the y-sweet connection string must start with `ys://` (HTTP) or `yss://` (HTTPS), not `{0}://`"
    )]
    Scheme(String),
    /// No host.
    #[error("the y-sweet connection string has no host: write `ys://<server token>@<host>:<port>`")]
    NoHost,
    /// The token is not valid percent-encoded UTF-8.
    #[error("the server token in the y-sweet connection string is not valid percent-encoded UTF-8")]
    Token,
}

crate::error::debug_is_display!(ConnectionStringError);

impl ConnectionString {
    /// Parses `ys://<token>@host:port[/path]` or `yss://…` as the y-sweet SDK
    /// does: the token is the URL's user name, percent-decoded; `ys` becomes
    /// `http` and `yss` `https`; the path is kept, without a trailing slash;
    /// query and fragment are ignored.
    pub fn parse(connection_string: &str) -> Result<ConnectionString, ConnectionStringError> {
        let url =
            Url::parse(connection_string.trim()).map_err(|_| ConnectionStringError::NotAUrl)?;
        let scheme = match url.scheme() {
            "ys" => "http",
            "yss" => "https",
            other => return Err(ConnectionStringError::Scheme(other.to_owned())),
        };
        let host = url
            .host_str()
            .filter(|host| !host.is_empty())
            .ok_or(ConnectionStringError::NoHost)?;
        let port = url
            .port()
            .map(|port| format!(":{port}"))
            .unwrap_or_default();
        let path = url.path().trim_end_matches('/');
        let server_token = match url.username() {
            "" => None,
            encoded => {
                let token = percent_decode_str(encoded)
                    .decode_utf8()
                    .map_err(|_| ConnectionStringError::Token)?;
                Some(Secret::new(token.into_owned()))
            }
        };
        Ok(ConnectionString {
            base_url: format!("{scheme}://{host}{port}{path}"),
            server_token,
        })
    }

    /// The server's HTTP base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The URL of a server endpoint: `path` starts with `/`.
    pub fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// The server token, for the one place that sends it.
    pub fn server_token(&self) -> Option<&str> {
        self.server_token.as_ref().map(Secret::expose)
    }
}

impl fmt::Debug for ConnectionString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionString")
            .field("base_url", &self.base_url)
            .field(
                "server_token",
                &self.server_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_sdk_format() {
        let c = ConnectionString::parse("ys://AAAQ-tok_en@127.0.0.1:8080").expect("parses");
        assert_eq!(c.base_url(), "http://127.0.0.1:8080");
        assert_eq!(c.server_token(), Some("AAAQ-tok_en"));
        assert_eq!(c.endpoint("/doc/new"), "http://127.0.0.1:8080/doc/new");

        let c = ConnectionString::parse("yss://t%2Bk%3D@y-sweet.example/base/").expect("parses");
        assert_eq!(c.base_url(), "https://y-sweet.example/base");
        assert_eq!(c.server_token(), Some("t+k="));

        let c = ConnectionString::parse("ys://localhost:8080").expect("parses");
        assert_eq!(c.base_url(), "http://localhost:8080");
        assert_eq!(c.server_token(), None);

        let c = ConnectionString::parse("  ys://tok@[::1]:9?x=1#f ").expect("parses");
        assert_eq!(c.base_url(), "http://[::1]:9");
    }

    #[test]
    fn refuses_what_is_not_a_connection_string() {
        use ConnectionStringError as E;
        assert_eq!(ConnectionString::parse("").unwrap_err(), E::NotAUrl);
        assert_eq!(ConnectionString::parse("tok@host").unwrap_err(), E::NotAUrl);
        assert_eq!(
            ConnectionString::parse("http://tok@host").unwrap_err(),
            E::Scheme("http".into())
        );
        assert_eq!(
            ConnectionString::parse("ys:///path").unwrap_err(),
            E::NoHost
        );
        assert_eq!(
            ConnectionString::parse("ys://%FF@host").unwrap_err(),
            E::Token
        );
    }

    #[test]
    fn debug_and_errors_never_show_the_token() {
        let c = ConnectionString::parse("ys://supersecret@host:1").expect("parses");
        assert!(!format!("{c:?}").contains("supersecret"));
        let e = ConnectionString::parse("http://supersecret@host").unwrap_err();
        assert!(!e.to_string().contains("supersecret"));
    }
}
