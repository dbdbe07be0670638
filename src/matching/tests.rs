//! Known-answer and property tests of scoring, ranking and the candidate index.

use super::*;
use crate::domain::{Firm, FirmId, FirmInput, Reference};
use chrono::{DateTime, Utc};
use proptest::prelude::*;
use serde_json::json;
use std::sync::Arc;

fn firm(v: serde_json::Value) -> Firm {
    let input: FirmInput = serde_json::from_value(v).unwrap();
    let (id, profile) = input.parse(Reference::shared()).unwrap();
    Firm {
        id: id.unwrap(),
        profile,
        version: 1,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
    }
}

fn product(name: &str, amount: f64, unit: &str) -> serde_json::Value {
    json!({"name": name, "capacity": {"amount": amount, "unit": unit, "per": "month"}})
}

fn need(name: &str, amount: f64, unit: &str, certs: &[&str]) -> serde_json::Value {
    json!({"name": name, "volume": {"amount": amount, "unit": unit, "per": "month"},
           "required_certifications": certs})
}

#[allow(clippy::too_many_arguments)]
fn profile(
    id: &str,
    name: &str,
    province: &str,
    regency: &str,
    kbli: &str,
    certs: &[&str],
    products: Vec<serde_json::Value>,
    needs: Vec<serde_json::Value>,
) -> Arc<Firm> {
    Arc::new(firm(json!({
        "id": id, "name": name, "province": province, "regency": regency, "kbli": [kbli],
        "size": "small", "employees": 10, "certifications": certs,
        "products": products, "needs": needs
    })))
}

fn cafe() -> Arc<Firm> {
    profile(
        "kafe-nusantara",
        "Kafe Nusantara",
        "JATIM",
        "Surabaya",
        "56301",
        &["halal"],
        vec![],
        vec![
            need("roasted arabica coffee", 200.0, "kg", &[]),
            need("gula pasir", 1.0, "ton", &[]),
        ],
    )
}

fn ids(m: &[Match]) -> Vec<&str> {
    m.iter().map(|x| x.partner.id.as_str()).collect()
}

#[test]
fn lombok_roaster_ranks_first_for_the_surabaya_cafe() {
    let roaster = profile(
        "kopi-sembalun",
        "CV Kopi Sembalun",
        "NTB",
        "Lombok Timur",
        "10761",
        &["halal", "pirt"],
        vec![product("Kopi Arabika Sangrai", 300.0, "kg")],
        vec![],
    );
    let robusta_seller = profile(
        "kopi-robusta",
        "UD Robusta Dompu",
        "NTB",
        "Dompu",
        "01270",
        &[],
        vec![product("kopi robusta beras", 5.0, "ton")],
        vec![],
    );
    let instant = profile(
        "kopi-sachet",
        "UD Kopi Sachet",
        "NTB",
        "Mataram",
        "10761",
        &["halal"],
        vec![product("kopi instan sachet", 100.0, "kg")],
        vec![],
    );
    let m = Matcher::build(
        ScoringConfig::default(),
        [cafe(), roaster, robusta_seller, instant],
    );
    let cafe_id = FirmId::parse("kafe-nusantara").unwrap();
    let q = MatchQuery {
        direction: Direction::Supplies,
        ..MatchQuery::default()
    };
    let got = m.matches_for(&cafe_id, &q).unwrap();
    assert_eq!(got[0].partner.id.as_str(), "kopi-sembalun", "{got:#?}");
    assert!(got[0].score > got[1].score);
    assert!(
        got[0].reasons[0].contains("'Kopi Arabika Sangrai' 300 kg/month"),
        "{:?}",
        got[0].reasons
    );
    assert!(got[0].reasons[0].contains("needs 'roasted arabica coffee' 200 kg/month"));
    assert_eq!(got, m.matches_for_exhaustive(&cafe_id, &q).unwrap());
}

