//! A reproducible load generator for a running mitra server (127.0.0.1 only).
//!
//! Each of `--connections` tasks owns its own HTTP connection and its own demo firms (from
//! `<data dir>/demo-firm-tokens.csv`, dealt round-robin), so concurrent PATCHes never race
//! on one firm. Mix per request: 40% GET /v1/firms/{id} (firm token), 20% GET
//! /v1/firms?province=…&limit=50 (organizer), 20% GET /v1/reference/hs?q=…, 15% PATCH
//! /v1/firms/{id} (its own token), 5% POST /v1/firms (organizer). With `--mix steady` each
//! of those POSTs is followed by DELETE /v1/firms/{id} of the firm it made, so writes go on
//! while the number of stored firms stays put: memory that grows then is not the data's.
//! With `--mix matches` every request is GET /v1/firms/{id}/matches?limit=10 (firm token):
//! one firm's partners, the matcher's single-firm query behind HTTP.
//!
//! With `--heavy true`, one more organizer task runs the heavy jobs meanwhile, one after the
//! other for the whole run: a batch ranking of every stored firm (POST /v1/match/batch,
//! summary only), then the timetable of a forum of 80 demo firms (POST
//! /v1/events/{id}/schedule, 2 s budget). Only one heavy job runs at a time, so a 503 from
//! the heavy slot counts as an error.
//!
//! cargo run --release --example load -- --url http://127.0.0.1:8080 --organizer-token T \
//!     --tokens data/demo-firm-tokens.csv [--connections 64] [--seconds 60] [--seed 1] \
//!     [--mix all|steady|matches] [--heavy false|true]

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

struct Args {
    url: String,
    organizer: String,
    tokens: String,
    connections: usize,
    seconds: u64,
    seed: u64,
    mix: Mix,
    /// A batch ranking and a timetable generation, in turn, beside the traffic.
    heavy: bool,
}

fn args() -> Args {
    let mut args = Args {
        url: "http://127.0.0.1:8080".into(),
        organizer: String::new(),
        tokens: String::new(),
        connections: 64,
        seconds: 60,
        seed: 1,
        mix: Mix::All,
        heavy: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => args.url = value,
            "--organizer-token" => args.organizer = value,
            "--tokens" => args.tokens = value,
            "--connections" => args.connections = value.parse().expect("a number"),
            "--seconds" => args.seconds = value.parse().expect("a number"),
            "--seed" => args.seed = value.parse().expect("a number"),
            "--mix" => {
                args.mix = match value.as_str() {
                    "all" => Mix::All,
                    "steady" => Mix::Steady,
                    "matches" => Mix::Matches,
                    other => panic!("--mix is all, steady or matches, not {other}"),
                }
            }
            "--heavy" => args.heavy = value.parse().expect("true or false"),
            other => panic!("unknown flag {other}"),
        }
    }
    assert!(
        args.url.starts_with("http://127.0.0.1:"),
        "load goes to 127.0.0.1 only"
    );
    assert!(!args.organizer.is_empty(), "--organizer-token is required");
    assert!(!args.tokens.is_empty(), "--tokens is required");
    args
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mix {
    /// The mixed traffic; its POSTs add firms.
    All,
    /// The mixed traffic, each POST followed by a DELETE of the firm it made.
    Steady,
    /// Only GET /v1/firms/{id}/matches.
    Matches,
}

#[derive(Default)]
struct Tally {
    /// Latencies in microseconds of answered requests, per route.
    latencies: BTreeMap<&'static str, Vec<u64>>,
    conflicts: u64,
    errors: BTreeMap<String, u64>,
}

const HS_QUERIES: &[&str] = &[
    "kopi",
    "0901",
    "tenun",
    "rumput laut",
    "mutiara",
    "kemasan",
    "1604",
    "tembakau",
    "garam",
    "kayu",
    "madu",
    "gula",
];

