//! Serving an axum app so that idle and slow clients cannot starve it
//! (feature `axum`): [`serve`] is `axum::serve` with [`ServeLimits`].
//!
//! `axum::serve` keeps a connection open for as long as the client keeps
//! it: a socket that sends half a request head, or nothing, holds a file
//! descriptor forever, and a few hundred of them exhaust the process's
//! limit, after which nobody is served. [`serve`] bounds each connection
//! and their number:
//!
//! - **Header-read timeout** ([`ServeLimits::header_read_timeout`]): a
//!   request head must arrive complete within it, counted from when the
//!   server starts waiting for one: after the connection is accepted and
//!   after each response. It is also the keep-alive idle timeout: a
//!   connection that sends nothing is closed.
//! - **Idle timeout** ([`ServeLimits::idle_timeout`]): a connection on which
//!   a read or a write waits longer than this (a body trickled byte by
//!   byte, an answer the client does not read) is closed. Keep it above
//!   the longest a handler takes (a webhook's upstream timeout, 10 s by
//!   default).
//! - **Connection limit** ([`ServeLimits::max_connections`]): at most this
//!   many connections are served at once; the next one waits in the
//!   kernel's accept queue, costing no file descriptor, until one closes.
//!   Keep it below the process's open-file limit (`ulimit -n`).
//!
//! Connections speak HTTP/1.1 (what axum is built with here), and may be
//! upgraded (WebSocket): an upgraded connection keeps the idle timeout, so a
//! WebSocket server pings its quiet clients more often than that. A client
//! that keeps its connections pooled should close idle ones sooner than the
//! header-read timeout, as roomauth's own upstream client does.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use std::time::Duration;
//! use roomauth::serve::{ServeLimits, serve};
//!
//! let app = axum::Router::new().route("/healthz", axum::routing::get(|| async { "ok" }));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let limits = ServeLimits {
//!     max_connections: 256,
//!     ..ServeLimits::default()
//! };
//! serve(listener, app, limits).with_graceful_shutdown(async {
//!     let _ = tokio::signal::ctrl_c().await;
//! }).await
//! # }
//! ```

use std::future::{Future, IntoFuture};
use std::io;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio_io_timeout::TimeoutStream;

/// Default [`ServeLimits::header_read_timeout`]: 20 s.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(20);
/// Default [`ServeLimits::idle_timeout`]: 60 s.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Default [`ServeLimits::max_connections`]: 1,024.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// What one client may hold: see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// How long a request head may take to arrive, from when the server
    /// starts waiting for it (also the keep-alive idle timeout).
    pub header_read_timeout: Duration,
    /// How long a read or a write may wait before the connection is closed.
    pub idle_timeout: Duration,
    /// How many connections are served at once.
    pub max_connections: usize,
}

