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

/// `f` with its input changed by `change`, parsed again: a changed firm is built the way a
/// client's update builds it, through validation.
fn changed(f: &Firm, change: impl FnOnce(&mut FirmInput)) -> Firm {
    let mut input = f.to_input();
    change(&mut input);
    let (id, profile) = input.parse(Reference::shared()).unwrap();
    Firm {
        id: id.unwrap(),
        profile,
        ..f.clone()
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

/// The demo store's firms (`mitra serve --demo` with `seed`), parsed.
fn demo_firms(seed: u64, n: usize) -> Vec<Arc<Firm>> {
    crate::gen::demo(seed, n)
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
        .collect()
}

/// Benchmark firms with `hard` names (typos, merged words, mixed languages, few codes).
fn hard_firms(n: usize, seed: u64) -> Vec<Firm> {
    use crate::gen::{parsed_firms, GenConfig, NoiseProfile};
    parsed_firms(&GenConfig::for_profile(NoiseProfile::Hard, seed, n))
}

fn ids(m: &[Match]) -> Vec<&str> {
    m.iter().map(|x| x.partner.id.as_str()).collect()
}

/// A Lombok roaster of arabica, halal and PIRT, 300 kg a month: the cafe's best supplier.
fn lombok_roaster(id: &str, name: &str) -> Arc<Firm> {
    profile(
        id,
        name,
        "NTB",
        "Lombok Timur",
        "10761",
        &["halal", "pirt"],
        vec![product("Kopi Arabika Sangrai", 300.0, "kg")],
        vec![],
    )
}

#[test]
fn lombok_roaster_ranks_first_for_the_surabaya_cafe() {
    let roaster = lombok_roaster("kopi-sembalun", "CV Kopi Sembalun");
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

/// Scores are given to four decimals; partners tied there rank by id, and the search finds
/// the k with the smallest ids without scoring every tied partner.
#[test]
fn tied_partners_rank_by_id_and_are_not_all_scored() {
    // Thirty roasters alike in everything that scores, stored in reverse id order.
    let roasters = (0..30)
        .rev()
        .map(|i| lombok_roaster(&format!("sangrai-{i:02}"), &format!("CV Sangrai {i}")));
    let m = Matcher::build(
        ScoringConfig::default(),
        std::iter::once(cafe()).chain(roasters),
    );
    let cafe_id = FirmId::parse("kafe-nusantara").unwrap();
    let q = MatchQuery {
        k: 5,
        direction: Direction::Supplies,
        ..MatchQuery::default()
    };
    let before = m.stats().pairs_scored;
    let got = m.matches_for(&cafe_id, &q).unwrap();
    let scored = m.stats().pairs_scored - before;
    assert_eq!(
        ids(&got),
        [
            "sangrai-00",
            "sangrai-01",
            "sangrai-02",
            "sangrai-03",
            "sangrai-04"
        ]
    );
    assert!(got.iter().all(|x| x.score == got[0].score && x.score > 0.5));
    assert_eq!(
        got[0].score,
        (got[0].score * 1e4).round() / 1e4,
        "four decimals"
    );
    assert!(scored < 15, "{scored} of 30 tied partners scored");
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
fn a_supplier_that_covers_the_volume_beats_a_closer_name_a_little_short() {
    // A buyer left 10 % short must find a second supplier: covering the need comes first,
    // even against the same product under a closer name.
    let buyer = profile(
        "kafe-sby",
        "Kafe Surabaya",
        "JATIM",
        "Surabaya",
        "56301",
        &[],
        vec![],
        vec![need("kopi arabika sangrai", 500.0, "kg", &[])],
    );
    let short = profile(
        "sangrai-dekat",
        "UD Sangrai Dekat",
        "NTB",
        "Lombok Timur",
        "10761",
        &[],
        vec![product("kopi arabika sangrai", 450.0, "kg")],
        vec![],
    );
    let covers = profile(
        "sangrai-cukup",
        "CV Sangrai Cukup",
        "NTB",
        "Sumbawa",
        "10761",
        &[],
        vec![product("kopi sangrai", 600.0, "kg")],
        vec![],
    );
    let m = Matcher::build(ScoringConfig::default(), [buyer.clone(), short, covers]);
    let q = MatchQuery {
        direction: Direction::Supplies,
        ..MatchQuery::default()
    };
    let got = m.matches_for(&buyer.id, &q).unwrap();
    assert_eq!(ids(&got), ["sangrai-cukup", "sangrai-dekat"]);
    assert!(got[1]
        .reasons
        .iter()
        .any(|r| r.contains("covers about 90% of the 500 kg/month needed")));
    // Without the step the closer name wins: the step is what orders them.
    let flat = ScoringConfig {
        capacity_shortfall: 0.0,
        ..ScoringConfig::default()
    };
    let mut m = m;
    m.set_config(flat).unwrap();
    assert_eq!(
        ids(&m.matches_for(&buyer.id, &q).unwrap())[0],
        "sangrai-dekat"
    );
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
    let neutral = ScoringConfig::default().capacity_neutral;
    assert_eq!(s.a_supplies_b.components.capacity, neutral);
    assert!(s.reasons.iter().any(|r| r.contains("different units")));
}

#[test]
fn scope_and_direction_filter_partners() {
    let firms = hard_firms(300, 3);
    let id = firms[0].id.clone();
    let m = Matcher::build(ScoringConfig::default(), firms.into_iter().map(Arc::new));
    let me = m.get(&id).unwrap().profile.province();
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
    let gerabah = changed(&roaster, |input| {
        input.products.as_mut().unwrap()[0].name = Some("gerabah".into());
        input.kbli = Some(vec!["23931".into()]);
    });
    m.upsert(Arc::new(gerabah));
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
        hard_firms(1500, 11).into_iter().map(Arc::new),
    );
    for direction in [Direction::Both, Direction::Supplies, Direction::Buys] {
        let q = MatchQuery {
            direction,
            ..MatchQuery::default()
        };
        let ranked = m.rank_all(&q);
        assert_eq!(
            recall(&ranked, &m.rank_all_exhaustive(&q)),
            1.0,
            "{direction:?}"
        );
        // Evidence first: a list ends where evidence ends, so every match says why.
        for (id, matches) in &ranked {
            for x in matches {
                assert!(!x.reasons.is_empty(), "{id} → {}: {x:?}", x.partner.id);
            }
        }
    }
    assert!(m.stats().pairs_scored > 0);
}

/// Ranking through the index is exact, not approximate: the same partners in the same order
/// with the same scores as scoring every firm, for every direction and scope, also after
/// updates, and with configs that give processing stages and chapters a similarity (which
/// the index then looks up by heading and chapter).
#[test]
fn pruned_ranking_equals_exhaustive_ranking() {
    let firms = hard_firms(500, 5);
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
    let moved = changed(&firms[1], |input| {
        input.products = firms[2].to_input().products;
        input.needs = firms[3].to_input().needs;
    });
    m.upsert(Arc::new(moved));
    for f in hard_firms(150, 6) {
        let mut f = f;
        f.id = FirmId::parse(&format!("new-{}", f.id.as_str())).unwrap();
        m.upsert(Arc::new(f));
    }
    same(&m, &q);
    // Processing stages and chapters given a similarity: the index looks them up too.
    let mut cfg = ScoringConfig::default();
    cfg.hs.heading4 = 0.5;
    cfg.hs.chapter2 = 0.2;
    m.set_config(cfg).unwrap();
    same(&m, &q);
}

fn small_firm() -> impl Strategy<Value = Firm> {
    (0u64..1_000_000).prop_map(|seed| {
        let mut f = hard_firms(1, seed).pop().unwrap();
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
        let firms = hard_firms(60, seed);
        let base = Matcher::build(ScoringConfig::default(), firms.iter().cloned().map(Arc::new));
        let q = MatchQuery { k: 60, min_score: 0.0, scope: Scope::Both, ..MatchQuery::default() };
        let before = base.rank_all_exhaustive(&q);
        let mut m = base;
        // A firm that neither makes nor needs anything and has no sector link.
        let stranger = changed(&firms[0], |input| {
            input.id = Some("zz-stranger".into());
            input.products = Some(vec![]);
            input.needs = Some(vec![]);
            input.kbli = Some(vec!["84111".into()]);
        });
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
    let firms: Vec<Arc<Firm>> = demo_firms(9, 300);
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

// ---- Known answers for the failure classes of reading names as strings.

/// A buyer needing `need` and one NTB supplier per product name; the ids of the suppliers
/// the buyer is matched with, best first.
fn suppliers_for(need_name: &str, products: &[&str]) -> Vec<String> {
    let buyer = profile(
        "pembeli",
        "UD Pembeli",
        "JATIM",
        "Sidoarjo",
        "10792",
        &[],
        vec![],
        vec![need(need_name, 100.0, "kg", &[])],
    );
    let mut firms = vec![buyer.clone()];
    for (i, p) in products.iter().enumerate() {
        firms.push(profile(
            &format!("pemasok-{i}"),
            &format!("UD Pemasok {i}"),
            "NTB",
            "Mataram",
            "10792",
            &[],
            vec![product(p, 500.0, "kg")],
            vec![],
        ));
    }
    let m = Matcher::build(ScoringConfig::default(), firms);
    let q = MatchQuery {
        direction: Direction::Supplies,
        ..MatchQuery::default()
    };
    let got = m.matches_for(&buyer.id, &q).unwrap();
    assert!(got.iter().all(|x| !x.reasons.is_empty()), "{got:?}");
    got.iter().map(|x| x.partner.id.to_string()).collect()
}

#[test]
fn a_qualifier_never_carries_the_match() {
    // "kemasan" qualifies water; the buyer needs cartons.
    assert_eq!(
        suppliers_for("Dus kemasan", &["Air minum dalam kemasan", "Kardus karton"]),
        ["pemasok-1"]
    );
    // "bubuk" and "sachet" qualify coffee; the buyer needs sachets (packaging).
    assert_eq!(
        suppliers_for("Kopi bubuk", &["Plastik sachet kopi", "Kopi bubuk sachet"]),
        ["pemasok-1"]
    );
}

#[test]
fn typos_of_two_edits_and_merged_or_split_words_still_meet() {
    assert_eq!(
        suppliers_for("gula aren", &["gula aen", "gula pasir"]),
        ["pemasok-0"]
    );
    assert_eq!(
        suppliers_for("tepung gandum", &["tepunggandum", "tepung tapioka"]),
        ["pemasok-0"]
    );
    assert_eq!(
        suppliers_for("mete gelondong", &["biji ete", "kacang mete kupas"]),
        ["pemasok-0"]
    );
    assert_eq!(
        suppliers_for("rumput laut kering", &["rumput lautt kerring", "garam"]),
        ["pemasok-0"]
    );
}

#[test]
fn a_processing_stage_is_not_supply_of_its_raw_input() {
    // A roastery needs green beans: roasted coffee is not what it buys.
    assert_eq!(
        suppliers_for(
            "Biji kopi arabika (green bean)",
            &["Kopi arabika sangrai", "Kopi beras arabika"]
        ),
        ["pemasok-1"]
    );
    // A sheller needs cashews in shell, not kernels; a kernel buyer the reverse.
    assert_eq!(
        suppliers_for(
            "Mete gelondong",
            &["Kacang mete kupas", "Jambu mete gelondongan"]
        ),
        ["pemasok-1"]
    );
    assert_eq!(
        suppliers_for("Kacang mete", &["Kacang mete kupas", "Mete gelondong"]),
        ["pemasok-0"]
    );
    // A craft workshop needs raw rattan, not baskets.
    assert_eq!(
        suppliers_for("Rotan mentah", &["Keranjang rotan", "Rotan asalan"]),
        ["pemasok-1"]
    );
}

#[test]
fn a_sector_link_without_product_evidence_is_no_match() {
    // Same sector as the buyer but nothing it needs, against an exact product from a
    // sector the IO table barely links.
    let buyer = profile(
        "roastery",
        "CV Sangrai Surabaya",
        "JATIM",
        "Surabaya",
        "10761",
        &[],
        vec![product("Kopi bubuk", 500.0, "kg")],
        vec![need("Standing pouch", 2000.0, "pcs", &[])],
    );
    let coffee = profile(
        "kopi-lain",
        "UD Kopi Lain",
        "NTB",
        "Lombok Timur",
        "10761",
        &[],
        vec![product("Kopi instan sachet", 900.0, "kg")],
        vec![need("Standing pouch", 500.0, "pcs", &[])],
    );
    let pouch = profile(
        "pouch",
        "UD Plastik Pouch",
        "NTB",
        "Mataram",
        "22220",
        &[],
        vec![product("Standing pouch", 50000.0, "pcs")],
        vec![],
    );
    let m = Matcher::build(ScoringConfig::default(), [buyer.clone(), coffee, pouch]);
    let q = MatchQuery {
        direction: Direction::Supplies,
        ..MatchQuery::default()
    };
    let got = m.matches_for(&buyer.id, &q).unwrap();
    assert_eq!(ids(&got), ["pouch"], "{got:?}");
    // Even with no score floor the coffee firm, with no product the buyer needs, is absent.
    let q = MatchQuery {
        min_score: 0.0,
        ..q
    };
    assert_eq!(ids(&m.matches_for(&buyer.id, &q).unwrap()), ["pouch"]);
}

#[test]
fn reasons_say_how_each_side_was_read() {
    let buyer = profile(
        "sheller",
        "UD Kacang Mete",
        "JATIM",
        "Sidoarjo",
        "10792",
        &[],
        vec![],
        vec![need("mete gelondong", 2.0, "ton", &[])],
    );
    let farm = profile(
        "tani-mete",
        "KUB Tani Mete",
        "NTB",
        "Lombok Utara",
        "01262",
        &[],
        vec![product("biji ete", 3.0, "ton")],
        vec![],
    );
    let m = Matcher::build(ScoringConfig::default(), [buyer.clone(), farm]);
    let mut got = m.matches_for(&buyer.id, &MatchQuery::default()).unwrap();
    assert!(
        got[0].reasons[0].contains("HS 0801.31"),
        "{:?}",
        got[0].reasons
    );
    assert!(
        got[0].reasons[0].contains("both read as"),
        "{:?}",
        got[0].reasons
    );
    m.explain_in(&buyer.id, &mut got, Direction::Both, Lang::Id);
    assert!(
        got[0].reasons[0].contains("keduanya terbaca sebagai HS 0801.31"),
        "{:?}",
        got[0].reasons
    );
}

#[test]
fn one_subheading_read_on_both_sides_is_named_once_with_the_side_read_by_its_code() {
    let farm = profile(
        "kopi-tani",
        "KUB Kopi Tani",
        "NTB",
        "Lombok Timur",
        "01270",
        &[],
        vec![
            json!({"name": "Green arabica coffee beans", "hs_code": "0901.11",
                    "capacity": {"amount": 2, "unit": "ton", "per": "month"}}),
        ],
        vec![],
    );
    let roastery = profile(
        "roastery",
        "UD Roastery Bangkalan",
        "JATIM",
        "Bangkalan",
        "10761",
        &[],
        vec![],
        vec![need("Green Arabica Coffee Beans", 300.0, "kg", &[])],
    );
    let s = score_profiles(&farm.profile, &roastery.profile, &ScoringConfig::default());
    let reason = &s.reasons[0];
    assert_eq!(reason.matches("HS 0901.11").count(), 1, "{reason}");
    assert!(
        reason.ends_with("both read as HS 0901.11 (Coffee; not roasted or decaffeinated), 'Green arabica coffee beans' by its code"),
        "{reason}"
    );
}

#[test]
fn a_contradicting_code_wins_and_the_reason_shows_both() {
    let roaster = profile(
        "roaster",
        "CV Roaster",
        "NTB",
        "Mataram",
        "10761",
        &[],
        vec![json!({"name": "Kopi arabika sangrai", "hs_code": "090111",
                    "capacity": {"amount": 500, "unit": "kg", "per": "month"}})],
        vec![],
    );
    let buyer = profile(
        "pembeli-kopi",
        "UD Pembeli Kopi",
        "JATIM",
        "Malang",
        "10761",
        &[],
        vec![],
        vec![need("green bean arabika", 100.0, "kg", &[])],
    );
    let s = score_profiles(&roaster.profile, &buyer.profile, &ScoringConfig::default());
    assert!(s.a_supplies_b.score > 0.5, "{s:?}");
    assert!(
        s.reasons[0].contains("by its code, though its name reads as HS 0901.21"),
        "{:?}",
        s.reasons
    );
}

#[test]
fn an_unreadable_name_is_kept_and_matched_by_text_alone() {
    let got = suppliers_for(
        "Jasa konsultasi halal",
        &["jasa konsultasi halal", "Kopi bubuk"],
    );
    assert_eq!(got, ["pemasok-0"]);
}

/// The README's walk: CV Kopi Sembalun makes roasted coffee and needs standing pouches. In
/// the demo store, the firms that make pouches come first for its need, and its roasted
/// coffee is not offered to roasteries that need green beans.
#[test]
fn the_readme_roaster_meets_pouch_makers_for_its_need() {
    let firms: Vec<Arc<Firm>> = demo_firms(5235, 3000);
    let m = Matcher::build(ScoringConfig::default(), firms);
    let me = firm(json!({
        "id": "kopi-sembalun", "name": "CV Kopi Sembalun Rinjani",
        "province": "NTB", "regency": "Lombok Timur", "kbli": ["10761"],
        "size": "small", "employees": 14, "certifications": ["halal", "pirt"],
        "products": [{"name": "Kopi arabika sangrai", "hs_code": "0901.21",
                      "capacity": {"amount": 300, "unit": "kg", "per": "month"}}],
        "needs": [{"name": "Standing pouch", "volume": {"amount": 2000, "unit": "pcs", "per": "month"}}]
    }));
    let reader = concept::Reader::shared();
    let pouch = reader.read("Standing pouch", None).best().unwrap().hs;
    let supplies = m.matches_for_profile(
        &me.profile,
        &MatchQuery {
            k: 5,
            direction: Direction::Supplies,
            ..MatchQuery::default()
        },
    );
    assert_eq!(supplies.len(), 5, "{supplies:?}");
    for s in &supplies {
        let partner = m.get(&s.partner.id).unwrap();
        assert!(
            partner.profile.products().iter().any(|p| reader
                .read(p.name(), p.hs_code())
                .best()
                .map(|c| c.hs)
                == Some(pouch)),
            "{} makes no pouch: {:?}",
            s.partner.name,
            s.reasons
        );
    }
    let buys = m.matches_for_profile(
        &me.profile,
        &MatchQuery {
            k: 10,
            direction: Direction::Buys,
            ..MatchQuery::default()
        },
    );
    for b in &buys {
        assert!(
            !b.reasons[0].contains("HS 0901.11"),
            "roasted coffee offered for green beans: {:?}",
            b.reasons
        );
    }
}