#[test]
fn halal_requirement_is_never_met_without_halal() {
    let buyer = profile(
        "pabrik-kue",
        "PT Kue Sidoarjo",
        "JATIM",
        "Sidoarjo",
        "10710",
        &["halal"],
        vec![],
        vec![need("gula aren", 500.0, "kg", &["halal"])],
    );
    let plain = profile(
        "aren-tanpa",
        "UD Aren Sumbawa",
        "NTB",
        "Sumbawa",
        "10722",
        &["pirt"],
        vec![product("gula aren", 2.0, "ton")],
        vec![],
    );
    let halal = profile(
        "aren-halal",
        "UD Aren Halal",
        "NTB",
        "Sumbawa",
        "10722",
        &["halal"],
        vec![product("palm sugar", 100.0, "kg")],
        vec![],
    );
    let cfg = ScoringConfig::default();
    let s = score_profiles(&plain.profile, &buyer.profile, &cfg);
    assert_eq!(s.a_supplies_b.components.supply, 0.0);
    assert!(
        s.reasons
            .iter()
            .any(|r| r.contains("needs halal") && r.contains("not halal-certified")),
        "{:?}",
        s.reasons
    );
    let h = score_profiles(&halal.profile, &buyer.profile, &cfg);
    assert!(h.a_supplies_b.score > s.a_supplies_b.score);
    let m = Matcher::build(cfg, [buyer.clone(), plain, halal]);
    let q = MatchQuery {
        direction: Direction::Supplies,
        ..MatchQuery::default()
    };
    assert_eq!(ids(&m.matches_for(&buyer.id, &q).unwrap())[0], "aren-halal");
}

#[test]
fn unit_conversion_makes_two_ton_beat_fifty_kg() {
    let buyer = profile(
        "olah-rumput",
        "PT Olah Rumput Laut",
        "JATIM",
        "Pasuruan",
        "10299",
        &[],
        vec![],
        vec![need("dried seaweed", 10.0, "ton", &[])],
    );
    let small = profile(
        "rumput-kecil",
        "KUB Rumput Kecil",
        "NTB",
        "Lombok Tengah",
        "03217",
        &[],
        vec![product("rumput laut kering", 50.0, "kg")],
        vec![],
    );
    let big = profile(
        "rumput-besar",
        "UD Rumput Besar",
        "NTB",
        "Sumbawa",
        "03217",
        &[],
        vec![product("rumput laut kering", 2.0, "ton")],
        vec![],
    );
    let m = Matcher::build(ScoringConfig::default(), [buyer.clone(), small, big]);
    let q = MatchQuery {
        direction: Direction::Supplies,
        ..MatchQuery::default()
    };
    let got = m.matches_for(&buyer.id, &q).unwrap();
    assert_eq!(ids(&got), ["rumput-besar", "rumput-kecil"]);
    assert!(got[0].supplies.components.capacity > got[1].supplies.components.capacity + 0.3);
}

#[test]
fn bilingual_names_meet_and_incomparable_units_are_neutral() {
    let buyer = profile(
        "olah-rumput",
        "PT Olah Rumput Laut",
        "JATIM",
        "Pasuruan",
        "10299",
        &[],
        vec![],
        vec![need("seaweed", 100.0, "pcs", &[])],
    );
    let seller = profile(
        "rumput-laut",
        "UD Rumput Laut",
        "NTB",
        "Sumbawa",
        "03217",
        &[],
        vec![product("rumput laut", 1.0, "ton")],
        vec![],
    );
    let s = score_profiles(&seller.profile, &buyer.profile, &ScoringConfig::default());
    assert!(s.a_supplies_b.components.supply >= 0.85, "{s:?}");
    assert_eq!(s.a_supplies_b.components.capacity, 0.5);
    assert!(s.reasons.iter().any(|r| r.contains("different units")));
}

#[test]
fn scope_and_direction_filter_partners() {
    let m = Matcher::build(
        ScoringConfig::default(),
        synthetic::firms(300, 3).into_iter().map(Arc::new),
    );
    let id = FirmId::parse("f0000001").unwrap();
    let me = m.get(&id).unwrap().profile.province;
    for (scope, same) in [(Scope::Other, false), (Scope::Same, true)] {
        let q = MatchQuery {
            scope,
            k: 50,
            min_score: 0.0,
            ..MatchQuery::default()
        };
        for x in m.matches_for(&id, &q).unwrap() {
            assert_eq!(x.partner.province == me, same);
            assert_ne!(x.partner.id, id);
        }
    }
}

#[test]
fn upsert_and_remove_update_the_index() {
    let mut m = Matcher::build(ScoringConfig::default(), [cafe()]);
    let cafe_id = FirmId::parse("kafe-nusantara").unwrap();
    let q = MatchQuery::default();
    assert!(m.matches_for(&cafe_id, &q).unwrap().is_empty());
    let roaster = profile(
        "kopi-sembalun",
        "CV Kopi Sembalun",
        "NTB",
        "Lombok Timur",
        "10761",
        &["halal"],
        vec![product("kopi sangrai", 300.0, "kg")],
        vec![],
    );
    m.upsert(roaster.clone());
    assert_eq!(
        ids(&m.matches_for(&cafe_id, &q).unwrap()),
        ["kopi-sembalun"]
    );
    // Replaced by a firm making something unrelated: no longer proposed by names.
    let mut changed = (*roaster).clone();
    changed.profile.products[0].name = "gerabah".into();
    changed.profile.kbli = vec!["23931".into()];
    m.upsert(Arc::new(changed));
    assert_eq!(m.len(), 2);
    let after = m.matches_for(&cafe_id, &q).unwrap();
    assert!(after.iter().all(|x| x.supplies.components.supply == 0.0));
    assert!(m.remove(&roaster.id));
    assert!(!m.remove(&roaster.id));
    assert!(m.matches_for(&cafe_id, &q).unwrap().is_empty());
    assert!(m.matches_for(&roaster.id, &q).is_none());
}

