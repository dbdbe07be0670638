//! Ranking metrics over graded labels, and bootstrap confidence intervals. Pure functions.
//!
//! A ranked list is given as the grades of its items in rank order (an unlabelled partner
//! counts as grade 0). `all` is the grades of every labelled partner of the query, ranked
//! or not: it defines the ideal ranking (NDCG) and how many relevant partners exist
//! (recall, average precision). "Relevant" means grade ≥ a threshold (2 by default:
//! high interest or a deal).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Grade from which a partner counts as relevant for precision, recall, AP and RR.
pub const DEFAULT_RELEVANT: u8 = 2;

/// Gain of a grade: 2^g − 1, so a deal (3 → 7) is worth far more than low interest (1 → 1).
pub fn gain(grade: u8) -> f64 {
    (1u64 << grade.min(16)) as f64 - 1.0
}

/// Discounted cumulative gain of the first `k` grades, discount log2(rank + 1).
pub fn dcg(ranked: &[u8], k: usize) -> f64 {
    ranked
        .iter()
        .take(k)
        .enumerate()
        .map(|(i, &g)| gain(g) / ((i + 2) as f64).log2())
        .sum()
}

/// NDCG@k: DCG of the ranking over DCG of the best possible ranking of `all`.
/// `None` when no labelled partner has a positive grade (nothing to find).
pub fn ndcg(ranked: &[u8], all: &[u8], k: usize) -> Option<f64> {
    let mut ideal = all.to_vec();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let best = dcg(&ideal, k);
    (best > 0.0).then(|| (dcg(ranked, k) / best).min(1.0))
}

/// Relevant partners among the first `k`, over `k` (a short list is not padded: missing
/// ranks count as misses).
pub fn precision_at(ranked: &[u8], k: usize, relevant: u8) -> f64 {
    if k == 0 {
        return 0.0;
    }
    ranked.iter().take(k).filter(|&&g| g >= relevant).count() as f64 / k as f64
}

/// Relevant partners among the first `k` over all relevant partners (`None` if there are none).
pub fn recall_at(ranked: &[u8], all: &[u8], k: usize, relevant: u8) -> Option<f64> {
    let total = all.iter().filter(|&&g| g >= relevant).count();
    (total > 0).then(|| {
        let found = ranked.iter().take(k).filter(|&&g| g >= relevant).count();
        (found as f64 / total as f64).min(1.0)
    })
}

/// Average precision: the mean, over all relevant partners, of the precision at the rank
/// where each was found (0 for those not ranked). `None` if there are none.
pub fn average_precision(ranked: &[u8], all: &[u8], relevant: u8) -> Option<f64> {
    let total = all.iter().filter(|&&g| g >= relevant).count();
    if total == 0 {
        return None;
    }
    let (mut hits, mut sum) = (0usize, 0.0);
    for (i, &g) in ranked.iter().enumerate() {
        if g >= relevant {
            hits += 1;
            sum += hits as f64 / (i + 1) as f64;
        }
    }
    Some(sum / total as f64)
}

/// 1 / rank of the first relevant partner; 0 when none is ranked.
pub fn reciprocal_rank(ranked: &[u8], relevant: u8) -> f64 {
    ranked
        .iter()
        .position(|&g| g >= relevant)
        .map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

/// Catalogue coverage: the share of the `catalogue` candidate partners that appear in at
/// least one list. Items are indexes into the catalogue (0..catalogue).
pub fn coverage<'a>(lists: impl IntoIterator<Item = &'a [usize]>, catalogue: usize) -> f64 {
    if catalogue == 0 {
        return 0.0;
    }
    let mut seen = vec![false; catalogue];
    for list in lists {
        for &i in list {
            if let Some(s) = seen.get_mut(i) {
                *s = true;
            }
        }
    }
    seen.iter().filter(|&&s| s).count() as f64 / catalogue as f64
}

/// A mean with a confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Estimate {
    pub mean: f64,
    /// Lower and upper bounds of the interval (equal to the mean when not resampled).
    pub lo: f64,
    pub hi: f64,
}

impl Estimate {
    pub fn point(mean: f64) -> Estimate {
        Estimate {
            mean,
            lo: mean,
            hi: mean,
        }
    }
}

pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// How the bootstrap resamples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Bootstrap {
    pub resamples: usize,
    /// Coverage of the interval, e.g. 0.95.
    pub level: f64,
    pub seed: u64,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Bootstrap {
            resamples: 1000,
            level: 0.95,
            seed: 7,
        }
    }
}

