//! The search for better scoring parameters: seeded random search, then coordinate ascent
//! from the best point, scored by mean NDCG@10 over query firms.
//!
//! So that the search does not memorise the labels, query firms are split into k folds: for
//! each fold the search runs on the other folds and its winner is scored on the held-out
//! one; the mean held-out NDCG@10 is the honest estimate of what tuning buys. The config
//! finally returned comes from a last search over all queries. Every candidate passes
//! [`ScoringConfig::validate`]; configs are evaluated once and cached, and the whole run is
//! deterministic for a seed.

use super::evaluate::Evaluator;
use super::metrics::mean;
use crate::matching::ScoringConfig;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::ToSchema;

/// How to search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SearchOptions {
    pub seed: u64,
    /// Cross-validation folds over query firms (at least 2).
    pub folds: usize,
    /// Config evaluations per search run: half random samples, half coordinate ascent.
    pub budget: usize,
    /// Where the search starts (and what it is compared against).
    pub start: ScoringConfig,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            seed: 1,
            folds: 5,
            budget: 40,
            start: ScoringConfig::default(),
        }
    }
}

/// Reported after every evaluation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    /// Which run: fold number from 1, or 0 for the final run over all queries.
    pub fold: usize,
    /// Best objective of the current run so far.
    pub best: f64,
}

/// One fold: NDCG@10 of the start and of the fold's winner on its training and held-out queries.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FoldReport {
    pub start_train: f64,
    pub start_validation: f64,
    pub best_train: f64,
    pub best_validation: f64,
}

/// The outcome of [`tune`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TuneReport {
    /// The best config found over all queries: the body `PUT /v1/scoring/config` accepts.
    pub best: ScoringConfig,
    pub start: ScoringConfig,
    pub folds: Vec<FoldReport>,
    /// Means over folds of the per-fold figures (NDCG@10).
    pub start_train: f64,
    pub start_validation: f64,
    pub best_train: f64,
    pub best_validation: f64,
    /// NDCG@10 over all queries of the start and of `best` (optimistic for `best`).
    pub start_all: f64,
    pub best_all: f64,
    /// Distinct configs evaluated.
    pub evaluations: usize,
    pub queries: usize,
}

/// A tunable parameter: its range and how to read and write it.
struct Dim {
    lo: f64,
    hi: f64,
    get: fn(&ScoringConfig) -> f64,
    set: fn(&mut ScoringConfig, f64),
}

macro_rules! dim {
    ($lo:expr, $hi:expr, $($field:ident).+) => {
        Dim {
            lo: $lo,
            hi: $hi,
            get: |c| c.$($field).+,
            set: |c, v| c.$($field).+ = v,
        }
    };
}

fn dims() -> Vec<Dim> {
    vec![
        dim!(0.0, 1.0, weights.supply),
        dim!(0.0, 1.0, weights.capacity),
        dim!(0.0, 1.0, weights.certification),
        dim!(0.0, 1.0, weights.sector),
        dim!(0.0, 1.0, name_weight),
        dim!(0.0, 1.0, text_only_factor),
        dim!(0.0, 1.0, hs_description_factor),
        dim!(0.0, 1.0, name_when_hs_differs),
        dim!(0.0, 0.6, min_item_similarity),
        dim!(0.0, 1.0, capacity_neutral),
        dim!(0.5, 4.0, capacity_zero_decades),
        dim!(0.0, 1.0, capacity_shortfall),
        dim!(0.0, 1.0, best_need_share),
        dim!(0.005, 0.2, sector_saturation),
        dim!(0.0, 1.0, two_way_bonus),
    ]
}

/// Keeps a candidate inside the valid region: HS levels ordered, at least one weight.
fn repair(mut c: ScoringConfig) -> ScoringConfig {
    c.hs.subheading6 = c.hs.subheading6.max(c.hs.heading4);
    c.hs.chapter2 = c.hs.chapter2.min(c.hs.heading4);
    let w = &mut c.weights;
    if w.supply + w.capacity + w.certification + w.sector <= 0.0 {
        w.supply = 0.05;
    }
    c
}

