//! What the benches share: criterion's configuration, and the count of
//! timed iterations that `instructions.sh` divides instruction counts by.

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use criterion::{Bencher, Criterion};

/// How many iterations the timed loops ran, printed at the end when
/// `BENCH_PRINT_ITERATIONS` is set: with `--profile-time` under cachegrind,
/// instructions per iteration, a figure that other processes on the machine
/// do not disturb (BENCHMARKS.md, `instructions.sh`).
pub static ITERATIONS: AtomicU64 = AtomicU64::new(0);

/// The short default configuration (1 s warm-up, 3 s measurement, 30
/// samples); criterion's command-line flags override it.
pub fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30)
}

/// `Bencher::iter`, counted in [`ITERATIONS`].
pub fn iter<T>(b: &mut Bencher<'_>, mut f: impl FnMut() -> T) {
    b.iter_custom(|iters| time_sync(iters, &mut f));
}

/// Runs `f` `iters` times and times the loop, counted in [`ITERATIONS`].
pub fn time_sync<T>(iters: u64, mut f: impl FnMut() -> T) -> Duration {
    ITERATIONS.fetch_add(iters, Ordering::Relaxed);
    let start = Instant::now();
    for _ in 0..iters {
        black_box(f());
    }
    start.elapsed()
}

/// Prints the iteration count for `instructions.sh`, when asked to.
pub fn print_iterations() {
    if std::env::var_os("BENCH_PRINT_ITERATIONS").is_some() {
        eprintln!("timed iterations: {}", ITERATIONS.load(Ordering::Relaxed));
    }
}
