//! Proves that matching a pattern and looking a room up in a dispatcher of
//! 1,000 patterns never allocate.
//!
//! This file is its own test binary with a counting global allocator, and
//! holds a single test so that nothing else runs while it measures. It
//! counts only the allocations of the thread that asked for counting.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use roomauth::pattern::{Dispatcher, Pattern};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn note() {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
    }
}

// SAFETY: every call is forwarded unchanged to the system allocator.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f` and returns how many allocations this thread made meanwhile.
fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    COUNTING.with(|counting| counting.set(true));
    f();
    COUNTING.with(|counting| counting.set(false));
    ALLOCATIONS.load(Ordering::SeqCst) - before
}

#[test]
fn matching_and_dispatch_do_not_allocate() {
    // The counter itself works.
    assert!(allocations_during(|| drop(black_box(vec![1u8; 16]))) >= 1);

    let mut builder = Dispatcher::builder();
    for i in 0..400 {
        builder
            .insert(Pattern::parse(&format!("t{i}-<id>")).unwrap(), i)
            .unwrap();
    }
    for i in 0..400 {
        builder
            .insert(
                Pattern::parse(&format!("o{i}-<org>-project-<id>-v")).unwrap(),
                1000 + i,
            )
            .unwrap();
    }
    for i in 0..200 {
        builder
            .insert(Pattern::parse(&format!("lobby{i}")).unwrap(), 2000 + i)
            .unwrap();
    }
    let dispatcher = builder.build();
    assert_eq!(dispatcher.len(), 1000);

    let mut rooms: Vec<String> = Vec::new();
    for i in (0..400).step_by(7) {
        rooms.push(format!("t{i}-some-long-identifier-{i}"));
        rooms.push(format!("o{i}-acme-project-b-project-{i}-v"));
        rooms.push(format!("o{i}-a-project--v")); // no match: empty id
    }
    for i in (0..200).step_by(3) {
        rooms.push(format!("lobby{i}"));
    }
    rooms.push("nothing-matches-this-room-name-é".to_owned());
    rooms.push(String::new());
    rooms.push("x".repeat(10_000) + "-project-1");
    let expected: Vec<Option<usize>> = rooms
        .iter()
        .map(|room| dispatcher.iter().position(|(p, _)| p.is_match(room)))
        .collect();
    assert!(expected.iter().filter(|e| e.is_some()).count() > 100);

    let patterns = [
        Pattern::parse("org-<org>-project-<id>").unwrap(),
        Pattern::parse("<a>.<b>.<c>!").unwrap(),
        Pattern::parse("room-<id>-settings").unwrap(),
        Pattern::parse("lobby").unwrap(),
    ];
    let direct_rooms = [
        "org-a-project-b-project-1",
        "org-acme-project-42",
        &("org-".to_owned() + &"a-".repeat(5_000) + "project-1"),
        "1.2.3.4!",
        "room-a-settings-settings",
        "lobby",
        "nope",
    ];

    let mut found = Vec::with_capacity(rooms.len());
    let mut direct = 0usize;
    let count = allocations_during(|| {
        for room in &rooms {
            let hit = dispatcher.lookup(black_box(room));
            if let Some(hit) = hit {
                black_box(hit.captures.iter().map(str::len).sum::<usize>());
                black_box(hit.get("id"));
            }
            found.push(hit.map(|hit| hit.index));
        }
        for pattern in &patterns {
            for room in direct_rooms {
                if let Some(captures) = pattern.matches(black_box(room)) {
                    direct += captures.len();
                    black_box(captures.name(pattern, "id"));
                }
            }
        }
    });
    assert_eq!(count, 0, "lookups and matches allocated {count} times");
    assert_eq!(found, expected);
    assert_eq!(direct, 2 + 2 + 2 + 3 + 1);
}
