//! Installing what the end-to-end tests need, so that no test skips itself
//! because a tool is missing.
//!
//! Each function checks whether its tool is already there and installs it
//! only when it is not: the first test that needs Chromium installs it, the
//! others find it. Installs are guarded by file locks under [`cache_dir`], so
//! test threads and test binaries running at the same time (`cargo test`
//! runs a binary's tests in parallel; `cargo nextest` runs binaries in
//! parallel) wait for one install instead of racing. When an install is not
//! possible (not root, no `apt-get`, no `npm`), the function panics with the
//! command a developer should run.
//!
//! - [`npm_project`]: `npm ci` in a committed npm project (package.json +
//!   package-lock.json) when its `node_modules` is missing or was installed
//!   from another lockfile or Node version.
//! - [`chromium`]: Debian's `chromium` and `chromium-driver`, through
//!   `apt-get` when the tests run as root.
//! - [`cargo_tool`]: `cargo install --locked --root <root>` of one crate
//!   version (servers shipped as Rust binaries, such as y-sweet), listed in
//!   `tests/support/cargo-tools.txt`.
//!
//! `.ci/prefetch` starts the same installs in the background when CI begins
//! (same locations, stamps and locks), so that downloads and the builds of
//! cargo-installed servers overlap the lint and test builds; a test whose
//! tool is still being installed waits for it on the lock.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

/// The workspace root: relative project paths are resolved against it.
const WORKSPACE: &str = env!("CARGO_MANIFEST_DIR");

/// Where `npm ci` records what `node_modules` was installed from.
const NPM_STAMP: &str = ".roomauth-installed";

/// Where installs are cached and their locks live:
/// `<cargo target dir>/roomauth-tools`, so `cargo clean` removes them too.
///
/// The target directory is found from the running test binary: the
/// ancestor holding the `CACHEDIR.TAG` cargo writes at the target root, else
/// `<target>` of `<target>/<profile>/deps`. Falls back to
/// `<workspace>/target/roomauth-tools`.
pub fn cache_dir() -> PathBuf {
    // Cargo writes CACHEDIR.TAG only into a target dir it creates itself;
    // otherwise the test binary's `<target>/<profile>/deps` says where it is.
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| {
            exe.ancestors()
                .skip(1)
                .find(|dir| dir.join("CACHEDIR.TAG").is_file())
                .or_else(|| {
                    let deps = exe.parent().filter(|dir| dir.ends_with("deps"))?;
                    deps.parent()?.parent()
                })
                .map(Path::to_path_buf)
        })
        .unwrap_or_else(|| Path::new(WORKSPACE).join("target"));
    let dir = target.join("roomauth-tools");
    fs::create_dir_all(dir.join("locks"))
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// An exclusive lock on `<cache_dir>/locks/<name>.lock`, held until dropped.
///
/// `flock` locks belong to the open file, so threads of one test binary
/// exclude each other as well as other processes.
struct InstallLock {
    _file: File,
}

impl InstallLock {
    fn acquire(name: &str) -> InstallLock {
        let file_name: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = cache_dir().join("locks").join(format!("{file_name}.lock"));
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .unwrap_or_else(|e| panic!("cannot open the install lock {}: {e}", path.display()));
        file.lock()
            .unwrap_or_else(|e| panic!("cannot take the install lock {}: {e}", path.display()));
        InstallLock { _file: file }
    }
}

/// Runs `command`, capturing its output; panics with `fix` when the program
/// does not exist.
fn run(command: &mut Command, fix: &str) -> Output {
    let program = command.get_program().to_string_lossy().into_owned();
    match command.stdin(Stdio::null()).output() {
        Ok(output) => output,
        Err(e) if e.kind() == ErrorKind::NotFound => panic!("`{program}` is not installed: {fix}"),
        Err(e) => panic!("could not run `{program}`: {e}"),
    }
}