impl Default for ServeLimits {
    fn default() -> ServeLimits {
        ServeLimits {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl ServeLimits {
    /// The largest connection limit accepted: about a million.
    pub const MAX_CONNECTIONS: usize = 1 << 20;

    /// Checks the limits: timeouts above zero and at most a day, between 1
    /// and [`ServeLimits::MAX_CONNECTIONS`] connections. The message says
    /// what to fix.
    pub fn check(&self) -> Result<(), String> {
        const DAY: Duration = Duration::from_secs(24 * 60 * 60);
        for (name, timeout) in [
            ("header-read timeout", self.header_read_timeout),
            ("idle timeout", self.idle_timeout),
        ] {
            if timeout.is_zero() || timeout > DAY {
                return Err(format!(
                    "the {name} must be above zero and at most a day, not {timeout:?}"
                ));
            }
        }
        if self.max_connections == 0 || self.max_connections > Self::MAX_CONNECTIONS {
            return Err(format!(
                "the connection limit must be between 1 and {}, not {}",
                Self::MAX_CONNECTIONS,
                self.max_connections
            ));
        }
        Ok(())
    }
}

/// Serves `router` on `listener` within `limits`; await it (or add
/// [`Serve::with_graceful_shutdown`]). It fails at once if the limits do
/// not pass [`ServeLimits::check`]; otherwise it serves until the process
/// ends.
pub fn serve(listener: TcpListener, router: Router, limits: ServeLimits) -> Serve {
    Serve {
        listener,
        router,
        limits,
    }
}

/// A server being set up: see [`serve`].
#[must_use = "a server does nothing until awaited"]
#[derive(Debug)]
pub struct Serve {
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
}

impl Serve {
    /// Stops accepting when `signal` resolves, lets every open connection
    /// finish its request in flight, then returns.
    pub async fn with_graceful_shutdown(
        self,
        signal: impl Future<Output = ()> + Send,
    ) -> io::Result<()> {
        run(self.listener, self.router, self.limits, signal).await
    }
}

impl IntoFuture for Serve {
    type Output = io::Result<()>;
    type IntoFuture = Pin<Box<dyn Future<Output = io::Result<()>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(run(
            self.listener,
            self.router,
            self.limits,
            std::future::pending(),
        ))
    }
}

async fn run(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    signal: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    limits
        .check()
        .map_err(|reason| io::Error::new(io::ErrorKind::InvalidInput, reason))?;
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stop, stopped) = watch::channel(false);
    let mut signal = pin!(signal);
    loop {
        // A slot first: at the limit, new connections wait in the kernel's
        // queue, not in this process.
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot,
            () = &mut signal => break,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut signal => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(err) => {
                drop(slot);
                accept_failed(&err).await;
                continue;
            }
        };
        let router = router.clone();
        let stopped = stopped.clone();
        tokio::spawn(async move {
            serve_connection(stream, router, limits, stopped).await;
            drop(slot);
        });
    }
    // Ask every connection to finish, then wait until all slots are back.
    drop(listener);
    let _ = stop.send(true);
    // `check` keeps the limit far below `u32::MAX`.
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let _ = slots.acquire_many(all).await;
    Ok(())
}

/// Waits after a failed accept: at once for errors of one connection, a
/// moment for the others (out of file descriptors, say), so that the loop
/// does not spin.
async fn accept_failed(err: &io::Error) {
    if matches!(
        err.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %err, "accepting a connection failed; retrying in 100 ms");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// Resolves once the server stops.
async fn stopping(stopped: &mut watch::Receiver<bool>) {
    loop {
        if *stopped.borrow_and_update() {
            return;
        }
        if stopped.changed().await.is_err() {
            // The server is gone without saying stop: never.
            std::future::pending::<()>().await;
        }
    }
}

/// One connection, with the header-read and idle timeouts, until it closes
/// or the server stops.
async fn serve_connection(
    stream: TcpStream,
    router: Router,
    limits: ServeLimits,
    mut stopped: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let mut stream = TimeoutStream::new(stream);
    stream.set_read_timeout(Some(limits.idle_timeout));
    stream.set_write_timeout(Some(limits.idle_timeout));
    let io = TokioIo::new(Box::pin(stream));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    // With upgrades: the app's own WebSocket routes (and Socket.IO's) take
    // the connection over; the idle timeout stays on it.
    let connection = http
        .serve_connection(io, TowerToHyperService::new(router))
        .with_upgrades();
    let mut connection = pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        () = stopping(&mut stopped) => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(err) = result {
        // Timeouts and clients that go away are routine.
        tracing::debug!(error = %err, "connection closed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_checked() {
        assert!(ServeLimits::default().check().is_ok());
        for limits in [
            ServeLimits {
                header_read_timeout: Duration::ZERO,
                ..ServeLimits::default()
            },
            ServeLimits {
                idle_timeout: Duration::MAX,
                ..ServeLimits::default()
            },
            ServeLimits {
                max_connections: 0,
                ..ServeLimits::default()
            },
            ServeLimits {
                max_connections: usize::MAX,
                ..ServeLimits::default()
            },
        ] {
            assert!(limits.check().is_err(), "{limits:?}");
        }
    }
}
