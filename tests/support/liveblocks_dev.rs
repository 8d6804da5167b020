//! Liveblocks' own local dev server (`liveblocks dev` from the npm package
//! `liveblocks`, run on Bun from the npm package `@oven/bun-linux-x64`),
//! started on a random free port of 127.0.0.1 and killed on drop.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Numbers the temporary directories of the servers of one test process.
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// How long the server may take to start and answer `/health`.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A running dev server. Its storage is a throwaway directory
/// (`--no-persist`) under a temporary directory of its own, removed on drop
/// (the killed server cannot remove it itself).
pub struct LiveblocksDevServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    child: Child,
    tmp: PathBuf,
}

impl LiveblocksDevServer {
    /// Starts the dev server of the npm project `project` (whose
    /// node_modules has `liveblocks` and `@oven/bun-linux-x64`) and waits
    /// until it answers `GET /health`.
    pub async fn start(project: &Path) -> LiveblocksDevServer {
        let bun_dir = project.join("node_modules/@oven/bun-linux-x64/bin");
        let bun = bun_dir.join("bun");
        let cli = project.join("node_modules/liveblocks/dist/index.js");
        assert!(
            bun.is_file() && cli.is_file(),
            "Bun or the liveblocks CLI is missing under {}: run `npm ci` there",
            project.display()
        );
        // The CLI re-executes itself under `bun` when it finds one on PATH.
        let path = std::env::var_os("PATH").unwrap_or_default();
        let tmp = std::env::temp_dir().join(format!(
            "roomauth-liveblocks-dev-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&tmp)
            .unwrap_or_else(|err| panic!("cannot create {}: {err}", tmp.display()));
        let mut paths: Vec<PathBuf> = vec![bun_dir];
        paths.extend(std::env::split_paths(&path));
        let mut child = Command::new(&bun)
            .arg(&cli)
            .args([
                "dev",
                "--host",
                "127.0.0.1",
                "--random-port",
                "--no-check",
                "--no-persist",
            ])
            .current_dir(project)
            .env("PATH", std::env::join_paths(paths).expect("PATH"))
            .env("NO_COLOR", "1")
            .env("TMPDIR", &tmp)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", bun.display()));

        // The banner names the port: "Liveblocks running at http://127.0.0.1:<port>".
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if !sent && let Some(at) = line.find("http://127.0.0.1:") {
                    let url: String = line[at..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || ":/.".contains(*c))
                        .collect();
                    sent = tx.send(url).is_ok();
                }
                // Keep draining, so that the server never blocks on a full pipe.
            }
        });
        let mut server = LiveblocksDevServer {
            url: String::new(),
            child,
            tmp,
        };
        server.url = rx
            .recv_timeout(START_TIMEOUT)
            .expect("the Liveblocks dev server did not print its address");

        let client = reqwest::Client::new();
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let health = client.get(format!("{}/health", server.url)).send().await;
            if health.is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "the Liveblocks dev server at {} does not answer /health",
                server.url
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for LiveblocksDevServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.tmp);
    }
}
