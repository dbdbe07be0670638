//! Who the firms are and where: the rendering of a latent firm's identity. Names, places and
//! contact details that sound like the forum's real participants: Sasak, Samawa, Mbojo and
//! Balinese names in NTB, Javanese, Madurese and Chinese-Indonesian names in Jatim; villages
//! and craft centres per kabupaten/kota; firm names with their legal form ("CV Kopi Sembalun
//! Rinjani"); readable ids (`ntb-kopi-sembalun-0042`); Indonesian mobile numbers and
//! landlines with the area code of the regency; e-mail addresses.

use super::catalog::{CertProfile, Line};
use crate::domain::firm::ContactInput;
use crate::domain::reference::RegencyEntry;
use crate::domain::{FirmSize, Province};
use rand::seq::SliceRandom;
use rand::Rng;

/// Villages, kecamatan and landmarks firms name themselves after, by Kemendagri code.
/// Regencies missing here fall back to their own name ([`place`]).
fn places(regency_code: &str) -> &'static [&'static str] {
    match regency_code {
        "52.01" => &[
            "Banyumulek",
            "Sekotong",
            "Gerung",
            "Lingsar",
            "Narmada",
            "Senggigi",
        ],
        "52.02" => &[
            "Sukarara",
            "Penujak",
            "Praya",
            "Kuta",
            "Gerupuk",
            "Mandalika",
            "Sade",
        ],
        "52.03" => &[
            "Sembalun",
            "Pringgasela",
            "Masbagik",
            "Selong",
            "Ekas",
            "Jerowaru",
            "Sakra",
        ],
        "52.04" => &[
            "Moyo",
            "Alas",
            "Empang",
            "Batu Lanteh",
            "Samawa",
            "Plampang",
        ],
        "52.05" => &["Kilo", "Manggelewa", "Pekat", "Kempo", "Tambora"],
        "52.06" => &["Wera", "Sape", "Donggo", "Bolo", "Woha", "Mbojo"],
        "52.07" => &["Taliwang", "Jereweh", "Maluk", "Sekongkang"],
        "52.08" => &[
            "Tanjung", "Gangga", "Bayan", "Senaru", "Pemenang", "Kayangan",
        ],
        "52.71" => &[
            "Sekarbela",
            "Ampenan",
            "Cakranegara",
            "Sayang Sayang",
            "Selaparang",
        ],
        "52.72" => &["Raba", "Rasanae", "Asakota", "Mpunda"],
        "35.78" => &[
            "Rungkut",
            "Wonokromo",
            "Tandes",
            "Kenjeran",
            "Gubeng",
            "Suroboyo",
        ],
        "35.15" => &["Tanggulangin", "Waru", "Candi", "Krian", "Porong", "Delta"],
        "35.25" => &["Manyar", "Kebomas", "Driyorejo", "Cerme", "Giri"],
        "35.14" => &[
            "Bangil",
            "Pandaan",
            "Purwosari",
            "Gempol",
            "Rembang",
            "Prigen",
        ],
        "35.75" => &["Bugul", "Gadingrejo", "Panggungrejo"],
        "35.07" => &[
            "Dampit",
            "Lawang",
            "Singosari",
            "Turen",
            "Kepanjen",
            "Arjuno",
        ],
        "35.73" => &["Blimbing", "Klojen", "Lowokwaru", "Sukun", "Arema"],
        "35.79" => &["Bumiaji", "Junrejo", "Panderman"],
        "35.06" => &["Pare", "Gurah", "Wates", "Kelud"],
        "35.71" => &["Mojoroto", "Pesantren", "Brantas"],
        "35.09" => &["Ambulu", "Kalisat", "Puger", "Argopuro"],
        "35.28" => &["Proppo", "Klampar", "Pademawu", "Larangan"],
        "35.04" => &["Kalangbret", "Ngunut", "Kauman", "Majan"],
        "35.20" => &["Sukomoro", "Plaosan", "Lawu"],
        "35.17" => &["Mojowarno", "Diwek", "Ploso", "Mojoagung"],
        "35.16" => &["Trowulan", "Sooko", "Majapahit"],
        "35.11" => &["Sukosari", "Wonosari", "Ijen"],
        "35.10" => &["Glenmore", "Genteng", "Rogojampi", "Blambangan"],
        "35.23" => &["Kerek", "Jenu", "Tuban"],
        _ => &[],
    }
}

