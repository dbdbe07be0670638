//! The scoring model: the directed fit "supplier s can supply buyer b" and the pair score
//! from both directions, each with its components and human-readable reasons.
//!
//! Evidence first: a need is answered only by a product read as the same HS-6 concept (or,
//! when neither reads as any concept, by a close name). The IO sector link counts only
//! beside such evidence, so a partner without it scores 0 and is never listed.
//!
//! Scoring reads only [`FirmFeatures`], precomputed once per firm (readings, certification
//! bits, IO sectors), so the hot path neither allocates nor parses text.

use super::concept::{Concept, Reader, Reading, Source};
use super::config::ScoringConfig;
use super::sector::{SectorId, SectorTable};
use crate::domain::{Certification, FirmProfile, Rate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

mod bounds;
mod exact;
mod reasons;

pub use bounds::{AnswerBounds, AnswerSide, NAME_ONLY};
pub use exact::{
    capacity_fit, combine, concept_level, directed, item_match, least_raw, met_similarity, rounded,
    sector_fit, unit, SCORE_STEP,
};
pub use reasons::{
    add_reasons, explain_directed, explain_directed_in, explain_match, explain_pair, reasons_for,
    score_profiles, Lang,
};

/// A product or need as the scorer sees it.
#[derive(Debug, Clone)]
pub struct ItemFeatures {
    pub reading: Reading,
    pub rate: Rate,
    /// Required certifications (needs only), as bits of [`cert_bit`].
    pub required: u16,
}

/// What the scorer knows of a firm, derived from its profile alone.
#[derive(Debug, Clone)]
pub struct FirmFeatures {
    pub products: Vec<ItemFeatures>,
    pub needs: Vec<ItemFeatures>,
    pub certifications: u16,
    pub sectors: Vec<SectorId>,
}

pub fn cert_bit(c: Certification) -> u16 {
    1 << (Certification::ALL.iter().position(|x| *x == c).unwrap_or(0) as u16)
}

pub const HALAL: u16 = 1;

fn item(reading: Reading, rate: Rate, required: &[Certification]) -> ItemFeatures {
    ItemFeatures {
        reading,
        rate,
        required: required.iter().fold(0, |m, c| m | cert_bit(*c)),
    }
}

impl FirmFeatures {
    pub fn of(profile: &FirmProfile) -> FirmFeatures {
        FirmFeatures::with_readings(profile, |name, code| Reader::shared().read(name, code))
    }

    /// The features with each item's reading from `read(name, code)` (which must equal
    /// [`Reader::read`], e.g. from a table of the distinct texts read once).
    pub fn with_readings(
        profile: &FirmProfile,
        read: impl Fn(&str, Option<&str>) -> Reading,
    ) -> FirmFeatures {
        let table = SectorTable::shared();
        let mut sectors: Vec<SectorId> = profile
            .kbli()
            .iter()
            .filter_map(|k| table.sector_of_kbli(k))
            .collect();
        sectors.sort_unstable();
        sectors.dedup();
        let products: Vec<ItemFeatures> = profile
            .products()
            .iter()
            .map(|p| item(read(p.name(), p.hs_code()), p.capacity(), &[]))
            .collect();
        let needs: Vec<ItemFeatures> = profile
            .needs()
            .iter()
            .map(|n| {
                item(
                    read(n.name(), n.hs_code()),
                    n.volume(),
                    n.required_certifications(),
                )
            })
            .collect();
        FirmFeatures {
            products,
            needs,
            certifications: profile
                .certifications()
                .iter()
                .fold(0, |m, c| m | cert_bit(*c)),
            sectors,
        }
    }
}

/// The parts a directed fit is made of, each in [0, 1].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"supply": 0.92, "capacity": 1.0, "certification": 1.0, "sector": 0.41}))]
pub struct Components {
    /// How well the supplier's products answer the buyer's needs (HS codes or names).
    pub supply: f64,
    /// Capacity against volume over the answered needs; neutral when incomparable.
    pub capacity: f64,
    /// Share of required certifications held over the answered needs.
    pub certification: f64,
    /// How much the buyer's sector buys from the supplier's (IO table).
    pub sector: f64,
}

/// The fit of one direction: `score` and its components.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({"score": 0.83, "components": {"supply": 0.92, "capacity": 1.0, "certification": 1.0, "sector": 0.41}}))]
pub struct DirectedScore {
    pub score: f64,
    pub components: Components,
}

/// The score of a pair of firms a and b: both directed fits, combined, with reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "score": 0.87,
    "a_supplies_b": {"score": 0.83, "components": {"supply": 0.92, "capacity": 1.0, "certification": 1.0, "sector": 0.41}},
    "b_supplies_a": {"score": 0.12, "components": {"supply": 0.0, "capacity": 0.5, "certification": 1.0, "sector": 0.6}},
    "reasons": ["CV Kopi Sembalun makes 'Kopi arabika sangrai' 300 kg/month; Kafe Nusantara needs 'roasted arabica coffee' 200 kg/month"]
}))]
pub struct PairScore {
    /// Both directions combined, to four decimals as lists rank by it.
    pub score: f64,
    pub a_supplies_b: DirectedScore,
    pub b_supplies_a: DirectedScore,
    pub reasons: Vec<String>,
}

/// The concepts that met: (the need's, the product's).
pub type Met = (Concept, Concept);

/// How one need of the buyer was answered, for explanations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NeedAnswer {
    pub need: usize,
    pub product: Option<usize>,
    pub similarity: f64,
    /// The concepts that met: (the need's, the product's); `None` for a match by name alone.
    pub via: Option<(Concept, Concept)>,
    pub capacity: Option<f64>,
    pub certification: f64,
    pub halal_missing: bool,
    pub fit: f64,
}

/// How far the config trusts a concept of this source.
fn trust(c: &Concept, cfg: &ScoringConfig) -> f64 {
    let factor = match c.source {
        Source::Code | Source::Glossary => 1.0,
        Source::Description => cfg.hs_description_factor,
        Source::TextBesideCode => cfg.name_when_hs_differs,
    };
    c.confidence as f64 * factor
}