fn key(c: &ScoringConfig) -> String {
    serde_json::to_string(c).unwrap_or_default()
}

struct Runner<'a, 'p> {
    evaluator: &'a mut Evaluator,
    dims: Vec<Dim>,
    /// Per-query NDCG@10 of each config evaluated (None: invalid).
    cache: HashMap<String, Option<Vec<f64>>>,
    done: usize,
    total: usize,
    progress: &'p mut dyn FnMut(Progress),
}

impl Runner<'_, '_> {
    fn per_query(&mut self, c: &ScoringConfig) -> Option<Vec<f64>> {
        let k = key(c);
        if let Some(v) = self.cache.get(&k) {
            return v.clone();
        }
        let v = if c.validate().is_ok() {
            self.evaluator
                .query_metrics(c)
                .ok()
                .map(|m| m.iter().map(|q| q.ndcg10).collect())
        } else {
            None
        };
        self.cache.insert(k, v.clone());
        v
    }

    fn score(&mut self, c: &ScoringConfig, queries: &[usize]) -> f64 {
        match self.per_query(c) {
            Some(v) => mean(&queries.iter().map(|&q| v[q]).collect::<Vec<_>>()),
            None => f64::NEG_INFINITY,
        }
    }

    fn tick(&mut self, fold: usize, best: f64) {
        self.done += 1;
        (self.progress)(Progress {
            done: self.done.min(self.total),
            total: self.total,
            fold,
            best,
        });
    }

    /// Random search over `samples`, then coordinate ascent, on `queries`.
    fn search(
        &mut self,
        start: &ScoringConfig,
        samples: &[ScoringConfig],
        queries: &[usize],
        budget: usize,
        fold: usize,
    ) -> (ScoringConfig, f64) {
        let mut best = start.clone();
        let mut best_score = self.score(start, queries);
        let mut used = 0;
        for s in samples {
            let v = self.score(s, queries);
            used += 1;
            if v > best_score + 1e-12 {
                (best, best_score) = (s.clone(), v);
            }
            self.tick(fold, best_score);
        }
        // Coordinate ascent: shrinking steps, each dimension up and down, first improvement
        // kept; stops when a full pass at the finest step finds nothing or the budget ends.
        'steps: for step in [0.2, 0.08, 0.03] {
            loop {
                let mut improved = false;
                for d in 0..self.dims.len() {
                    for sign in [1.0, -1.0] {
                        if used >= budget {
                            break 'steps;
                        }
                        let dim = &self.dims[d];
                        let x = (dim.get)(&best);
                        let nx = (x + sign * step * (dim.hi - dim.lo)).clamp(dim.lo, dim.hi);
                        if (nx - x).abs() < 1e-12 {
                            continue;
                        }
                        let mut cand = best.clone();
                        (dim.set)(&mut cand, nx);
                        let cand = repair(cand);
                        let v = self.score(&cand, queries);
                        used += 1;
                        if v > best_score + 1e-9 {
                            (best, best_score) = (cand, v);
                            improved = true;
                        }
                        self.tick(fold, best_score);
                    }
                }
                if !improved {
                    break;
                }
            }
        }
        // Runs that stopped early still count their whole budget in the progress total.
        while used < budget {
            used += 1;
            self.tick(fold, best_score);
        }
        (best, best_score)
    }
}

fn sample(rng: &mut ChaCha8Rng, dims: &[Dim], base: &ScoringConfig) -> ScoringConfig {
    let mut c = base.clone();
    for d in dims {
        (d.set)(&mut c, rng.gen_range(d.lo..=d.hi));
    }
    repair(c)
}

