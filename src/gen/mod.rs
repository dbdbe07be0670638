//! Benchmark data with a hidden ground truth, for measuring and tuning the ranking.
//!
//! Owns the synthetic benchmark. Each firm is first drawn as a latent record: a line of
//! business ([`catalog::LINES`]), the product concepts it truly makes with a monthly
//! capacity, the concepts it truly needs with a monthly volume and the certifications it
//! requires, and the certifications it holds. The firm is then *rendered* into a
//! [`FirmInput`] with the noise of real forms: Indonesian or English names and synonyms,
//! typos, qualifiers, missing or shortened HS codes, and the same quantity in kuintal, ton,
//! lusin or kodi, per day, week, month or year.
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
//! Deterministic for a seed (ChaCha8); every firm passes [`FirmInput::parse`].

pub mod catalog;

use crate::domain::firm::{NeedInput, ProductInput, RateInput};
use crate::domain::{Certification, FirmInput, Period, Province, Reference, Unit};
use crate::tuning::Label;
use catalog::{concept, CertProfile, Concept, Line, CONCEPTS, LINES};
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashMap};

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct GenConfig {
    pub seed: u64,
    pub firms: usize,
    /// Grade-0 pairs sampled per firm for the labels.
    pub negatives_per_firm: usize,
    /// Probability that a product or need carries an HS code.
    pub hs_code_rate: f64,
    /// Probability that a name is in English.
    pub english_rate: f64,
    /// Probability of a typo in a name.
    pub typo_rate: f64,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            seed: 1,
            firms: 1000,
            negatives_per_firm: 20,
            hs_code_rate: 0.55,
            english_rate: 0.2,
            typo_rate: 0.08,
        }
    }
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
}

/// Generates the benchmark for `config`.
pub fn generate(config: &GenConfig) -> Benchmark {
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    let reference = Reference::shared();
    let lines = WeightedIndex::new(LINES.iter().map(|l| l.weight)).expect("positive weights");
    let regencies: [Vec<String>; 2] =
        Province::ALL.map(|p| reference.regencies_of(p).map(|r| r.code.clone()).collect());
    let mut latent = Vec::with_capacity(config.firms);
    let mut firms = Vec::with_capacity(config.firms);
    for n in 1..=config.firms {
        let line = lines.sample(&mut rng);
        let l = latent_firm(&mut rng, line, n);
        let regency = regencies[l.province as usize]
            .choose(&mut rng)
            .expect("regencies")
            .clone();
        firms.push(render(&mut rng, config, reference, &l, regency));
        latent.push(l);
    }
    let labels = labels(&mut rng, &latent, config.negatives_per_firm);
    Benchmark {
        firms,
        latent,
        labels,
    }
}

const SIZE_FACTOR: [f64; 3] = [0.3, 1.0, 4.0];

fn lognormal<R: Rng>(rng: &mut R, sigma: f64) -> f64 {
    // Box–Muller: one normal draw is enough here.
    let (u, v): (f64, f64) = (rng.gen_range(1e-12..1.0), rng.gen());
    ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos() * sigma).exp()
}

fn latent_firm<R: Rng>(rng: &mut R, line_ix: usize, n: usize) -> Latent {
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
    let prov = province.as_str().to_ascii_lowercase();
    Latent {
        id: format!("{prov}-{}-{n:05}", line.key),
        line: line_ix,
        province,
        certifications,
        makes,
        needs,
    }
}

const FANCY: &[&str] = &[
    "Jaya",
    "Makmur",
    "Abadi",
    "Sentosa",
    "Mandiri",
    "Sejahtera",
    "Berkah",
    "Barokah",
    "Lestari",
    "Rinjani",
    "Samawa",
    "Prima",
    "Agung",
    "Sinar",
    "Mulia",
    "Karya",
    "Utama",
    "Nusantara",
];
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

fn render_name<R: Rng>(rng: &mut R, config: &GenConfig, c: &Concept) -> String {
    let names = if rng.gen_bool(config.english_rate) {
        c.english
    } else {
        c.indonesian
    };
    let mut name = names.choose(rng).copied().unwrap_or(c.key).to_string();
    if rng.gen_bool(0.2) {
        name.push_str(QUALIFIERS.choose(rng).copied().unwrap_or(""));
    }
    if rng.gen_bool(config.typo_rate) {
        name = typo(rng, &name);
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

fn render_hs<R: Rng>(
    rng: &mut R,
    config: &GenConfig,
    reference: &Reference,
    c: &Concept,
) -> Option<String> {
    if !rng.gen_bool(config.hs_code_rate) {
        return None;
    }
    let heading = &c.hs[..4];
    Some(match rng.gen_range(0..10) {
        0..=1 if reference.hs(heading).is_some() => heading.to_string(),
        2..=3 => format!("{}.{}", heading, &c.hs[4..]),
        _ => c.hs.to_string(),
    })
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

fn render<R: Rng>(
    rng: &mut R,
    config: &GenConfig,
    reference: &Reference,
    l: &Latent,
    regency: String,
) -> FirmInput {
    let line = &LINES[l.line];
    // The size class follows the largest latent product relative to its concept's base.
    let scale = l
        .makes
        .iter()
        .map(|m| m.per_month / (CONCEPTS[m.concept].base * CONCEPTS[m.concept].per.per_month()))
        .fold(0.0, f64::max);
    let (size, employees) = if scale >= 2.5 {
        ("medium", rng.gen_range(20..=99))
    } else if scale >= 0.6 {
        ("small", rng.gen_range(5..=19))
    } else {
        ("micro", rng.gen_range(1..=4))
    };
    let form = match size {
        "medium" => ["PT", "CV"][rng.gen_range(0..2)],
        "small" => ["CV", "UD", "Koperasi"][rng.gen_range(0..3)],
        _ => ["UD", "KUB", "IKM", ""][rng.gen_range(0..4)],
    };
    let name = format!(
        "{} {} {}",
        form,
        line.core.choose(rng).copied().unwrap_or(line.key),
        FANCY.choose(rng).copied().unwrap_or("Jaya")
    )
    .trim()
    .to_string();
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
                name: Some(render_name(rng, config, c)),
                hs_code: render_hs(rng, config, reference, c),
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
                name: Some(render_name(rng, config, c)),
                hs_code: render_hs(rng, config, reference, c),
                volume: Some(render_rate(rng, c, n.per_month)),
                required_certifications: Some(
                    n.requires.iter().map(|c| c.as_str().to_string()).collect(),
                ),
            }
        })
        .collect();
    FirmInput {
        id: Some(l.id.clone()),
        name: Some(name),
        province: Some(l.province.as_str().to_string()),
        regency: Some(regency),
        kbli: Some(kbli),
        size: Some(size.to_string()),
        employees: Some(employees),
        certifications: Some(
            l.certifications
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
        ),
        products: Some(products),
        needs: Some(needs),
        contact: None,
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
