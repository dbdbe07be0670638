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
mod people;

use crate::domain::firm::{NeedInput, ProductInput, RateInput};
use crate::domain::reference::RegencyEntry;
use crate::domain::{Certification, Firm, FirmInput, FirmSize, Period, Province, Reference, Unit};
use crate::tuning::Label;
use catalog::{concept, CertProfile, Concept, Line, CONCEPTS, LINES};
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashMap};

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

const SIZE_FACTOR: [f64; 3] = [0.3, 1.0, 4.0];

fn lognormal<R: Rng>(rng: &mut R, sigma: f64) -> f64 {
    // Box–Muller: one normal draw is enough here.
    let (u, v): (f64, f64) = (rng.gen_range(1e-12..1.0), rng.gen());
    ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos() * sigma).exp()
}

/// Where a firm is: its regency, and the village or centre it names itself after.
struct Whereabouts<'r> {
    regency: &'r RegencyEntry,
    place: String,
}

/// A latent firm of line `line_ix`, without its id (which names its place: see [`draw`]).
fn latent_firm<R: Rng>(rng: &mut R, line_ix: usize) -> Latent {
    let line: &Line = &LINES[line_ix];
    let province = if rng.gen_bool(line.ntb) {
        Province::Ntb
    } else {
        Province::Jatim
    };
    let size = WeightedIndex::new([50, 38, 12])
        .expect("weights")
        .sample(rng);
    let amount = |rng: &mut R, c: &Concept| {
        let per_month = c.base * c.per.per_month();
        // Machines are bought one at a time, whatever the firm's size.
        if c.per == Period::Year {
            per_month * rng.gen_range(1..=3) as f64
        } else {
            per_month * SIZE_FACTOR[size] * lognormal(rng, 0.7)
        }
    };
    let n_make = rng.gen_range(1..=line.makes.len().min(3));
    let makes: Vec<Item> = line
        .makes
        .choose_multiple(rng, n_make)
        .map(|&k| concept(k))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|c| Item {
            concept: c,
            per_month: amount(rng, &CONCEPTS[c]),
            requires: Vec::new(),
        })
        .collect();
    let n_need = rng.gen_range(0..=line.buys.len().min(3));
    let needs: Vec<Item> = line
        .buys
        .choose_multiple(rng, n_need)
        .map(|&k| concept(k))
        .filter(|c| !makes.iter().any(|m| m.concept == *c))
        .collect::<Vec<_>>()
        .into_iter()
        .map(|c| {
            let concept = &CONCEPTS[c];
            Item {
                concept: c,
                per_month: amount(rng, concept),
                requires: concept
                    .requires
                    .iter()
                    .filter(|(_, p)| rng.gen_bool(*p))
                    .map(|(cert, _)| *cert)
                    .collect(),
            }
        })
        .collect();
    let medium = size == 2;
    let odds: &[(Certification, f64)] = match line.certs {
        CertProfile::Food => &[
            (Certification::Halal, if medium { 0.85 } else { 0.6 }),
            (Certification::Pirt, if medium { 0.1 } else { 0.5 }),
            (Certification::Bpom, if medium { 0.6 } else { 0.05 }),
            (Certification::Sni, 0.1),
        ],
        CertProfile::Commodity => &[(Certification::Halal, 0.3), (Certification::Organic, 0.15)],
        CertProfile::Craft => &[(Certification::Sni, 0.05)],
        CertProfile::Timber => &[(Certification::Svlk, if medium { 0.8 } else { 0.35 })],
        CertProfile::Industrial => &[
            (Certification::Sni, 0.45),
            (Certification::Iso9001, if medium { 0.6 } else { 0.2 }),
            (Certification::Halal, 0.2),
            (Certification::Iso22000, 0.1),
        ],
        CertProfile::Tobacco => &[(Certification::Iso9001, 0.2), (Certification::Organic, 0.1)],
    };
    let certifications = odds
        .iter()
        .filter(|(_, p)| rng.gen_bool(*p))
        .map(|(c, _)| *c)
        .collect();
    Latent {
        id: String::new(),
        line: line_ix,
        province,
        certifications,
        makes,
        needs,
    }
}

const QUALIFIERS: &[&str] = &[
    " grade A",
    " kualitas ekspor",
    " premium",
    " (curah)",
    " lokal",
    " super",
    " asli",
];

