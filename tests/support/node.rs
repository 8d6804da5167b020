//! Node scripts of the committed test projects under `tests/node/`: a
//! server that runs until the test drops it, and a client run to the end
//! whose last line of output is its JSON report.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// `tests/node/<name>` of this workspace.
pub fn node_project(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/node")
        .join(name)
}

/// Starts `node <script>` in `dir` with `env`, stdin and stdout piped.
fn spawn(dir: &Path, script: &str, env: &[(&str, &str)], stderr: Stdio) -> Child {
    Command::new("node")
        .arg(script)
        .current_dir(dir)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap_or_else(|e| panic!("start `node {script}` in {}: {e}", dir.display()))
}

/// A Node process started by a test; killed on drop. Its standard input is a
/// pipe held open: the scripts stop by themselves when it closes, so that a
/// test that dies leaves no server behind.
pub struct NodeServer {
    child: Child,
    _stdin: Option<ChildStdin>,
    /// The first line it printed, parsed as JSON (where it listens).
    pub ready: serde_json::Value,
}

impl NodeServer {
    /// Runs `node <script>` in `dir` with `env`, and waits (up to 30 s) for
    /// its first line of output, a JSON object.
    pub fn start(dir: &Path, script: &str, env: &[(&str, &str)]) -> NodeServer {
        let mut child = spawn(dir, script, env, Stdio::inherit());
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let first = lines.next();
            let _ = tx.send(first);
            // Keep draining so that the script never blocks on a full pipe.
            for line in lines.map_while(Result::ok) {
                eprintln!("[node] {line}");
            }
        });
        let line = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Some(Ok(line))) => line,
            other => {
                let _ = child.kill();
                panic!("`node {script}` printed no ready line: {other:?}");
            }
        };
        let ready = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("`node {script}` ready line {line:?}: {e}"));
        NodeServer {
            child,
            _stdin: stdin,
            ready,
        }
    }
}

impl Drop for NodeServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `node <script>` in `dir` with `env` to its end (at most `timeout`)
/// and parses the last line it printed as JSON. Panics with its output when
/// it fails.
pub fn run_node_script(
    dir: &Path,
    script: &str,
    env: &[(&str, &str)],
    stdin: Option<&str>,
    timeout: Duration,
) -> serde_json::Value {
    let mut child = spawn(dir, script, env, Stdio::piped());
    {
        use std::io::Write as _;
        let mut pipe = child.stdin.take().expect("piped stdin");
        if let Some(input) = stdin {
            pipe.write_all(input.as_bytes()).expect("write stdin");
        }
    }
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut out = String::new();
        let mut err = String::new();
        let _ = stdout.read_to_string(&mut out);
        let _ = stderr.read_to_string(&mut err);
        let _ = tx.send((out, err));
    });
    let (out, err) = match rx.recv_timeout(timeout) {
        Ok(output) => output,
        Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`node {script}` did not finish within {timeout:?}");
        }
    };
    let status = child.wait().expect("wait for node");
    assert!(
        status.success(),
        "`node {script}` failed ({status}):\n{out}\n{err}"
    );
    let last = out.lines().rev().find(|line| !line.trim().is_empty());
    let last = last.unwrap_or_else(|| panic!("`node {script}` printed nothing:\n{err}"));
    serde_json::from_str(last)
        .unwrap_or_else(|e| panic!("`node {script}` report {last:?}: {e}\n{err}"))
}
