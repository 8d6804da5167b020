//! Room patterns: matching one room name and binding its placeholders, and
//! dispatching one room name among many rules, against the `regex` crate and
//! `matchit` doing the same job. See BENCHMARKS.md for the figures.
//!
//! ```text
//! cargo bench -p roomauth --bench pattern
//! ```
//!
//! The default configuration is short (1 s warm-up, 3 s measurement, 30
//! samples); criterion's command-line flags override it.

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use regex::{Regex, RegexSet};
use roomauth::pattern::{Dispatcher, Pattern, Shape};

mod support;
use support::{config, iter, print_iterations};

/// One pattern, the room name it is matched against, its values, and the
/// same job for the other matchers (`matchit: None` where it cannot express
/// the pattern).
struct Case {
    name: &'static str,
    pattern: &'static str,
    room: &'static str,
    values: &'static [&'static str],
    regex: &'static str,
    matchit: Option<(&'static str, &'static str)>,
}

const CASES: [Case; 2] = [
    Case {
        name: "1 placeholder",
        pattern: "project-<id>",
        room: "project-12345",
        values: &["12345"],
        regex: r"(?s)\Aproject-(.+)\z",
        matchit: Some(("project-{id}", "project-12345")),
    },
    Case {
        name: "3 placeholders",
        pattern: "org-<org>-team-<team>-project-<id>",
        room: "org-acme-team-core-project-12345",
        values: &["acme", "core", "12345"],
        // Lazy groups: the first occurrence of each literal ends a value,
        // as in roomauth's matching rule (for rooms that match at all).
        regex: r"(?s)\Aorg-(.+?)-team-(.+?)-project-(.+)\z",
        // matchit allows one parameter per `/`-separated segment and room
        // names have no `/`: it cannot express this pattern.
        matchit: None,
    },
];

fn match_and_bind(c: &mut Criterion) {
    for case in &CASES {
        let mut group = c.benchmark_group(format!("match_and_bind/{}", case.name));

        let pattern = Pattern::parse(case.pattern).expect("valid pattern");
        let captures = pattern.matches(case.room).expect("the room matches");
        assert!(captures.iter().eq(case.values.iter().copied()));
        group.bench_function("roomauth Pattern::matches", |b| {
            iter(b, || {
                let captures = pattern.matches(black_box(case.room));
                black_box(captures.map(|c| c.iter().map(str::len).sum::<usize>()))
            })
        });

        let regex = Regex::new(case.regex).expect("valid regex");
        let values: Vec<&str> = regex
            .captures(case.room)
            .expect("the room matches")
            .iter()
            .skip(1)
            .map(|m| m.map_or("", |m| m.as_str()))
            .collect();
        assert_eq!(values, case.values);
        group.bench_function("regex captures", |b| {
            iter(b, || {
                let captures = regex.captures(black_box(case.room));
                black_box(captures.map(|c| {
                    c.iter()
                        .skip(1)
                        .map(|m| m.map_or(0, |m| m.as_str().len()))
                        .sum::<usize>()
                }))
            })
        });

        // regex's allocation-free API, with the capture slots made once.
        let mut locations = regex.capture_locations();
        group.bench_function("regex captures_read", |b| {
            iter(b, || {
                let room = black_box(case.room);
                let found = regex.captures_read(&mut locations, room);
                black_box(found.map(|_| {
                    (1..locations.len())
                        .filter_map(|i| locations.get(i))
                        .map(|(start, end)| room[start..end].len())
                        .sum::<usize>()
                }))
            })
        });

        if let Some((route, path)) = case.matchit {
            let mut router = matchit::Router::new();
            router.insert(route, ()).expect("valid route");
            let matched = router.at(path).expect("the path matches");
            let values: Vec<&str> = matched.params.iter().map(|(_, v)| v).collect();
            assert_eq!(values, case.values);
            group.bench_function("matchit Router::at", |b| {
                iter(b, || {
                    let matched = router.at(black_box(path));
                    black_box(matched.map(|m| m.params.iter().map(|(_, v)| v.len()).sum::<usize>()))
                })
            });
        }
        group.finish();
    }

    // What matchit can do with the 3-placeholder job if room names were
    // `/`-separated (a different room name, for scale only).
    let mut group = c.benchmark_group("match_and_bind/3 placeholders");
    let mut router = matchit::Router::new();
    router
        .insert("org-{org}/team-{team}/project-{id}", ())
        .expect("valid route");
    let path = "org-acme/team-core/project-12345";
    assert_eq!(router.at(path).expect("matches").params.len(), 3);
    group.bench_function("matchit Router::at, /-separated room", |b| {
        iter(b, || {
            let matched = router.at(black_box(path));
            black_box(matched.map(|m| m.params.iter().map(|(_, v)| v.len()).sum::<usize>()))
        })
    });
    group.finish();
}

