//! The exact scorer: how well one item answers another (concept level, name similarity,
//! capacity, certification) and the directed fit "s can supply b" built from them.

use super::{trust, Components, DirectedScore, FirmFeatures, ItemFeatures, Met, NeedAnswer, HALAL};
use crate::domain::Rate;
use crate::matching::concept::{Concept, Hs6};
use crate::matching::config::ScoringConfig;
use crate::matching::sector::{SectorId, SectorTable};
use crate::matching::text::trigram_cosine;

/// Clamps into [0, 1], mapping NaN to 0: no score ever leaves the unit interval.
pub fn unit(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, 1.0)
    }
}

/// Similarity of two subheadings: the same one, the same heading (a processing stage
/// beside it, 0 by default) or the same chapter.
pub fn concept_level(a: Hs6, b: Hs6, cfg: &ScoringConfig) -> f64 {
    if a == b {
        cfg.hs.subheading6
    } else if a / 100 == b / 100 {
        cfg.hs.heading4
    } else if a / 10_000 == b / 10_000 {
        cfg.hs.chapter2
    } else {
        0.0
    }
}

/// Similarity of two items that meet through concepts `n` and `p` at `level` (their
/// subheadings' similarity), given their names' trigram cosine `names`: the level times
/// both trusts (geometric mean), lowered as the names differ (`name_weight`). Two items
/// read as no concept (`None`) meet by their names alone, scaled by `text_only_factor`.
/// Scoring and the candidate index's bounds both go through here.
#[inline]
pub fn met_similarity(
    n: Option<&Concept>,
    p: Option<&Concept>,
    level: f64,
    names: f64,
    cfg: &ScoringConfig,
) -> f64 {
    match (n, p) {
        (Some(n), Some(p)) => {
            if level <= 0.0 {
                return 0.0;
            }
            // Within a concept, the closer names fit better ("kopi arabika" for a need of
            // arabica rather than robusta beans).
            unit(
                level
                    * (trust(n, cfg) * trust(p, cfg)).sqrt()
                    * (1.0 - cfg.name_weight * (1.0 - names)),
            )
        }
        _ => unit(names * cfg.text_only_factor),
    }
}

/// Similarity of a product to a need with the concepts that met: the best pair of their
/// concepts ([`met_similarity`]), or for two items that read as no concept, their names'
/// trigram cosine.
pub fn item_match(
    need: &ItemFeatures,
    product: &ItemFeatures,
    cfg: &ScoringConfig,
) -> (f64, Option<(Concept, Concept)>) {
    let (n, p) = (&need.reading, &product.reading);
    match (n.is_read(), p.is_read()) {
        (true, true) => {
            let mut best: Option<(f64, Concept, Concept)> = None;
            for cn in &n.concepts {
                for cp in &p.concepts {
                    let level = concept_level(cn.hs, cp.hs, cfg);
                    if level <= 0.0 {
                        continue;
                    }
                    let raw = level * (trust(cn, cfg) * trust(cp, cfg)).sqrt();
                    if best.is_none_or(|(b, _, _)| raw > b) {
                        best = Some((raw, *cn, *cp));
                    }
                }
            }
            match best {
                Some((_, cn, cp)) => {
                    let names = trigram_cosine(&n.grams, &p.grams);
                    let level = concept_level(cn.hs, cp.hs, cfg);
                    let sim = met_similarity(Some(&cn), Some(&cp), level, names, cfg);
                    (sim, (sim > 0.0).then_some((cn, cp)))
                }
                None => (0.0, None),
            }
        }
        (false, false) => (
            met_similarity(None, None, 1.0, trigram_cosine(&n.grams, &p.grams), cfg),
            None,
        ),
        _ => (0.0, None),
    }
}

/// Capacity fit: 1 when capacity covers the volume; short of it, a step down
/// (`capacity_shortfall`) and then falling with the log of the shortfall;
/// `None` when the units measure different things.
pub fn capacity_fit(capacity: &Rate, volume: &Rate, cfg: &ScoringConfig) -> Option<f64> {
    let ratio = capacity.ratio_to(volume)?;
    if !ratio.is_finite() || ratio <= 0.0 {
        return Some(0.0);
    }
    if ratio >= 1.0 {
        return Some(1.0);
    }
    Some(unit(
        (1.0 - cfg.capacity_shortfall) * (1.0 + ratio.log10() / cfg.capacity_zero_decades),
    ))
}

pub fn sector_fit(supplier: &[SectorId], buyer: &[SectorId], cfg: &ScoringConfig) -> f64 {
    let table = SectorTable::shared();
    let mut best = 0.0f32;
    for &i in supplier {
        for &j in buyer {
            best = best.max(table.coefficient(i, j));
        }
    }
    unit((best as f64 / cfg.sector_saturation).sqrt())
}

/// How well an answered need is served besides the product itself: capacity and
/// certification by their weights, in [0, 1].
fn answer_quality(capacity: f64, certification: f64, cfg: &ScoringConfig) -> f64 {
    let w = &cfg.weights;
    let item_weights = w.supply + w.capacity + w.certification;
    if item_weights > 0.0 {
        (w.supply + w.capacity * capacity + w.certification * certification) / item_weights
    } else {
        0.0
    }
}