/// The mean of per-query values with a percentile bootstrap interval: queries are drawn
/// with replacement `resamples` times, and the interval is the middle `level` of the means.
/// Deterministic for a seed.
pub fn bootstrap(values: &[f64], b: &Bootstrap) -> Estimate {
    let m = mean(values);
    if values.len() < 2 || b.resamples == 0 {
        return Estimate::point(m);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(b.seed);
    let n = values.len();
    let mut means: Vec<f64> = (0..b.resamples)
        .map(|_| (0..n).map(|_| values[rng.gen_range(0..n)]).sum::<f64>() / n as f64)
        .collect();
    means.sort_unstable_by(f64::total_cmp);
    let tail = (1.0 - b.level.clamp(0.0, 1.0)) / 2.0;
    let at = |q: f64| means[((q * (means.len() - 1) as f64).round() as usize).min(means.len() - 1)];
    Estimate {
        mean: m,
        lo: at(tail),
        hi: at(1.0 - tail),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn dcg_and_ndcg_by_hand() {
        // Ranked grades [3, 0, 2]: gains 7, 0, 3; discounts 1, log2 3, 2.
        // DCG@3 = 7 + 0 + 3/2 = 8.5.
        assert!(close(dcg(&[3, 0, 2], 3), 8.5));
        // Labelled grades {3, 2, 1}: ideal [3, 2, 1] → 7 + 3/log2 3 + 1/2.
        let ideal = 7.0 + 3.0 / 3f64.log2() + 0.5;
        let got = ndcg(&[3, 0, 2], &[3, 2, 1], 3).unwrap();
        assert!(close(got, 8.5 / ideal), "{got}");
        // @1: 7 / 7.
        assert!(close(ndcg(&[3, 0, 2], &[3, 2, 1], 1).unwrap(), 1.0));
        // The perfect ranking scores 1; a query with only zeros has no NDCG.
        assert!(close(ndcg(&[3, 2, 1], &[1, 2, 3], 10).unwrap(), 1.0));
        assert_eq!(ndcg(&[0, 0], &[0, 0], 5), None);
        // Nothing relevant ranked → 0.
        assert!(close(ndcg(&[0, 0], &[2], 5).unwrap(), 0.0));
    }

    #[test]
    fn precision_recall_by_hand() {
        let ranked = [3, 0, 2, 1, 0];
        let all = [3, 2, 2, 1, 0];
        // Relevant (≥ 2) in the first 3: grades 3 and 2 → 2/3.
        assert!(close(precision_at(&ranked, 3, 2), 2.0 / 3.0));
        // @10 on a list of 5: still 2 relevant → 2/10.
        assert!(close(precision_at(&ranked, 10, 2), 0.2));
        // Three relevant labelled (3, 2, 2), two found in the top 3 → 2/3.
        assert!(close(recall_at(&ranked, &all, 3, 2).unwrap(), 2.0 / 3.0));
        // Threshold 1 counts the grade-1 one too: 4 relevant, first 5 hold 3 → 3/4.
        assert!(close(recall_at(&ranked, &all, 5, 1).unwrap(), 0.75));
        assert_eq!(recall_at(&ranked, &[0, 1], 5, 2), None);
    }

    #[test]
    fn average_precision_and_rr_by_hand() {
        // Relevant at ranks 1 and 3, three relevant overall:
        // AP = (1/1 + 2/3) / 3 = 5/9.
        let ap = average_precision(&[3, 0, 2, 1], &[3, 2, 2], 2).unwrap();
        assert!(close(ap, 5.0 / 9.0), "{ap}");
        // First relevant at rank 2 → 1/2; none → 0.
        assert!(close(reciprocal_rank(&[1, 2, 3], 2), 0.5));
        assert!(close(reciprocal_rank(&[0, 1], 2), 0.0));
    }

    #[test]
    fn coverage_counts_distinct_items() {
        // Items 0, 2, 3 of 8 appear → 3/8.
        let lists: [&[usize]; 2] = [&[0, 2], &[2, 3]];
        assert!(close(coverage(lists, 8), 0.375));
        assert!(close(coverage(std::iter::empty::<&[usize]>(), 0), 0.0));
    }

    #[test]
    fn bootstrap_is_seeded_and_brackets_the_mean() {
        let values: Vec<f64> = (0..50).map(|i| (i % 5) as f64 / 4.0).collect();
        let b = Bootstrap::default();
        let e = bootstrap(&values, &b);
        assert!(close(e.mean, 0.5));
        assert!(e.lo < e.mean && e.mean < e.hi, "{e:?}");
        // Standard error ≈ 0.354 / √50 = 0.05, so the 95 % interval is about ±0.1.
        assert!(e.hi - e.lo > 0.1 && e.hi - e.lo < 0.3, "{e:?}");
        assert_eq!(bootstrap(&values, &b), e);
        assert_eq!(bootstrap(&[0.3], &b), Estimate::point(0.3));
    }
}
