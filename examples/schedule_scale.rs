//! Scale and quality figures of the forum scheduler on generated instances.
//!
//! `cargo run --release --example schedule_scale [-- large | big | b2b]`
//!
//! - `big`: the 2 000-participant forum (3 × 16 slots, 400 tables, 20 000 candidates), seeds
//!   1–3, 2 s each: value against the bound.
//! - `b2b`: `min_idle` on 20 instances shaped like the published B2B forum benchmarks:
//!   idle and waiting slots (span) per instance, idle first (the default) and span first
//!   (whose bound is the least span any plan can have).

use mitra::schedule::generate::{self, ForumSpec};
use mitra::schedule::{check, solve, Status};
use std::time::Instant;

fn main() {
    let large = std::env::args().any(|a| a == "large");
    if std::env::args().any(|a| a == "big") {
        for seed in 1..=3 {
            let req = generate::big_forum(seed);
            report(&format!("big forum seed {seed}"), &req);
        }
        return;
    }
    if std::env::args().any(|a| a == "b2b") {
        b2b();
        return;
    }
    if large {
        let mut req = generate::candidates(1, &ForumSpec::large());
        req.time_limit_ms = Some(10_000);
        report("large max_value", &req);
        return;
    }
    println!("min_idle on planted instances (a 0-idle timetable exists):");
    println!(
        "{:>5} {:>6} {:>7} {:>6} {:>8} {:>9} {:>6}",
        "firms", "slots", "tables", "meets", "zero/10", "mean ms", "max ms"
    );
    for (n, sessions, tables, block) in [
        (40, vec![8, 6], 12, 5),
        (60, vec![12, 8], 20, 6),
        (80, vec![13, 9], 27, 8),
        (80, vec![12, 10], 20, 10),
        (80, vec![12, 10], 14, 10),
        (120, vec![13, 9], 30, 12),
    ] {
        let spec = ForumSpec {
            participants: n,
            sessions: sessions.clone(),
            tables,
            max_block: block,
            ..ForumSpec::forum()
        };
        let (mut zero, mut total_ms, mut max_ms, mut meets) = (0, 0u128, 0u128, 0);
        for seed in 0..10 {
            let req = generate::planted_min_idle(seed, &spec);
            meets += req.meetings.len();
            let t = Instant::now();
            let res = solve(&req).unwrap();
            let ms = t.elapsed().as_millis();
            assert!(check(&req, &res).is_empty());
            total_ms += ms;
            max_ms = max_ms.max(ms);
            if res.status != Status::Infeasible && res.stats.idle_slots == 0 {
                zero += 1;
            }
        }
        println!(
            "{:>5} {:>6} {:>7} {:>6} {:>8} {:>9} {:>6}",
            n,
            sessions.iter().sum::<u32>(),
            tables,
            meets / 10,
            zero,
            total_ms / 10,
            max_ms
        );
    }
    println!();
    println!("max_value on candidate lists:");
    for (n, m, sessions, tables) in [
        (40, 120, vec![8, 6], 12),
        (60, 300, vec![12, 8], 20),
        (80, 600, vec![13, 9], 27),
        (300, 3_000, vec![8; 4], 80),
    ] {
        let spec = ForumSpec {
            participants: n,
            meetings: m,
            sessions,
            tables,
            ..ForumSpec::forum()
        };
        let mut req = generate::candidates(1, &spec);
        req.time_limit_ms = Some(2_000);
        report(&format!("{n} firms {m} candidates"), &req);
    }
}

fn report(name: &str, req: &mitra::schedule::ScheduleRequest) {
    let t = Instant::now();
    let res = solve(req).unwrap();
    let ms = t.elapsed().as_millis();
    let violations = check(req, &res);
    let s = &res.stats;
    println!(
        "{name}: {ms} ms, status {:?}, scheduled {}/{}, value {:.1}, bound {:.1}, gap {:.2}%, \
         without meeting {}, idle {}, span {}, table changes {}, iterations {}, time limit hit {}, violations {}",
        res.status,
        s.scheduled,
        req.meetings.len(),
        s.value,
        s.bound,
        100.0 * s.gap,
        s.participants_without_meeting,
        s.idle_slots,
        s.span_slots,
        s.table_changes,
        s.iterations,
        s.time_limit_hit,
        violations.len()
    );
}

/// Slots without a meeting between a participant's first and last meeting of a session,
/// unavailable ones included (what the participant waits on site).
fn waiting(req: &mitra::schedule::ScheduleRequest, res: &mitra::schedule::ScheduleResponse) -> u64 {
    use std::collections::HashMap;
    let mut session_of = Vec::new();
    for (i, s) in req.sessions.iter().enumerate() {
        session_of.extend(std::iter::repeat_n(i, s.slots as usize));
    }
    let mut slots: HashMap<(&str, usize), Vec<u32>> = HashMap::new();
    for m in &res.meetings {
        for p in [&m.a, &m.b] {
            slots
                .entry((p.as_str(), session_of[m.slot as usize]))
                .or_default()
                .push(m.slot);
        }
    }
    slots
        .values()
        .map(|v| {
            let lo = v.iter().min().unwrap();
            let hi = v.iter().max().unwrap();
            (hi - lo + 1) as u64 - v.len() as u64
        })
        .sum()
}

fn b2b() {
    println!(
        "{:>4} {:>5} {:>5} {:>5} {:>8} {:>4} {:>5} {:>5} {:>5} | {:>10} {:>10} {:>10} {:>5}",
        "seed",
        "firms",
        "slots",
        "meets",
        "status",
        "idle",
        "bound",
        "span",
        "ms",
        "1st: span",
        "span bound",
        "then idle",
        "ms"
    );
    let (mut idle, mut span, mut max_ms) = (0, 0, 0);
    let (mut span1, mut span_bound, mut idle1, mut max_ms1) = (0, 0.0, 0, 0);
    for seed in 1..=20 {
        let req = generate::b2b(seed);
        let t = Instant::now();
        let res = solve(&req).unwrap();
        let ms = t.elapsed().as_millis();
        assert!(check(&req, &res).is_empty(), "{:?}", check(&req, &res));
        assert_eq!(waiting(&req, &res), res.stats.span_slots);
        idle += res.stats.idle_slots;
        span += res.stats.span_slots;
        max_ms = max_ms.max(ms);
        // The same with span first: its bound is the least span any plan can have.
        let mut first = req.clone();
        first.span_first = true;
        let t = Instant::now();
        let res1 = solve(&first).unwrap();
        let ms1 = t.elapsed().as_millis();
        assert!(check(&first, &res1).is_empty());
        span1 += res1.stats.span_slots;
        span_bound += res1.stats.bound;
        idle1 += res1.stats.idle_slots;
        max_ms1 = max_ms1.max(ms1);
        println!(
            "{:>4} {:>5} {:>5} {:>5} {:>8} {:>4} {:>5} {:>5} {:>5} | {:>10} {:>10} {:>10} {:>5}",
            seed,
            req.participants.len(),
            req.sessions.iter().map(|s| s.slots).sum::<u32>(),
            req.meetings.len(),
            format!("{:?}", res.status).to_lowercase(),
            res.stats.idle_slots,
            res.stats.bound,
            res.stats.span_slots,
            ms,
            res1.stats.span_slots,
            res1.stats.bound,
            res1.stats.idle_slots,
            ms1
        );
    }
    println!(
        "idle first: total idle {idle}, total span {span}, slowest {max_ms} ms; \
         span first: total span {span1} (bound {span_bound}), total idle {idle1}, slowest {max_ms1} ms"
    );
}
