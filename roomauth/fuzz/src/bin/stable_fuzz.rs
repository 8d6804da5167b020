//! A coverage-free fuzz driver for the stable toolchain, where libFuzzer's
//! instrumentation (nightly) is not available:
//!
//!     cargo run --release --no-default-features --bin stable_fuzz -- SECONDS [TARGET...] [--seed N]
//!     cargo run --release --no-default-features --bin stable_fuzz -- --write-seeds DIR
//!
//! For each target (default: all), for SECONDS: takes an input from a pool
//! (the seeds, then inputs that gave a new outcome), mutates it (bit flips,
//! byte edits, dictionary tokens, splices, repeats, cuts) and runs the
//! target's properties ([`roomauth_fuzz::oracles`]). Without coverage, the
//! "new outcome" signal is the refusal message's first words or the shape
//! of the accepted value. A property that fails is a panic: the input is
//! written to `artifacts/stable-<target>-<n>` and the driver exits with 1.
//! Prints the executions per target.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use roomauth_fuzz::{TARGETS, dictionary, run, seeds};

/// The largest input generated.
const MAX_INPUT: usize = 4096;
/// The largest pool of inputs kept.
const MAX_POOL: usize = 4096;

/// xorshift64*: small, fast, seedable; quality enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, pool: &[Vec<u8>], dict: &[&str]) {
    for _ in 0..=rng.below(4) {
        let len = input.len();
        match rng.below(10) {
            0 if len > 0 => {
                let at = rng.below(len);
                input[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let at = rng.below(len);
                input[at] = rng.next() as u8;
            }
            2 => {
                let at = rng.below(len + 1);
                input.insert(at, rng.next() as u8);
            }
            3 if len > 0 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(8)).min(len);
                input.drain(at..end);
            }
            4 | 5 => {
                let token = dict[rng.below(dict.len())].as_bytes();
                let at = rng.below(len + 1);
                input.splice(at..at, token.iter().copied());
            }
            6 if !pool.is_empty() => {
                let other = &pool[rng.below(pool.len())];
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                input.truncate(cut);
                input.extend_from_slice(&other[from..]);
            }
            7 if len > 0 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(16)).min(len);
                let chunk = input[at..end].to_vec();
                for _ in 0..=rng.below(64) {
                    input.splice(at..at, chunk.iter().copied());
                }
            }
            8 if len > 0 => input.truncate(rng.below(len)),
            _ => {
                let at = rng.below(len + 1);
                let byte = [
                    b'"', b'\\', b'<', b'>', b'{', b'}', b'[', b']', 0, 0x7f, 0xff, 0xc0, 0xed,
                ][rng.below(13)];
                input.insert(at, byte);
            }
        }
    }
    input.truncate(MAX_INPUT);
}

/// A cheap stand-in for coverage: which kind of answer the target gave.
fn outcome(target: &str, data: &[u8]) -> String {
    match target {
        "webhook_body" => {
            let (selector, body) = data.split_first().map_or((0, data), |(f, r)| (*f, r));
            let ct = roomauth_fuzz::oracles::CONTENT_TYPES[usize::from(selector) % 8];
            match roomauth::room_service::RoomRequest::parse(ct, body) {
                Ok(r) => format!("ok docs={}", r.documents.len()),
                Err(e) => e
                    .to_string()
                    .split_whitespace()
                    .take(7)
                    .collect::<Vec<_>>()
                    .join(" "),
            }
        }
        _ => {
            let text = String::from_utf8_lossy(data);
            let first = text.split('\n').next().unwrap_or_default();
            match roomauth::pattern::Pattern::parse(first) {
                Ok(p) => format!(
                    "ok holes={} segs={}",
                    p.placeholder_count(),
                    p.segments().len()
                ),
                Err(e) => format!(
                    "{:?}",
                    e.errors()
                        .iter()
                        .map(|m| std::mem::discriminant(&m.kind))
                        .collect::<Vec<_>>()
                ),
            }
        }
    }
}

