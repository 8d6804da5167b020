//! `roomauth::serve` against idle and slow sockets on 127.0.0.1 (issue 15,
//! item 3): many connections that send nothing or half a request head do
//! not keep `/healthz` from answering, and each of them is closed.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::{get, post};
use roomauth::serve::{ServeLimits, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const LIMITS: ServeLimits = ServeLimits {
    header_read_timeout: Duration::from_secs(1),
    idle_timeout: Duration::from_secs(2),
    max_connections: 8,
};

fn app() -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/echo", post(|body: String| async move { body }))
}

/// Serves `app()` within `limits`; the sender stops it.
async fn start(
    limits: ServeLimits,
) -> (
    SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        serve(listener, app(), limits).with_graceful_shutdown(async {
            let _ = stopped.await;
        }),
    );
    (addr, stop, server)
}

/// Reads until the server closes the connection; what it sent, or `None`
/// if it is still open after `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<String> {
    let mut answer = Vec::new();
    match tokio::time::timeout(within, stream.read_to_end(&mut answer)).await {
        Ok(_) => Some(String::from_utf8_lossy(&answer).into_owned()),
        Err(_) => None,
    }
}

async fn healthz(addr: SocketAddr) -> String {
    reqwest::Client::new()
        .get(format!("http://{addr}/healthz"))
        .timeout(Duration::from_secs(15))
        .send()
        .await
        .expect("/healthz answers")
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_half_sent_connections_are_closed_and_healthz_answers() {
    let (addr, stop, server) = start(LIMITS).await;
    // Three times the limit: half send nothing, half half a request head.
    let mut idle = Vec::new();
    for n in 0..3 * LIMITS.max_connections {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        if n % 2 == 1 {
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
                .await
                .unwrap();
        }
        idle.push(stream);
    }
    let started = Instant::now();
    assert_eq!(healthz(addr).await, "ok");
    // Each batch of eight waits for its header-read timeout, at most.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    for (n, stream) in idle.iter_mut().enumerate() {
        let answer = closed_within(stream, Duration::from_secs(10)).await;
        assert!(answer.is_some(), "idle connection {n} is still open");
    }
    let _ = stop.send(());
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("the server stops")
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn keep_alive_connections_close_when_idle() {
    let (addr, _stop, _server) = start(LIMITS).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut first = [0u8; 1024];
    let n = stream.read(&mut first).await.unwrap();
    assert!(String::from_utf8_lossy(&first[..n]).starts_with("HTTP/1.1 200"));
    let started = Instant::now();
    let rest = closed_within(&mut stream, Duration::from_secs(5)).await;
    assert_eq!(rest.as_deref(), Some(""), "closed without another word");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_trickled_body_is_cut_off_by_the_idle_timeout() {
    let (addr, _stop, _server) = start(LIMITS).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nten bytes.")
        .await
        .unwrap();
    let started = Instant::now();
    let answer = closed_within(&mut stream, Duration::from_secs(6)).await;
    assert!(answer.is_some(), "the stalled upload is still open");
    assert!(!answer.unwrap().contains("200 OK"));
    assert!(
        started.elapsed() >= Duration::from_millis(1900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn unusable_limits_are_refused() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let limits = ServeLimits {
        max_connections: 0,
        ..ServeLimits::default()
    };
    let err = serve(listener, app(), limits).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert!(err.to_string().contains("connection limit"), "{err}");
}