async fn connection(
    args: std::sync::Arc<Args>,
    firms: Vec<(String, String)>,
    seed: u64,
    until: Instant,
) -> Tally {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let organizer = format!("Bearer {}", args.organizer);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut tally = Tally::default();
    let mut n = 0u64;
    while Instant::now() < until {
        n += 1;
        let roll: u32 = if args.mix == Mix::Matches {
            100
        } else {
            rng.gen_range(0..100)
        };
        let (id, token) = &firms[rng.gen_range(0..firms.len())];
        let firm_auth = format!("Bearer {token}");
        let (route, request) = match roll {
            0..=39 => (
                "GET /v1/firms/{id}",
                client
                    .get(format!("{}/v1/firms/{id}", args.url))
                    .header("authorization", &firm_auth),
            ),
            40..=59 => {
                let province = if rng.gen() { "NTB" } else { "JATIM" };
                (
                    "GET /v1/firms?province",
                    client
                        .get(format!("{}/v1/firms?province={province}&limit=50", args.url))
                        .header("authorization", &organizer),
                )
            }
            60..=79 => {
                let q = HS_QUERIES[rng.gen_range(0..HS_QUERIES.len())];
                (
                    "GET /v1/reference/hs",
                    client
                        .get(format!("{}/v1/reference/hs", args.url))
                        .query(&[("q", q)])
                        .header("authorization", &organizer),
                )
            }
            100 => (
                "GET /v1/firms/{id}/matches",
                client
                    .get(format!("{}/v1/firms/{id}/matches?limit=10", args.url))
                    .header("authorization", &firm_auth),
            ),
            80..=94 => (
                "PATCH /v1/firms/{id}",
                client
                    .patch(format!("{}/v1/firms/{id}", args.url))
                    .header("authorization", &firm_auth)
                    .header("content-type", "application/merge-patch+json")
                    .body(json!({"employees": rng.gen_range(1..200)}).to_string()),
            ),
            95..=99 => (
                "POST /v1/firms",
                client
                    .post(format!("{}/v1/firms", args.url))
                    .header("authorization", &organizer)
                    .json(&json!({
                        "id": format!("beban-{seed}-{n}"),
                        "name": format!("CV Beban {seed}-{n}"),
                        "province": "NTB",
                        "regency": "Lombok Timur",
                        "kbli": ["10761"],
                        "size": "small",
                        "employees": 14,
                        "certifications": ["halal", "pirt"],
                        "products": [{"name": "Kopi arabika sangrai", "hs_code": "090121",
                                      "capacity": {"amount": 300, "unit": "kg", "per": "month"}}],
                        "needs": [{"name": "Standing pouch", "volume": {"amount": 2000, "unit": "pcs", "per": "month"}}]
                    })),
            ),
            _ => unreachable!("rolls are below 100 or the matches mix"),
        };
        record(&mut tally, route, request).await;
        if (95..100).contains(&roll) && args.mix == Mix::Steady {
            let request = client
                .delete(format!("{}/v1/firms/beban-{seed}-{n}", args.url))
                .header("authorization", &organizer);
            record(&mut tally, "DELETE /v1/firms/{id}", request).await;
        }
    }
    tally
}

/// The forum the heavy lane schedules again and again.
const HEAVY_FORUM: &str = "beban-forum";

/// Sends one request and files its answer in `tally` under `route`.
async fn record(tally: &mut Tally, route: &'static str, request: reqwest::RequestBuilder) {
    let started = Instant::now();
    match request.send().await {
        Ok(response) => {
            let status = response.status();
            let _ = response.bytes().await;
            let micros = started.elapsed().as_micros() as u64;
            if status.is_success() {
                tally.latencies.entry(route).or_default().push(micros);
            } else if status == 409 {
                tally.conflicts += 1;
            } else {
                *tally.errors.entry(format!("{route} {status}")).or_default() += 1;
            }
        }
        Err(e) => {
            let kind = if e.is_timeout() {
                "timeout"
            } else {
                "transport"
            };
            *tally.errors.entry(format!("{route} {kind}")).or_default() += 1;
        }
    }
}

