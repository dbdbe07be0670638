//! The answer bounds: each side of a possible answer precomputed for the candidate index,
//! and the cheap upper bound on how well it can answer, which lets the search skip pairs.

use super::{trust, HALAL};
use crate::domain::Rate;
use crate::matching::concept::{Concept, Source};
use crate::matching::config::ScoringConfig;

/// One side of a possible answer as the candidate index keeps it, precomputed so that
/// bounding an answer takes no root, division or logarithm: the root of its concept's
/// confidence and the concept's source ([`NAME_ONLY`] for an item matched by its name
/// alone), the logarithm of its rate in base units per month with the rate's dimension,
/// and certification bits (the supplier's held for a product, the required ones for a
/// need).
#[derive(Debug, Clone, Copy)]
pub struct AnswerSide {
    pub log_rate: f64,
    pub root_confidence: f32,
    pub certs: u16,
    pub source: u8,
    pub dimension: u8,
}

/// The source of an item read as no concept.
pub const NAME_ONLY: u8 = u8::MAX;

impl AnswerSide {
    pub fn new(concept: Option<&Concept>, rate: &Rate, certs: u16) -> AnswerSide {
        AnswerSide {
            log_rate: rate.base_per_month().log10(),
            root_confidence: concept.map_or(0.0, |c| c.confidence.sqrt()),
            certs,
            source: concept.map_or(NAME_ONLY, |c| c.source as u8),
            dimension: rate.dimension() as u8,
        }
    }
}

/// The config's part of the bound of an answer ([`AnswerBounds::bound`]), computed once
/// per query.
#[derive(Debug, Clone, Copy)]
pub struct AnswerBounds {
    /// The root of each source's trust factor, by [`Source`] index.
    root_factor: [f64; 4],
    name_weight: f64,
    text_only_factor: f64,
    min_item_similarity: f64,
    shortfall: f64,
    per_decade: f64,
    capacity_neutral: f64,
    /// answer quality = base + capacity × cap + certification × cert, in [0, 1]
    quality: [f64; 3],
    /// bound = scale × fit + sector
    scale: f64,
    sector: f64,
}

/// Rounding margin of the bound: the precomputed roots (f32) and logarithms may differ
/// from the scorer's arithmetic in the last digits; a bound a millionth too high costs
/// nothing, one a digit too low could drop a partner.
const BOUND_SLACK: f64 = 1.0 + 1e-6;

impl AnswerBounds {
    pub fn new(cfg: &ScoringConfig) -> AnswerBounds {
        let w = &cfg.weights;
        let item_weights = w.supply + w.capacity + w.certification;
        let total = item_weights + w.sector;
        let quality = if item_weights > 0.0 {
            [
                w.supply / item_weights,
                w.capacity / item_weights,
                w.certification / item_weights,
            ]
        } else {
            [0.0; 3]
        };
        let (scale, sector) = if total > 0.0 {
            (item_weights / total, w.sector / total)
        } else {
            (0.0, 0.0)
        };
        let factor = |s: Source| {
            trust(
                &Concept {
                    hs: 0,
                    confidence: 1.0,
                    source: s,
                },
                cfg,
            )
            .sqrt()
        };
        AnswerBounds {
            root_factor: [
                factor(Source::Code),
                factor(Source::Glossary),
                factor(Source::Description),
                factor(Source::TextBesideCode),
            ],
            name_weight: cfg.name_weight,
            text_only_factor: cfg.text_only_factor,
            min_item_similarity: cfg.min_item_similarity,
            shortfall: 1.0 - cfg.capacity_shortfall,
            per_decade: 1.0 / cfg.capacity_zero_decades,
            capacity_neutral: cfg.capacity_neutral,
            quality,
            scale,
            sector,
        }
    }

    /// An upper bound of the directed fit of a supplier whose product is `product` to a
    /// buyer whose need is `need`, when the two items meet at a subheading similarity of
    /// `level` with names whose trigram cosine is at most `names` and the firms' sectors
    /// link with a sector fit of at most `sector`: [`met_similarity`], then the fit with
    /// that product answering that need. No directed fit of the pair exceeds the largest
    /// such bound over the pairs of their items that meet. 0 when the product cannot
    /// answer the need at all.
    ///
    /// [`met_similarity`]: super::met_similarity
    #[inline]
    pub fn bound(
        &self,
        need: &AnswerSide,
        product: &AnswerSide,
        (level, names, sector): (f64, f64, f64),
    ) -> f64 {
        let sim = if need.source == NAME_ONLY || product.source == NAME_ONLY {
            names * self.text_only_factor
        } else {
            level
                * need.root_confidence as f64
                * product.root_confidence as f64
                * self.root_factor[need.source as usize & 3]
                * self.root_factor[product.source as usize & 3]
                * (1.0 - self.name_weight * (1.0 - names))
        }
        .min(1.0);
        if sim <= 0.0 || sim * BOUND_SLACK < self.min_item_similarity {
            return 0.0;
        }
        let missing = need.certs & !product.certs;
        if missing & HALAL != 0 {
            return 0.0;
        }
        let certification = if need.certs == 0 {
            1.0
        } else {
            1.0 - missing.count_ones() as f64 / need.certs.count_ones() as f64
        };
        let capacity = if need.dimension != product.dimension {
            self.capacity_neutral
        } else {
            let decades = product.log_rate - need.log_rate;
            // Short of the volume only when clearly so (NaN included as not short: the
            // scorer's own ratio then decides, and 1 is its most).
            if decades.is_nan() || decades >= -1e-12 {
                1.0
            } else {
                (self.shortfall * (1.0 + decades * self.per_decade)).clamp(0.0, 1.0)
            }
        };
        let [base, per_capacity, per_certification] = self.quality;
        let quality = base + per_capacity * capacity + per_certification * certification;
        let fit = (sim * quality).clamp(0.0, 1.0);
        (self.scale * fit + self.sector * sector) * BOUND_SLACK
    }
}