/// The telephone area code of a regency (without the leading 0).
fn area_code(regency_code: &str) -> &'static str {
    match regency_code {
        "52.01" | "52.02" | "52.08" | "52.71" => "370",
        "52.03" => "376",
        "52.04" => "371",
        "52.07" => "372",
        "52.05" => "373",
        "52.06" | "52.72" => "374",
        "35.78" | "35.15" | "35.25" | "35.26" => "31",
        "35.07" | "35.73" | "35.79" => "341",
        "35.06" | "35.71" => "354",
        "35.09" => "331",
        "35.14" | "35.75" => "343",
        "35.16" | "35.76" | "35.17" => "321",
        "35.28" => "324",
        "35.29" => "328",
        "35.27" => "323",
        "35.04" | "35.03" => "355",
        "35.20" | "35.19" | "35.77" | "35.21" => "351",
        "35.13" | "35.74" => "335",
        "35.10" => "333",
        "35.11" => "332",
        "35.12" => "338",
        "35.08" => "334",
        "35.05" | "35.72" => "342",
        "35.18" => "358",
        "35.01" => "357",
        "35.02" => "352",
        "35.22" => "353",
        "35.23" => "356",
        "35.24" => "322",
        _ => "31",
    }
}

const SASAK_MALE: &[&str] = &[
    "Ahmad Zaini",
    "Muhammad Iqbal",
    "Zulkifli",
    "Ahmad Fauzan",
    "Sahnun",
    "Suhaimi",
    "Mahsun",
    "Saparudin",
    "Hasbullah",
    "Khairul Anam",
    "Muhammad Amin",
    "Jumaidi",
    "Sukri",
    "Rusdi",
    "Hamdan",
    "Nasruddin",
    "Zainul Majdi",
    "Azhar",
    "Lukmanul Hakim",
    "Sarjan",
];
const SASAK_FEMALE: &[&str] = &[
    "Nurul Aini",
    "Nurhasanah",
    "Rahmawati",
    "Juniarti",
    "Diyah Ratnasari",
    "Sri Wahyuni",
    "Hairunnisa",
    "Fitriani",
    "Zuhriati",
    "Nuraeni",
    "Mariani",
    "Rohani",
    "Suryani",
    "Mahnun",
];
const SAMAWA_MBOJO: &[&str] = &[
    "Syamsuddin",
    "Arifin",
    "Muhammad Syarif",
    "Abdul Haris",
    "Ruslan",
    "Fahrurrazi",
    "Ahmad Yani",
    "Syafruddin",
    "Julkarnain",
    "Dewi Sartika",
    "Siti Hajar",
    "Nurjannah",
    "Siti Aminah",
    "Syamsiah",
    "Hadijah",
    "Ilham Akbar",
    "Nurdin",
    "Kurniawan",
];
const BALI_MALE_PREFIX: &[&str] = &["I Wayan", "I Made", "I Nyoman", "I Ketut", "I Gede"];
const BALI_FEMALE_PREFIX: &[&str] = &["Ni Made", "Ni Wayan", "Ni Ketut", "Ni Luh", "Ni Nyoman"];
const BALI_NAMES: &[&str] = &[
    "Sukerti",
    "Suardana",
    "Sudarma",
    "Ariani",
    "Budiasa",
    "Astiti",
    "Mertayasa",
    "Sriasih",
    "Parwata",
    "Suartini",
];
const JAVA: &[&str] = &[
    "Budi Santoso",
    "Sri Wahyuni",
    "Agus Setiawan",
    "Eko Prasetyo",
    "Dwi Lestari",
    "Slamet Riyadi",
    "Tri Handayani",
    "Siti Rohmah",
    "Bambang Sugiarto",
    "Hadi Purnomo",
    "Endang Susilowati",
    "Wahyu Hidayat",
    "Joko Susilo",
    "Rina Kusumawati",
    "Heru Cahyono",
    "Yuli Astuti",
    "Sugeng Widodo",
    "Puji Rahayu",
    "Anang Ma'ruf",
    "Nanik Sulistyowati",
    "Imam Mahmudi",
    "Suparno",
    "Sutrisno",
    "Kartini",
    "Lilik Suharti",
];
const MADURA: &[&str] = &[
    "Moh. Syafi'i",
    "Abd. Rahman",
    "Ach. Fauzi",
    "Hj. Rofiqoh",
    "Matrawi",
    "Sulaiman",
    "Holil",
    "Fathorrahman",
    "Nurul Hasanah",
    "Moh. Hasan",
    "Siti Fatimah",
    "Ach. Zainuri",
];
const CHINESE_INDONESIAN: &[&str] = &[
    "Hendra Wijaya",
    "Linda Susanto",
    "Yohanes Gunawan",
    "Herman Tanoto",
    "Lenny Halim",
    "Stefanus Kurniawan",
    "Melinda Santoso",
];

