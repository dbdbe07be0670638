//! The scoring model: the directed fit "supplier s can supply buyer b" and the pair score
//! from both directions, each with its components and human-readable reasons.
//!
//! Evidence first: a need is answered only by a product read as the same HS-6 concept (or,
//! when neither reads as any concept, by a close name). The IO sector link counts only
//! beside such evidence, so a partner without it scores 0 and is never listed.
//!
//! Scoring reads only [`FirmFeatures`], precomputed once per firm (readings, certification
//! bits, IO sectors), so the hot path neither allocates nor parses text.

use super::concept::{Concept, Dotted, Hs6, Reader, Reading, Source};
use super::config::ScoringConfig;
use super::sector::{SectorId, SectorTable};
use super::text::trigram_cosine;
use crate::domain::quantity::Amount;
use crate::domain::{Certification, FirmProfile, Rate};
use serde::{Deserialize, Serialize};
use std::fmt::{self, Write as _};
use utoipa::ToSchema;

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
            .kbli
            .iter()
            .filter_map(|k| table.sector_of_kbli(k))
            .collect();
        sectors.sort_unstable();
        sectors.dedup();
        let products: Vec<ItemFeatures> = profile
            .products
            .iter()
            .map(|p| item(read(&p.name, p.hs_code.as_deref()), p.capacity, &[]))
            .collect();
        let needs: Vec<ItemFeatures> = profile
            .needs
            .iter()
            .map(|n| {
                item(
                    read(&n.name, n.hs_code.as_deref()),
                    n.volume,
                    &n.required_certifications,
                )
            })
            .collect();
        FirmFeatures {
            products,
            needs,
            certifications: profile
                .certifications
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

/// Clamps into [0, 1], mapping NaN to 0: no score ever leaves the unit interval.
pub fn unit(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x.clamp(0.0, 1.0)
    }
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

/// Both directions combined: the stronger direction, raised by the weaker one.
pub fn combine(ab: f64, ba: f64, cfg: &ScoringConfig) -> f64 {
    let (hi, lo) = if ab >= ba { (ab, ba) } else { (ba, ab) };
    unit(hi + cfg.two_way_bonus * lo * (1.0 - hi))
}

/// The full pair score of a and b with reasons; profiles are analysed here, so for ranking
/// many pairs use a `Matcher`, which analyses each firm once.
pub fn score_profiles(a: &FirmProfile, b: &FirmProfile, cfg: &ScoringConfig) -> PairScore {
    explain_pair(a, &FirmFeatures::of(a), b, &FirmFeatures::of(b), cfg)
}

/// Appends the reasons of the other direction, leaving out the ones already given (a
/// same-sector pair states the same sector link both ways).
pub fn add_reasons(reasons: &mut Vec<String>, more: Vec<String>) {
    for reason in more {
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
}

pub fn explain_pair(
    a: &FirmProfile,
    fa: &FirmFeatures,
    b: &FirmProfile,
    fb: &FirmFeatures,
    cfg: &ScoringConfig,
) -> PairScore {
    let (ab, mut reasons) = explain_directed(a, fa, b, fb, cfg);
    let (ba, back) = explain_directed(b, fb, a, fa, cfg);
    add_reasons(&mut reasons, back);
    PairScore {
        score: combine(ab.score, ba.score, cfg),
        a_supplies_b: ab,
        b_supplies_a: ba,
        reasons,
    }
}

/// The language reasons are written in: English (the API's default) or Bahasa Indonesia.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Id,
}

impl Lang {
    /// A number with one decimal at most, with the language's decimal mark (5.1 / 5,1).
    fn decimal(self, x: f64) -> String {
        let text = crate::domain::quantity::format_amount((x * 10.0).round() / 10.0);
        match self {
            Lang::En => text,
            Lang::Id => text.replace('.', ","),
        }
    }

    /// A rate as a person reads it: 300 kg/month, 300 kg/bulan.
    fn rate(self, r: &Rate) -> RateText<'_> {
        RateText(self, r)
    }
}

/// A rate in a language, formatted in place ([`Lang::rate`]).
struct RateText<'a>(Lang, &'a Rate);

