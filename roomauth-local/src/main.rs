//! `roomauth-local`: the embedded Room Service-compatible provisioner as a
//! small HTTP server (`POST /provision`, `POST /verify`, `GET /healthz`,
//! `GET /stats`), for the benchmarks and for apps in other languages.
//!
//! Configuration:
//!
//! - `--addr HOST:PORT` (default `127.0.0.1:7070`; port 0 picks a free one).
//! - `--header-read-timeout SECONDS` (default 20): a request head must
//!   arrive within it, and a connection idle between requests is closed
//!   after it.
//! - `--idle-timeout SECONDS` (default 60): a connection whose read or
//!   write waits longer (a trickled body, an unread answer) is closed.
//! - `--max-connections N` (default 1024): connections served at once; the
//!   next wait in the accept queue. Keep it below `ulimit -n`.
//! - `ROOMSERVICE_API_KEY`: the key clients must send; unset, the
//!   development key `sk_localdev` is accepted.
//! - `ROOMAUTH_SIGNING_KEY`: a stable signing secret (hex or base64, at least
//!   32 bytes), so tokens survive restarts and other processes holding the
//!   same secret can verify them; unset, a random key is generated.
//! - `ROOMAUTH_PREVIOUS_SIGNING_KEYS`: comma-separated older secrets whose
//!   tokens are still accepted by `/verify` (key rotation).
//! - `RUST_LOG`: the log filter (default `info`); logs go to stderr.
//!
//! Once bound, the first line on stdout is
//! `roomauth-local listening on http://<address>`.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use roomauth::env::Env;
use roomauth::room_service::{LocalProvisioner, SigningKey, SigningKeys, server};
use roomauth::secret::ApiKey;
use roomauth::serve::{self, ServeLimits};
use tracing_subscriber::EnvFilter;

/// The embedded Room Service-compatible provisioner, over HTTP.
#[derive(Debug, Parser)]
#[command(name = "roomauth-local", version, about)]
struct Args {
    /// The address to listen on, HOST:PORT (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:7070", value_name = "HOST:PORT")]
    addr: String,
    /// Seconds a request head may take to arrive (also the keep-alive idle timeout).
    #[arg(long, default_value_t = serve::DEFAULT_HEADER_READ_TIMEOUT.as_secs_f64(), value_name = "SECONDS")]
    header_read_timeout: f64,
    /// Seconds a read or write may wait before the connection is closed.
    #[arg(long, default_value_t = serve::DEFAULT_IDLE_TIMEOUT.as_secs_f64(), value_name = "SECONDS")]
    idle_timeout: f64,
    /// Connections served at once; keep it below the open-file limit (`ulimit -n`).
    #[arg(long, default_value_t = serve::DEFAULT_MAX_CONNECTIONS, value_name = "N")]
    max_connections: usize,
}

impl Args {
    /// The serving limits the flags ask for, checked.
    fn limits(&self) -> Result<ServeLimits, String> {
        let seconds = |flag: &str, value: f64| {
            Duration::try_from_secs_f64(value)
                .map_err(|_| format!("--{flag} must be a number of seconds, not {value}"))
        };
        let limits = ServeLimits {
            header_read_timeout: seconds("header-read-timeout", self.header_read_timeout)?,
            idle_timeout: seconds("idle-timeout", self.idle_timeout)?,
            max_connections: self.max_connections,
        };
        limits.check()?;
        Ok(limits)
    }
}

const ENV_API_KEY: &str = "ROOMSERVICE_API_KEY";
const ENV_SIGNING_KEY: &str = "ROOMAUTH_SIGNING_KEY";
const ENV_PREVIOUS_SIGNING_KEYS: &str = "ROOMAUTH_PREVIOUS_SIGNING_KEYS";

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Fails only if a subscriber is already installed, which is harmless.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .try_init();

    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("roomauth-local: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), String> {
    let limits = args.limits()?;
    let provisioner = Arc::new(LocalProvisioner::new(api_key()?, signing_keys()?));

    let listener = tokio::net::TcpListener::bind(args.addr.as_str())
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", args.addr))?;
    let local: SocketAddr = listener
        .local_addr()
        .map_err(|err| format!("cannot read the listening address: {err}"))?;
    announce(local).map_err(|err| format!("cannot write to stdout: {err}"))?;
    tracing::info!(%local, kid = provisioner.signing_keys().current().kid(), "serving POST /provision");

    tracing::info!(?limits, "serving with connection limits");

    serve::serve(listener, server::router(provisioner), limits)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|err| format!("the server failed: {err}"))?;
    tracing::info!("stopped");
    Ok(())
}

/// The one line tests and scripts read to find the port.
fn announce(local: SocketAddr) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "roomauth-local listening on http://{local}")?;
    stdout.flush()
}

/// `ROOMSERVICE_API_KEY`, or the documented development key when unset
/// (set but empty is an error).
fn api_key() -> Result<ApiKey, String> {
    let key = Env::process()
        .secret(
            ENV_API_KEY,
            "the key clients must send, or unset it to accept the development key",
        )
        .map_err(|err| err.to_string())?;
    let Some(key) = key else {
        eprintln!(
            "roomauth-local: {ENV_API_KEY} is unset; accepting the development key `{}` (for local development only)",
            ApiKey::LOCAL_DEV
        );
        return Ok(ApiKey::new(ApiKey::LOCAL_DEV));
    };
    // `"` and `\` are refused too: escaped in JSON or a log line, a key
    // would slip past redaction.
    if !key
        .expose()
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')
    {
        return Err(format!(
            "{ENV_API_KEY} contains whitespace, quotes, backslashes, control or non-ASCII characters: check it for stray spaces, quotes or newlines"
        ));
    }
    Ok(key)
}

/// The signing keys from `ROOMAUTH_SIGNING_KEY` (and
/// `ROOMAUTH_PREVIOUS_SIGNING_KEYS`), or a fresh random key.
fn signing_keys() -> Result<SigningKeys, String> {
    let env = Env::process();
    let optional_var = |name| env.optional(name).map_err(|err| err.to_string());
    let current = match optional_var(ENV_SIGNING_KEY)? {
        Some(encoded) => {
            SigningKey::parse(&encoded).map_err(|err| format!("{ENV_SIGNING_KEY}: {err}"))?
        }
        None => {
            let key = SigningKey::generate().map_err(|err| err.to_string())?;
            tracing::info!(
                kid = key.kid(),
                "{ENV_SIGNING_KEY} is unset: signing with a random key; tokens will not verify after a restart"
            );
            key
        }
    };
    let mut keys = SigningKeys::new(current);
    if let Some(previous) = optional_var(ENV_PREVIOUS_SIGNING_KEYS)? {
        for (index, encoded) in previous
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .enumerate()
        {
            let key = SigningKey::parse(encoded)
                .map_err(|err| format!("{ENV_PREVIOUS_SIGNING_KEYS}, key {index}: {err}"))?;
            tracing::info!(
                kid = key.kid(),
                "also accepting tokens of a previous signing key"
            );
            keys = keys.with_previous(key);
        }
    }
    Ok(keys)
}

/// Resolves on ctrl-c (or SIGTERM on Unix).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down");
}
