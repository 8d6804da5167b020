//! The real y-sweet server (crate `y-sweet` 0.9.1, `cargo install`ed by the
//! test tooling), on 127.0.0.1 with a fresh auth key; killed on drop.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A running y-sweet server.
pub struct YSweetServer {
    child: Child,
    /// `ys://<server token>@127.0.0.1:<port>`, as the server printed it.
    pub connection_string: String,
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
}

impl YSweetServer {
    /// Generates a key (`y-sweet gen-auth --json`) and serves documents in
    /// memory on a free port of 127.0.0.1 (`--port 0`), waiting for the
    /// connection string it prints.
    pub fn start(binary: &Path) -> YSweetServer {
        let auth = Command::new(binary)
            .args(["gen-auth", "--json"])
            .output()
            .unwrap_or_else(|e| panic!("run {} gen-auth: {e}", binary.display()));
        assert!(auth.status.success(), "y-sweet gen-auth: {auth:?}");
        let auth: serde_json::Value =
            serde_json::from_slice(&auth.stdout).expect("gen-auth prints JSON");
        let private_key = auth["private_key"].as_str().expect("private_key");

        let mut child = Command::new(binary)
            .args(["serve", "--host", "127.0.0.1", "--port", "0", "--auth"])
            .arg(private_key)
            // y-sweet reads PORT and Y_SWEET_* from the environment too.
            .env_remove("PORT")
            .env_remove("Y_SWEET_STORE")
            .env_remove("Y_SWEET_URL_PREFIX")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {} serve: {e}", binary.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let line = line.trim();
                if !sent && line.starts_with("ys://") {
                    let _ = tx.send(line.to_owned());
                    sent = true;
                }
            }
        });
        let Ok(connection_string) = rx.recv_timeout(Duration::from_secs(30)) else {
            let _ = child.kill();
            panic!("y-sweet serve printed no connection string within 30 s");
        };
        let port = connection_string
            .rsplit_once(':')
            .map(|(_, port)| port.to_owned())
            .expect("ys://token@127.0.0.1:<port>");
        YSweetServer {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
            connection_string,
        }
    }
}

impl Drop for YSweetServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The y-sweet 0.9.1 server's binary, installed with `cargo install` on
/// first use (about 5 minutes on 2 cores, once; see [`crate::tools::cargo_tool`]).
pub fn y_sweet_binary() -> std::path::PathBuf {
    crate::tools::cargo_tool("y-sweet", "0.9.1", "y-sweet")
}