impl fmt::Display for RateText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let RateText(lang, r) = *self;
        match lang {
            Lang::En => r.fmt(f),
            Lang::Id => {
                let per = match r.per() {
                    crate::domain::Period::Day => "hari",
                    crate::domain::Period::Week => "minggu",
                    crate::domain::Period::Month => "bulan",
                    crate::domain::Period::Year => "tahun",
                };
                let amount = Amount(r.amount());
                if r.amount().fract() == 0.0 {
                    write!(f, "{amount} {}/{per}", r.unit())
                } else {
                    let amount = amount.to_string().replace('.', ",");
                    write!(f, "{amount} {}/{per}", r.unit())
                }
            }
        }
    }
}

/// The directed fit supplier → buyer with its reasons (in English).
pub fn explain_directed(
    supplier: &FirmProfile,
    fs: &FirmFeatures,
    buyer: &FirmProfile,
    fb: &FirmFeatures,
    cfg: &ScoringConfig,
) -> (DirectedScore, Vec<String>) {
    explain_directed_in(supplier, fs, buyer, fb, cfg, Lang::En)
}

/// The directed fit supplier → buyer with its reasons in `lang`.
pub fn explain_directed_in(
    supplier: &FirmProfile,
    fs: &FirmFeatures,
    buyer: &FirmProfile,
    fb: &FirmFeatures,
    cfg: &ScoringConfig,
    lang: Lang,
) -> (DirectedScore, Vec<String>) {
    let mut answers = Vec::new();
    let fit = directed(fs, fb, cfg, Some(&mut answers));
    let reasons = reasons_for(supplier, buyer, fs, fb, &answers, &fit, lang);
    (fit, reasons)
}

/// How one item was read, for a reason: "HS 0801.31 (cashew nuts, in shell)", with the
/// text's own reading when a given code overrides it. Formatted in place: a ranking writes
/// thousands of reasons.
struct ReadingText<'a>(Concept, &'a Reading, Lang);

impl fmt::Display for ReadingText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ReadingText(c, reading, lang) = *self;
        let label = Reader::shared().label(c.hs, lang == Lang::Id).unwrap_or("");
        write!(f, "HS {} ({label})", Dotted(c.hs))?;
        if c.source == Source::Code {
            f.write_str(match lang {
                Lang::En => " by its code",
                Lang::Id => " menurut kodenya",
            })?;
            if let Some(t) = reading.text_beside_code() {
                match lang {
                    Lang::En => write!(f, ", though its name reads as HS {}", Dotted(t.hs))?,
                    Lang::Id => write!(f, ", walau namanya terbaca HS {}", Dotted(t.hs))?,
                }
            }
        }
        Ok(())
    }
}

/// Appends the tail of a supply reason: how both items were read, so a reader sees why
/// they meet.
fn write_read_as(
    out: &mut String,
    via: Option<(Concept, Concept)>,
    (p, product): (&str, &Reading),
    (n, need): (&str, &Reading),
    lang: Lang,
) {
    // Writing to a String cannot fail.
    let _ = match via {
        None => match lang {
            Lang::En => write!(
                out,
                ": matched by name only ('{p}' and '{n}' read as no HS product)"
            ),
            Lang::Id => write!(
                out,
                ": cocok menurut nama saja ('{p}' dan '{n}' tidak terbaca sebagai produk HS)"
            ),
        },
        Some((cn, cp)) => {
            let (tp, tn) = (ReadingText(cp, product, lang), ReadingText(cn, need, lang));
            let same = cn.hs == cp.hs && cn.source != Source::Code && cp.source != Source::Code;
            match (lang, same) {
                (Lang::En, true) => write!(out, ": both read as {tp}"),
                (Lang::Id, true) => write!(out, ": keduanya terbaca sebagai {tp}"),
                (Lang::En, false) => write!(out, ": '{p}' read as {tp}, '{n}' as {tn}"),
                (Lang::Id, false) => write!(out, ": '{p}' terbaca {tp}, '{n}' terbaca {tn}"),
            }
        }
    };
}

