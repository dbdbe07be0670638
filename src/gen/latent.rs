//! The latent records: a firm's line, province, the concepts it truly makes and needs with
//! their quantities, and its certifications; and the truth grades and labels read off them.

use super::catalog::{concept, CertProfile, Concept, Line, CONCEPTS, LINES};
use super::{Item, Latent};
use crate::domain::{Certification, Period, Province};
use crate::tuning::Label;
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::SliceRandom;
use rand::Rng;
use std::collections::{BTreeMap, HashMap};

const SIZE_FACTOR: [f64; 3] = [0.3, 1.0, 4.0];

fn lognormal<R: Rng>(rng: &mut R, sigma: f64) -> f64 {
    // Box–Muller: one normal draw is enough here.
    let (u, v): (f64, f64) = (rng.gen_range(1e-12..1.0), rng.gen());
    ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos() * sigma).exp()
}

/// A latent firm of line `line_ix`, without its id (which names its place: see [`draw`]).
///
/// [`draw`]: super::draw
pub(super) fn latent_firm<R: Rng>(rng: &mut R, line_ix: usize) -> Latent {
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

pub(super) fn labels<R: Rng>(rng: &mut R, latent: &[Latent], negatives: usize) -> Vec<Label> {
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
