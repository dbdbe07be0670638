//! The generator of mitra's synthetic firms, with a hidden ground truth: the demo data
//! (`mitra demo`, `serve --demo`), the benchmark data (`mitra gen`, `mitra bench`) and the
//! test fixtures all come from here.
//!
//! Each firm is first drawn as a latent record: a line of business ([`catalog::LINES`]),
//! its province and regency, the product concepts it truly makes with a monthly capacity,
//! the concepts it truly needs with a monthly volume and the certifications it requires,
//! and the certifications it holds. The lines make and buy across the partnership: NTB's
//! coffee, seaweed and crafts lines buy the pouches, cartons and machines that Jatim's
//! industry makes, and Jatim's roasteries, food and cigarette makers buy NTB's beans,
//! seaweed and tobacco, so the needs of one province are met by products of the other.
//! The firm is then *rendered* into a [`FirmInput`]:
//! - its trade with the noise of real forms: Indonesian or English names and synonyms,
//!   typos, qualifiers, missing or shortened HS codes (how much of each: the noise profiles
//!   below), and the same quantity in kuintal, ton, lusin or kodi, per day, week, month or
//!   year;
//! - who and where it is (`people`): a name with its legal form and its place ("CV Kopi
//!   Sembalun Rinjani"), a readable id (`ntb-kopi-sembalun-0042`: province, line, place,
//!   number), the regency as forms write it, and a contact person with a phone and an
//!   e-mail that fit the regency.
//!
//! The demo data is the `realistic` profile ([`demo`]). Deterministic for a seed
//! (ChaCha8) and profile; a larger run extends a smaller one (the first `n` firms of a
//! seed are the same at any size); every firm passes [`FirmInput::parse`].
//!
//! The truth grade of a pair comes from the latent records alone, never from the scoring
//! code. Seen from a buyer `b` and a supplier `s` (the pair's grade is the higher of both
//! directions):
//! - 3: `s` makes a concept `b` needs, with capacity ≥ the volume, holding every required
//!   certification;
//! - 2: the concept matches but capacity is short or a required certification is missing —
//!   except halal: a halal need met without halal is grade 1 (the chain breaks);
//! - 1: `s` makes a related concept (same group) of a need of `b`;
//! - 0: otherwise.
//!
//! The labels hold every pair of grade ≥ 1 and, per firm, a sample of grade-0 pairs.
//!
//! # Noise profiles
//!
//! How messy the rendering is, named by [`NoiseProfile`] (`--profile` of `mitra gen` and
//! `mitra demo`, `serve --demo-profile`) and set by [`GenConfig::for_profile`]. The latent
//! records, and so the labels, do not depend on the profile: for a seed, every profile
//! renders the same firms with the same labels, and only the words and codes a matcher
//! sees differ (the firms' ids and places are the same too). Per product or need:
//! - **clean**: one of the concept's catalogue names (Indonesian, or English 20 % of the
//!   time), no typos, no qualifiers; an HS code on 60 % of items, always the full
//!   6-digit code. The ceiling: what the ranking reaches when names are right.
//! - **realistic** (the default, the demo data, and [`GenConfig::default`]): the catalogue
//!   names (English 20 %) with a qualifier such as "premium" or "(curah)" appended on 20 %, a
//!   one-edit typo (transposition, deletion or doubled letter, never the first letter) on
//!   8 %; an HS code on 55 %, of which 20 % are cut to the 4-digit heading and 20 % are
//!   written dotted ("0901.21").
//! - **hard**: names as messy as the worst real ones. English 20 %; mixed languages on
//!   20 % (an Indonesian head with an English modifier, "kopi roasted", or an English head
//!   with an Indonesian one, "cloves kering"); qualifiers on 30 % that are other
//!   products' names or packaging words ("standing pouch kopi bubuk", "kopi bubuk
//!   sachet", "madu hutan kemasan botol", "kain mori untuk kain batik") so that a
//!   packaging maker's name holds its customer's product and the reverse; merged words ("tepunggandum") or a long word
//!   split ("ten un") on 15 %; typos on 35 %, of one or (40 % of them) two edits —
//!   insertion, deletion, substitution by a keyboard neighbour, transposition — never on
//!   the first letter of a word. An HS code on 25 % of items: of those, 30 % only the
//!   heading, 15 % dotted, and 5 % a neighbouring subheading of the same heading, a wrong
//!   code (the truth still comes from the latent concept).
//!
//! Whatever the profile, the catalogue holds processing-stage siblings — concepts of the
//! same HS heading but another subheading and another group, bought by other lines (green
//! vs roasted coffee, whole vs desiccated coconut, paddy vs milled rice, bamboo vs rattan)
//! — that are grade 0 against each other, so that neither a shared heading nor a shared
//! head word is enough to match. [`Benchmark::noise`] counts what the renderer did.

pub mod catalog;
mod latent;
mod noise;
mod people;
mod render;