/// The heavy lane: sets up a forum of `participants`, then runs a batch ranking and the
/// forum's timetable in turn until `until` (a job started before `until` is waited for).
async fn heavy(args: std::sync::Arc<Args>, participants: Vec<String>, until: Instant) -> Tally {
    // A batch over a store that the POSTs keep growing takes longer and longer.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(900))
        .build()
        .unwrap();
    let organizer = format!("Bearer {}", args.organizer);
    let setup = |request: reqwest::RequestBuilder, what: &'static str| {
        let request = request.header("authorization", &organizer);
        async move {
            let response = request.send().await.expect(what);
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            assert!(status.is_success(), "{what}: {status} {body}");
        }
    };
    setup(
        client.post(format!("{}/v1/events", args.url)).json(&json!({
            "id": HEAVY_FORUM, "name": "Temu Bisnis Beban", "time_zone": "WITA",
            "slot_minutes": 20, "break_minutes": 5, "tables": 14,
            "days": [{"date": "2026-12-10", "sessions": [
                         {"name": "pagi", "start": "08:30", "end": "12:00"},
                         {"name": "siang", "start": "13:30", "end": "16:00"}]},
                     {"date": "2026-12-11", "sessions": [
                         {"name": "pagi", "start": "08:30", "end": "12:00"}]}]
        })),
        "the heavy lane's forum",
    )
    .await;
    let roster: Vec<_> = participants
        .iter()
        .map(|id| json!({"firm_id": id, "max_meetings": 8}))
        .collect();
    setup(
        client
            .post(format!("{}/v1/events/{HEAVY_FORUM}/participants", args.url))
            .json(&roster),
        "the heavy lane's participants",
    )
    .await;
    let mut tally = Tally::default();
    while Instant::now() < until {
        record(
            &mut tally,
            "POST /v1/match/batch",
            client
                .post(format!("{}/v1/match/batch", args.url))
                .header("authorization", &organizer)
                .json(&json!({"limit": 10, "include_matches": false})),
        )
        .await;
        if Instant::now() >= until {
            break;
        }
        record(
            &mut tally,
            "POST /v1/events/{id}/schedule",
            client
                .post(format!("{}/v1/events/{HEAVY_FORUM}/schedule", args.url))
                .header("authorization", &organizer)
                .json(&json!({"objective": "max_value", "time_limit_ms": 2000})),
        )
        .await;
    }
    tally
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index] as f64 / 1000.0
}

#[tokio::main]
async fn main() {
    let args = std::sync::Arc::new(args());
    let text = std::fs::read_to_string(&args.tokens).expect("the tokens file");
    let firms: Vec<(String, String)> = text
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .map(|(id, token)| (id.to_string(), token.trim().to_string()))
        .collect();
    assert!(
        firms.len() >= args.connections,
        "fewer firms than connections"
    );
    // Spread over the file, so the forum holds firms of both provinces.
    let participants: Vec<String> = firms
        .iter()
        .step_by((firms.len() / 80).max(1))
        .take(80)
        .map(|(id, _)| id.clone())
        .collect();
    let mut owned: Vec<Vec<(String, String)>> = vec![Vec::new(); args.connections];
    for (i, firm) in firms.into_iter().enumerate() {
        owned[i % args.connections].push(firm);
    }
    let started = Instant::now();
    let until = started + Duration::from_secs(args.seconds);
    let heavy = args
        .heavy
        .then(|| tokio::spawn(heavy(args.clone(), participants, until)));
    let tasks: Vec<_> = owned
        .into_iter()
        .enumerate()
        .map(|(i, firms)| {
            tokio::spawn(connection(
                args.clone(),
                firms,
                args.seed * 1000 + i as u64,
                until,
            ))
        })
        .collect();
    let mut tallies = Vec::new();
    for task in tasks {
        tallies.push(task.await.expect("connection task"));
    }
    // Throughput counts the traffic's own time: the heavy lane may finish a job after it.
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(heavy) = heavy {
        tallies.push(heavy.await.expect("heavy task"));
        println!(
            "heavy lane: last job done {:.1} s after the start",
            started.elapsed().as_secs_f64()
        );
    }
    let mut total = Tally::default();
    for tally in tallies {
        for (route, mut l) in tally.latencies {
            total.latencies.entry(route).or_default().append(&mut l);
        }
        total.conflicts += tally.conflicts;
        for (k, v) in tally.errors {
            *total.errors.entry(k).or_default() += v;
        }
    }
    let ok: usize = total.latencies.values().map(Vec::len).sum();
    println!(
        "{} connections, {:.1} s: {ok} ok requests, {:.0} req/s; 409 conflicts: {}; errors: {}",
        args.connections,
        elapsed,
        ok as f64 / elapsed,
        total.conflicts,
        total.errors.values().sum::<u64>()
    );
    println!("| route | requests | req/s | p50 ms | p90 ms | p99 ms | max ms |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (route, latencies) in total.latencies.iter_mut() {
        latencies.sort_unstable();
        println!(
            "| {route} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} |",
            latencies.len(),
            latencies.len() as f64 / elapsed,
            percentile(latencies, 0.50),
            percentile(latencies, 0.90),
            percentile(latencies, 0.99),
            *latencies.last().unwrap() as f64 / 1000.0
        );
    }
    for (what, count) in &total.errors {
        println!("error: {what}: {count}");
    }
    if !total.errors.is_empty() {
        std::process::exit(1);
    }
}
