//! A deterministic generator of realistic demo participants for an NTB–Jatim forum.
//!
//! Owns the demo data set: sector archetypes built on real KBLI 2020 and HS 2022 codes
//! ([`catalog`]), the people, places and contact details that go with them ([`people`]), and
//! the assembly of [`FirmInput`]s from those. Output is a function of the seed alone (ChaCha8),
//! every firm passes [`FirmInput::parse`], and the needs of each province are written against
//! the products of the other so the matching engine has real pairs to find. It knows nothing of
//! scoring. It is also the workload of the scale benchmarks, hence the attention to speed.

mod catalog;
mod people;

#[cfg(test)]
mod tests;

use crate::domain::firm::{ContactInput, NeedInput, ProductInput, RateInput};
use crate::domain::reference::RegencyEntry;
use crate::domain::{Certification, FirmInput, FirmSize, Period, Province, Reference, Unit};
use catalog::{Archetype, Item, Kind, ARCHETYPES};
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::{index, SliceRandom};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What to generate. `Default` is the demo a forum organiser sees: 3 000 firms, half per
/// province, an HS code on 70% of products and needs.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoConfig {
    pub seed: u64,
    pub firms: usize,
    /// Probability that a firm is from NTB; the rest are from Jatim.
    pub ntb_share: f64,
    /// Probability that a product or need carries its HS code (field forms often lack it).
    pub hs_code_rate: f64,
    /// Probability that a product or need is named in English rather than Indonesian.
    pub english_rate: f64,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            seed: 5235,
            firms: 3000,
            ntb_share: 0.5,
            hs_code_rate: 0.7,
            english_rate: 0.12,
        }
    }
}

/// `firms` demo firms for `seed`, with the default mix.
pub fn generate(seed: u64, firms: usize) -> Vec<FirmInput> {
    generate_with(&DemoConfig {
        seed,
        firms,
        ..DemoConfig::default()
    })
}

/// Demo firms as `config` asks. Ids are `<province>-<sector>-<place>-<n>`, numbered from 1
/// in generation order, so the same seed and size always give the same ids.
pub fn generate_with(config: &DemoConfig) -> Vec<FirmInput> {
    let plan = Plan::new(Reference::shared());
    let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
    (0..config.firms)
        .map(|i| plan.firm(&mut rng, config, i + 1))
        .collect()
}

/// The archetypes resolved against the reference tables once, so each firm costs only a few
/// random draws and string builds.
struct Plan {
    archetypes: Vec<Resolved>,
    by_province: [(Vec<usize>, WeightedIndex<u32>); 2],
}

struct Resolved {
    archetype: &'static Archetype,
    regencies: Vec<&'static RegencyEntry>,
    regency_weights: WeightedIndex<u32>,
    sizes: WeightedIndex<u32>,
}

impl Plan {
    fn new(reference: &'static Reference) -> Plan {
        let archetypes: Vec<Resolved> = ARCHETYPES
            .iter()
            .map(|a| {
                let (regencies, weights): (Vec<_>, Vec<_>) = a
                    .regencies
                    .iter()
                    .map(|&(name, w)| {
                        let r = reference
                            .find_regency(a.province, name)
                            // The catalog is static and covered by tests.
                            .unwrap_or_else(|| panic!("demo catalog regency '{name}' unknown"));
                        (r, w)
                    })
                    .unzip();
                Resolved {
                    archetype: a,
                    regencies,
                    regency_weights: WeightedIndex::new(weights).expect("positive weights"),
                    sizes: WeightedIndex::new(a.sizes).expect("positive weights"),
                }
            })
            .collect();
        let by_province = Province::ALL.map(|p| {
            let ids: Vec<usize> = (0..archetypes.len())
                .filter(|&i| archetypes[i].archetype.province == p)
                .collect();
            let weights = WeightedIndex::new(ids.iter().map(|&i| archetypes[i].archetype.weight))
                .expect("positive weights");
            (ids, weights)
        });
        Plan {
            archetypes,
            by_province,
        }
    }