/// Tunes the config on the evaluator's labels. `progress` is called after each evaluation.
pub fn tune(
    evaluator: &mut Evaluator,
    options: &SearchOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<TuneReport, String> {
    options
        .start
        .validate()
        .map_err(|e| format!("the start config is invalid: {e:?}"))?;
    let n = evaluator.queries();
    let folds = options.folds.max(2);
    if n < folds {
        return Err(format!(
            "{n} queries cannot be split into {folds} folds: label more firms"
        ));
    }
    let budget = options.budget.max(2);
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let dims = dims();
    // The same random samples for every run, so their evaluations are shared.
    let samples: Vec<ScoringConfig> = (0..budget / 2)
        .map(|_| sample(&mut rng, &dims, &options.start))
        .collect();
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(&mut rng);
    let fold_of: Vec<usize> = {
        let mut f = vec![0; n];
        for (i, &q) in order.iter().enumerate() {
            f[q] = i % folds;
        }
        f
    };
    let mut runner = Runner {
        evaluator,
        dims,
        cache: HashMap::new(),
        done: 0,
        total: budget * (folds + 1),
        progress,
    };
    let budget_rest = budget - samples.len();
    let mut reports = Vec::with_capacity(folds);
    for f in 0..folds {
        let train: Vec<usize> = (0..n).filter(|&q| fold_of[q] != f).collect();
        let valid: Vec<usize> = (0..n).filter(|&q| fold_of[q] == f).collect();
        let (best, best_train) = runner.search(
            &options.start,
            &samples,
            &train,
            samples.len() + budget_rest,
            f + 1,
        );
        reports.push(FoldReport {
            start_train: runner.score(&options.start, &train),
            start_validation: runner.score(&options.start, &valid),
            best_train,
            best_validation: runner.score(&best, &valid),
        });
    }
    let all: Vec<usize> = (0..n).collect();
    let (best, best_all) = runner.search(&options.start, &samples, &all, budget, 0);
    let start_all = runner.score(&options.start, &all);
    let avg = |f: fn(&FoldReport) -> f64| mean(&reports.iter().map(f).collect::<Vec<_>>());
    Ok(TuneReport {
        start_train: avg(|r| r.start_train),
        start_validation: avg(|r| r.start_validation),
        best_train: avg(|r| r.best_train),
        best_validation: avg(|r| r.best_validation),
        best,
        start: options.start.clone(),
        folds: reports,
        start_all,
        best_all,
        evaluations: runner.cache.len(),
        queries: n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gen::{generate, GenConfig};
    use crate::matching::Weights;
    use crate::tuning::evaluate::{tests::firms_of, EvalOptions};
    use crate::tuning::LabelSet;

    #[test]
    fn dims_round_trip_and_repair_keeps_configs_valid() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let dims = dims();
        for _ in 0..200 {
            let c = sample(&mut rng, &dims, &ScoringConfig::default());
            assert_eq!(c.validate(), Ok(()), "{c:?}");
        }
        let mut c = ScoringConfig::default();
        for d in &dims {
            (d.set)(&mut c, d.lo);
            assert_eq!((d.get)(&c), d.lo);
        }
        assert_eq!(repair(c).validate(), Ok(()));
    }

    #[test]
    fn search_recovers_from_bad_weights_and_repeats_exactly() {
        let bench = generate(&GenConfig {
            seed: 21,
            firms: 300,
            ..GenConfig::default()
        });
        let firms = firms_of(&bench.firms);
        let labels = LabelSet::new(&bench.labels);
        let options = EvalOptions::default();
        // A deliberately bad start: the sector link alone decides.
        let bad = ScoringConfig {
            weights: Weights {
                supply: 0.0,
                capacity: 0.0,
                certification: 0.0,
                sector: 1.0,
            },
            ..ScoringConfig::default()
        };
        let search = SearchOptions {
            seed: 4,
            folds: 3,
            budget: 12,
            start: bad,
        };
        let mut calls = 0;
        let mut ev = Evaluator::new(firms.clone(), &labels, options);
        let report = tune(&mut ev, &search, &mut |p| {
            calls += 1;
            assert!(p.done <= p.total);
        })
        .unwrap();
        assert_eq!(calls, search.budget * (search.folds + 1));
        assert_eq!(report.best.validate(), Ok(()));
        // Held-out NDCG@10 rises far above the bad start's.
        assert!(
            report.best_validation > report.start_validation + 0.2,
            "{report:?}"
        );
        assert!(report.best_all >= report.start_all);
        let mut ev2 = Evaluator::new(firms, &labels, options);
        let again = tune(&mut ev2, &search, &mut |_| {}).unwrap();
        assert_eq!(again, report);
    }
}
