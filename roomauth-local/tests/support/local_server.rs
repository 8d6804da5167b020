//! The real `roomauth-local` binary started by a test on 127.0.0.1:0:
//! limits.rs and provision_e2e.rs.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The running binary; killed when dropped.
pub struct LocalServer {
    child: Child,
    addr: SocketAddr,
}

impl LocalServer {
    /// `roomauth-local --addr 127.0.0.1:0 <args..>` with `key` as
    /// `ROOMSERVICE_API_KEY`, no signing keys from the environment (add
    /// them to the command), warnings logged and stdin closed.
    pub fn command(key: &str, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_roomauth-local"));
        command
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .env("ROOMSERVICE_API_KEY", key)
            .env_remove("ROOMAUTH_SIGNING_KEY")
            .env_remove("ROOMAUTH_PREVIOUS_SIGNING_KEYS")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null());
        command
    }

    /// Starts `command` (from [`LocalServer::command`]) and reads its
    /// listening line (60 s at most).
    pub fn start(mut command: Command) -> LocalServer {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("roomauth-local starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (lines, first) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let _ = lines.send(reader.read_line(&mut line).map(|_| line));
            // Keep the pipe open and drained until the child exits.
            let mut rest = String::new();
            while reader.read_line(&mut rest).is_ok_and(|n| n > 0) {
                rest.clear();
            }
        });
        let line = first
            .recv_timeout(Duration::from_secs(60))
            .ok()
            .and_then(Result::ok)
            .unwrap_or_default();
        let addr = line
            .trim_end()
            .strip_prefix("roomauth-local listening on http://")
            .and_then(|addr| addr.parse().ok());
        match addr {
            Some(addr) => LocalServer { child, addr },
            None => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "roomauth-local printed no `listening on http://ADDR` line in time: {line:?}"
                );
            }
        }
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`.
    #[allow(dead_code)] // limits.rs uses the address only.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for LocalServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
