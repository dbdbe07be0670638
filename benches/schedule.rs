//! Forum-size scheduling: `min_idle` on a planted 60-firm instance, `max_value` on a
//! 60-firm, 300-candidate list, and `min_idle` on a B2B-shaped list (62 firms, 293 confirmed
//! meetings, one-session participants and unavailable slots). Quality and the 2 000-firm
//! forum: `cargo run --release --example schedule_scale -- big | b2b`.

use criterion::{criterion_group, criterion_main, Criterion};
use mitra::schedule::generate::{self, ForumSpec};
use mitra::schedule::solve;

fn forum(c: &mut Criterion) {
    let mut g = c.benchmark_group("schedule");
    g.sample_size(10);
    let req = generate::planted_min_idle(1, &ForumSpec::forum());
    g.bench_function("forum_min_idle", |b| b.iter(|| solve(&req).unwrap()));
    let mut req = generate::candidates(1, &ForumSpec::forum());
    req.time_limit_ms = Some(10_000);
    g.bench_function("forum_max_value", |b| b.iter(|| solve(&req).unwrap()));
    let req = generate::b2b(1);
    g.bench_function("b2b_min_idle", |b| b.iter(|| solve(&req).unwrap()));
    g.finish();
}

criterion_group!(benches, forum);
criterion_main!(benches);