    fn firm(&self, rng: &mut ChaCha8Rng, config: &DemoConfig, n: usize) -> FirmInput {
        let province = if rng.gen_bool(config.ntb_share.clamp(0.0, 1.0)) {
            Province::Ntb
        } else {
            Province::Jatim
        };
        let (ids, weights) = &self.by_province[province as usize];
        let resolved = &self.archetypes[ids[weights.sample(rng)]];
        let a = resolved.archetype;
        let regency = resolved.regencies[resolved.regency_weights.sample(rng)];
        let size = [FirmSize::Micro, FirmSize::Small, FirmSize::Medium][resolved.sizes.sample(rng)];
        let employees: i64 = match size {
            FirmSize::Micro => rng.gen_range(1..=4),
            FirmSize::Small => rng.gen_range(5..=19),
            FirmSize::Medium => rng.gen_range(20..=99),
        };

        let place = match people::places(&regency.code).choose(rng) {
            Some(p) => p.to_string(),
            None => bare_regency_name(&regency.name).to_string(),
        };
        let (name, brand) = firm_name(rng, a, size, &place, province);
        let id = format!(
            "{}-{}-{}-{:04}",
            province.as_str().to_ascii_lowercase(),
            a.key,
            slug(&place, 20),
            n
        );

        let products = pick_items(rng, a.products, 1, product_counts(size))
            .into_iter()
            .map(|item| ProductInput {
                name: Some(item_name(rng, item, config)),
                hs_code: rng
                    .gen_bool(config.hs_code_rate)
                    .then(|| hs_as_typed(rng, item.hs)),
                capacity: Some(rate(rng, item, size)),
            })
            .collect();
        let needs = pick_items(rng, a.needs, 0, &[12, 40, 33, 15])
            .into_iter()
            .map(|item| NeedInput {
                name: Some(item_name(rng, item, config)),
                hs_code: rng
                    .gen_bool(config.hs_code_rate)
                    .then(|| hs_as_typed(rng, item.hs)),
                volume: Some(rate(rng, item, size)),
                required_certifications: Some(required(rng, item, size)),
            })
            .collect();

        let contact = rng.gen_bool(0.95).then(|| {
            let person = people::person(rng, province, &regency.code);
            let landline = match size {
                FirmSize::Micro => 0.03,
                FirmSize::Small => 0.15,
                FirmSize::Medium => 0.45,
            };
            let own_domain = match size {
                FirmSize::Micro => 0.01,
                FirmSize::Small => 0.1,
                FirmSize::Medium => 0.55,
            };
            ContactInput {
                phone: rng
                    .gen_bool(0.93)
                    .then(|| people::phone(rng, &regency.code, landline)),
                email: rng
                    .gen_bool(0.75)
                    .then(|| people::email(rng, &person, &brand, own_domain)),
                person: Some(person),
            }
        });

        FirmInput {
            id: Some(id),
            name: Some(name),
            province: Some(province.as_str().to_string()),
            regency: Some(regency_as_typed(rng, regency)),
            kbli: Some(kbli(rng, a)),
            size: Some(size_as_typed(rng, size)),
            employees: Some(employees),
            certifications: Some(
                certifications(rng, a, size)
                    .into_iter()
                    .map(|c| c.as_str().to_string())
                    .collect(),
            ),
            products: Some(products),
            needs: Some(needs),
            contact,
            version: None,
        }
    }
}

fn bare_regency_name(name: &str) -> &str {
    name.strip_prefix("Kabupaten ").unwrap_or(name)
}

/// Lower-case ASCII words joined by '-', at most `max` bytes, never ending in '-'.
fn slug(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    out.truncate(max);
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() {
        out.push('x');
    }
    out
}

const FANCY_NTB: &[&str] = &[
    "Rinjani",
    "Tambora",
    "Samawa",
    "Mbojo",
    "Sasak",
    "Mandiri",
    "Jaya",
    "Sejahtera",
    "Berkah",
    "Makmur",
    "Lestari",
    "Abadi",
    "Sentosa",
    "Nusantara",
    "Indah",
    "Barokah",
    "Bersatu",
    "Maju",
];
const FANCY_JATIM: &[&str] = &[
    "Prima",
    "Jaya",
    "Makmur",
    "Abadi",
    "Sentosa",
    "Mandiri",
    "Sejahtera",
    "Berkah",
    "Barokah",
    "Agung",
    "Sumber Rejeki",
    "Sinar",
    "Mulia",
    "Karya",
    "Utama",
    "Nusantara",
    "Majapahit",
    "Brawijaya",
];

/// The firm's name and its brand (the name without the legal form, for e-mail addresses).
fn firm_name<R: Rng>(
    rng: &mut R,
    a: &Archetype,
    size: FirmSize,
    place: &str,
    province: Province,
) -> (String, String) {
    let core = a.core.choose(rng).copied().unwrap_or(a.key);
    let fancy = match province {
        Province::Ntb => FANCY_NTB,
        Province::Jatim => FANCY_JATIM,
    }
    .choose(rng)
    .copied()
    .unwrap_or("Jaya");
    // Groups (KUB, koperasi) are how crafts and smallholders organise; PR is the
    // customary prefix of cigarette makers.
    let group_ok = matches!(a.kind, Kind::Craft | Kind::Commodity | Kind::Timber);
    let form = if a.key == "kretek" && rng.gen_bool(0.6) {
        "PR"
    } else {
        match size {
            FirmSize::Micro => match rng.gen_range(0..10) {
                0..=3 => "UD",
                4..=6 if group_ok => "KUB",
                7 => "IKM",
                _ => "",
            },
            FirmSize::Small => match rng.gen_range(0..10) {
                0..=4 => "CV",
                5..=7 => "UD",
                _ if group_ok => "Koperasi",
                _ => "CV",
            },
            FirmSize::Medium => {
                if rng.gen_bool(0.7) {
                    "PT"
                } else {
                    "CV"
                }
            }
        }
    };
    let brand = match rng.gen_range(0..4) {
        0 => format!("{core} {place}"),
        1 => format!("{core} {place} {fancy}"),
        2 => format!("{fancy} {core}"),
        _ => format!("{core} {fancy} {place}"),
    };
    let name = if form.is_empty() {
        brand.clone()
    } else {
        format!("{form} {brand}")
    };
    (name, brand)
}

