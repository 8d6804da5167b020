//! A real Soketi server (the Pusher-protocol server, from npm) on free ports
//! of 127.0.0.1, killed on drop.
//!
//! Soketi 1.6.1 is installed by the committed npm project
//! `tests/pusher-node` (its `uWebSockets.js` is overridden with a registry
//! build, since the original is a GitHub dependency). Every socket it opens
//! is bound to 127.0.0.1 through its config file, including node-discover's
//! UDP port, which otherwise broadcasts on 0.0.0.0.
//!
//! Each start says whether the app relays client events
//! (`enableClientMessages`), as the roomauth app must say it too
//! ([`ClientEvents`]).

use std::net::{TcpListener, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use roomauth::pusher::ClientEvents;

/// The app Soketi serves: Soketi's own defaults.
pub const APP_ID: &str = "app-id";
/// The app key.
pub const APP_KEY: &str = "app-key";
/// The app secret.
pub const APP_SECRET: &str = "app-secret";

/// A running Soketi.
pub struct Soketi {
    child: Child,
    /// The WebSocket and HTTP API port.
    pub port: u16,
    _dir: TempDir,
}

/// A scratch directory removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_tcp_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free TCP port on 127.0.0.1")
        .port()
}

fn free_udp_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free UDP port on 127.0.0.1")
        .port()
}

impl Soketi {
    /// Starts Soketi from the npm project `node_project` (with its
    /// `node_modules` installed), its app relaying client events or not,
    /// and waits until `/ready` answers.
    pub fn start(node_project: &Path, client_events: ClientEvents) -> Soketi {
        let bin = node_project.join("node_modules/@soketi/soketi/bin/server.js");
        assert!(
            bin.exists(),
            "{} is missing: run `npm ci` in {}",
            bin.display(),
            node_project.display()
        );
        let (port, metrics, cluster) = (free_tcp_port(), free_tcp_port(), free_udp_port());
        let dir =
            std::env::temp_dir().join(format!("roomauth-soketi-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create Soketi's scratch directory");
        let dir = TempDir(dir);
        let config = serde_json::json!({
            "host": "127.0.0.1",
            "port": port,
            "metrics.host": "127.0.0.1",
            "metrics.port": metrics,
            "cluster.hostname": "127.0.0.1",
            "cluster.address": "127.0.0.1",
            "cluster.port": cluster,
            "cluster.unicast": [format!("127.0.0.1:{cluster}")],
            "debug": false,
            "appManager.array.apps": [{
                "id": APP_ID, "key": APP_KEY, "secret": APP_SECRET,
                "maxConnections": -1, "enabled": true,
                "enableClientMessages": client_events == ClientEvents::On,
                "enableUserAuthentication": true,
                "maxBackendEventsPerSecond": -1, "maxClientEventsPerSecond": -1,
                "maxReadRequestsPerSecond": -1, "webhooks": [],
            }],
        });
        let config_path = dir.0.join("soketi.json");
        std::fs::write(&config_path, config.to_string()).expect("write Soketi's config");
        let child = Command::new("node")
            .arg(&bin)
            .arg("start")
            .arg(format!("--config={}", config_path.display()))
            .current_dir(node_project)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Soketi with node (Node 20 must be on PATH)");
        let mut soketi = Soketi {
            child,
            port,
            _dir: dir,
        };
        soketi.wait_ready();
        soketi
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let url = format!("http://127.0.0.1:{}/ready", self.port);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("Soketi exited before it was ready: {status}");
            }
            if blocking_get(&url).is_ok_and(|body| body.trim() == "OK") {
                return;
            }
            assert!(Instant::now() < deadline, "Soketi was not ready in 30 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A plain HTTP/1.1 GET, so that waiting needs no runtime.
fn blocking_get(url: &str) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap_or(url);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let mut stream = std::net::TcpStream::connect(host)?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default())
}

impl Drop for Soketi {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
