//! The noise profiles: determinism, validity, and that each is as messy as documented.

use super::*;
use rand::SeedableRng;
use std::str::FromStr;

fn bench(profile: NoiseProfile, seed: u64, firms: usize) -> Benchmark {
    generate(&GenConfig::for_profile(profile, seed, firms))
}

/// Every rendered item (products, then needs) beside its latent concept.
fn items(b: &Benchmark) -> Vec<(&Concept, String, Option<String>)> {
    let mut out = Vec::new();
    for (f, l) in b.firms.iter().zip(&b.latent) {
        let products = f.products.as_deref().unwrap_or_default();
        assert_eq!(products.len(), l.makes.len());
        for (p, m) in products.iter().zip(&l.makes) {
            out.push((
                &CONCEPTS[m.concept],
                p.name.clone().unwrap_or_default(),
                p.hs_code.clone(),
            ));
        }
        let needs = f.needs.as_deref().unwrap_or_default();
        assert_eq!(needs.len(), l.needs.len());
        for (n, m) in needs.iter().zip(&l.needs) {
            out.push((
                &CONCEPTS[m.concept],
                n.name.clone().unwrap_or_default(),
                n.hs_code.clone(),
            ));
        }
    }
    out
}

fn is_canonical(c: &Concept, name: &str) -> bool {
    let name = name.trim().to_lowercase();
    c.indonesian.iter().chain(c.english).any(|n| *n == name)
}

struct Shares {
    not_canonical: f64,
    with_hs: f64,
}

fn shares(b: &Benchmark) -> Shares {
    let items = items(b);
    let n = items.len() as f64;
    Shares {
        not_canonical: items
            .iter()
            .filter(|(c, name, _)| !is_canonical(c, name))
            .count() as f64
            / n,
        with_hs: items.iter().filter(|(_, _, hs)| hs.is_some()).count() as f64 / n,
    }
}

#[test]
fn gen_profiles_parse_by_name_and_reject_others_clearly() {
    for p in NoiseProfile::ALL {
        assert_eq!(NoiseProfile::from_str(p.as_str()), Ok(p));
        assert_eq!(p.to_string(), p.as_str());
    }
    assert_eq!(" Hard ".parse::<NoiseProfile>(), Ok(NoiseProfile::Hard));
    let err = "messy".parse::<NoiseProfile>().unwrap_err();
    assert_eq!(
        err,
        "unknown noise profile 'messy': use clean, realistic, hard"
    );
    assert_eq!(NoiseProfile::default(), NoiseProfile::Realistic);
    // The default configuration is today's realistic rendering.
    let d = GenConfig::default();
    assert_eq!(d, GenConfig::for_profile(NoiseProfile::Realistic, 1, 1000));
    assert_eq!(
        (
            d.english_rate,
            d.typo_rate,
            d.qualifier_rate,
            d.hs_code_rate
        ),
        (0.2, 0.08, 0.2, 0.55)
    );
    assert_eq!(d.negatives_per_firm, 20);
}

#[test]
fn gen_every_profile_is_deterministic_and_every_firm_parses() {
    let reference = Reference::shared();
    let realistic = bench(NoiseProfile::Realistic, 5, 250);
    for p in NoiseProfile::ALL {
        let a = bench(p, 5, 250);
        let b = bench(p, 5, 250);
        assert_eq!(a.firms, b.firms, "{p}");
        assert_eq!(a.labels, b.labels, "{p}");
        assert_eq!(a.noise, b.noise, "{p}");
        for f in &a.firms {
            let parsed = f.parse(reference);
            assert!(parsed.is_ok(), "{p}: {:?}: {:?}", f.id, parsed.err());
        }
        assert_ne!(a.firms, bench(p, 6, 250).firms, "{p}");
        // Profiles change the words only: same latent firms, same labels.
        assert_eq!(a.latent, realistic.latent, "{p}");
        assert_eq!(a.labels, realistic.labels, "{p}");
        if p != NoiseProfile::Realistic {
            assert_ne!(a.firms, realistic.firms, "{p}");
        }
    }
}