/// The directed fit "s can supply b". When `answers` is given, records how each need of b
/// was answered; without it the function does not allocate.
pub fn directed(
    s: &FirmFeatures,
    b: &FirmFeatures,
    cfg: &ScoringConfig,
    mut answers: Option<&mut Vec<NeedAnswer>>,
) -> DirectedScore {
    let w = &cfg.weights;
    let item_weights = w.supply + w.capacity + w.certification;
    let total_weights = item_weights + w.sector;
    let (mut best_fit, mut sum_fit) = (0.0f64, 0.0f64);
    let (mut best_sim, mut sum_sim) = (0.0f64, 0.0f64);
    let (mut cap_num, mut cert_num, mut answered_weight) = (0.0f64, 0.0f64, 0.0f64);
    for (ni, need) in b.needs.iter().enumerate() {
        let mut best: Option<(usize, f64, Option<Met>)> = None;
        for (pi, product) in s.products.iter().enumerate() {
            let (sim, via) = item_match(need, product, cfg);
            if sim > 0.0 && sim >= cfg.min_item_similarity && best.is_none_or(|(_, x, _)| sim > x) {
                best = Some((pi, sim, via));
            }
        }
        let missing = need.required & !s.certifications;
        let halal_missing = missing & HALAL != 0;
        let certification = if need.required == 0 {
            1.0
        } else {
            1.0 - missing.count_ones() as f64 / need.required.count_ones() as f64
        };
        let (capacity, similarity, fit) = match best {
            Some((pi, sim, _)) => {
                let cap = capacity_fit(&s.products[pi].rate, &need.rate, cfg);
                let cap_value = cap.unwrap_or(cfg.capacity_neutral);
                let quality = answer_quality(cap_value, certification, cfg);
                // Halal covers the whole chain: a supplier without it cannot answer the need.
                let fit = if halal_missing { 0.0 } else { sim * quality };
                cap_num += sim * cap_value;
                cert_num += sim * certification;
                answered_weight += sim;
                (cap, sim, fit)
            }
            None => (None, 0.0, 0.0),
        };
        let similarity = if halal_missing { 0.0 } else { similarity };
        best_fit = best_fit.max(fit);
        sum_fit += fit;
        best_sim = best_sim.max(similarity);
        sum_sim += similarity;
        if let Some(out) = answers.as_deref_mut() {
            out.push(NeedAnswer {
                need: ni,
                product: best.map(|(p, _, _)| p),
                similarity: best.map_or(0.0, |(_, s, _)| s),
                via: best.and_then(|(_, _, v)| v),
                capacity,
                certification,
                halal_missing,
                fit,
            });
        }
    }
    let n = b.needs.len().max(1) as f64;
    let share = cfg.best_need_share;
    let need_score = share * best_fit + (1.0 - share) * sum_fit / n;
    let supply = share * best_sim + (1.0 - share) * sum_sim / n;
    let (capacity, certification) = if answered_weight > 0.0 {
        (cap_num / answered_weight, cert_num / answered_weight)
    } else {
        (cfg.capacity_neutral, 1.0)
    };
    // Evidence first: the sector link adds to product evidence, never replaces it (and is
    // not even looked up without it, on the ranking's hot path).
    let sector = if need_score > 0.0 || answers.is_some() {
        sector_fit(&s.sectors, &b.sectors, cfg)
    } else {
        0.0
    };
    let score = if total_weights > 0.0 && need_score > 0.0 {
        (item_weights * need_score + w.sector * sector) / total_weights
    } else {
        0.0
    };
    DirectedScore {
        score: unit(score),
        components: Components {
            supply: unit(supply),
            capacity: unit(capacity),
            certification: unit(certification),
            sector,
        },
    }
}

/// The step a ranking score is given in: four decimals, as lists show it.
pub const SCORE_STEP: f64 = 1.0 / STEPS_PER_UNIT;

/// A ranking score as lists give and order it: rounded to [`SCORE_STEP`]. Two partners
/// whose scores differ only past the fourth decimal tie, and ties rank by partner id, so a
/// list reads in the order its numbers say; and the top-k search need not score every
/// partner tied with the k-th to find the k with the smallest ids. Never decreasing, so a
/// bound of a score rounds to a bound of the rounded score.
pub fn rounded(score: f64) -> f64 {
    // Divided by the whole number of steps, not multiplied by the step: 1e-4 has no exact
    // binary form, and 9619 × 1e-4 is 0.9619000000000001 in a JSON answer; 9619 / 1e4 is
    // the double nearest 0.9619 and prints as such.
    (score * STEPS_PER_UNIT).round() / STEPS_PER_UNIT
}

/// Steps of [`SCORE_STEP`] in one unit of score.
const STEPS_PER_UNIT: f64 = 1e4;

/// The least raw score that can round to `score` (a rounded one), less a margin for the
/// arithmetic: anything bounded below it stays below `score` once rounded.
pub fn least_raw(score: f64) -> f64 {
    score - SCORE_STEP / 2.0 - 1e-9
}

/// Both directions combined: the stronger direction, raised by the weaker one.
pub fn combine(ab: f64, ba: f64, cfg: &ScoringConfig) -> f64 {
    let (hi, lo) = if ab >= ba { (ab, ba) } else { (ba, ab) };
    unit(hi + cfg.two_way_bonus * lo * (1.0 - hi))
}

#[cfg(test)]
mod tests {
    use super::rounded;

    /// Lists show scores to four decimals: a client must never read 0.9619000000000001.
    #[test]
    fn a_rounded_score_is_written_with_four_decimals_at_most() {
        for steps in 0..=10_000u32 {
            for raw in [steps as f64 / 1e4, steps as f64 / 1e4 + 4e-5] {
                let text = serde_json::to_string(&rounded(raw)).unwrap();
                let decimals = text.split_once('.').map_or(0, |(_, d)| d.len());
                assert!(decimals <= 4, "{raw} is written {text}");
                assert_eq!(rounded(raw), f64::from(steps) / 1e4, "{raw}");
            }
        }
    }
}
