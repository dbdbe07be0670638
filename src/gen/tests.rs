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
    let by_id: HashMap<&str, &Latent> = bench.latent.iter().map(|l| (l.id.as_str(), l)).collect();
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