#[test]
fn gen_clean_names_are_canonical_and_codes_whole() {
    let b = bench(NoiseProfile::Clean, 9, 400);
    let items = items(&b);
    for (c, name, hs) in &items {
        assert!(is_canonical(c, name), "{}: {name}", c.key);
        if let Some(hs) = hs {
            assert_eq!(hs, c.hs, "{}", c.key);
        }
    }
    let s = shares(&b);
    assert!((0.55..0.65).contains(&s.with_hs), "{}", s.with_hs);
    let t = &b.noise;
    assert_eq!(t.names, items.len());
    assert_eq!(
        (
            t.qualified,
            t.merged,
            t.split,
            t.one_edit,
            t.two_edits,
            t.mixed_language
        ),
        (0, 0, 0, 0, 0, 0)
    );
}

#[test]
fn gen_hard_profile_is_as_messy_as_documented() {
    let hard = bench(NoiseProfile::Hard, 2, 2000);
    let s = shares(&hard);
    assert!(
        s.not_canonical >= 0.40,
        "not canonical: {}",
        s.not_canonical
    );
    assert!(s.with_hs < 1.0 / 3.0, "with an HS code: {}", s.with_hs);
    assert!(s.with_hs > 0.15, "with an HS code: {}", s.with_hs);
    let t = &hard.noise;
    let rate = |k: usize| k as f64 / t.names as f64;
    assert!(t.merged > 0 && t.split > 0, "{t:?}");
    assert!(t.one_edit > 0 && t.two_edits > 0, "{t:?}");
    assert!(
        (0.30..0.40).contains(&rate(t.one_edit + t.two_edits)),
        "{t:?}"
    );
    assert!((0.12..0.18).contains(&rate(t.merged + t.split)), "{t:?}");
    assert!((0.26..0.34).contains(&rate(t.qualified)), "{t:?}");
    assert!((0.17..0.23).contains(&rate(t.mixed_language)), "{t:?}");
    assert!(t.hs_heading > 0 && t.hs_wrong > 0, "{t:?}");
    let wrong = t.hs_wrong as f64 / t.hs_given as f64;
    assert!((0.02..0.08).contains(&wrong), "{t:?}");
    // A wrong code is another subheading of the concept's own heading; a short one is the
    // heading itself.
    let mut seen_wrong = 0;
    for (c, _, hs) in items(&hard) {
        let Some(hs) = hs else { continue };
        let digits: String = hs.chars().filter(char::is_ascii_digit).collect();
        assert_eq!(&digits[..4], &c.hs[..4], "{}: {hs}", c.key);
        if digits.len() == 6 && digits != c.hs {
            seen_wrong += 1;
        }
    }
    assert_eq!(seen_wrong, t.hs_wrong);
    // Realistic sits between clean and hard.
    let realistic = shares(&bench(NoiseProfile::Realistic, 2, 500));
    assert!(
        (0.1..s.not_canonical).contains(&realistic.not_canonical),
        "{}",
        realistic.not_canonical
    );
}

#[test]
fn gen_keyboard_typos_make_the_edits_asked_and_spare_first_letters() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for name in [
        "kopi arabika green bean",
        "rumput laut kering cottonii",
        "madu",
    ] {
        for edits in [1, 2] {
            for _ in 0..200 {
                let t = keyboard_typo(&mut rng, name, edits);
                assert_eq!(edit_distance(name, &t), edits, "{name} → {t}");
                let firsts = |s: &str| s.split(' ').map(|w| w.chars().next()).collect::<Vec<_>>();
                assert_eq!(firsts(name), firsts(&t), "{name} → {t}");
            }
        }
    }
    assert_eq!(edit_distance("kopi", "kpoi"), 1);
    assert_eq!(edit_distance("kopi", "kopii"), 1);
    assert_eq!(edit_distance("kopi", "kpi"), 1);
    assert_eq!(edit_distance("kopi", "kopu"), 1);
    assert_eq!(edit_distance("kopi", "kpu"), 2);
    // Nothing to edit in a name without an inner letter.
    assert_eq!(keyboard_typo(&mut rng, "a b", 1), "a b");
}

