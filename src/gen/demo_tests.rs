//! The demo data (`mitra demo`, `serve --demo`): the `realistic` profile with the firms'
//! people, places and contacts.

use super::*;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const SEED: u64 = 5235;

fn latent(seed: u64, firms: usize) -> (Vec<FirmInput>, Vec<Latent>) {
    let config = GenConfig::for_profile(NoiseProfile::Realistic, seed, firms);
    let (firms, latent, _) = draw(&mut ChaCha8Rng::seed_from_u64(seed), &config);
    (firms, latent)
}

#[test]
fn demo_firms_parse_and_a_larger_run_extends_a_smaller_one() {
    let reference = Reference::shared();
    for seed in 1..=3 {
        for (i, firm) in demo(seed, 400).iter().enumerate() {
            if let Err(errors) = firm.parse(reference) {
                panic!(
                    "seed {seed} firm {i} ({:?}) is invalid: {errors:?}",
                    firm.id
                );
            }
        }
    }
    assert_eq!(demo(7, 300), demo(7, 300));
    assert_ne!(demo(7, 300), demo(8, 300));
    // Ids stay stable as the demo grows.
    assert_eq!(demo(7, 100)[..], demo(7, 300)[..100]);
}

#[test]
fn demo_ids_are_unique_readable_slugs_naming_province_line_and_place() {
    let (firms, latent) = latent(11, 5000);
    let mut seen = HashSet::new();
    for (f, l) in firms.iter().zip(&latent) {
        let id = f.id.as_deref().expect("every firm has an id");
        assert_eq!(id, l.id, "the labels name the firms by their ids");
        assert!(crate::domain::FirmId::parse(id).is_ok(), "{id}");
        let prefix = format!(
            "{}-{}-",
            l.province.as_str().to_ascii_lowercase(),
            LINES[l.line].key
        );
        assert!(id.starts_with(&prefix), "{id}");
        let place = &id[prefix.len()..id.len() - 5];
        assert!(!place.is_empty() && !place.ends_with('-'), "{id}");
        assert!(seen.insert(id.to_string()), "duplicate id {id}");
    }
    assert!(firms[41].id.as_deref().unwrap().ends_with("-0042"));
}

#[test]
fn demo_firms_have_people_places_and_contacts_that_fit() {
    let reference = Reference::shared();
    let firms = demo(4, 2000);
    let (mut contacts, mut phones, mut emails) = (0, 0, 0);
    for f in &firms {
        let (_, profile) = f.parse(reference).expect("valid");
        let range = match profile.size() {
            FirmSize::Micro => 1..=4,
            FirmSize::Small => 5..=19,
            FirmSize::Medium => 20..=99,
        };
        assert!(range.contains(&profile.employees()), "{}", profile.name());
        assert!(
            profile.regency().starts_with(profile.province().code()),
            "{}: {}",
            profile.name(),
            profile.regency()
        );
        let form = profile.name().split(' ').next().unwrap_or("");
        if ["PT", "CV", "UD", "KUB", "IKM", "Koperasi", "PR"].contains(&form) {
            assert!(profile.name().len() > form.len() + 1, "{}", profile.name());
        }
        // Groups are how crafts and smallholders organise, not packaging plants.
        if profile.kbli()[0].starts_with("22") || profile.kbli()[0].starts_with("28") {
            assert!(!profile.name().starts_with("KUB "), "{}", profile.name());
        }
        if let Some(c) = profile.contact() {
            contacts += 1;
            assert!(!c.person.trim().is_empty());
            phones += usize::from(c.phone.is_some());
            if let Some(e) = &c.email {
                emails += 1;
                assert!(e.contains('@') && !e.contains(' '), "{e}");
            }
        }
    }
    let share = |n: usize| n as f64 / firms.len() as f64;
    assert!(share(contacts) > 0.9, "{contacts}");
    assert!(share(phones) > 0.8, "{phones}");
    assert!((0.6..0.8).contains(&share(emails)), "{emails}");
}

#[test]
fn demo_certifications_fit_the_line() {
    let reference = Reference::shared();
    for f in demo(4, 2000) {
        let (_, profile) = f.parse(reference).expect("valid");
        // KBLI divisions 13 to 32: textiles, crafts and industry, never food permits.
        let division: u32 = profile.kbli()[0][..2].parse().expect("digits");
        if (13..=32).contains(&division) {
            assert!(
                !profile.has_certification(Certification::Pirt),
                "{}",
                profile.name()
            );
            assert!(
                !profile.has_certification(Certification::Bpom),
                "{}",
                profile.name()
            );
        }
        // Tobacco is not certified halal.
        if profile.kbli()[0].starts_with("12") {
            assert!(
                !profile.has_certification(Certification::Halal),
                "{}",
                profile.name()
            );
        }
        assert!(!profile.products().is_empty());
    }
}

#[test]
fn demo_needs_of_one_province_are_met_by_makers_of_the_other() {
    // The point of the demo: most needs find a maker across the partnership, and both
    // provinces are well represented.
    let (_, latent) = latent(SEED, 3000);
    for p in Province::ALL {
        let firms = latent.iter().filter(|l| l.province == p).count();
        assert!(firms * 10 >= latent.len() * 3, "{p}: {firms} firms");
        let made: HashSet<usize> = latent
            .iter()
            .filter(|l| l.province == p.other())
            .flat_map(|l| l.makes.iter().map(|m| m.concept))
            .collect();
        let needs: Vec<usize> = latent
            .iter()
            .filter(|l| l.province == p)
            .flat_map(|l| l.needs.iter().map(|n| n.concept))
            .collect();
        let met = needs.iter().filter(|c| made.contains(c)).count();
        assert!(
            met * 10 >= needs.len() * 9,
            "{p}: only {met} of {} needs have a maker in {}",
            needs.len(),
            p.other()
        );
    }
}

#[test]
fn the_readme_walks_pouch_makers_are_in_the_demo_store() {
    // README.md registers two demo firms that make standing pouches for CV Kopi Sembalun:
    // they must exist in `serve --demo` (seed 5235, 3 000 firms) and make pouches.
    let readme = include_str!("../../README.md");
    let (_, latent) = latent(SEED, 3000);
    let pouch = catalog::concept("pouch");
    let named: Vec<&str> = readme
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|w| w.starts_with("jatim-plastik-"))
        .collect();
    assert!(named.len() >= 2, "{named:?}");
    for id in named {
        let firm = latent
            .iter()
            .find(|l| l.id == id)
            .unwrap_or_else(|| panic!("{id} is not a demo firm"));
        assert!(
            firm.makes.iter().any(|m| m.concept == pouch),
            "{id} makes no pouch"
        );
    }
}

#[test]
fn twenty_thousand_demo_firms_are_quick_even_in_debug() {
    let start = Instant::now();
    let firms = demo(1, 20_000);
    let took = start.elapsed();
    assert_eq!(firms.len(), 20_000);
    assert!(took < Duration::from_secs(15), "took {took:?}");
}

/// `cargo test --release --lib gen::demo_tests::report -- --ignored --nocapture`: timings
/// at demo and benchmark sizes, and a few firms to look at.
#[test]
#[ignore]
fn report() {
    for n in [3_000, 200_000] {
        let start = Instant::now();
        let firms = demo(SEED, n);
        println!("{n} firms in {:?}", start.elapsed());
        assert_eq!(firms.len(), n);
    }
    let sample = demo(SEED, 3);
    println!(
        "{}",
        serde_json::to_string_pretty(&sample).expect("serialisable")
    );
}