fn typo<R: Rng>(rng: &mut R, name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    // Never the first letter of the name: people rarely get that one wrong.
    let candidates: Vec<usize> = (1..chars.len().saturating_sub(1))
        .filter(|&i| chars[i].is_alphabetic() && chars[i + 1].is_alphabetic())
        .collect();
    let Some(&i) = candidates.choose(rng) else {
        return name.to_string();
    };
    match rng.gen_range(0..3) {
        0 => chars.swap(i, i + 1),
        1 => {
            chars.remove(i);
        }
        _ => chars.insert(i, chars[i]),
    }
    chars.into_iter().collect()
}

fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Packaging words a seller appends to a food or bulk good ("kopi bubuk sachet").
const PACKAGING_ID: &[&str] = &[
    " kemasan botol",
    " kemasan pouch",
    " sachet",
    " curah",
    " karung 50 kg",
    " dus",
    " kemasan plastik",
    " botol kaca",
    " kemasan kaleng",
    " dalam kemasan",
    " kemasan 250 gr",
    " pack 1 kg",
];
const PACKAGING_EN: &[&str] = &[
    " in bottles",
    " in pouches",
    " sachet",
    " bulk",
    " in 50 kg bags",
    " in cartons",
    " retail pack",
    " glass jar",
];
/// Quality words in the other language, for mixed names.
const QUALITY_EN: &[&str] = &[
    " premium quality",
    " export quality",
    " best quality",
    " high grade",
    " original",
];
const QUALITY_ID: &[&str] = &[
    " kualitas ekspor",
    " asli",
    " kualitas super",
    " lokal",
    " murah",
];
/// Modifiers that forms write in either language: (Indonesian, English).
const MODIFIERS: &[(&str, &str)] = &[
    ("kering", "dried"),
    ("sangrai", "roasted"),
    ("bubuk", "ground"),
    ("kupas", "shelled"),
    ("mentah", "raw"),
    ("halus", "fine"),
    ("kasar", "coarse"),
    ("murni", "pure"),
    ("hutan", "forest"),
    ("putih", "white"),
    ("plastik", "plastic"),
    ("kulit", "leather"),
    ("perak", "silver"),
    ("rotan", "rattan"),
    ("bambu", "bamboo"),
    ("katun", "cotton"),
    ("samak", "tanned"),
    ("lipat", "folding"),
    ("jati", "teak"),
];
/// Groups whose goods are named after what they hold or process ("standing pouch kopi").
const INPUT_GROUPS: &[&str] = &[
    "kemasan-plastik",
    "kemasan-kertas",
    "karung",
    "label",
    "kaleng",
    "mesin-kemas",
    "mesin-olah",
];

/// Letters next to each letter on a QWERTY keyboard, `a` to `z`.
const KEYBOARD: [&str; 26] = [
    "qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn",
    "jiolm", "kop", "njk", "bhjm", "iklp", "ol", "wa", "edft", "awedxz", "rfgy", "yhji", "cfgb",
    "qase", "zsdc", "tghu", "asx",
];

fn keyboard_neighbour<R: Rng>(rng: &mut R, c: char) -> char {
    let lower = c.to_ascii_lowercase();
    if !lower.is_ascii_lowercase() {
        return c;
    }
    let near = KEYBOARD[(lower as u8 - b'a') as usize].as_bytes();
    let n = near[rng.gen_range(0..near.len())] as char;
    if c.is_ascii_uppercase() {
        n.to_ascii_uppercase()
    } else {
        n
    }
}

/// One random edit — insertion, deletion, substitution by a keyboard neighbour or
/// transposition — at a letter that does not start a word. False when there is none.
fn keyboard_edit<R: Rng>(rng: &mut R, chars: &mut Vec<char>) -> bool {
    let candidates: Vec<usize> = (1..chars.len())
        .filter(|&i| chars[i].is_alphabetic() && chars[i - 1].is_alphabetic())
        .collect();
    let Some(&i) = candidates.choose(rng) else {
        return false;
    };
    match rng.gen_range(0..4) {
        0 => {
            // A doubled key or a slip to the next one.
            let c = if rng.gen_bool(0.5) {
                chars[i]
            } else {
                keyboard_neighbour(rng, chars[i])
            };
            chars.insert(i, c);
        }
        1 => {
            chars.remove(i);
        }
        3 if chars.get(i + 1).is_some_and(|c| c.is_alphabetic()) => chars.swap(i, i + 1),
        _ => chars[i] = keyboard_neighbour(rng, chars[i]),
    }
    true
}