/// Weights of 1, 2 and 3 products: small workshops make one thing, bigger firms a range.
fn product_counts(size: FirmSize) -> &'static [u32] {
    match size {
        FirmSize::Micro => &[70, 25, 5],
        FirmSize::Small => &[50, 35, 15],
        FirmSize::Medium => &[30, 40, 30],
    }
}

/// Distinct items, `least + i` of them with probability proportional to `weights[i]`.
fn pick_items<'a, R: Rng>(
    rng: &mut R,
    items: &'a [Item],
    least: usize,
    weights: &[u32],
) -> Vec<&'a Item> {
    let dist = WeightedIndex::new(weights).expect("positive weights");
    let k = (least + dist.sample(rng)).min(items.len());
    index::sample(rng, items.len(), k)
        .into_iter()
        .map(|i| &items[i])
        .collect()
}

fn item_name<R: Rng>(rng: &mut R, item: &Item, config: &DemoConfig) -> String {
    let pool = if !item.english.is_empty() && rng.gen_bool(config.english_rate) {
        item.english
    } else {
        item.names
    };
    pool.choose(rng).copied().unwrap_or("Produk").to_string()
}

/// HS codes as people type them: mostly "090111", sometimes "0901.11".
fn hs_as_typed<R: Rng>(rng: &mut R, hs: &str) -> String {
    if rng.gen_bool(0.15) {
        format!("{}.{}", &hs[..4], &hs[4..])
    } else {
        hs.to_string()
    }
}

fn regency_as_typed<R: Rng>(rng: &mut R, r: &RegencyEntry) -> String {
    match rng.gen_range(0..10) {
        0..=6 => r.name.clone(),
        7 | 8 => bare_regency_name(&r.name).to_string(),
        _ => r.code.clone(),
    }
}

fn size_as_typed<R: Rng>(rng: &mut R, size: FirmSize) -> String {
    if rng.gen_bool(0.1) {
        match size {
            FirmSize::Micro => "mikro",
            FirmSize::Small => "kecil",
            FirmSize::Medium => "menengah",
        }
        .to_string()
    } else {
        size.as_str().to_string()
    }
}

fn kbli<R: Rng>(rng: &mut R, a: &Archetype) -> Vec<String> {
    let main = if rng.gen_bool(0.75) {
        a.kbli[0]
    } else {
        a.kbli.choose(rng).copied().unwrap_or(a.kbli[0])
    };
    let mut codes = vec![main.to_string()];
    if rng.gen_bool(0.25) {
        if let Some(other) = a.kbli.iter().find(|&&c| c != main) {
            codes.push(other.to_string());
        }
    }
    codes
}

/// Rounds to two significant digits, as people state capacities ("1.500 kg", "2,4 ton").
fn nice(x: f64) -> f64 {
    let exp = x.log10().floor() as i32 - 1;
    if exp >= 0 {
        let m = 10f64.powi(exp);
        (x / m).round() * m
    } else {
        // Divide by an exact power of ten so 0.35 prints as 0.35.
        let m = 10f64.powi(-exp);
        (x * m).round() / m
    }
}