/// The last lines of a failed command's output, for the panic message.
fn tail(output: &Output) -> String {
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// `program` on `PATH`, as a path.
fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// A committed npm project whose dependencies are installed.
#[derive(Debug, Clone)]
pub struct NpmProject {
    dir: PathBuf,
}

impl NpmProject {
    /// The project folder (holds package.json).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// An executable the dependencies installed: `node_modules/.bin/<name>`.
    pub fn bin(&self, name: &str) -> PathBuf {
        self.dir.join("node_modules").join(".bin").join(name)
    }

    /// `node <script> <args..>` with the project folder as working directory,
    /// so `script` may be relative to it and `require` finds its packages.
    pub fn node(&self, script: impl AsRef<OsStr>) -> Command {
        let mut command = Command::new("node");
        command.arg(script).current_dir(&self.dir);
        command
    }

    /// Runs `node <script> <args..>` to its end, stdin closed, and parses
    /// what it printed as JSON. Panics with its output when it fails.
    /// Blocking: call it from `spawn_blocking` in async tests.
    pub fn node_json<I, S>(&self, script: &str, args: I) -> serde_json::Value
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let output = self
            .node(script)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("run `node {script}`: {e}"));
        assert!(
            output.status.success(),
            "{script} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
            panic!(
                "{script} printed no JSON ({err}): {}\n{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )
        })
    }
}

/// Installs the npm project in `dir` (relative paths are relative to the
/// workspace root) with `npm ci`, unless its `node_modules` was already
/// installed from the same package-lock.json by the same Node version.
///
/// # Panics
///
/// When `dir` has no package.json or package-lock.json, when `node` or `npm`
/// is missing, or when `npm ci` fails (the message carries npm's output and
/// the command to re-run by hand).
pub fn npm_project(dir: impl AsRef<Path>) -> NpmProject {
    let dir = Path::new(WORKSPACE).join(dir);
    assert!(
        dir.join("package.json").is_file(),
        "{} has no package.json",
        dir.display()
    );
    // Canonical, so every spelling of the folder takes the same lock (and
    // .ci/prefetch, which canonicalizes too).
    let dir = dir
        .canonicalize()
        .unwrap_or_else(|e| panic!("cannot resolve {}: {e}", dir.display()));
    let lockfile = dir.join("package-lock.json");
    let lock = fs::read(&lockfile).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; commit one (`npm install --package-lock-only` in {})",
            lockfile.display(),
            dir.display()
        )
    });
    let node = run(
        Command::new("node").arg("--version"),
        "install Node.js 20 or newer (Debian: `apt-get install nodejs npm`)",
    );
    let mut stamp = lock;
    stamp.extend_from_slice(b"\nnode ");
    stamp.extend_from_slice(&node.stdout);
    let stamp_path = dir.join("node_modules").join(NPM_STAMP);
    let installed = || fs::read(&stamp_path).is_ok_and(|found| found == stamp);
    if installed() {
        return NpmProject { dir };
    }

    let _lock = InstallLock::acquire(&format!("npm-{}", dir.display()));
    if installed() {
        return NpmProject { dir };
    }
    let started = Instant::now();
    let output = run(
        Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
            .current_dir(&dir),
        "install Node.js 20 or newer with npm (Debian: `apt-get install nodejs npm`)",
    );
    assert!(
        output.status.success(),
        "`npm ci` failed in {dir} ({status}); run it there by hand to see why:\n{tail}",
        dir = dir.display(),
        status = output.status,
        tail = tail(&output),
    );
    fs::write(&stamp_path, &stamp)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", stamp_path.display()));
    eprintln!(
        "roomauth tools: npm ci in {} took {:.1?}",
        dir.display(),
        started.elapsed()
    );
    NpmProject { dir }
}

/// Headless Chromium and its WebDriver.
#[derive(Debug, Clone)]
pub struct Chromium {
    /// The browser binary (`chromium`).
    pub browser: PathBuf,
    /// The WebDriver server binary (`chromedriver`).
    pub driver: PathBuf,
}

/// The command that installs the browser on Debian.
const APT_CHROMIUM: &str = "apt-get install chromium chromium-driver";