/// Restricted Damerau–Levenshtein distance (adjacent transpositions count as one edit).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// A typo of `edits` (1 or 2) keyboard edits, never on the first letter of a word. The
/// result is exactly that many edits away when the name allows it (tries again when two
/// edits undo or overlap each other).
pub fn keyboard_typo<R: Rng>(rng: &mut R, name: &str, edits: usize) -> String {
    let mut best = name.to_string();
    for _ in 0..16 {
        let mut chars: Vec<char> = name.chars().collect();
        for _ in 0..edits {
            keyboard_edit(rng, &mut chars);
        }
        let typed: String = chars.into_iter().collect();
        let d = edit_distance(name, &typed);
        if d == edits {
            return typed;
        }
        if d > edit_distance(name, &best) {
            best = typed;
        }
    }
    best
}

/// Two words run together: one space removed ("tepung gandum" → "tepunggandum").
pub fn merge_words<R: Rng>(rng: &mut R, name: &str) -> Option<String> {
    let spaces: Vec<usize> = name
        .char_indices()
        .filter(|&(i, c)| c == ' ' && i > 0 && i + 1 < name.len())
        .map(|(i, _)| i)
        .collect();
    let &at = spaces.choose(rng)?;
    Some(format!("{}{}", &name[..at], &name[at + 1..]))
}

