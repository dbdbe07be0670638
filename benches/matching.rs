//! Speed of the matching core on benchmark firms with `hard` names: one pair, one firm's top-10, every firm's
//! top-10, and an index update.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use mitra::gen::{parsed_firms, GenConfig, NoiseProfile};
use mitra::matching::score::{directed, FirmFeatures};
use mitra::matching::{score_profiles, MatchQuery, Matcher, ScoringConfig};
use std::sync::Arc;

fn benches(c: &mut Criterion) {
    let cfg = ScoringConfig::default();
    let firms: Vec<Arc<_>> = parsed_firms(&GenConfig::for_profile(NoiseProfile::Hard, 1, 2000))
        .into_iter()
        .map(Arc::new)
        .collect();
    // The best-related pair among the first firms, so the bench runs the full need × product
    // comparison rather than the early exit of unrelated firms.
    let (a, b) = (0..50)
        .flat_map(|i| (0..50).map(move |j| (i, j)))
        .filter(|(i, j)| i != j)
        .map(|(i, j)| (&firms[i].profile, &firms[j].profile))
        .max_by(|x, y| {
            let sx = score_profiles(x.0, x.1, &cfg).a_supplies_b.score;
            let sy = score_profiles(y.0, y.1, &cfg).a_supplies_b.score;
            sx.total_cmp(&sy)
        })
        .expect("firms");
    let (fa, fb) = (FirmFeatures::of(a), FirmFeatures::of(b));

    c.bench_function(
        "directed fit on features, related pair (hot path)",
        |bench| bench.iter(|| directed(black_box(&fa), black_box(&fb), &cfg, None)),
    );
    c.bench_function("pair score with analysis and reasons", |bench| {
        bench.iter(|| score_profiles(black_box(a), black_box(b), &cfg))
    });

    let mut matcher = Matcher::build(cfg.clone(), firms.iter().cloned());
    let query = MatchQuery::default();
    let id = firms[1000].id.clone();
    c.bench_function("one firm top-10 (2000 firms)", |bench| {
        bench.iter(|| matcher.matches_for(black_box(&id), &query))
    });
    let mut group = c.benchmark_group("all firms");
    group.sample_size(10);
    group.bench_function("top-10 for 2000 firms (index)", |bench| {
        bench.iter(|| matcher.rank_all(&query))
    });
    group.bench_function("top-10 for 2000 firms (exhaustive)", |bench| {
        bench.iter(|| matcher.rank_all_exhaustive(&query))
    });
    group.finish();

    let updated = {
        let mut f = (*firms[500]).clone();
        f.version += 1;
        Arc::new(f)
    };
    c.bench_function("upsert one firm (2000 firms)", |bench| {
        bench.iter(|| matcher.upsert(black_box(updated.clone())))
    });
}

criterion_group!(matching, benches);
criterion_main!(matching);