/// Writes each target's seeds to `DIR/<target>/seed-<n>` and its
/// dictionary to `DIR/<target>.dict`, for libFuzzer.
fn write_seeds(dir: &std::path::Path) -> std::io::Result<()> {
    for target in TARGETS {
        let corpus = dir.join(target);
        std::fs::create_dir_all(&corpus)?;
        for (n, seed) in seeds(target).iter().enumerate() {
            std::fs::write(corpus.join(format!("seed-{n}")), seed)?;
        }
        let mut dict = String::new();
        for token in dictionary(target) {
            dict.push('"');
            for byte in token.bytes() {
                match byte {
                    b'"' | b'\\' => dict += &format!("\\x{byte:02x}"),
                    0x20..=0x7e => dict.push(char::from(byte)),
                    _ => dict += &format!("\\x{byte:02x}"),
                }
            }
            dict += "\"\n";
        }
        std::fs::write(dir.join(format!("{target}.dict")), dict)?;
    }
    Ok(())
}

fn main() {
    let mut seconds = 10u64;
    let mut targets: Vec<String> = Vec::new();
    let mut seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--write-seeds" {
            let dir = args.next().expect("--write-seeds DIR");
            write_seeds(std::path::Path::new(&dir)).expect("writing the seeds");
            return;
        }
        if arg == "--seed" {
            seed = args.next().and_then(|s| s.parse().ok()).expect("--seed N");
        } else if let Ok(n) = arg.parse() {
            seconds = n;
        } else if TARGETS.contains(&arg.as_str()) {
            targets.push(arg);
        } else {
            eprintln!(
                "usage: stable_fuzz SECONDS [{}...] [--seed N]",
                TARGETS.join("|")
            );
            std::process::exit(2);
        }
    }
    if targets.is_empty() {
        targets = TARGETS.iter().map(|t| (*t).to_owned()).collect();
    }
    // A failing property prints its message through the default panic
    // hook; its input is saved below.
    println!("stable_fuzz: seed {seed}, {seconds} s per target");
    let mut rng = Rng(seed);
    let mut failed = false;
    for target in &targets {
        let dict = dictionary(target);
        let mut pool = seeds(target);
        let mut seen: HashSet<String> = pool.iter().map(|s| outcome(target, s)).collect();
        let started = Instant::now();
        let deadline = started + Duration::from_secs(seconds);
        let mut execs: u64 = 0;
        let mut input = Vec::new();
        while Instant::now() < deadline {
            for _ in 0..256 {
                input.clear();
                if pool.is_empty() || rng.below(16) == 0 {
                    input.extend((0..rng.below(64)).map(|_| rng.next() as u8));
                } else {
                    input.extend_from_slice(&pool[rng.below(pool.len())]);
                }
                mutate(&mut rng, &mut input, &pool, dict);
                execs += 1;
                if catch_unwind(AssertUnwindSafe(|| run(target, &input))).is_err() {
                    std::fs::create_dir_all("artifacts").ok();
                    let path = format!("artifacts/stable-{target}-{execs}");
                    std::fs::write(&path, &input).ok();
                    eprintln!(
                        "stable_fuzz: {target}: a property failed; input saved to {path}: {:?}",
                        String::from_utf8_lossy(&input)
                    );
                    failed = true;
                    break;
                }
                if execs.is_multiple_of(8)
                    && pool.len() < MAX_POOL
                    && seen.insert(outcome(target, &input))
                {
                    pool.push(input.clone());
                }
            }
            if failed {
                break;
            }
        }
        let took = started.elapsed().as_secs_f64();
        println!(
            "stable_fuzz: {target}: {execs} executions in {took:.1} s ({:.0} per s), {} distinct outcomes",
            execs as f64 / took.max(0.001),
            seen.len()
        );
        if failed {
            std::process::exit(1);
        }
    }
}