/// A long word (five letters or more) broken by a space, neither piece shorter than two
/// letters ("tenun" → "ten un").
pub fn split_word<R: Rng>(rng: &mut R, name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut start = None;
    for i in 0..=chars.len() {
        let letter = chars.get(i).is_some_and(|c| c.is_alphabetic());
        match (start, letter) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                if i - s >= 5 {
                    words.push((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    let &(s, e) = words.choose(rng)?;
    let at = rng.gen_range(s + 2..=e - 2);
    let mut out = chars;
    out.insert(at, ' ');
    Some(out.into_iter().collect())
}

/// Concepts made by the lines that buy `c`: what a pouch holds, what a dryer dries.
fn users_of(c: &Concept) -> Vec<&'static Concept> {
    LINES
        .iter()
        .filter(|l| l.buys.contains(&c.key))
        .flat_map(|l| l.makes.iter())
        .map(|k| &CONCEPTS[concept(k)])
        .filter(|u| u.key != c.key)
        .collect()
}

/// A qualifier of the hard profile: the product a packaging or a machine is for (another
/// concept's name: "standing pouch kopi bubuk"), packaging words after a good ("gula aren
/// kemasan botol"), what an input is for ("kain mori untuk batik"), or a quality word.
fn hard_qualifier<R: Rng>(rng: &mut R, c: &Concept, english: bool) -> String {
    let users = users_of(c);
    let user_name = |rng: &mut R| {
        let u = users.choose(rng)?;
        let names = if english { u.english } else { u.indonesian };
        names.choose(rng).copied()
    };
    let for_word = if english { " for " } else { " untuk " };
    let input = INPUT_GROUPS.contains(&c.group) || c.per == Period::Year;
    if input {
        if let Some(u) = user_name(rng) {
            return if rng.gen_bool(0.7) {
                format!(" {u}")
            } else {
                format!("{for_word}{u}")
            };
        }
    } else if matches!(c.unit, Unit::Kg | Unit::Liter) && rng.gen_bool(0.7) {
        let words = if english { PACKAGING_EN } else { PACKAGING_ID };
        return words.choose(rng).copied().unwrap_or("").to_string();
    } else if rng.gen_bool(0.5) {
        if let Some(u) = user_name(rng) {
            return format!("{for_word}{u}");
        }
    }
    let words = if english { QUALITY_EN } else { QUALIFIERS };
    words.choose(rng).copied().unwrap_or("").to_string()
}

/// The name with one modifier in the other language: an Indonesian head keeps its place
/// and a modifier after it turns English ("kopi sangrai" → "kopi roasted"); an English
/// head loses a modifier before it, which follows in Indonesian ("dried cloves" → "cloves
/// kering"). Without such a modifier, a quality word of the other language is appended.
fn mix_languages<R: Rng>(rng: &mut R, name: &str, english: bool) -> String {
    let words: Vec<&str> = name.split(' ').collect();
    let swappable: Vec<(usize, &str)> = words
        .iter()
        .enumerate()
        .filter_map(|(i, w)| {
            MODIFIERS.iter().find_map(|&(id, en)| match english {
                false if i > 0 && *w == id => Some((i, en)),
                true if i + 1 < words.len() && *w == en => Some((i, id)),
                _ => None,
            })
        })
        .collect();
    match swappable.choose(rng) {
        Some(&(i, other)) if !english => {
            let mut w = words.clone();
            w[i] = other;
            w.join(" ")
        }
        Some(&(i, other)) => {
            let mut w = words.clone();
            w.remove(i);
            w.push(other);
            w.join(" ")
        }
        None => {
            let words = if english { QUALITY_ID } else { QUALITY_EN };
            format!("{name}{}", words.choose(rng).copied().unwrap_or(""))
        }
    }
}

fn render_name<R: Rng>(
    rng: &mut R,
    config: &GenConfig,
    c: &Concept,
    tally: &mut NoiseTally,
) -> String {
    tally.names += 1;
    let english = rng.gen_bool(config.english_rate);
    let names = if english { c.english } else { c.indonesian };
    tally.english += usize::from(english);
    let mut name = names.choose(rng).copied().unwrap_or(c.key).to_string();
    // Each kind of noise draws only when its rate is set, so the realistic profile draws
    // for names exactly as the renderer did before there were profiles.
    let hard = config.profile == NoiseProfile::Hard;
    if config.mixed_language_rate > 0.0 && rng.gen_bool(config.mixed_language_rate) {
        name = mix_languages(rng, &name, english);
        tally.mixed_language += 1;
    }
    if config.qualifier_rate > 0.0 && rng.gen_bool(config.qualifier_rate) {
        if hard {
            name.push_str(&hard_qualifier(rng, c, english));
        } else {
            name.push_str(QUALIFIERS.choose(rng).copied().unwrap_or(""));
        }
        tally.qualified += 1;
    }
    if config.spacing_rate > 0.0 && rng.gen_bool(config.spacing_rate) {
        let merged = rng.gen_bool(0.5);
        let spaced = if merged {
            merge_words(rng, &name).map(|n| (n, true))
        } else {
            None
        }
        .or_else(|| split_word(rng, &name).map(|n| (n, false)))
        .or_else(|| merge_words(rng, &name).map(|n| (n, true)));
        if let Some((n, merged)) = spaced {
            name = n;
            if merged {
                tally.merged += 1;
            } else {
                tally.split += 1;
            }
        }
    }
    if config.typo_rate > 0.0 && rng.gen_bool(config.typo_rate) {
        let before = name.clone();
        name = if hard {
            let edits = if rng.gen_bool(config.double_typo_rate) {
                2
            } else {
                1
            };
            keyboard_typo(rng, &name, edits)
        } else {
            typo(rng, &name)
        };
        match edit_distance(&before, &name) {
            0 => {}
            1 => tally.one_edit += 1,
            _ => tally.two_edits += 1,
        }
    }
    match rng.gen_range(0..10) {
        0..=4 => title_case(&name),
        5 => name.to_uppercase(),
        _ => {
            let mut c = name.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// The neighbouring subheadings of `code` in its heading (the one before and the one
/// after in HS 2022): a code a form might give by mistake.
fn neighbour_subheadings<'r>(reference: &'r Reference, code: &str) -> Vec<&'r str> {
    let heading = &code[..4];
    let subs: Vec<&str> = reference
        .hs
        .iter()
        .map(|e| e.code.as_str())
        .filter(|k| k.len() == 6 && k.starts_with(heading))
        .collect();
    let Some(at) = subs.iter().position(|k| *k == code) else {
        return Vec::new();
    };
    [at.checked_sub(1), Some(at + 1)]
        .into_iter()
        .flatten()
        .filter_map(|i| subs.get(i).copied())
        .collect()
}

fn render_hs<R: Rng>(
    rng: &mut R,
    config: &GenConfig,
    reference: &Reference,
    c: &Concept,
    tally: &mut NoiseTally,
) -> Option<String> {
    if !rng.gen_bool(config.hs_code_rate) {
        return None;
    }
    tally.hs_given += 1;
    let heading = &c.hs[..4];
    // One draw picks the form: wrong, heading, dotted, or else in full.
    let (wrong, short, dotted) = (
        config.hs_wrong_rate,
        config.hs_wrong_rate + config.hs_heading_rate,
        config.hs_wrong_rate + config.hs_heading_rate + config.hs_dotted_rate,
    );
    let u = f64::from(rng.gen_range(0..1000u32)) / 1000.0;
    if u < wrong {
        if let Some(&code) = neighbour_subheadings(reference, c.hs).choose(rng) {
            tally.hs_wrong += 1;
            return Some(code.to_string());
        }
    }
    Some(
        if u >= wrong && u < short && reference.hs(heading).is_some() {
            tally.hs_heading += 1;
            heading.to_string()
        } else if u >= short && u < dotted {
            tally.hs_dotted += 1;
            format!("{}.{}", heading, &c.hs[4..])
        } else {
            c.hs.to_string()
        },
    )
}

/// The same monthly amount in a unit and period as a form might state it.
fn render_rate<R: Rng>(rng: &mut R, c: &Concept, per_month: f64) -> RateInput {
    let per = if c.per == Period::Year {
        Period::Year
    } else {
        match rng.gen_range(0..20) {
            0..=11 => Period::Month,
            12..=16 => Period::Week,
            17..=18 => Period::Day,
            _ => Period::Year,
        }
    };
    let base = per_month / per.per_month();
    let unit = match c.unit {
        Unit::Kg if base >= 1000.0 && rng.gen_bool(0.4) => Unit::Ton,
        Unit::Kg if base >= 100.0 && rng.gen_bool(0.3) => Unit::Kuintal,
        Unit::Pcs if base >= 24.0 && rng.gen_bool(0.15) => Unit::Lusin,
        Unit::Pcs if base >= 40.0 && rng.gen_bool(0.1) => Unit::Kodi,
        u => u,
    };
    let amount = base / unit.to_base();
    // Forms carry round numbers: two decimals below 10, whole numbers above.
    let amount = if amount < 10.0 {
        ((amount * 100.0).round() / 100.0).max(0.01)
    } else {
        amount.round()
    };
    let unit_text = match (unit, rng.gen_range(0..4)) {
        (Unit::Kuintal, 0) => "kwintal".to_string(),
        (Unit::Pcs, 0) => "buah".to_string(),
        (Unit::Liter, 0) => "lt".to_string(),
        (u, _) => u.as_str().to_string(),
    };
    let per_text = match (per, rng.gen_range(0..3)) {
        (Period::Month, 0) => "bulan",
        (Period::Week, 0) => "minggu",
        (Period::Day, 0) => "hari",
        (Period::Year, 0) => "tahun",
        (p, _) => p.as_str(),
    };
    RateInput {
        amount: Some(amount),
        unit: Some(unit_text),
        per: Some(per_text.to_string()),
    }
}

/// The latent firm as a client would send it: its trade (products, needs, codes,
/// quantities) in the config's noise profile from `rng`, and who and where it is (name,
/// regency as typed, contact) from `people`.
fn render<R: Rng>(
    rng: &mut R,
    people: &mut R,
    config: &GenConfig,
    reference: &Reference,
    l: &Latent,
    at: &Whereabouts,
    tally: &mut NoiseTally,
) -> FirmInput {
    let line = &LINES[l.line];
    // The size class follows the largest latent product relative to its concept's base.
    let scale = l
        .makes
        .iter()
        .map(|m| m.per_month / (CONCEPTS[m.concept].base * CONCEPTS[m.concept].per.per_month()))
        .fold(0.0, f64::max);
    let (size, employees) = if scale >= 2.5 {
        (FirmSize::Medium, rng.gen_range(20..=99))
    } else if scale >= 0.6 {
        (FirmSize::Small, rng.gen_range(5..=19))
    } else {
        (FirmSize::Micro, rng.gen_range(1..=4))
    };
    // The ingredients of the firm's name; the people stream composes it.
    let form = rng.gen_range(0..people::FORMS[size as usize].len());
    let core = line.core.choose(rng).copied().unwrap_or(line.key);
    let fancy = people::FANCY[l.province as usize]
        .choose(rng)
        .copied()
        .unwrap_or("Jaya");
    let mut kbli = vec![line.kbli[0].to_string()];
    if line.kbli.len() > 1 && rng.gen_bool(0.3) {
        kbli.push(line.kbli[rng.gen_range(1..line.kbli.len())].to_string());
    }
    let products = l
        .makes
        .iter()
        .map(|m| {
            let c = &CONCEPTS[m.concept];
            ProductInput {
                name: Some(render_name(rng, config, c, tally)),
                hs_code: render_hs(rng, config, reference, c, tally),
                capacity: Some(render_rate(rng, c, m.per_month)),
            }
        })
        .collect();
    let needs = l
        .needs
        .iter()
        .map(|n| {
            let c = &CONCEPTS[n.concept];
            NeedInput {
                name: Some(render_name(rng, config, c, tally)),
                hs_code: render_hs(rng, config, reference, c, tally),
                volume: Some(render_rate(rng, c, n.per_month)),
                required_certifications: Some(
                    n.requires.iter().map(|c| c.as_str().to_string()).collect(),
                ),
            }
        })
        .collect();
    let form = people::legal_form(people, size, form, line);
    let (name, brand) = people::firm_name(people, form, core, fancy, &at.place);
    FirmInput {
        id: Some(l.id.clone()),
        name: Some(name),
        province: Some(l.province.as_str().to_string()),
        regency: Some(people::regency_as_typed(people, at.regency)),
        kbli: Some(kbli),
        size: Some(people::size_as_typed(people, size)),
        employees: Some(employees),
        certifications: Some(
            l.certifications
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
        ),
        products: Some(products),
        needs: Some(needs),
        contact: people::contact(people, l.province, at.regency, size, &brand),
        version: None,
    }
}

/// The truth grade of `s` supplying `b` (one direction).
pub fn directed_grade(s: &Latent, b: &Latent) -> u8 {
    let mut best = 0;
    for need in &b.needs {
        for m in &s.makes {
            let grade = if m.concept == need.concept {
                let halal_missing = need.requires.contains(&Certification::Halal)
                    && !s.certifications.contains(&Certification::Halal);
                let certs_ok = need.requires.iter().all(|c| s.certifications.contains(c));
                if halal_missing {
                    1
                } else if certs_ok && m.per_month >= need.per_month {
                    3
                } else {
                    2
                }
            } else if CONCEPTS[m.concept].group == CONCEPTS[need.concept].group {
                1
            } else {
                0
            };
            best = best.max(grade);
        }
    }
    best
}

/// The truth grade of a pair: the better of both directions.
pub fn grade(a: &Latent, b: &Latent) -> u8 {
    directed_grade(a, b).max(directed_grade(b, a))
}

fn labels<R: Rng>(rng: &mut R, latent: &[Latent], negatives: usize) -> Vec<Label> {
    // Candidates come from who makes what group; the grade itself is computed per pair.
    let mut makers: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, l) in latent.iter().enumerate() {
        let mut groups: Vec<&str> = l.makes.iter().map(|m| CONCEPTS[m.concept].group).collect();
        groups.dedup();
        for g in groups {
            makers.entry(g).or_default().push(i);
        }
    }
    let mut pairs: BTreeMap<(usize, usize), u8> = BTreeMap::new();
    for (b, buyer) in latent.iter().enumerate() {
        for need in &buyer.needs {
            for &s in makers
                .get(CONCEPTS[need.concept].group)
                .map_or(&[][..], Vec::as_slice)
            {
                if s == b {
                    continue;
                }
                let key = (s.min(b), s.max(b));
                if pairs.contains_key(&key) {
                    continue;
                }
                let g = grade(&latent[s], buyer);
                if g > 0 {
                    pairs.insert(key, g);
                }
            }
        }
    }
    let n = latent.len();
    if n > 1 {
        for a in 0..n {
            let mut added = 0;
            let mut tries = 0;
            while added < negatives && tries < negatives * 10 {
                tries += 1;
                let b = rng.gen_range(0..n);
                let key = (a.min(b), a.max(b));
                if b == a || pairs.contains_key(&key) {
                    continue;
                }
                // Sampled negatives are checked against the truth too.
                pairs.insert(key, grade(&latent[a], &latent[b]));
                added += 1;
            }
        }
    }
    pairs
        .into_iter()
        .map(|((a, b), grade)| Label {
            a: latent[a].id.clone(),
            b: latent[b].id.clone(),
            grade,
        })
        .collect()
}

#[cfg(test)]
mod demo_tests;
#[cfg(test)]
mod profile_tests;

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> GenConfig {
        GenConfig {
            seed: 11,
            firms: 300,
            ..GenConfig::default()
        }
    }

    #[test]
    fn catalogue_is_consistent() {
        let reference = Reference::shared();
        for c in CONCEPTS {
            assert!(reference.hs(c.hs).is_some(), "{}: HS {}", c.key, c.hs);
        }
        for l in LINES {
            for k in l.makes.iter().chain(l.buys) {
                concept(k);
            }
            for code in l.kbli {
                assert!(reference.kbli_subclass(code).is_some(), "{}: {code}", l.key);
            }
        }
    }

    #[test]
    fn same_seed_same_benchmark_and_every_firm_parses() {
        let a = generate(&small());
        let b = generate(&small());
        assert_eq!(a.firms, b.firms);
        assert_eq!(a.labels, b.labels);
        let reference = Reference::shared();
        for f in &a.firms {
            let parsed = f.parse(reference);
            assert!(parsed.is_ok(), "{:?}: {:?}", f.id, parsed.err());
        }
        let c = generate(&GenConfig {
            seed: 12,
            ..small()
        });
        assert_ne!(a.firms, c.firms);
    }

    #[test]
    fn labels_follow_the_truth() {
        let bench = generate(&small());
        let by_id: HashMap<&str, &Latent> =
            bench.latent.iter().map(|l| (l.id.as_str(), l)).collect();
        let mut seen = [0usize; 4];
        for l in &bench.labels {
            assert_eq!(grade(by_id[l.a.as_str()], by_id[l.b.as_str()]), l.grade);
            seen[l.grade as usize] += 1;
        }
        // Every grade occurs, and there are negatives for most firms.
        assert!(seen.iter().all(|&n| n > 0), "{seen:?}");
        assert!(seen[0] >= 300 * 15, "{seen:?}");
        // Exhaustive check on a slice: no positive pair is missing from the labels.
        let labelled: std::collections::HashSet<(&str, &str)> = bench
            .labels
            .iter()
            .flat_map(|l| [(l.a.as_str(), l.b.as_str()), (l.b.as_str(), l.a.as_str())])
            .collect();
        for a in bench.latent.iter().take(40) {
            for b in &bench.latent {
                if a.id != b.id && grade(a, b) > 0 {
                    assert!(labelled.contains(&(a.id.as_str(), b.id.as_str())));
                }
            }
        }
    }

    #[test]
    fn halal_gap_is_low_interest_and_capacity_gap_is_high() {
        let mk = |certs: Vec<Certification>, cap: f64| Latent {
            id: "s".into(),
            line: 0,
            province: Province::Ntb,
            certifications: certs,
            makes: vec![Item {
                concept: concept("madu"),
                per_month: cap,
                requires: vec![],
            }],
            needs: vec![],
        };
        let buyer = |req: Vec<Certification>| Latent {
            id: "b".into(),
            line: 0,
            province: Province::Jatim,
            certifications: vec![],
            makes: vec![],
            needs: vec![Item {
                concept: concept("madu"),
                per_month: 100.0,
                requires: req,
            }],
        };
        use Certification::{Bpom, Halal};
        assert_eq!(grade(&mk(vec![Halal], 200.0), &buyer(vec![Halal])), 3);
        assert_eq!(grade(&mk(vec![Halal], 50.0), &buyer(vec![Halal])), 2);
        assert_eq!(grade(&mk(vec![], 200.0), &buyer(vec![Halal])), 1);
        assert_eq!(grade(&mk(vec![], 200.0), &buyer(vec![Bpom])), 2);
        let other = Latent {
            makes: vec![Item {
                concept: concept("pouch"),
                per_month: 1e6,
                requires: vec![],
            }],
            ..mk(vec![], 0.0)
        };
        assert_eq!(grade(&other, &buyer(vec![])), 0);
    }
}
