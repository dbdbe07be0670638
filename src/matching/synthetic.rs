//! Deterministic synthetic firm profiles for benches and recall tests: realistic NTB/Jatim
//! products and needs (Indonesian or English names, typos, missing HS codes, odd units),
//! linked along supply chains (coffee farmer → roaster → café, seaweed farmer → processor…).

use crate::domain::{
    Certification, Firm, FirmId, FirmProfile, FirmSize, Need, Period, Product, Province, Rate,
    Reference, Unit,
};
use chrono::{DateTime, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A good: Indonesian and English names, HS code, usual unit.
struct Good {
    id: &'static str,
    en: &'static str,
    hs: &'static str,
    unit: Unit,
}

const GOODS: &[Good] = &[
    Good {
        id: "kopi arabika beras",
        en: "green arabica coffee beans",
        hs: "090111",
        unit: Unit::Kg,
    },
    Good {
        id: "kopi robusta beras",
        en: "green robusta coffee",
        hs: "090111",
        unit: Unit::Kg,
    },
    Good {
        id: "kopi arabika sangrai",
        en: "roasted arabica coffee",
        hs: "090121",
        unit: Unit::Kg,
    },
    Good {
        id: "kopi bubuk",
        en: "ground coffee",
        hs: "090121",
        unit: Unit::Kg,
    },
    Good {
        id: "rumput laut kering",
        en: "dried seaweed",
        hs: "121221",
        unit: Unit::Ton,
    },
    Good {
        id: "karagenan",
        en: "carrageenan",
        hs: "130239",
        unit: Unit::Kg,
    },
    Good {
        id: "madu hutan",
        en: "forest honey",
        hs: "040900",
        unit: Unit::Liter,
    },
    Good {
        id: "mutiara laut",
        en: "south sea pearl",
        hs: "710110",
        unit: Unit::Pcs,
    },
    Good {
        id: "perhiasan mutiara",
        en: "pearl jewelry",
        hs: "711319",
        unit: Unit::Pcs,
    },
    Good {
        id: "kain tenun ikat",
        en: "handwoven ikat cloth",
        hs: "580900",
        unit: Unit::Kodi,
    },
    Good {
        id: "benang katun",
        en: "cotton yarn",
        hs: "520512",
        unit: Unit::Kg,
    },
    Good {
        id: "pewarna alami",
        en: "natural dye",
        hs: "320300",
        unit: Unit::Kg,
    },
    Good {
        id: "gerabah hias",
        en: "decorative pottery",
        hs: "691390",
        unit: Unit::Pcs,
    },
    Good {
        id: "rotan olahan",
        en: "processed rattan",
        hs: "140120",
        unit: Unit::Kuintal,
    },
    Good {
        id: "kursi rotan",
        en: "rattan chair",
        hs: "940152",
        unit: Unit::Pcs,
    },
    Good {
        id: "jambu mete gelondong",
        en: "raw cashew nuts in shell",
        hs: "080131",
        unit: Unit::Ton,
    },
    Good {
        id: "kacang mete kupas",
        en: "shelled cashew nuts",
        hs: "080132",
        unit: Unit::Kg,
    },
    Good {
        id: "tembakau rajangan",
        en: "cut tobacco leaf",
        hs: "240120",
        unit: Unit::Ton,
    },
    Good {
        id: "rokok kretek",
        en: "clove cigarettes",
        hs: "240220",
        unit: Unit::Pcs,
    },
    Good {
        id: "gula pasir",
        en: "white sugar",
        hs: "170199",
        unit: Unit::Ton,
    },
    Good {
        id: "gula aren",
        en: "palm sugar",
        hs: "170290",
        unit: Unit::Kg,
    },
    Good {
        id: "garam krosok",
        en: "sea salt",
        hs: "250100",
        unit: Unit::Ton,
    },
    Good {
        id: "standing pouch",
        en: "stand up pouch packaging",
        hs: "392329",
        unit: Unit::Pcs,
    },
    Good {
        id: "kardus",
        en: "corrugated carton box",
        hs: "481910",
        unit: Unit::Pcs,
    },
    Good {
        id: "botol plastik",
        en: "plastic bottle",
        hs: "392330",
        unit: Unit::Pcs,
    },
    Good {
        id: "kain katun",
        en: "cotton fabric",
        hs: "520812",
        unit: Unit::Meter,
    },
    Good {
        id: "kulit sapi samak",
        en: "tanned cow leather",
        hs: "410711",
        unit: Unit::M2,
    },
    Good {
        id: "tas kulit",
        en: "leather handbag",
        hs: "420221",
        unit: Unit::Pcs,
    },
    Good {
        id: "kayu jati olahan",
        en: "sawn teak wood",
        hs: "440729",
        unit: Unit::M2,
    },
    Good {
        id: "meja kayu",
        en: "wooden table",
        hs: "940360",
        unit: Unit::Pcs,
    },
    Good {
        id: "besi beton",
        en: "steel reinforcing bar",
        hs: "721420",
        unit: Unit::Ton,
    },
    Good {
        id: "mesin sangrai kopi",
        en: "coffee roasting machine",
        hs: "841981",
        unit: Unit::Pcs,
    },
    Good {
        id: "mesin pengering",
        en: "dryer machine",
        hs: "841939",
        unit: Unit::Pcs,
    },
    Good {
        id: "pupuk organik",
        en: "organic fertilizer",
        hs: "310100",
        unit: Unit::Ton,
    },
    Good {
        id: "minyak kelapa murni",
        en: "virgin coconut oil",
        hs: "151319",
        unit: Unit::Liter,
    },
    Good {
        id: "kopra",
        en: "copra",
        hs: "120300",
        unit: Unit::Ton,
    },
    Good {
        id: "ikan tuna beku",
        en: "frozen tuna",
        hs: "030342",
        unit: Unit::Ton,
    },
    Good {
        id: "kerupuk ikan",
        en: "fish crackers",
        hs: "190590",
        unit: Unit::Kg,
    },
    Good {
        id: "tepung tapioka",
        en: "tapioca flour",
        hs: "110814",
        unit: Unit::Ton,
    },
    Good {
        id: "udang beku",
        en: "frozen shrimp",
        hs: "030617",
        unit: Unit::Ton,
    },
    Good {
        id: "sambal botol",
        en: "bottled chili sauce",
        hs: "210390",
        unit: Unit::Pcs,
    },
    Good {
        id: "cabai kering",
        en: "dried chili",
        hs: "090422",
        unit: Unit::Kg,
    },
    Good {
        id: "jagung pipil",
        en: "shelled corn",
        hs: "100590",
        unit: Unit::Ton,
    },
    Good {
        id: "pakan ternak",
        en: "animal feed",
        hs: "230990",
        unit: Unit::Ton,
    },
    Good {
        id: "daging sapi",
        en: "beef",
        hs: "020130",
        unit: Unit::Kg,
    },
    Good {
        id: "abon sapi",
        en: "beef floss",
        hs: "160250",
        unit: Unit::Kg,
    },
    Good {
        id: "gelas plastik",
        en: "plastic cup",
        hs: "392490",
        unit: Unit::Pcs,
    },
    Good {
        id: "label kemasan",
        en: "printed packaging label",
        hs: "482110",
        unit: Unit::Pcs,
    },
];

/// A kind of firm: its KBLI subclass, what it makes and what it buys (indexes into GOODS).
struct Archetype {
    kbli: &'static str,
    makes: &'static [usize],
    needs: &'static [usize],
}

const ARCHETYPES: &[Archetype] = &[
    Archetype {
        kbli: "01270",
        makes: &[0, 1],
        needs: &[33, 32],
    },
    Archetype {
        kbli: "10761",
        makes: &[2, 3],
        needs: &[0, 1, 22, 23, 31, 46],
    },
    Archetype {
        kbli: "56301",
        makes: &[],
        needs: &[2, 3, 19, 20, 46, 24],
    },
    Archetype {
        kbli: "03217",
        makes: &[4],
        needs: &[32, 21],
    },
    Archetype {
        kbli: "10299",
        makes: &[5],
        needs: &[4, 22, 23],
    },
    Archetype {
        kbli: "01493",
        makes: &[6],
        needs: &[24, 47],
    },
    Archetype {
        kbli: "03219",
        makes: &[7],
        needs: &[],
    },
    Archetype {
        kbli: "32111",
        makes: &[8],
        needs: &[7, 47],
    },
    Archetype {
        kbli: "13121",
        makes: &[9],
        needs: &[10, 11],
    },
    Archetype {
        kbli: "13111",
        makes: &[10],
        needs: &[],
    },
    Archetype {
        kbli: "23931",
        makes: &[12],
        needs: &[23],
    },
    Archetype {
        kbli: "16104",
        makes: &[13],
        needs: &[32],
    },
    Archetype {
        kbli: "31001",
        makes: &[14, 29],
        needs: &[13, 28, 23],
    },
    Archetype {
        kbli: "01269",
        makes: &[15],
        needs: &[33],
    },
    Archetype {
        kbli: "10793",
        makes: &[16],
        needs: &[15, 22, 23],
    },
    Archetype {
        kbli: "01150",
        makes: &[17],
        needs: &[33],
    },
    Archetype {
        kbli: "12011",
        makes: &[18],
        needs: &[17, 23, 47],
    },
    Archetype {
        kbli: "10721",
        makes: &[19],
        needs: &[23],
    },
    Archetype {
        kbli: "10722",
        makes: &[20],
        needs: &[22, 47],
    },
    Archetype {
        kbli: "08930",
        makes: &[21],
        needs: &[22],
    },
    Archetype {
        kbli: "22220",
        makes: &[22, 24, 46],
        needs: &[],
    },
    Archetype {
        kbli: "17021",
        makes: &[23, 47],
        needs: &[],
    },
    Archetype {
        kbli: "13122",
        makes: &[25],
        needs: &[10, 11],
    },
    Archetype {
        kbli: "15113",
        makes: &[26],
        needs: &[44],
    },
    Archetype {
        kbli: "15121",
        makes: &[27],
        needs: &[26, 25],
    },
    Archetype {
        kbli: "16101",
        makes: &[28],
        needs: &[],
    },
    Archetype {
        kbli: "24101",
        makes: &[30],
        needs: &[],
    },
    Archetype {
        kbli: "28250",
        makes: &[31, 32],
        needs: &[30],
    },
    Archetype {
        kbli: "20122",
        makes: &[33],
        needs: &[23],
    },
    Archetype {
        kbli: "10422",
        makes: &[34, 35],
        needs: &[22, 24],
    },
    Archetype {
        kbli: "10213",
        makes: &[36, 39],
        needs: &[21, 23],
    },
    Archetype {
        kbli: "10792",
        makes: &[37],
        needs: &[36, 38, 22, 21],
    },
    Archetype {
        kbli: "10620",
        makes: &[38],
        needs: &[],
    },
    Archetype {
        kbli: "10771",
        makes: &[40],
        needs: &[41, 24, 47, 19],
    },
    Archetype {
        kbli: "01283",
        makes: &[41],
        needs: &[33],
    },
    Archetype {
        kbli: "01111",
        makes: &[42],
        needs: &[33],
    },
    Archetype {
        kbli: "10801",
        makes: &[43],
        needs: &[42, 38],
    },
    Archetype {
        kbli: "01411",
        makes: &[44],
        needs: &[43],
    },
    Archetype {
        kbli: "10130",
        makes: &[45],
        needs: &[44, 22, 47],
    },
];

const WORDS_NOISE: &[&str] = &[
    "premium",
    "super",
    "kualitas ekspor",
    "grade A",
    "lokal",
    "asli Lombok",
    "khas Jatim",
    "curah",
];

fn typo(rng: &mut ChaCha8Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let letters: Vec<usize> = (0..chars.len())
        .filter(|&i| chars[i].is_alphabetic())
        .collect();
    if letters.len() < 2 {
        return s.to_string();
    }
    let i = letters[rng.gen_range(0..letters.len() - 1)];
    match rng.gen_range(0..3) {
        0 => chars.swap(i, i + 1),
        1 => {
            chars.remove(i);
        }
        _ => chars.insert(i, chars[i]),
    }
    chars.into_iter().collect()
}

fn name(rng: &mut ChaCha8Rng, g: &Good) -> String {
    let mut n = if rng.gen_bool(0.5) {
        g.id.to_string()
    } else {
        g.en.to_string()
    };
    if rng.gen_bool(0.15) {
        n = typo(rng, &n);
    }
    if rng.gen_bool(0.2) {
        n = format!("{n} {}", WORDS_NOISE[rng.gen_range(0..WORDS_NOISE.len())]);
    }
    if rng.gen_bool(0.3) {
        // Field spelling: capitalised words.
        n = n
            .split(' ')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
            })
            .collect::<Vec<_>>()
            .join(" ");
    }
    n
}

