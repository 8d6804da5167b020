//! The `roomauth-local` binary against idle sockets (issue 15, item 3), and
//! its refusal of unusable configuration (item 4): real process, real
//! sockets on 127.0.0.1.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

#[path = "support/local_server.rs"]
mod local_server;
use local_server::LocalServer;

const KEY: &str = "sk_test_limits";

/// Starts the binary with `args`; the server and its address.
fn spawn(args: &[&str]) -> (LocalServer, SocketAddr) {
    let server = LocalServer::start(LocalServer::command(KEY, args));
    let addr = server.addr();
    (server, addr)
}

/// `GET /healthz` on a fresh connection: the body, or the error.
fn healthz(addr: SocketAddr, within: Duration) -> Result<String, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    stream.set_read_timeout(Some(within)).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    stream
        .read_to_string(&mut answer)
        .map_err(|e| format!("{e} after {answer:?}"))?;
    Ok(answer)
}

/// Whether the server closes `stream` within `within`.
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    stream.set_read_timeout(Some(within)).unwrap();
    let mut sink = Vec::new();
    match stream.read_to_end(&mut sink) {
        Ok(_) => true,
        Err(e) => matches!(
            e.kind(),
            std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
        ),
    }
}

#[test]
fn idle_sockets_do_not_starve_healthz_and_are_closed() {
    let (_server, addr) = spawn(&[
        "--header-read-timeout",
        "1",
        "--idle-timeout",
        "2",
        "--max-connections",
        "16",
    ]);
    // More sockets than the limit: nothing sent, or half a request head.
    let mut idle = Vec::new();
    for n in 0..48 {
        let mut stream = TcpStream::connect(addr).unwrap();
        if n % 2 == 1 {
            stream
                .write_all(b"POST /provision HTTP/1.1\r\nHost: x\r\nContent-")
                .unwrap();
        }
        idle.push(stream);
    }
    let started = Instant::now();
    let answer = healthz(addr, Duration::from_secs(15)).expect("/healthz answers");
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with("ok"),
        "{answer}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    for (n, stream) in idle.iter_mut().enumerate() {
        assert!(
            closed_within(stream, Duration::from_secs(10)),
            "idle socket {n} is still open"
        );
    }
}

#[test]
fn the_default_limits_close_idle_sockets_too() {
    // Defaults: no flag needed for a socket that sends nothing to be closed.
    let (_server, addr) = spawn(&[]);
    let mut stream = TcpStream::connect(addr).unwrap();
    let started = Instant::now();
    assert!(closed_within(&mut stream, Duration::from_secs(40)));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(19) && took < Duration::from_secs(30),
        "{took:?}"
    );
}

#[test]
fn unusable_settings_are_refused_at_start() {
    for (args, key, expected) in [
        (&["--max-connections", "0"][..], "sk_ok", "connection limit"),
        (
            &["--header-read-timeout=-1"][..],
            "sk_ok",
            "--header-read-timeout",
        ),
        (&["--idle-timeout", "0"][..], "sk_ok", "idle timeout"),
        // Keys JSON or a log line would print escaped, past redaction.
        (&[][..], "sk_\"quoted", "quotes, backslashes"),
        (&[][..], "sk_back\\slash", "quotes, backslashes"),
    ] {
        let output = LocalServer::command(KEY, args)
            .env("ROOMSERVICE_API_KEY", key)
            .output()
            .expect("roomauth-local runs");
        assert!(!output.status.success(), "{args:?} {key}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(expected), "{args:?} {key}: {stderr}");
        assert!(!stderr.contains(key), "the key is printed: {stderr}");
    }
}