fn pick<R: Rng>(rng: &mut R, xs: &[&'static str]) -> &'static str {
    xs.choose(rng).copied().unwrap_or("")
}

/// A contact person's name fitting the regency's population.
fn person<R: Rng>(rng: &mut R, province: Province, regency_code: &str) -> String {
    let hajj = |rng: &mut R, name: String| {
        if rng.gen_bool(0.08) && !name.starts_with("Hj.") {
            format!("H. {name}")
        } else {
            name
        }
    };
    match province {
        Province::Ntb => {
            let sumbawa_bima = matches!(
                regency_code,
                "52.04" | "52.05" | "52.06" | "52.07" | "52.72"
            );
            let balinese = matches!(regency_code, "52.71" | "52.01") && rng.gen_bool(0.15);
            if sumbawa_bima && rng.gen_bool(0.85) {
                let n = pick(rng, SAMAWA_MBOJO).to_string();
                hajj(rng, n)
            } else if balinese {
                let prefix = if rng.gen_bool(0.5) {
                    pick(rng, BALI_MALE_PREFIX)
                } else {
                    pick(rng, BALI_FEMALE_PREFIX)
                };
                format!("{prefix} {}", pick(rng, BALI_NAMES))
            } else if rng.gen_bool(0.55) {
                // Lalu is the Sasak nobility title; most Sasak men go without it.
                let n = pick(rng, SASAK_MALE);
                if rng.gen_bool(0.3) {
                    format!("Lalu {n}")
                } else {
                    hajj(rng, n.to_string())
                }
            } else {
                let n = pick(rng, SASAK_FEMALE);
                if rng.gen_bool(0.3) {
                    format!("Baiq {n}")
                } else {
                    n.to_string()
                }
            }
        }
        Province::Jatim => {
            let madura = matches!(regency_code, "35.26" | "35.27" | "35.28" | "35.29");
            let eastern = matches!(regency_code, "35.09" | "35.11" | "35.12" | "35.13");
            let city = matches!(regency_code, "35.78" | "35.15" | "35.73");
            if madura && rng.gen_bool(0.85) || eastern && rng.gen_bool(0.4) {
                pick(rng, MADURA).to_string()
            } else if city && rng.gen_bool(0.12) {
                pick(rng, CHINESE_INDONESIAN).to_string()
            } else {
                let n = pick(rng, JAVA).to_string();
                hajj(rng, n)
            }
        }
    }
}

const MOBILE_PREFIXES: &[&str] = &[
    "0812", "0813", "0821", "0822", "0852", "0853", "0815", "0816", "0857", "0858", "0817", "0818",
    "0819", "0859", "0877", "0878", "0838", "0831", "0895", "0896", "0897",
];

/// A mobile number ("0812-3456-7890", sometimes "+62 812…") or a landline with the regency's
/// area code; landlines are likelier for bigger firms.
fn phone<R: Rng>(rng: &mut R, regency_code: &str, landline_chance: f64) -> String {
    if rng.gen_bool(landline_chance) {
        let area = area_code(regency_code);
        // Surabaya's numbers have 7 digits after the area code, smaller cities 6.
        let local: u32 = if area == "31" {
            rng.gen_range(3_000_000..9_000_000)
        } else {
            rng.gen_range(210_000..800_000)
        };
        if rng.gen_bool(0.5) {
            format!("(0{area}) {local}")
        } else {
            format!("0{area}-{local}")
        }
    } else {
        let prefix = pick(rng, MOBILE_PREFIXES);
        let a: u32 = rng.gen_range(1000..10_000);
        let b: u32 = rng.gen_range(1000..10_000);
        if rng.gen_bool(0.1) {
            format!("+62 {} {a} {b}", &prefix[1..])
        } else {
            format!("{prefix}-{a}-{b}")
        }
    }
}

/// Lower-case ASCII letters and digits only: safe in slugs, e-mail local parts and domains.
fn ascii_key(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// An e-mail for the firm: free-mail for most IKM, an own domain for some established ones.
fn email<R: Rng>(rng: &mut R, person: &str, brand: &str, own_domain: f64) -> String {
    let first = person
        .split_whitespace()
        .find(|w| {
            !matches!(
                *w,
                "H." | "Hj." | "Lalu" | "Baiq" | "I" | "Ni" | "Moh." | "Abd." | "Ach." | "Muhammad"
            )
        })
        .map(ascii_key)
        .filter(|w| !w.is_empty())
        .unwrap_or_else(|| "admin".into());
    let brand = ascii_key(brand);
    if rng.gen_bool(own_domain) {
        let tld = pick(rng, &["co.id", "id", "com", "co.id"]);
        let local = pick(rng, &["info", "sales", "marketing", "admin"]);
        let local = if rng.gen_bool(0.3) {
            first.as_str()
        } else {
            local
        };
        return format!("{local}@{brand}.{tld}");
    }
    let domain = match rng.gen_range(0..10) {
        0 | 1 => "yahoo.co.id",
        2 => "yahoo.com",
        _ => "gmail.com",
    };
    match rng.gen_range(0..3) {
        0 => format!("{brand}@{domain}"),
        1 => format!("{first}.{brand}@{domain}"),
        _ => format!("{first}{}@{domain}", rng.gen_range(1..100)),
    }
}

/// The place a firm names itself after: a village or centre of its regency, else the
/// regency's own name.
pub(crate) fn place<R: Rng>(rng: &mut R, regency: &RegencyEntry) -> String {
    match places(&regency.code).choose(rng) {
        Some(p) => p.to_string(),
        None => bare_regency_name(&regency.name).to_string(),
    }
}

/// `<province>-<line>-<place>-<n>`, e.g. `ntb-kopi-sembalun-0042`: readable, unique by `n`.
pub(crate) fn firm_id(province: Province, line: &Line, place: &str, n: usize) -> String {
    format!(
        "{}-{}-{}-{:04}",
        province.as_str().to_ascii_lowercase(),
        line.key,
        slug(place, 20),
        n
    )
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

/// Words firms put in their names, by province. The renderer draws one from the stream of
/// the firms' trade: keep eighteen in each (and [`FORMS`] as long as they are), or a draw
/// of another range changes every product and need name after it for a seed, and with them
/// the benchmark's figures.
pub(crate) const FANCY: [&[&str]; 2] = [
    &[
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
    ],
    &[
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
    ],
];

/// The legal forms of each size class; the renderer draws an index into the one of its size
/// (see [`FANCY`] on why their lengths stay).
pub(crate) const FORMS: [&[&str]; 3] = [
    &["UD", "KUB", "IKM", ""],
    &["CV", "UD", "Koperasi"],
    &["PT", "CV"],
];

/// The legal form at `index` of the size's [`FORMS`], as the line writes it: KUB and
/// koperasi are how crafts and smallholders organise (other lines write UD and CV), and most
/// cigarette makers use the customary PR (perusahaan rokok).
pub(crate) fn legal_form<R: Rng>(
    rng: &mut R,
    size: FirmSize,
    index: usize,
    line: &Line,
) -> &'static str {
    if line.key == "kretek" && rng.gen_bool(0.6) {
        return "PR";
    }
    let group_ok = matches!(
        line.certs,
        CertProfile::Craft | CertProfile::Commodity | CertProfile::Timber
    );
    match FORMS[size as usize].get(index).copied().unwrap_or("") {
        "KUB" if !group_ok => "UD",
        "Koperasi" if !group_ok => "CV",
        form => form,
    }
}

/// The firm's name and its brand (the name without the legal form, for e-mail addresses),
/// from the words of its line (`core`), its place and a word of its province (`fancy`).
pub(crate) fn firm_name<R: Rng>(
    rng: &mut R,
    form: &str,
    core: &str,
    fancy: &str,
    place: &str,
) -> (String, String) {
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

/// The regency as forms write it: its name, mostly; without "Kabupaten"; or its code.
pub(crate) fn regency_as_typed<R: Rng>(rng: &mut R, r: &RegencyEntry) -> String {
    match rng.gen_range(0..10) {
        0..=6 => r.name.clone(),
        7 | 8 => bare_regency_name(&r.name).to_string(),
        _ => r.code.clone(),
    }
}

/// The size class, now and then in Indonesian.
pub(crate) fn size_as_typed<R: Rng>(rng: &mut R, size: FirmSize) -> String {
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

/// A contact person with a phone and an e-mail, each now and then missing; bigger firms
/// more often have a landline and a domain of their own.
pub(crate) fn contact<R: Rng>(
    rng: &mut R,
    province: Province,
    regency: &RegencyEntry,
    size: FirmSize,
    brand: &str,
) -> Option<ContactInput> {
    rng.gen_bool(0.95).then(|| {
        let person = person(rng, province, &regency.code);
        let (landline, own_domain) = match size {
            FirmSize::Micro => (0.03, 0.01),
            FirmSize::Small => (0.15, 0.1),
            FirmSize::Medium => (0.45, 0.55),
        };
        ContactInput {
            phone: rng
                .gen_bool(0.93)
                .then(|| phone(rng, &regency.code, landline)),
            email: rng
                .gen_bool(0.75)
                .then(|| email(rng, &person, brand, own_domain)),
            person: Some(person),
        }
    })
}