use crate::domain::reference::RegencyEntry;
use crate::domain::{Certification, Firm, FirmInput, Province, Reference};
use crate::tuning::Label;
use catalog::LINES;
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use latent::{labels, latent_firm};
use render::render;

// What the tests reach through `use super::*`.
#[cfg(test)]
use crate::domain::FirmSize;
#[cfg(test)]
use catalog::{concept, Concept, CONCEPTS};
#[cfg(test)]
use render::neighbour_subheadings;
#[cfg(test)]
use std::collections::HashMap;

pub use latent::{directed_grade, grade};
pub use noise::{edit_distance, keyboard_typo, merge_words, split_word};

/// A named set of noise rates and kinds (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NoiseProfile {
    /// Catalogue names as they are, HS codes in full.
    Clean,
    /// The noise of ordinary forms.
    #[default]
    Realistic,
    /// Names as messy as the worst real ones, HS codes scarce, short or wrong.
    Hard,
}

impl NoiseProfile {
    pub const ALL: [NoiseProfile; 3] = [
        NoiseProfile::Clean,
        NoiseProfile::Realistic,
        NoiseProfile::Hard,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoiseProfile::Clean => "clean",
            NoiseProfile::Realistic => "realistic",
            NoiseProfile::Hard => "hard",
        }
    }
}

impl std::fmt::Display for NoiseProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for NoiseProfile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = s.trim().to_ascii_lowercase();
        NoiseProfile::ALL
            .into_iter()
            .find(|p| p.as_str() == key)
            .ok_or_else(|| {
                let names: Vec<&str> = NoiseProfile::ALL.iter().map(|p| p.as_str()).collect();
                format!(
                    "unknown noise profile '{}': use {}",
                    s.trim(),
                    names.join(", ")
                )
            })
    }
}

/// What to generate. The profile chooses the kinds of noise (which qualifiers, which
/// typos); the rates how often each occurs. [`GenConfig::for_profile`] sets both.
#[derive(Debug, Clone, PartialEq)]
pub struct GenConfig {
    pub seed: u64,
    pub firms: usize,
    /// Grade-0 pairs sampled per firm for the labels.
    pub negatives_per_firm: usize,
    pub profile: NoiseProfile,
    /// Probability that a product or need carries an HS code.
    pub hs_code_rate: f64,
    /// Of the HS codes given, the share cut to the 4-digit heading.
    pub hs_heading_rate: f64,
    /// Of the HS codes given, the share written with a dot ("0901.21").
    pub hs_dotted_rate: f64,
    /// Of the HS codes given, the share that name a neighbouring subheading of the same
    /// heading: a wrong code.
    pub hs_wrong_rate: f64,
    /// Probability that a name is in English.
    pub english_rate: f64,
    /// Probability that a name mixes languages: an Indonesian head with an English
    /// qualifier, or the reverse.
    pub mixed_language_rate: f64,
    /// Probability that a qualifier is appended to a name.
    pub qualifier_rate: f64,
    /// Probability that two words are merged or a long word split.
    pub spacing_rate: f64,
    /// Probability of a typo in a name.
    pub typo_rate: f64,
    /// Of the typos, the share that make two edits instead of one.
    pub double_typo_rate: f64,
}

impl GenConfig {
    /// The rates of `profile`, with the default number of negatives.
    pub fn for_profile(profile: NoiseProfile, seed: u64, firms: usize) -> Self {
        let base = GenConfig {
            seed,
            firms,
            negatives_per_firm: 20,
            profile,
            hs_code_rate: 0.0,
            hs_heading_rate: 0.0,
            hs_dotted_rate: 0.0,
            hs_wrong_rate: 0.0,
            english_rate: 0.2,
            mixed_language_rate: 0.0,
            qualifier_rate: 0.0,
            spacing_rate: 0.0,
            typo_rate: 0.0,
            double_typo_rate: 0.0,
        };
        match profile {
            NoiseProfile::Clean => GenConfig {
                hs_code_rate: 0.6,
                ..base
            },
            NoiseProfile::Realistic => GenConfig {
                hs_code_rate: 0.55,
                hs_heading_rate: 0.2,
                hs_dotted_rate: 0.2,
                qualifier_rate: 0.2,
                typo_rate: 0.08,
                ..base
            },
            NoiseProfile::Hard => GenConfig {
                hs_code_rate: 0.25,
                hs_heading_rate: 0.3,
                hs_dotted_rate: 0.15,
                hs_wrong_rate: 0.05,
                mixed_language_rate: 0.2,
                qualifier_rate: 0.3,
                spacing_rate: 0.15,
                typo_rate: 0.35,
                double_typo_rate: 0.4,
                ..base
            },
        }
    }
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig::for_profile(NoiseProfile::Realistic, 1, 1000)
    }
}

