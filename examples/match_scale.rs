//! Scale check of the matching core on benchmark firms (`mitra gen`, noise profile
//! `hard` unless `--profile clean|realistic`): time and pairs scored with the candidate
//! index against exhaustive scoring, recall@k of the index, peak memory.
//!
//!     cargo run --release --example match_scale -- --firms 20000 [--profile hard]
//!         [--exhaustive-max 20000] [--sample 500] [--k 10] [--seed 1] [--demo 1] [--rank-all 0]
//!
//! Above `--exhaustive-max` firms, recall is measured on `--sample` firms only. With
//! `--demo 1` the firms are those `mitra serve --demo` loads: the `realistic` profile, seed
//! 5235 unless `--seed`.

use mitra::gen::{parsed_firms, GenConfig, NoiseProfile};
use mitra::matching::{recall, MatchQuery, Matcher, ScoringConfig};
use std::sync::Arc;
use std::time::Instant;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().expect("a number"))
        .unwrap_or(default)
}

fn text_arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

/// CPU seconds used by this process so far (user + system), from /proc/self/stat: on a
/// shared machine a steadier measure of work than wall-clock time.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // Fields 14 and 15 of stat (utime, stime), counted after the command name; 100 Hz.
    (ticks(11) + ticks(12)) / 100.0
}

/// A memory figure of this process from /proc/self/status, in MiB (`VmHWM:` is the peak,
/// `VmRSS:` the current resident size).
fn memory_mib(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let n = arg("--firms", 2000);
    let exhaustive_max = arg("--exhaustive-max", 20_000);
    let sample = arg("--sample", 500);
    let k = arg("--k", 10);
    let seed = arg("--seed", 1) as u64;
    let query = MatchQuery {
        k,
        ..MatchQuery::default()
    };

    let t = Instant::now();
    let config = if arg("--demo", 0) == 1 {
        GenConfig::for_profile(NoiseProfile::Realistic, arg("--seed", 5235) as u64, n)
    } else {
        let profile: NoiseProfile = text_arg("--profile", "hard").parse().expect("a profile");
        GenConfig::for_profile(profile, seed, n)
    };
    let firms: Vec<Arc<_>> = parsed_firms(&config).into_iter().map(Arc::new).collect();
    let generated = t.elapsed();
    let t = Instant::now();
    let matcher = Matcher::build(ScoringConfig::default(), firms.iter().cloned());
    let built = t.elapsed();
    println!("firms: {n}  threads: {}", rayon::current_num_threads());
    println!("generate: {:.2?}  build matcher: {:.2?}", generated, built);
    let (read, items) = matcher.items_read();
    println!(
        "items read as an HS concept: {read} of {items} ({:.1}%)",
        100.0 * read as f64 / items.max(1) as f64
    );
    if let Some(mib) = memory_mib("VmRSS:") {
        println!("resident after build (firms and matcher): {mib:.0} MiB");
    }

    // One firm's top-k, as the HTTP route asks it, for 2 000 firms spread over the ids
    // (each asked once): the distribution, not one firm's time.
    let step = (n / 2000).max(1);
    let mut times: Vec<f64> = (0..n)
        .step_by(step)
        .map(|i| {
            let t = Instant::now();
            std::hint::black_box(matcher.matches_for(&firms[i].id, &query));
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "one firm:   top-{k} for {} firms one after the other: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        times.len(),
        at(0.5),
        at(0.99),
        times[times.len() - 1]
    );

    if arg("--rank-all", 1) == 0 {
        // Build and single-firm queries only (the all-firms ranking takes long at scale).
        if let Some(mib) = memory_mib("VmHWM:") {
            println!("peak memory (VmHWM): {mib:.0} MiB");
        }
        return;
    }
    let before = matcher.stats();
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let indexed = matcher.rank_all(&query);
    let (dt, cpu) = (t.elapsed(), cpu_seconds() - cpu);
    let after = matcher.stats();
    if let Some(mib) = memory_mib("VmRSS:") {
        println!("resident after ranking (with every firm's top-{k} and reasons): {mib:.0} MiB");
    }
    let listed: usize = indexed.iter().map(|(_, m)| m.len()).sum();
    let unexplained = indexed
        .iter()
        .flat_map(|(_, m)| m)
        .filter(|m| m.reasons.is_empty())
        .count();
    println!("matches listed: {listed}, without a reason: {unexplained}");
    let pairs = after.pairs_scored - before.pairs_scored;
    let candidates = after.candidates - before.candidates;
    println!(
        "index:      top-{k} for all firms in {:.2?} (cpu {cpu:.2} s); candidates {candidates} ({:.1}/firm); pairs scored {pairs} ({:.1}/firm); {:.0} pairs/s",
        dt,
        candidates as f64 / n as f64,
        pairs as f64 / n as f64,
        pairs as f64 / dt.as_secs_f64()
    );

    if n <= exhaustive_max {
        let before = matcher.stats().pairs_scored;
        let (t, cpu) = (Instant::now(), cpu_seconds());
        let exhaustive = matcher.rank_all_exhaustive(&query);
        let (dt, cpu) = (t.elapsed(), cpu_seconds() - cpu);
        let pairs = matcher.stats().pairs_scored - before;
        println!(
            "exhaustive: top-{k} for all firms in {:.2?} (cpu {cpu:.2} s); pairs scored {pairs}; {:.0} pairs/s",
            dt,
            pairs as f64 / dt.as_secs_f64()
        );
        println!(
            "recall@{k} (all firms): {:.4}",
            recall(&indexed, &exhaustive)
        );
    } else {
        // Exhaustive answers for an evenly spread sample of firms.
        let step = (n / sample.max(1)).max(1);
        let t = Instant::now();
        let reference: Vec<_> = (0..n)
            .step_by(step)
            .map(|i| {
                let id = &firms[i].id;
                (
                    id.clone(),
                    matcher.matches_for_exhaustive(id, &query).expect("stored"),
                )
            })
            .collect();
        println!(
            "exhaustive: {} sampled firms in {:.2?}",
            reference.len(),
            t.elapsed()
        );
        println!("recall@{k} (sample): {:.4}", recall(&indexed, &reference));
    }
    if let Some(mib) = memory_mib("VmHWM:") {
        println!("peak memory (VmHWM): {mib:.0} MiB");
    }
}
