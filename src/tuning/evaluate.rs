//! Evaluation of a scoring config against labelled pairs, with baselines side by side.
//!
//! Every labelled firm with at least one relevant partner is a query: its partners are
//! ranked by the [`Matcher`] (both provinces, both directions, no score floor, top
//! [`EvalOptions::depth`]), each ranked partner takes its label's grade (0 when unlabelled),
//! and the metrics of [`super::metrics`] are averaged over queries with bootstrap intervals.
//!
//! Baselines, ranked for the same queries to the same depth over both provinces:
//! - `random`: a seeded random order of all other firms;
//! - `sector-only`: every other firm ordered by the IO sector fit alone (the better of both
//!   directions), product evidence ignored;
//! - `names-only`: an independent peer that shares nothing with the matcher's reading of
//!   names — character 2–4-gram TF-IDF cosine between need names and product names, times
//!   a capacity factor, certification requirements as filters, the better of both
//!   directions ([`super::names`]; n-grams in more than 5 % of the items are left out).

use super::labels::LabelSet;
use super::metrics::{self, Bootstrap, Estimate};
use super::names::NamesBaseline;
use crate::domain::{Firm, FirmId};
use crate::matching::score::sector_fit;
use crate::matching::{Direction, MatchQuery, Matcher, Scope, ScoringConfig};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;
use utoipa::ToSchema;

/// How to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EvalOptions {
    /// How many partners each query ranks (average precision is computed over these).
    pub depth: usize,
    /// Grade from which a partner counts as relevant.
    pub relevant: u8,
    pub bootstrap: Bootstrap,
    /// Seed of the random baseline.
    pub seed: u64,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            depth: 50,
            relevant: metrics::DEFAULT_RELEVANT,
            bootstrap: Bootstrap::default(),
            seed: 7,
        }
    }
}

/// The metrics of one query's ranking.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct QueryMetrics {
    pub ndcg5: f64,
    pub ndcg10: f64,
    pub p5: f64,
    pub p10: f64,
    pub r5: f64,
    pub r10: f64,
    pub ap: f64,
    pub rr: f64,
}

/// One ranking system's results, averaged over queries, with intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SystemReport {
    /// `config`, `random`, `sector-only`, `names-only`, or a caller's name.
    pub name: String,
    pub ndcg_at_5: Estimate,
    pub ndcg_at_10: Estimate,
    pub precision_at_5: Estimate,
    pub precision_at_10: Estimate,
    pub recall_at_5: Estimate,
    pub recall_at_10: Estimate,
    /// Mean average precision over the ranked depth.
    pub map: Estimate,
    /// Mean reciprocal rank of the first relevant partner.
    pub mrr: Estimate,
    /// Share of all firms that appear in at least one top-10 list.
    pub coverage_at_10: f64,
}

/// What `evaluate` returns: the setting and one row per system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EvaluationReport {
    pub firms: usize,
    /// Labelled pairs whose both firms are known.
    pub labelled_pairs: usize,
    /// Queries: labelled firms with at least one relevant partner.
    pub queries: usize,
    pub options: EvalOptions,
    pub systems: Vec<SystemReport>,
}

struct Query {
    id: FirmId,
    index: usize,
    /// Grades of every labelled partner.
    all: Vec<u8>,
}

/// Firms, labels and a matcher built once; configs are swapped in (the matcher's features
/// and index do not depend on the config), so many configs can be evaluated cheaply.
pub struct Evaluator {
    matcher: Matcher,
    /// The firms in index order, for the names-only baseline.
    firms: Vec<Arc<Firm>>,
    ids: Vec<FirmId>,
    index_of: HashMap<FirmId, usize>,
    labels: LabelSet,
    queries: Vec<Query>,
    options: EvalOptions,
}

/// A ranked list: partner indexes and their grades.
struct Ranked {
    partners: Vec<usize>,
    grades: Vec<u8>,
}