/// The rule sizes of the dispatch benchmarks.
const SIZES: [usize; 5] = [1, 10, 100, 1_000, 10_000];
/// The sizes for the matchers that scan every rule (slow to build and run).
const SCAN_SIZES: [usize; 4] = [1, 10, 100, 1_000];

/// Rule `i` of a set with distinct literal prefixes (the usual case: one
/// prefix per kind of room), in four shapes: roomauth's pattern, regex,
/// matchit route.
fn distinct_rule(i: usize) -> (String, String, String) {
    match i % 4 {
        0 => (
            format!("t{i:05}-project-<id>"),
            format!(r"(?s)\At{i:05}-project-(.+)\z"),
            format!("t{i:05}-project-{{id}}"),
        ),
        1 => (
            format!("t{i:05}-<id>-settings"),
            format!(r"(?s)\At{i:05}-(.+)-settings\z"),
            format!("t{i:05}-{{id}}-settings"),
        ),
        2 => (
            format!("t{i:05}-lobby"),
            format!(r"\At{i:05}-lobby\z"),
            format!("t{i:05}-lobby"),
        ),
        _ => (
            format!("t{i:05}-doc-<doc>.md"),
            format!(r"(?s)\At{i:05}-doc-(.+)\.md\z"),
            format!("t{i:05}-doc-{{doc}}.md"),
        ),
    }
}

/// The room looked up among `n` distinct rules: one for rule `n / 2`
/// (rounded down to a `project-<id>` rule), the same length for every `n`.
fn distinct_room(n: usize) -> String {
    format!("t{:05}-project-42", n / 2 / 4 * 4)
}

/// Rule `i` of a set of one shape, `t<i>-project-<id>`: what `matchit` can
/// express as a set (one parameter per segment, after a literal prefix).
fn one_shape_rule(i: usize) -> (String, String, String) {
    (
        format!("t{i:05}-project-<id>"),
        format!(r"(?s)\At{i:05}-project-(.+)\z"),
        format!("t{i:05}-project-{{id}}"),
    )
}

fn one_shape_room(n: usize) -> String {
    format!("t{:05}-project-42", n / 2)
}

/// Rule `i` of a set whose patterns all share the literal prefix `room-`
/// and differ by their final literal: the dispatcher's worst case.
fn shared_rule(i: usize) -> (String, String, String) {
    (
        format!("room-<id>-v{i:05}"),
        format!(r"(?s)\Aroom-(.+)-v{i:05}\z"),
        format!("room-{{id}}-v{i:05}"),
    )
}

fn shared_room(n: usize) -> String {
    format!("room-42-v{:05}", n / 2)
}

fn dispatch(c: &mut Criterion) {
    dispatch_set(
        c,
        "dispatch/distinct prefixes",
        &SIZES,
        distinct_rule,
        distinct_room,
    );
    dispatch_set(
        c,
        "dispatch/one shape",
        &SIZES,
        one_shape_rule,
        one_shape_room,
    );
    // Building a dispatcher checks every pair of patterns that share a
    // prefix for overlap: quadratic here, so 10,000 is left out.
    dispatch_set(
        c,
        "dispatch/shared prefix",
        &SCAN_SIZES,
        shared_rule,
        shared_room,
    );
}

