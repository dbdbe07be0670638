use super::catalog::ARCHETYPES;
use super::*;
use std::collections::HashSet;
use std::time::{Duration, Instant};

#[test]
fn every_generated_firm_parses() {
    let reference = Reference::shared();
    for seed in 1..=5 {
        for (i, firm) in generate(seed, 500).iter().enumerate() {
            if let Err(errors) = firm.parse(reference) {
                panic!(
                    "seed {seed} firm {i} ({:?}) is invalid: {errors:?}",
                    firm.id
                );
            }
        }
    }
}

#[test]
fn same_seed_same_firms_other_seed_other_firms() {
    assert_eq!(generate(7, 300), generate(7, 300));
    assert_ne!(generate(7, 300), generate(8, 300));
    // A larger run extends a smaller one: ids stay stable as the demo grows.
    assert_eq!(generate(7, 100)[..], generate(7, 300)[..100]);
}

#[test]
fn about_half_of_the_firms_are_from_each_province() {
    let firms = generate(3, 2000);
    let ntb = firms
        .iter()
        .filter(|f| f.province.as_deref() == Some("NTB"))
        .count();
    assert!((900..=1100).contains(&ntb), "{ntb} of 2000 from NTB");
}

#[test]
fn ids_are_unique_readable_slugs() {
    let firms = generate(11, 5000);
    let mut seen = HashSet::new();
    for f in &firms {
        let id = f.id.as_deref().expect("every demo firm has an id");
        assert!(crate::domain::FirmId::parse(id).is_ok(), "{id}");
        assert!(id.starts_with("ntb-") || id.starts_with("jatim-"), "{id}");
        assert!(seen.insert(id.to_string()), "duplicate id {id}");
    }
    assert_eq!(
        firms[41].id.as_deref().map(|id| id.ends_with("-0042")),
        Some(true)
    );
}

#[test]
fn every_catalog_code_and_regency_exists_in_the_reference_tables() {
    let r = Reference::shared();
    for a in ARCHETYPES {
        for code in a.kbli {
            assert!(r.kbli_subclass(code).is_some(), "{}: KBLI {code}", a.key);
        }
        for (name, _) in a.regencies {
            assert!(
                r.find_regency(a.province, name).is_some(),
                "{}: {name}",
                a.key
            );
        }
        for item in a.products.iter().chain(a.needs) {
            assert_eq!(item.hs.len(), 6, "{}: {}", a.key, item.hs);
            assert!(r.hs(item.hs).is_some(), "{}: HS {}", a.key, item.hs);
            assert!(item.base > 0.0);
        }
    }
}

#[test]
fn every_code_used_by_generated_firms_exists() {
    let r = Reference::shared();
    for f in generate(21, 1000) {
        for code in f.kbli.iter().flatten() {
            assert!(r.kbli_subclass(code).is_some(), "KBLI {code}");
        }
        let hs = f
            .products
            .iter()
            .flatten()
            .filter_map(|p| p.hs_code.as_deref())
            .chain(
                f.needs
                    .iter()
                    .flatten()
                    .filter_map(|n| n.hs_code.as_deref()),
            );
        for code in hs {
            assert!(r.hs(&code.replace('.', "")).is_some(), "HS {code}");
        }
    }
}

#[test]
fn needs_of_one_province_are_products_of_the_other() {
    // The point of the demo: most needs (by HS code) can be met across the partnership.
    // Not all: Jatim industry also buys steel, resin and paper that NTB does not make.
    for p in Province::ALL {
        let offered: HashSet<&str> = ARCHETYPES
            .iter()
            .filter(|a| a.province == p.other())
            .flat_map(|a| a.products.iter().map(|i| i.hs))
            .collect();
        let needs: Vec<&str> = ARCHETYPES
            .iter()
            .filter(|a| a.province == p)
            .flat_map(|a| a.needs.iter().map(|i| i.hs))
            .collect();
        let met = needs.iter().filter(|hs| offered.contains(*hs)).count();
        assert!(
            met * 10 >= needs.len() * 6,
            "{p}: only {met} of {} needs have a supplier in {}",
            needs.len(),
            p.other()
        );
    }
}

#[test]
fn sizes_employees_and_certifications_are_consistent() {
    let reference = Reference::shared();
    let mut hs_present = 0;
    let mut hs_total = 0;
    for f in generate(4, 2000) {
        let (_, profile) = f.parse(reference).expect("valid");
        let range = match profile.size {
            FirmSize::Micro => 1..=4,
            FirmSize::Small => 5..=19,
            FirmSize::Medium => 20..=99,
        };
        assert!(range.contains(&profile.employees), "{}", profile.name);
        // KBLI divisions 13 to 32: textiles, crafts and industry, never food permits.
        let division: u32 = profile.kbli[0][..2].parse().expect("digits");
        if (13..=32).contains(&division) {
            assert!(
                !profile.has_certification(Certification::Pirt),
                "{}",
                profile.name
            );
            assert!(
                !profile.has_certification(Certification::Bpom),
                "{}",
                profile.name
            );
        }
        if profile.kbli[0].starts_with("12") {
            assert!(
                !profile.has_certification(Certification::Halal),
                "{}",
                profile.name
            );
        }
        assert!(!profile.products.is_empty());
        for p in &profile.products {
            hs_total += 1;
            hs_present += usize::from(p.hs_code.is_some());
        }
    }
    let share = hs_present as f64 / hs_total as f64;
    assert!(
        (0.6..0.8).contains(&share),
        "HS code on {share:.2} of products"
    );
}

#[test]
fn twenty_thousand_firms_are_quick_even_in_debug() {
    let start = Instant::now();
    let firms = generate(1, 20_000);
    let took = start.elapsed();
    assert_eq!(firms.len(), 20_000);
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

/// `cargo test --release --lib demo::tests::report -- --ignored --nocapture`: timings at
/// demo and benchmark sizes, and a few firms to look at.
#[test]
#[ignore]
fn report() {
    for n in [3_000, 200_000] {
        let start = Instant::now();
        let firms = generate(DemoConfig::default().seed, n);
        println!("{n} firms in {:?}", start.elapsed());
        assert_eq!(firms.len(), n);
    }
    let sample = generate(DemoConfig::default().seed, 3);
    println!(
        "{}",
        serde_json::to_string_pretty(&sample).expect("serialisable")
    );
}