impl Evaluator {
    pub fn new(firms: Vec<Arc<Firm>>, labels: &LabelSet, options: EvalOptions) -> Evaluator {
        let ids: Vec<FirmId> = firms.iter().map(|f| f.id.clone()).collect();
        let index_of: HashMap<FirmId, usize> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        let mut labels = labels.clone();
        labels.retain_firms(|id| {
            FirmId::parse(id)
                .map(|id| index_of.contains_key(&id))
                .unwrap_or(false)
        });
        let queries = labels
            .queries()
            .filter_map(|q| {
                let all: Vec<u8> = labels.partners(q)?.values().copied().collect();
                let id = FirmId::parse(q).ok()?;
                let index = *index_of.get(&id)?;
                all.iter()
                    .any(|&g| g >= options.relevant)
                    .then_some(Query { id, index, all })
            })
            .collect();
        Evaluator {
            matcher: Matcher::build(ScoringConfig::default(), firms.clone()),
            firms,
            ids,
            index_of,
            labels,
            queries,
            options,
        }
    }

    pub fn queries(&self) -> usize {
        self.queries.len()
    }

    pub fn options(&self) -> &EvalOptions {
        &self.options
    }

    fn grades(&self, q: &Query, partners: &[usize]) -> Vec<u8> {
        let partners_of = self.labels.partners(q.id.as_str());
        partners
            .iter()
            .map(|&p| {
                partners_of
                    .and_then(|m| m.get(self.ids[p].as_str()))
                    .copied()
                    .unwrap_or(0)
            })
            .collect()
    }

    fn rank_config(&mut self, config: &ScoringConfig) -> Result<Vec<Ranked>, String> {
        self.matcher.set_config(config.clone()).map_err(|errs| {
            errs.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        })?;
        let query = MatchQuery {
            k: self.options.depth,
            direction: Direction::Both,
            scope: Scope::Both,
            min_score: 0.0,
        };
        Ok(self
            .queries
            .par_iter()
            .map(|q| {
                let partners: Vec<usize> = self
                    .matcher
                    .matches_for(&q.id, &query)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|m| self.index_of.get(&m.partner.id).copied())
                    .collect();
                Ranked {
                    grades: self.grades(q, &partners),
                    partners,
                }
            })
            .collect())
    }

    fn rank_random(&self) -> Vec<Ranked> {
        let n = self.ids.len();
        self.queries
            .par_iter()
            .map(|q| {
                // One stream per query, so the order does not depend on the thread schedule.
                let mut rng = ChaCha8Rng::seed_from_u64(self.options.seed ^ (q.index as u64) << 20);
                let mut others: Vec<usize> = (0..n).filter(|&i| i != q.index).collect();
                others.shuffle(&mut rng);
                others.truncate(self.options.depth);
                Ranked {
                    grades: self.grades(q, &others),
                    partners: others,
                }
            })
            .collect()
    }

    fn rank_sectors(&self) -> Vec<Ranked> {
        let table = crate::matching::sector::SectorTable::shared();
        let cfg = ScoringConfig::default();
        let sectors: Vec<Vec<crate::matching::sector::SectorId>> = self
            .firms
            .iter()
            .map(|f| {
                let mut s: Vec<_> = f
                    .profile
                    .kbli()
                    .iter()
                    .filter_map(|k| table.sector_of_kbli(k))
                    .collect();
                s.sort_unstable();
                s.dedup();
                s
            })
            .collect();
        self.queries
            .par_iter()
            .map(|q| {
                let mine = &sectors[q.index];
                let mut scored: Vec<(f64, usize)> = (0..sectors.len())
                    .filter(|&p| p != q.index)
                    .map(|p| {
                        let fit = sector_fit(&sectors[p], mine, &cfg).max(sector_fit(
                            mine,
                            &sectors[p],
                            &cfg,
                        ));
                        (fit, p)
                    })
                    .filter(|(fit, _)| *fit > 0.0)
                    .collect();
                scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                scored.truncate(self.options.depth);
                let partners: Vec<usize> = scored.into_iter().map(|(_, p)| p).collect();
                Ranked {
                    grades: self.grades(q, &partners),
                    partners,
                }
            })
            .collect()
    }

    fn rank_names(&self) -> Vec<Ranked> {
        let baseline = NamesBaseline::build(&self.firms);
        let queries: Vec<usize> = self.queries.iter().map(|q| q.index).collect();
        baseline
            .rank(&queries, self.options.depth)
            .into_iter()
            .zip(&self.queries)
            .map(|(partners, q)| Ranked {
                grades: self.grades(q, &partners),
                partners,
            })
            .collect()
    }

    fn metrics_of(&self, ranked: &[Ranked]) -> Vec<QueryMetrics> {
        let rel = self.options.relevant;
        self.queries
            .iter()
            .zip(ranked)
            .map(|(q, r)| {
                let g = &r.grades;
                QueryMetrics {
                    ndcg5: metrics::ndcg(g, &q.all, 5).unwrap_or(0.0),
                    ndcg10: metrics::ndcg(g, &q.all, 10).unwrap_or(0.0),
                    p5: metrics::precision_at(g, 5, rel),
                    p10: metrics::precision_at(g, 10, rel),
                    r5: metrics::recall_at(g, &q.all, 5, rel).unwrap_or(0.0),
                    r10: metrics::recall_at(g, &q.all, 10, rel).unwrap_or(0.0),
                    ap: metrics::average_precision(g, &q.all, rel).unwrap_or(0.0),
                    rr: metrics::reciprocal_rank(g, rel),
                }
            })
            .collect()
    }

    /// Per-query metrics of a config, in query order (for the search).
    pub fn query_metrics(&mut self, config: &ScoringConfig) -> Result<Vec<QueryMetrics>, String> {
        let ranked = self.rank_config(config)?;
        Ok(self.metrics_of(&ranked))
    }

    fn summarise(&self, name: &str, ranked: &[Ranked]) -> SystemReport {
        let per = self.metrics_of(ranked);
        let b = &self.options.bootstrap;
        let est = |f: fn(&QueryMetrics) -> f64| {
            metrics::bootstrap(&per.iter().map(f).collect::<Vec<_>>(), b)
        };
        let tops: Vec<&[usize]> = ranked
            .iter()
            .map(|r| &r.partners[..r.partners.len().min(10)])
            .collect();
        SystemReport {
            name: name.to_string(),
            ndcg_at_5: est(|m| m.ndcg5),
            ndcg_at_10: est(|m| m.ndcg10),
            precision_at_5: est(|m| m.p5),
            precision_at_10: est(|m| m.p10),
            recall_at_5: est(|m| m.r5),
            recall_at_10: est(|m| m.r10),
            map: est(|m| m.ap),
            mrr: est(|m| m.rr),
            coverage_at_10: metrics::coverage(tops, self.ids.len()),
        }
    }

    /// The report of one config under `name`.
    pub fn system(&mut self, name: &str, config: &ScoringConfig) -> Result<SystemReport, String> {
        let ranked = self.rank_config(config)?;
        Ok(self.summarise(name, &ranked))
    }

    /// The report of the random baseline.
    pub fn random(&self) -> SystemReport {
        self.summarise("random", &self.rank_random())
    }

    /// The report of the names-only baseline (see [`super::names`]).
    pub fn names_only(&self) -> SystemReport {
        self.summarise("names-only", &self.rank_names())
    }

    /// `configs` (name, config) then the three baselines.
    pub fn report(
        &mut self,
        configs: &[(&str, &ScoringConfig)],
    ) -> Result<EvaluationReport, String> {
        let mut systems = Vec::new();
        for (name, config) in configs {
            systems.push(self.system(name, config)?);
        }
        systems.push(self.random());
        systems.push(self.summarise("sector-only", &self.rank_sectors()));
        systems.push(self.names_only());
        Ok(EvaluationReport {
            firms: self.ids.len(),
            labelled_pairs: self.labels.pairs(),
            queries: self.queries.len(),
            options: self.options,
            systems,
        })
    }
}