/// Reasons of the direction supplier → buyer, strongest answered need first.
pub fn reasons_for(
    supplier: &FirmProfile,
    buyer: &FirmProfile,
    fs: &FirmFeatures,
    fb: &FirmFeatures,
    answers: &[NeedAnswer],
    fit: &DirectedScore,
    lang: Lang,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut ordered: Vec<&NeedAnswer> = answers.iter().filter(|a| a.product.is_some()).collect();
    ordered.sort_by(|x, y| y.fit.total_cmp(&x.fit).then(x.need.cmp(&y.need)));
    let (s, b) = (&supplier.name, &buyer.name);
    for a in ordered.iter().take(3) {
        let (Some(pi), need) = (a.product, &buyer.needs[a.need]) else {
            continue;
        };
        let product = &supplier.products[pi];
        let (p, n) = (&product.name, &need.name);
        let (cap, vol) = (lang.rate(&product.capacity), lang.rate(&need.volume));
        let mut line = String::with_capacity(160);
        let _ = match lang {
            Lang::En => write!(line, "{s} makes '{p}' {cap}; {b} needs '{n}' {vol}"),
            Lang::Id => write!(line, "{s} membuat '{p}' {cap}; {b} membutuhkan '{n}' {vol}"),
        };
        write_read_as(
            &mut line,
            a.via,
            (p, &fs.products[pi].reading),
            (n, &fb.needs[a.need].reading),
            lang,
        );
        out.push(line);
        if a.halal_missing {
            out.push(match lang {
                Lang::En => format!("'{n}' needs halal: {s} is not halal-certified"),
                Lang::Id => format!("'{n}' mensyaratkan halal: {s} belum bersertifikat halal"),
            });
        } else if a.certification < 1.0 {
            let missing: Vec<&str> = need
                .required_certifications
                .iter()
                .filter(|c| !supplier.certifications.contains(c))
                .map(|c| c.as_str())
                .collect();
            let missing = missing.join(", ");
            out.push(match lang {
                Lang::En => format!("'{n}' requires {missing}: {s} lacks it"),
                Lang::Id => format!("'{n}' mensyaratkan {missing}: {s} belum memilikinya"),
            });
        }
        match a.capacity {
            Some(c) if c < 1.0 => {
                let share = lang.decimal(
                    (100.0 * product.capacity.ratio_to(&need.volume).unwrap_or(0.0)).round(),
                );
                out.push(match lang {
                    Lang::En => format!(
                        "{s}'s capacity for '{p}' covers about {share}% of the {vol} needed"
                    ),
                    Lang::Id => format!(
                        "kapasitas {s} untuk '{p}' memenuhi sekitar {share}% dari {vol} yang dibutuhkan"
                    ),
                });
            }
            None => out.push(match lang {
                Lang::En => {
                    format!("capacity {cap} and volume {vol} are in different units: not compared")
                }
                Lang::Id => format!(
                    "kapasitas {cap} dan volume {vol} berbeda jenis satuan: tidak dibandingkan"
                ),
            }),
            _ => {}
        }
    }
    // The sector link is told only beside product evidence, as it is scored.
    if fit.score > 0.0 && fit.components.sector >= 0.3 {
        let table = SectorTable::shared();
        let best = fs
            .sectors
            .iter()
            .flat_map(|&i| fb.sectors.iter().map(move |&j| (i, j)))
            .max_by(|x, y| {
                table
                    .coefficient(x.0, x.1)
                    .total_cmp(&table.coefficient(y.0, y.1))
                    .then(y.cmp(x))
            });
        if let Some((i, j)) = best {
            let (buying, selling) = (table.name(j), table.name(i));
            let share = lang.decimal(100.0 * f64::from(table.coefficient(i, j)));
            out.push(match lang {
                Lang::En => format!(
                    "sector link: '{buying}' buys {share}% of its inputs from '{selling}' (IO Jatim 2015)"
                ),
                Lang::Id => format!(
                    "keterkaitan sektor: '{buying}' membeli {share}% inputnya dari '{selling}' (Tabel IO Jatim 2015)"
                ),
            });
        }
    }
    out
}

/// Both directed fits of a ranked pair (the partner supplying `me`, and buying from `me`)
/// with the reasons that fit the asked direction, in `lang`.
pub fn explain_match(
    me: &FirmProfile,
    fm: &FirmFeatures,
    partner: &FirmProfile,
    fp: &FirmFeatures,
    direction: super::Direction,
    cfg: &ScoringConfig,
    lang: Lang,
) -> (DirectedScore, DirectedScore, Vec<String>) {
    let (supplies, supplying) = explain_directed_in(partner, fp, me, fm, cfg, lang);
    let (buys, buying) = explain_directed_in(me, fm, partner, fp, cfg, lang);
    let reasons = match direction {
        super::Direction::Supplies => supplying,
        super::Direction::Buys => buying,
        // The stronger direction's reasons first: they are why the pair ranks where it does.
        super::Direction::Both => {
            let (mut first, then) = if buys.score > supplies.score {
                (buying, supplying)
            } else {
                (supplying, buying)
            };
            add_reasons(&mut first, then);
            first
        }
    };
    (supplies, buys, reasons)
}