/// A rate for `item` at a firm of `size`: the catalog's small-firm figure scaled, now and then
/// restated per week or per year, or in kuintal, lusin or kodi as the field writes it.
fn rate<R: Rng>(rng: &mut R, item: &Item, size: FirmSize) -> RateInput {
    let factor = match size {
        FirmSize::Micro => rng.gen_range(0.1..0.4),
        FirmSize::Small => rng.gen_range(0.5..1.6),
        FirmSize::Medium => rng.gen_range(3.0..10.0),
    };
    let mut amount = item.base * factor;
    let mut unit = item.unit;
    let mut per = item.per;
    if per == Period::Month {
        match rng.gen_range(0..100) {
            0..=11 => {
                per = Period::Week;
                amount /= 365.25 / 12.0 / 7.0;
            }
            12..=17 => {
                per = Period::Year;
                amount *= 12.0;
            }
            _ => {}
        }
    }
    match unit {
        Unit::Kg if amount >= 200.0 && rng.gen_bool(0.12) => {
            unit = Unit::Kuintal;
            amount /= 100.0;
        }
        Unit::Ton if rng.gen_bool(0.08) => {
            unit = Unit::Kuintal;
            amount *= 10.0;
        }
        Unit::Pcs if amount >= 48.0 && per != Period::Year && rng.gen_bool(0.06) => {
            unit = Unit::Lusin;
            amount /= 12.0;
        }
        _ => {}
    }
    let counted = matches!(unit, Unit::Pcs | Unit::Lusin | Unit::Kodi);
    let amount = if counted {
        nice(amount).round().max(1.0)
    } else {
        nice(amount)
    };
    RateInput {
        amount: Some(amount),
        unit: Some(unit.as_str().to_string()),
        per: Some(period_as_typed(rng, per)),
    }
}

fn period_as_typed<R: Rng>(rng: &mut R, per: Period) -> String {
    if rng.gen_bool(0.08) {
        match per {
            Period::Day => "hari",
            Period::Week => "minggu",
            Period::Month => "bulan",
            Period::Year => "tahun",
        }
        .to_string()
    } else {
        per.as_str().to_string()
    }
}

/// What a buyer of `size` asks its supplier to hold; larger buyers insist more often.
fn required<R: Rng>(rng: &mut R, item: &Item, size: FirmSize) -> Vec<String> {
    let strictness = match size {
        FirmSize::Micro => 0.7,
        FirmSize::Small => 1.0,
        FirmSize::Medium => 1.3,
    };
    item.requires
        .iter()
        .filter(|&&(_, p)| rng.gen_bool((p * strictness).min(1.0)))
        .map(|&(c, _)| c.as_str().to_string())
        .collect()
}

/// Certifications held, by kind and size: food firms move from PIRT to BPOM as they grow,
/// crafts rarely certify, industry holds SNI/ISO 9001, timber firms SVLK.
fn certifications<R: Rng>(rng: &mut R, a: &Archetype, size: FirmSize) -> Vec<Certification> {
    use Certification::*;
    use FirmSize::{Medium, Micro, Small};
    let food_packaging = matches!(a.key, "plastik" | "karton" | "kimia");
    let odds: &[(Certification, f64)] = match (a.kind, size) {
        (Kind::Food, Micro) => &[(Pirt, 0.6), (Halal, 0.45)],
        (Kind::Food, Small) => &[(Pirt, 0.75), (Halal, 0.7), (Bpom, 0.15), (Haccp, 0.02)],
        (Kind::Food, Medium) => &[
            (Bpom, 0.85),
            (Halal, 0.9),
            (Haccp, 0.3),
            (Iso22000, 0.2),
            (Pirt, 0.1),
        ],
        (Kind::Commodity, Micro) => &[(Organic, 0.04)],
        (Kind::Commodity, Small) => &[(Organic, 0.06), (Halal, 0.05)],
        (Kind::Commodity, Medium) => &[(Organic, 0.08), (Halal, 0.1), (Iso9001, 0.15)],
        (Kind::Craft, Micro) => &[],
        (Kind::Craft, Small) => &[(Sni, 0.03)],
        (Kind::Craft, Medium) => &[(Sni, 0.1), (Iso9001, 0.1)],
        (Kind::Timber, Micro) => &[(Svlk, 0.03)],
        (Kind::Timber, Small) => &[(Svlk, 0.15)],
        (Kind::Timber, Medium) => &[(Svlk, 0.6), (Iso9001, 0.1)],
        (Kind::Industrial, Micro) => &[(Sni, 0.1)],
        (Kind::Industrial, Small) => &[(Sni, 0.4), (Iso9001, 0.2), (Halal, 0.15), (Gmp, 0.05)],
        (Kind::Industrial, Medium) => &[(Sni, 0.7), (Iso9001, 0.7), (Halal, 0.35), (Gmp, 0.15)],
        (Kind::Tobacco, Micro | Small) => &[],
        (Kind::Tobacco, Medium) => &[(Iso9001, 0.3)],
    };
    let mut held: Vec<Certification> = odds
        .iter()
        // Halal certificates for packaging and chemicals only matter to food customers.
        .filter(|&&(c, _)| c != Halal || a.kind != Kind::Industrial || food_packaging)
        .filter(|&&(_, p)| rng.gen_bool(p))
        .map(|&(c, _)| c)
        .collect();
    // Iodised salt must carry SNI.
    if a.key == "garam" && rng.gen_bool(0.5) {
        held.push(Sni);
    }
    held
}