/// Evaluates `config` (as `config`) with the baselines.
pub fn evaluate(
    firms: Vec<Arc<Firm>>,
    labels: &LabelSet,
    config: &ScoringConfig,
    options: EvalOptions,
) -> Result<EvaluationReport, String> {
    Evaluator::new(firms, labels, options).report(&[("config", config)])
}

fn cell(e: &Estimate) -> String {
    format!("{:.3} [{:.3}–{:.3}]", e.mean, e.lo, e.hi)
}

/// A plain-text table of the report, one row per system.
pub fn render_table(report: &EvaluationReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} firms, {} labelled pairs, {} queries; relevant = grade ≥ {}; depth {}; {:.0}% bootstrap intervals ({} resamples)",
        report.firms,
        report.labelled_pairs,
        report.queries,
        report.options.relevant,
        report.options.depth,
        report.options.bootstrap.level * 100.0,
        report.options.bootstrap.resamples
    );
    let headers = [
        "system", "NDCG@5", "NDCG@10", "P@10", "R@10", "MAP", "MRR", "cov@10",
    ];
    let rows: Vec<Vec<String>> = report
        .systems
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                cell(&s.ndcg_at_5),
                cell(&s.ndcg_at_10),
                cell(&s.precision_at_10),
                cell(&s.recall_at_10),
                cell(&s.map),
                cell(&s.mrr),
                format!("{:.3}", s.coverage_at_10),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([headers[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>, out: &mut String| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, &w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", padded.join("  ").trim_end());
    };
    line(headers.to_vec(), &mut out);
    for r in &rows {
        line(r.iter().map(String::as_str).collect(), &mut out);
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::gen::{generate, GenConfig};
    use crate::tuning::labels::Label;

    pub(crate) fn firms_of(inputs: &[crate::domain::FirmInput]) -> Vec<Arc<Firm>> {
        let reference = crate::domain::Reference::shared();
        let now = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        inputs
            .iter()
            .map(|i| {
                let (id, profile) = i.parse(reference).expect("valid firm");
                Arc::new(Firm {
                    id: id.expect("id"),
                    profile,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                })
            })
            .collect()
    }

    fn quick() -> EvalOptions {
        EvalOptions {
            bootstrap: Bootstrap {
                resamples: 100,
                ..Bootstrap::default()
            },
            ..EvalOptions::default()
        }
    }

    #[test]
    fn labels_from_the_default_ranking_score_perfectly() {
        let bench = generate(&GenConfig {
            seed: 3,
            firms: 200,
            ..GenConfig::default()
        });
        let firms = firms_of(&bench.firms);
        // Label each query's own top 3 by the default config as 3, 2, 1: that ranking is
        // then the ideal one, so NDCG is 1 and the first result is relevant (MRR 1).
        let matcher = Matcher::build(ScoringConfig::default(), firms.clone());
        let q = MatchQuery {
            k: 3,
            direction: Direction::Both,
            scope: Scope::Both,
            min_score: 0.0,
        };
        let first = &firms[0].id.clone();
        let top = matcher.matches_for(first, &q).unwrap();
        assert_eq!(top.len(), 3);
        let labels: Vec<Label> = top
            .iter()
            .zip([3u8, 2, 1])
            .map(|(m, g)| Label {
                a: first.to_string(),
                b: m.partner.id.to_string(),
                grade: g,
            })
            .collect();
        let set = LabelSet::new(&labels);
        let mut ev = Evaluator::new(firms, &set, quick());
        let per = ev.query_metrics(&ScoringConfig::default()).unwrap();
        // Queries: the first firm, and its two partners of grade ≥ 2 (grade-1 one is not a query).
        assert_eq!(per.len(), 3);
        let report = ev.report(&[("config", &ScoringConfig::default())]).unwrap();
        let me = report.systems.iter().find(|s| s.name == "config").unwrap();
        let firm0 = ev.queries.iter().position(|q| &q.id == first).unwrap();
        assert!((per[firm0].ndcg10 - 1.0).abs() < 1e-9);
        assert!((per[firm0].rr - 1.0).abs() < 1e-9);
        // Two relevant, both in the top 5: recall 1, precision 2/5.
        assert!((per[firm0].r5 - 1.0).abs() < 1e-9);
        assert!((per[firm0].p5 - 0.4).abs() < 1e-9);
        assert!(me.ndcg_at_10.lo <= me.ndcg_at_10.mean && me.ndcg_at_10.mean <= me.ndcg_at_10.hi);
        assert_eq!(report.systems.len(), 4);
        let table = render_table(&report);
        assert!(
            table.contains("names-only") && table.contains("NDCG@10"),
            "{table}"
        );
    }

    #[test]
    fn default_beats_random_on_the_benchmark() {
        let bench = generate(&GenConfig {
            seed: 5,
            firms: 300,
            ..GenConfig::default()
        });
        let report = evaluate(
            firms_of(&bench.firms),
            &LabelSet::new(&bench.labels),
            &ScoringConfig::default(),
            quick(),
        )
        .unwrap();
        let by = |n: &str| report.systems.iter().find(|s| s.name == n).unwrap().clone();
        assert!(report.queries > 200, "{}", report.queries);
        assert!(
            by("config").ndcg_at_10.lo > by("random").ndcg_at_10.hi,
            "{}",
            render_table(&report)
        );
        // Same options, same report.
        let again = evaluate(
            firms_of(&bench.firms),
            &LabelSet::new(&bench.labels),
            &ScoringConfig::default(),
            quick(),
        )
        .unwrap();
        assert_eq!(again, report);
        eprintln!("{}", render_table(&report));
    }
}