#[test]
fn set_config_rejects_invalid_values() {
    let mut m = Matcher::default();
    let mut c = ScoringConfig::default();
    c.weights.capacity = -0.1;
    let errs = m.set_config(c).unwrap_err();
    assert_eq!(errs[0].field, "weights.capacity");
    assert_eq!(m.config(), &ScoringConfig::default());
}

#[test]
fn index_recall_on_synthetic_data() {
    let m = Matcher::build(
        ScoringConfig::default(),
        synthetic::firms(1500, 11).into_iter().map(Arc::new),
    );
    for direction in [Direction::Both, Direction::Supplies, Direction::Buys] {
        let q = MatchQuery {
            direction,
            ..MatchQuery::default()
        };
        let r = recall(&m.rank_all(&q), &m.rank_all_exhaustive(&q));
        assert!(r >= 0.99, "{direction:?}: recall {r}");
    }
    assert!(m.stats().pairs_scored > 0);
}

/// The pruned walk is exact, not approximate: the same partners in the same order with the
/// same scores as scoring every firm, for every direction and scope, also after updates
/// (which invalidate the bounds a pooled scratch keeps between queries).
#[test]
fn pruned_ranking_equals_exhaustive_ranking() {
    let firms = synthetic::firms(500, 5);
    let mut m = Matcher::build(
        ScoringConfig::default(),
        firms.iter().cloned().map(Arc::new),
    );
    let same = |m: &Matcher, q: &MatchQuery| {
        let key = |all: Vec<(FirmId, Vec<Match>)>| -> Vec<(FirmId, Vec<(FirmId, u64)>)> {
            all.into_iter()
                .map(|(id, ms)| {
                    let ms = ms.into_iter().map(|x| (x.partner.id, x.score.to_bits()));
                    (id, ms.collect())
                })
                .collect()
        };
        assert_eq!(key(m.rank_all(q)), key(m.rank_all_exhaustive(q)), "{q:?}");
        for f in firms.iter().step_by(97) {
            let one = m.matches_for(&f.id, q);
            assert_eq!(one, m.matches_for_exhaustive(&f.id, q), "{q:?}");
        }
    };
    for direction in [Direction::Both, Direction::Supplies, Direction::Buys] {
        for scope in [Scope::Other, Scope::Same, Scope::Both] {
            let q = MatchQuery {
                direction,
                scope,
                ..MatchQuery::default()
            };
            same(&m, &q);
        }
    }
    // One firm asked one direction after another: the pooled scratch keeps the class lists
    // of one side while a query asks only the other.
    for f in firms.iter().step_by(61) {
        for direction in [
            Direction::Buys,
            Direction::Both,
            Direction::Supplies,
            Direction::Both,
        ] {
            let q = MatchQuery {
                direction,
                ..MatchQuery::default()
            };
            let one = m.matches_for(&f.id, &q);
            assert_eq!(one, m.matches_for_exhaustive(&f.id, &q), "{q:?}");
        }
    }
    for (k, min_score) in [(3, 0.4), (25, 0.0)] {
        let q = MatchQuery {
            k,
            min_score,
            ..MatchQuery::default()
        };
        same(&m, &q);
    }
    // Writes between queries: removed firms, a firm moved to new texts, new firms.
    let q = MatchQuery::default();
    same(&m, &q);
    for f in firms.iter().step_by(5) {
        m.remove(&f.id);
    }
    let mut moved = firms[1].clone();
    moved.profile.products = firms[2].profile.products.clone();
    moved.profile.needs = firms[3].profile.needs.clone();
    m.upsert(Arc::new(moved));
    for f in synthetic::firms(150, 6) {
        let mut f = f;
        f.id = FirmId::parse(&format!("new-{}", f.id.as_str())).unwrap();
        m.upsert(Arc::new(f));
    }
    same(&m, &q);
}

