//! Where the ranking loses NDCG@10 on the benchmark: for each labelled query, the grades of
//! mitra's top 10 against the ideal top 10, and which kind of mistake costs how much.
//!
//!     cargo run --release --example quality_gaps -- [--firms 2000] [--seed 101]
//!         [--profile hard] [--show 5] [--config scoring.json]
//!
//! Kinds of loss, summed over queries as DCG lost at each rank: a rank left empty (the
//! list ended), a grade-0 partner, a partner one or more grades below the ideal one.
//! `--show N` prints N queries that lost most, with both sides' latent truth.

use mitra::gen::{generate, GenConfig, Latent, NoiseProfile};
use mitra::matching::{Direction, MatchQuery, Matcher, Scope, ScoringConfig};
use mitra::tuning::metrics::{dcg, gain};
use std::collections::HashMap;
use std::sync::Arc;

/// A ranked partner: its id, its truth grade and mitra's score.
type Ranked = (String, u8, f64);

fn arg(name: &str, default: &str) -> String {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_string())
}

fn main() {
    let firms: usize = arg("--firms", "2000").parse().expect("a number");
    let seed: u64 = arg("--seed", "101").parse().expect("a number");
    let profile: NoiseProfile = arg("--profile", "hard").parse().expect("a profile");
    let show: usize = arg("--show", "0").parse().expect("a number");
    let bench = generate(&GenConfig::for_profile(profile, seed, firms));
    let parsed: Vec<Arc<mitra::domain::Firm>> = {
        let reference = mitra::domain::Reference::shared();
        let at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        bench
            .firms
            .iter()
            .map(|input| {
                let (id, profile) = input.clone().parse(reference).expect("valid");
                Arc::new(mitra::domain::Firm {
                    id: id.expect("id"),
                    profile,
                    version: 1,
                    created_at: at,
                    updated_at: at,
                })
            })
            .collect()
    };
    let latent: HashMap<&str, &Latent> = bench.latent.iter().map(|l| (l.id.as_str(), l)).collect();
    let mut partners: HashMap<&str, HashMap<&str, u8>> = HashMap::new();
    for l in &bench.labels {
        partners.entry(&l.a).or_default().insert(&l.b, l.grade);
        partners.entry(&l.b).or_default().insert(&l.a, l.grade);
    }
    let config: ScoringConfig = match arg("--config", "").as_str() {
        "" => ScoringConfig::default(),
        path => serde_json::from_str(&std::fs::read_to_string(path).expect("a config file"))
            .expect("a scoring config"),
    };
    let matcher = Matcher::build(config, parsed.iter().cloned());
    let query = MatchQuery {
        k: 10,
        direction: Direction::Both,
        scope: Scope::Both,
        min_score: 0.0,
    };
    let (mut empty, mut zero, mut lower, mut total_ideal) = (0.0, 0.0, 0.0, 0.0);
    let mut ndcg_sum = 0.0;
    let mut queries = 0usize;
    let mut worst: Vec<(f64, String, Vec<Ranked>)> = Vec::new();
    let mut why: HashMap<&'static str, f64> = HashMap::new();
    for firm in &parsed {
        let Some(ps) = partners.get(firm.id.as_str()) else {
            continue;
        };
        if !ps.values().any(|&g| g >= 2) {
            continue;
        }
        queries += 1;
        let mut ideal: Vec<u8> = ps.values().copied().collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let found = matcher.matches_for(&firm.id, &query).unwrap_or_default();
        let got: Vec<(String, u8, f64)> = found
            .iter()
            .map(|m| {
                let g = ps.get(m.partner.id.as_str()).copied().unwrap_or(0);
                (m.partner.id.to_string(), g, m.score)
            })
            .collect();
        let grades: Vec<u8> = got.iter().map(|x| x.1).collect();
        let best = dcg(&ideal, 10);
        ndcg_sum += dcg(&grades, 10) / best;
        total_ideal += 1.0;
        for i in 0..10 {
            let want = ideal.get(i).copied().unwrap_or(0);
            let d = 1.0 / ((i + 2) as f64).log2() / best;
            match grades.get(i) {
                None => empty += gain(want) * d,
                Some(0) => zero += gain(want) * d,
                Some(&g) if g < want => {
                    lower += (gain(want) - gain(g)) * d;
                    let p = latent[got[i].0.as_str()];
                    let q = latent[firm.id.as_str()];
                    *why.entry(cause(q, p, g)).or_default() += (gain(want) - gain(g)) * d;
                }
                _ => {}
            }
        }
        let loss = 1.0 - dcg(&grades, 10) / best;
        worst.push((loss, firm.id.to_string(), got));
    }
    println!(
        "{profile} {firms} firms seed {seed}: {queries} queries, NDCG@10 {:.3}",
        ndcg_sum / total_ideal
    );
    println!(
        "NDCG lost to: empty ranks {:.3}, grade-0 partners {:.3}, lower grades {:.3}",
        empty / total_ideal,
        zero / total_ideal,
        lower / total_ideal
    );
    let mut why: Vec<_> = why.into_iter().collect();
    why.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (cause, lost) in why {
        println!("  {cause}: {:.3}", lost / total_ideal);
    }
    worst.sort_by(|a, b| b.0.total_cmp(&a.0));
    let firm_of: HashMap<&str, &mitra::domain::Firm> =
        parsed.iter().map(|f| (f.id.as_str(), f.as_ref())).collect();
    let describe = |id: &str| {
        let f = firm_of[id];
        let l = latent[id];
        let items = |xs: &[mitra::domain::firm::Product]| {
            xs.iter()
                .map(|p| format!("{:?}", p.name()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "{id} makes [{}] needs [{}] certs {:?}\n      latent makes {:?}\n      latent needs {:?}",
            items(f.profile.products()),
            f.profile
                .needs()
                .iter()
                .map(|n| format!("{:?} {:?}", n.name(), n.required_certifications()))
                .collect::<Vec<_>>()
                .join(", "),
            l.certifications,
            l.makes
                .iter()
                .map(|m| (mitra::gen::catalog::CONCEPTS[m.concept].key, m.per_month as i64))
                .collect::<Vec<_>>(),
            l.needs
                .iter()
                .map(|m| (mitra::gen::catalog::CONCEPTS[m.concept].key, m.per_month as i64))
                .collect::<Vec<_>>(),
        )
    };
    for (loss, id, got) in worst.iter().take(show) {
        println!("\n== {id} lost {loss:.3}\n  {}", describe(id));
        let ps = &partners[id.as_str()];
        let mut best: Vec<(&&str, &u8)> = ps.iter().filter(|(_, &g)| g >= 2).collect();
        best.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (pid, g, s) in got {
            println!("  got  g{g} {s:.3} {}", describe(pid));
        }
        for (pid, g) in best.iter().take(3) {
            println!("  want g{g} {}", describe(pid));
        }
    }
}

/// Why the pair has the grade it has (the better direction), from the latent truth.
fn cause(q: &Latent, p: &Latent, grade: u8) -> &'static str {
    use mitra::domain::Certification;
    use mitra::gen::catalog::CONCEPTS;
    let mut out = "other";
    for (s, b) in [(q, p), (p, q)] {
        if mitra::gen::directed_grade(s, b) != grade {
            continue;
        }
        for need in &b.needs {
            for m in &s.makes {
                if m.concept == need.concept {
                    let halal = need.requires.contains(&Certification::Halal)
                        && !s.certifications.contains(&Certification::Halal);
                    let certs = need.requires.iter().all(|c| s.certifications.contains(c));
                    out = if halal {
                        "g1 halal missing"
                    } else if !certs {
                        "g2 certification missing"
                    } else if m.per_month < need.per_month {
                        "g2 capacity short"
                    } else {
                        out
                    };
                } else if CONCEPTS[m.concept].group == CONCEPTS[need.concept].group && grade == 1 {
                    if CONCEPTS[m.concept].hs == CONCEPTS[need.concept].hs && out == "other" {
                        out = "g1 same HS-6, other variety";
                    } else if out == "other" {
                        out = "g1 same group, other HS-6";
                    }
                }
            }
        }
    }
    out
}