fn hs(rng: &mut ChaCha8Rng, g: &Good) -> Option<String> {
    match rng.gen_range(0..10) {
        0..=3 => None,
        4 => Some(g.hs[..4].to_string()),
        _ => Some(g.hs.to_string()),
    }
}

/// A rate around `base` in the good's unit, sometimes restated in an odd unit or period.
fn rate(rng: &mut ChaCha8Rng, g: &Good, scale: f64) -> Rate {
    let amount = (scale * rng.gen_range(0.2..5.0f64)).max(0.5);
    let (amount, unit) = match (g.unit, rng.gen_range(0..6)) {
        (Unit::Kg, 0) => (amount / 100.0, Unit::Kuintal),
        (Unit::Ton, 0) => (amount * 1000.0, Unit::Kg),
        (Unit::Ton, 1) => (amount * 10.0, Unit::Kuintal),
        (Unit::Pcs, 0) => (amount / 12.0, Unit::Lusin),
        (u, _) => (amount, u),
    };
    let (amount, per) = match rng.gen_range(0..5) {
        0 => (amount / 4.0, Period::Week),
        1 => (amount * 12.0, Period::Year),
        _ => (amount, Period::Month),
    };
    Rate::new((amount * 100.0).round().max(1.0) / 100.0, unit, per).expect("positive amount")
}