#[test]
fn gen_merged_and_split_words_change_only_the_spacing() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let squeeze = |s: &str| s.replace(' ', "");
    for _ in 0..100 {
        let m = merge_words(&mut rng, "tepung gandum halus").unwrap();
        assert_eq!(squeeze(&m), "tepunggandumhalus");
        assert_eq!(m.matches(' ').count(), 1, "{m}");
        let s = split_word(&mut rng, "kain tenun").unwrap();
        assert_eq!(squeeze(&s), "kaintenun");
        assert!(s.split(' ').all(|w| w.chars().count() >= 2), "{s}");
        assert_eq!(s.matches(' ').count(), 2, "{s}");
    }
    assert_eq!(merge_words(&mut rng, "madu"), None);
    assert_eq!(split_word(&mut rng, "kopi"), None);
    assert_eq!(split_word(&mut rng, "tenun").map(|s| s.len()), Some(6));
}

#[test]
fn gen_neighbouring_subheadings_stay_in_the_heading() {
    let reference = Reference::shared();
    assert_eq!(
        neighbour_subheadings(reference, "080131"),
        ["080122", "080132"]
    );
    assert_eq!(neighbour_subheadings(reference, "090111"), ["090112"]);
    // Honey has no other subheading: no wrong code to give.
    assert!(neighbour_subheadings(reference, "040900").is_empty());
}

/// Pairs of concepts in the same HS heading, of different subheadings and groups, each
/// made by some line and bought by some line, the two bought by different sets of lines:
/// a matcher that trusts the heading or a shared word confuses them.
fn sibling_pairs() -> Vec<(&'static str, &'static str)> {
    let lines_that = |key: &str, buy: bool| -> Vec<&str> {
        LINES
            .iter()
            .filter(|l| if buy { l.buys } else { l.makes }.contains(&key))
            .map(|l| l.key)
            .collect()
    };
    let mut pairs = Vec::new();
    for (i, a) in CONCEPTS.iter().enumerate() {
        for b in &CONCEPTS[i + 1..] {
            let (buy_a, buy_b) = (lines_that(a.key, true), lines_that(b.key, true));
            if a.hs[..4] == b.hs[..4]
                && a.hs != b.hs
                && a.group != b.group
                && !buy_a.is_empty()
                && !buy_b.is_empty()
                && buy_a != buy_b
                && !lines_that(a.key, false).is_empty()
                && !lines_that(b.key, false).is_empty()
            {
                pairs.push((a.key, b.key));
            }
        }
    }
    pairs
}

#[test]
fn gen_catalogue_has_processing_stage_siblings_graded_zero() {
    let pairs = sibling_pairs();
    assert!(pairs.len() >= 3, "{pairs:?}");
    for expected in [
        ("kopi-arabika-gb", "kopi-sangrai"),
        ("kelapa-butir", "kelapa-parut"),
        ("gabah", "beras"),
        ("rotan", "bambu"),
    ] {
        let found = pairs
            .iter()
            .any(|&(a, b)| (a, b) == expected || (b, a) == expected);
        assert!(found, "{expected:?} not in {pairs:?}");
    }
    // A maker of one sibling is no supplier for a buyer of the other.
    let firm = |makes: &str, needs: &str| Latent {
        id: format!("{makes}/{needs}"),
        line: 0,
        province: Province::Ntb,
        certifications: vec![],
        makes: vec![Item {
            concept: concept(makes),
            per_month: 1e6,
            requires: vec![],
        }],
        needs: vec![Item {
            concept: concept(needs),
            per_month: 1.0,
            requires: vec![],
        }],
    };
    for (a, b) in pairs {
        let (maker, buyer) = (firm(a, "kaleng"), firm("kaleng", b));
        assert_eq!(directed_grade(&maker, &buyer), 0, "{a} for a buyer of {b}");
        let (maker, buyer) = (firm(b, "kaleng"), firm("kaleng", a));
        assert_eq!(directed_grade(&maker, &buyer), 0, "{b} for a buyer of {a}");
    }
}