/// Finds Debian's `chromium` and `chromedriver` on `PATH`, installing both
/// with `apt-get` when they are missing and the tests run as root.
///
/// # Panics
///
/// When they are missing and cannot be installed from here (not root, no
/// `apt-get`, or `apt-get` failed): the message says what to run.
pub fn chromium() -> Chromium {
    let found = || {
        Some(Chromium {
            browser: on_path("chromium")?,
            driver: on_path("chromedriver")?,
        })
    };
    if let Some(chromium) = found() {
        return chromium;
    }
    let _lock = InstallLock::acquire("apt");
    if let Some(chromium) = found() {
        return chromium;
    }
    assert!(
        on_path("apt-get").is_some(),
        "Chromium and chromedriver are missing and this is not a Debian system: \
         install them and put `chromium` and `chromedriver` on PATH"
    );
    assert!(
        is_root(),
        "Chromium is missing: run `sudo {APT_CHROMIUM}`, then the tests again"
    );
    let started = Instant::now();
    let apt = |args: &[&str]| {
        let output = run(
            Command::new("apt-get")
                .args(["-o", "DPkg::Lock::Timeout=600", "-y", "-qq"])
                .args(args)
                .env("DEBIAN_FRONTEND", "noninteractive"),
            APT_CHROMIUM,
        );
        assert!(
            output.status.success(),
            "`apt-get {}` failed ({}); run `{APT_CHROMIUM}` by hand:\n{}",
            args.join(" "),
            output.status,
            tail(&output)
        );
    };
    // A fresh Debian image has no package lists yet.
    apt(&["update"]);
    apt(&[
        "install",
        "--no-install-recommends",
        "chromium",
        "chromium-driver",
    ]);
    eprintln!(
        "roomauth tools: apt-get install chromium chromium-driver took {:.1?}",
        started.elapsed()
    );
    found().unwrap_or_else(|| {
        panic!("`{APT_CHROMIUM}` succeeded but `chromium` or `chromedriver` is not on PATH")
    })
}

/// Whether this process runs as root (reads `/proc/self/status`, Linux).
fn is_root() -> bool {
    fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|line| line.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
            == Some("0")
    })
}

/// The servers the tests `cargo install`, one `name version root` a line:
/// `.ci/prefetch` builds them in the background while CI lints, so that a
/// build of minutes does not wait for the test that needs it.
const CARGO_TOOLS: &str = include_str!("cargo-tools.txt");

/// Installs binary crate `name` at exactly `version` with
/// `cargo install --locked --root <root>` (`root` relative to
/// [`cache_dir`]) unless that version is already installed there, and
/// returns the path of its binary `<root>/bin/<name>`.
///
/// The build gets its own target directory (`<root>/build`, removed after a
/// successful install), so it neither inherits nor locks the test build's
/// `CARGO_TARGET_DIR`.
///
/// # Panics
///
/// When `name version root` is not a line of `tests/support/cargo-tools.txt`
/// (CI's head start needs the list), when `cargo install` fails or installs
/// no binary called `name`; the message carries cargo's output and the
/// command to run by hand.
pub fn cargo_tool(name: &str, version: &str, root: &str) -> PathBuf {
    let listed = CARGO_TOOLS
        .lines()
        .any(|line| line.split_whitespace().eq([name, version, root]));
    assert!(
        listed,
        "add the line `{name} {version} {root}` to tests/support/cargo-tools.txt, \
         so that .ci/prefetch builds it ahead of the tests"
    );
    let root = cache_dir().join(root);
    let binary = root.join("bin").join(name);
    // cargo records each installed package as `"<name> <version> (<source>)"`.
    let record = format!("\"{name} {version} (");
    let installed = || {
        binary.is_file()
            && fs::read_to_string(root.join(".crates.toml"))
                .is_ok_and(|manifest| manifest.contains(&record))
    };
    if installed() {
        return binary;
    }
    let _lock = InstallLock::acquire(&format!("cargo-{name}"));
    if installed() {
        return binary;
    }
    let by_hand = format!(
        "cargo install --locked {name} --version ={version} --root {}",
        root.display()
    );
    let build = root.join("build");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let output = run(
        Command::new(cargo)
            .args(["install", "--locked", name, "--version"])
            .arg(format!("={version}"))
            .arg("--root")
            .arg(&root)
            .env("CARGO_TARGET_DIR", &build),
        &format!("install Rust's cargo, then run `{by_hand}`"),
    );
    assert!(
        output.status.success(),
        "`{by_hand}` failed ({}):\n{}",
        output.status,
        tail(&output)
    );
    assert!(
        binary.is_file(),
        "`{by_hand}` installed no {}",
        binary.display()
    );
    let _ = fs::remove_dir_all(&build);
    eprintln!(
        "roomauth tools: cargo install {name} {version} took {:.1?}",
        started.elapsed()
    );
    binary
}