fn pick_certs(rng: &mut ChaCha8Rng) -> Vec<Certification> {
    let mut c = Vec::new();
    if rng.gen_bool(0.6) {
        c.push(Certification::Halal);
    }
    if rng.gen_bool(0.4) {
        c.push(Certification::Pirt);
    }
    if rng.gen_bool(0.15) {
        c.push(Certification::Bpom);
    }
    if rng.gen_bool(0.1) {
        c.push(Certification::Sni);
    }
    c
}

/// `n` firms, ids `f0000000`…, deterministic for a given seed.
pub fn firms(n: usize, seed: u64) -> Vec<Firm> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let reference = Reference::shared();
    let regencies: Vec<Vec<(&str, &str)>> = Province::ALL
        .iter()
        .map(|&p| {
            reference
                .regencies_of(p)
                .map(|r| (r.code.as_str(), r.name.as_str()))
                .collect()
        })
        .collect();
    (0..n)
        .map(|i| {
            let arch = &ARCHETYPES[rng.gen_range(0..ARCHETYPES.len())];
            let pi = rng.gen_range(0..2);
            let province = Province::ALL[pi];
            let (regency, regency_name) = regencies[pi][rng.gen_range(0..regencies[pi].len())];
            let size = [FirmSize::Micro, FirmSize::Small, FirmSize::Medium][rng.gen_range(0..3)];
            let scale = match size {
                FirmSize::Micro => 20.0,
                FirmSize::Small => 200.0,
                FirmSize::Medium => 2000.0,
            };
            let mut certifications = pick_certs(&mut rng);
            certifications.sort();
            let products: Vec<Product> = arch
                .makes
                .iter()
                .filter(|_| rng.gen_bool(0.85))
                .copied()
                .collect::<Vec<usize>>()
                .into_iter()
                .map(|g| {
                    let g = &GOODS[g];
                    Product {
                        name: name(&mut rng, g),
                        hs_code: hs(&mut rng, g),
                        capacity: rate(&mut rng, g, scale),
                    }
                })
                .collect();
            let needs: Vec<Need> = arch
                .needs
                .iter()
                .filter(|_| rng.gen_bool(0.7))
                .copied()
                .collect::<Vec<usize>>()
                .into_iter()
                .map(|g| {
                    let g = &GOODS[g];
                    let required = if rng.gen_bool(0.25) {
                        vec![Certification::Halal]
                    } else {
                        vec![]
                    };
                    Need {
                        name: name(&mut rng, g),
                        hs_code: hs(&mut rng, g),
                        volume: rate(&mut rng, g, scale),
                        required_certifications: required,
                    }
                })
                .collect();
            let kbli = if reference.kbli_subclass(arch.kbli).is_some() {
                vec![arch.kbli.to_string()]
            } else {
                vec!["10799".to_string()]
            };
            Firm {
                id: FirmId::parse(&format!("f{i:07}")).expect("valid id"),
                profile: FirmProfile {
                    name: format!(
                        "{} {} {i}",
                        ["CV", "UD", "PT", "KUB"][rng.gen_range(0..4)],
                        regency_name
                    ),
                    province,
                    regency: regency.to_string(),
                    regency_name: regency_name.to_string(),
                    kbli,
                    size,
                    employees: rng.gen_range(1..150),
                    certifications,
                    products,
                    needs,
                    contact: None,
                },
                version: 1,
                created_at: DateTime::<Utc>::UNIX_EPOCH,
                updated_at: DateTime::<Utc>::UNIX_EPOCH,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_valid() {
        let a = firms(200, 7);
        assert_eq!(a, firms(200, 7));
        assert_ne!(a, firms(200, 8));
        let reference = Reference::shared();
        for f in &a {
            // Every generated profile passes the domain parser unchanged.
            let (_, again) = f.to_input().parse(reference).unwrap();
            assert_eq!(again, f.profile);
        }
    }
}