/// How much of each kind of noise the renderer put in, counted as it renders: names
/// (products and needs) and HS codes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoiseTally {
    pub names: usize,
    pub english: usize,
    pub mixed_language: usize,
    pub qualified: usize,
    pub merged: usize,
    pub split: usize,
    /// Names whose typo is one edit away from the name before it (Damerau–Levenshtein).
    pub one_edit: usize,
    /// Names whose typo is two edits away.
    pub two_edits: usize,
    pub hs_given: usize,
    pub hs_heading: usize,
    pub hs_dotted: usize,
    pub hs_wrong: usize,
}

/// A latent product or need: concept, amount in the concept's base unit per month, and the
/// certifications required (needs only).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub concept: usize,
    pub per_month: f64,
    pub requires: Vec<Certification>,
}

/// The truth about one firm.
#[derive(Debug, Clone, PartialEq)]
pub struct Latent {
    pub id: String,
    pub line: usize,
    pub province: Province,
    pub certifications: Vec<Certification>,
    pub makes: Vec<Item>,
    pub needs: Vec<Item>,
}

/// The benchmark: firms as a client would send them, their hidden truth, and the labels.
#[derive(Debug, Clone)]
pub struct Benchmark {
    pub firms: Vec<FirmInput>,
    pub latent: Vec<Latent>,
    pub labels: Vec<Label>,
    /// The noise the rendering put in.
    pub noise: NoiseTally,
}

/// Generates the benchmark for `config`.
pub fn generate(config: &GenConfig) -> Benchmark {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let (firms, latent, noise) = draw(&mut rng, config);
    let labels = labels(&mut rng, &latent, config.negatives_per_firm);
    Benchmark {
        firms,
        latent,
        labels,
        noise,
    }
}

/// The benchmark's firms without the labels (which cost time quadratic in the size of a
/// concept's market): for scale runs, benches and test fixtures. The same firms as
/// [`generate`] gives for the config.
pub fn firms(config: &GenConfig) -> Vec<FirmInput> {
    draw(&mut ChaCha8Rng::seed_from_u64(config.seed), config).0
}

/// The demo data: `firms` firms of `seed` in the `realistic` profile, as `mitra demo`
/// writes them and `serve --demo` loads them.
pub fn demo(seed: u64, firms: usize) -> Vec<FirmInput> {
    self::firms(&GenConfig::for_profile(
        NoiseProfile::Realistic,
        seed,
        firms,
    ))
}

/// [`firms`], parsed as the server parses them, stamped at the Unix epoch.
pub fn parsed_firms(config: &GenConfig) -> Vec<Firm> {
    let reference = Reference::shared();
    let at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    firms(config)
        .into_iter()
        .map(|input| {
            // Every rendered firm parses (a tested property of the renderer).
            let (id, profile) = input.parse(reference).expect("generated firms are valid");
            Firm {
                id: id.expect("generated firms have ids"),
                profile,
                version: 1,
                created_at: at,
                updated_at: at,
            }
        })
        .collect()
}

/// The latent firms and their rendering, drawn from `rng`.
fn draw(rng: &mut ChaCha8Rng, config: &GenConfig) -> (Vec<FirmInput>, Vec<Latent>, NoiseTally) {
    // The rendering draws from a stream of its own, so that for a seed the latent firms
    // and the labels are the same in every profile: profiles differ in the names alone.
    let mut render_rng = ChaCha8Rng::seed_from_u64(config.seed);
    render_rng.set_stream(1);
    // Who the firms are (places, people, contacts) draws from a third stream, so that the
    // products and needs a matcher reads are the same with or without them.
    let mut people_rng = ChaCha8Rng::seed_from_u64(config.seed);
    people_rng.set_stream(2);
    let reference = Reference::shared();
    let lines = WeightedIndex::new(LINES.iter().map(|l| l.weight)).expect("positive weights");
    let regencies: [Vec<&RegencyEntry>; 2] =
        Province::ALL.map(|p| reference.regencies_of(p).collect());
    let mut latent = Vec::with_capacity(config.firms);
    let mut firms = Vec::with_capacity(config.firms);
    let mut noise = NoiseTally::default();
    for n in 1..=config.firms {
        let line = lines.sample(rng);
        let mut l = latent_firm(rng, line);
        let regency = *regencies[l.province as usize]
            .choose(rng)
            .expect("regencies");
        let at = Whereabouts {
            regency,
            place: people::place(&mut people_rng, regency),
        };
        l.id = people::firm_id(l.province, &LINES[line], &at.place, n);
        firms.push(render(
            &mut render_rng,
            &mut people_rng,
            config,
            reference,
            &l,
            &at,
            &mut noise,
        ));
        latent.push(l);
    }
    (firms, latent, noise)
}

/// Where a firm is: its regency, and the village or centre it names itself after.
struct Whereabouts<'r> {
    regency: &'r RegencyEntry,
    place: String,
}

#[cfg(test)]
mod demo_tests;
#[cfg(test)]
mod profile_tests;
#[cfg(test)]
mod tests;