fn dispatch_set(
    c: &mut Criterion,
    name: &str,
    sizes: &[usize],
    rule: fn(usize) -> (String, String, String),
    room_for: fn(usize) -> String,
) {
    let mut group = c.benchmark_group(name);
    for &n in sizes {
        let rules: Vec<(String, String, String)> = (0..n).map(rule).collect();
        let room = room_for(n);
        let expected = rules
            .iter()
            .position(|(pattern, _, _)| Pattern::parse(pattern).expect("valid").is_match(&room))
            .expect("one rule matches the room");

        let dispatcher = Dispatcher::try_from_iter(
            rules
                .iter()
                .enumerate()
                .map(|(i, (pattern, _, _))| (Pattern::parse(pattern).expect("valid"), i)),
        )
        .expect("disjoint patterns");
        assert_eq!(dispatcher.lookup(&room).map(|m| *m.value), Some(expected));
        group.bench_with_input(
            BenchmarkId::new("roomauth Dispatcher::lookup", n),
            &room,
            |b, room| {
                iter(b, || {
                    let found = dispatcher.lookup(black_box(room));
                    black_box(found.map(|m| (*m.value, m.captures.get(0).map(str::len))))
                })
            },
        );

        let mut router = matchit::Router::new();
        let mut routed = true;
        for (i, (_, _, route)) in rules.iter().enumerate() {
            if router.insert(route.as_str(), i).is_err() {
                routed = false;
                break;
            }
        }
        if routed {
            assert_eq!(router.at(&room).map(|m| *m.value).ok(), Some(expected));
            group.bench_with_input(
                BenchmarkId::new("matchit Router::at", n),
                &room,
                |b, room| {
                    iter(b, || {
                        let found = router.at(black_box(room));
                        black_box(
                            found
                                .map(|m| (*m.value, m.params.iter().next().map(|(_, v)| v.len())))
                                .ok(),
                        )
                    })
                },
            );
        }

        if n > SCAN_SIZES[SCAN_SIZES.len() - 1] {
            continue;
        }
        // A linear scan of regexes: what a hand-written router often is.
        let regexes: Vec<Regex> = rules
            .iter()
            .map(|(_, regex, _)| Regex::new(regex).expect("valid regex"))
            .collect();
        let scan = |room: &str| {
            regexes.iter().enumerate().find_map(|(i, regex)| {
                regex
                    .captures(room)
                    .map(|c| (i, c.get(1).map(|m| m.as_str().len())))
            })
        };
        assert_eq!(scan(&room).map(|(i, _)| i), Some(expected));
        group.bench_with_input(
            BenchmarkId::new("regex scan, captures", n),
            &room,
            |b, room| iter(b, || black_box(scan(black_box(room)))),
        );

        // One RegexSet finds the rule, then that rule's regex binds.
        let set = RegexSet::new(rules.iter().map(|(_, regex, _)| regex)).expect("valid set");
        let set_lookup = |room: &str| {
            let i = set.matches(room).iter().next()?;
            let captures = regexes.get(i)?.captures(room)?;
            Some((i, captures.get(1).map(|m| m.as_str().len())))
        };
        assert_eq!(set_lookup(&room).map(|(i, _)| i), Some(expected));
        group.bench_with_input(
            BenchmarkId::new("regex RegexSet + captures", n),
            &room,
            |b, room| iter(b, || black_box(set_lookup(black_box(room)))),
        );
    }
    group.finish();
}

/// The overlap check `Rules::new` runs on each pair of patterns whose
/// literal prefixes and suffixes are compatible (a startup cost, once per
/// pair): overlapping, disjoint, and disjoint only by their shapes.
fn overlap(c: &mut Criterion) {
    let mut group = c.benchmark_group("overlap");
    let parse = |src: &str| Pattern::parse(src).expect("valid");
    let unsigned = |src: &str| {
        parse(src)
            .with_shape("id", Shape::Unsigned)
            .expect("has <id>")
    };
    let pairs = [
        (
            "overlapping: project-<id> / project-<id>-settings",
            parse("project-<id>"),
            parse("project-<id>-settings"),
        ),
        (
            "disjoint: org-<org>-project-<id> / org-<org>-doc-<id>",
            parse("org-<org>-project-<id>"),
            parse("org-<org>-doc-<id>"),
        ),
        (
            "disjoint by shape: ticket-<id> / ticket-<id>-chat, u64",
            unsigned("ticket-<id>"),
            unsigned("ticket-<id>-chat"),
        ),
    ];
    for (name, a, b) in &pairs {
        group.bench_function(*name, |bench| {
            iter(bench, || black_box(black_box(a).overlaps(black_box(b))))
        });
    }
    group.finish();
}

/// Prints the iteration count for `instructions.sh`, after the others.
fn iterations(_: &mut Criterion) {
    print_iterations();
}

criterion_group! {
    name = benches;
    config = config();
    targets = match_and_bind, dispatch, overlap, iterations
}
criterion_main!(benches);