fn small_firm() -> impl Strategy<Value = Firm> {
    (0u64..1_000_000).prop_map(|seed| {
        let mut f = synthetic::firms(1, seed).pop().unwrap();
        f.id = FirmId::parse(&format!("p{seed}")).unwrap();
        f
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn scores_are_in_unit_interval_and_pair_score_symmetric(a in small_firm(), b in small_firm()) {
        let cfg = ScoringConfig::default();
        let ab = score_profiles(&a.profile, &b.profile, &cfg);
        let ba = score_profiles(&b.profile, &a.profile, &cfg);
        for d in [ab.a_supplies_b, ab.b_supplies_a] {
            let c = d.components;
            for x in [d.score, c.supply, c.capacity, c.certification, c.sector] {
                prop_assert!((0.0..=1.0).contains(&x), "{x}");
            }
        }
        prop_assert!((0.0..=1.0).contains(&ab.score));
        prop_assert_eq!(ab.score, ba.score);
        prop_assert_eq!(ab.a_supplies_b, ba.b_supplies_a);
    }

    #[test]
    fn an_irrelevant_firm_never_changes_the_others_order(seed in 0u64..1000) {
        let firms = synthetic::firms(60, seed);
        let base = Matcher::build(ScoringConfig::default(), firms.iter().cloned().map(Arc::new));
        let q = MatchQuery { k: 60, min_score: 0.0, scope: Scope::Both, ..MatchQuery::default() };
        let before = base.rank_all_exhaustive(&q);
        let mut m = base;
        // A firm that neither makes nor needs anything and has no sector link.
        let mut stranger = firms[0].clone();
        stranger.id = FirmId::parse("zz-stranger").unwrap();
        stranger.profile.products.clear();
        stranger.profile.needs.clear();
        stranger.profile.kbli = vec!["84111".into()];
        m.upsert(Arc::new(stranger.clone()));
        let after = m.rank_all_exhaustive(&q);
        for ((id, b), (id2, a)) in before.iter().zip(after.iter()) {
            prop_assert_eq!(id, id2);
            let a: Vec<&FirmId> = a.iter().map(|x| &x.partner.id).filter(|p| **p != stranger.id).collect();
            let b: Vec<&FirmId> = b.iter().map(|x| &x.partner.id).collect();
            prop_assert_eq!(a, b);
        }
    }
}

#[test]
fn no_reason_is_given_twice() {
    let firms: Vec<Arc<Firm>> = crate::demo::generate(9, 300)
        .into_iter()
        .map(|input| {
            let (id, profile) = input.parse(Reference::shared()).unwrap();
            Arc::new(Firm {
                id: id.unwrap(),
                profile,
                version: 1,
                created_at: DateTime::<Utc>::UNIX_EPOCH,
                updated_at: DateTime::<Utc>::UNIX_EPOCH,
            })
        })
        .collect();
    let matcher = Matcher::build(ScoringConfig::default(), firms);
    let ranked = matcher.rank_all(&MatchQuery::default());
    let mut checked = 0;
    for (_, matches) in ranked {
        for m in matches {
            let mut seen = std::collections::HashSet::new();
            assert!(m.reasons.iter().all(|r| seen.insert(r)), "{:?}", m.reasons);
            checked += 1;
        }
    }
    assert!(checked > 100);
}

#[test]
fn both_ways_the_stronger_direction_explains_first() {
    // A Lombok roaster and a Malang roastery share a sector (a link in both directions), but
    // only one way carries goods: the roastery buys the roaster's coffee. Asked both ways,
    // the first reason is that sale, not the sector link of the weaker direction.
    let roaster = profile(
        "kopi-sembalun",
        "CV Kopi Sembalun",
        "NTB",
        "Lombok Timur",
        "10761",
        &["halal"],
        vec![product("Kopi Arabika Sangrai", 300.0, "kg")],
        vec![need("mesin sangrai kopi", 1.0, "pcs", &[])],
    );
    let roastery = profile(
        "roastery-malang",
        "CV Roastery Malang",
        "JATIM",
        "Kota Malang",
        "10761",
        &[],
        vec![product("kopi bubuk kemasan", 500.0, "kg")],
        vec![need("kopi arabika sangrai", 200.0, "kg", &[])],
    );
    let m = Matcher::build(ScoringConfig::default(), [roaster, roastery]);
    let roaster_id = FirmId::parse("kopi-sembalun").unwrap();
    let got = m.matches_for(&roaster_id, &MatchQuery::default()).unwrap();
    assert_eq!(got[0].partner.id.as_str(), "roastery-malang");
    assert!(got[0].buys.score > got[0].supplies.score, "{:?}", got[0]);
    assert!(got[0].reasons.len() >= 2, "{:?}", got[0].reasons);
    assert!(
        got[0].reasons[0].contains("CV Kopi Sembalun makes 'Kopi Arabika Sangrai'"),
        "{:?}",
        got[0].reasons
    );
}
