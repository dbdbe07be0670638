//! The latent catalogue of the generator: product concepts (what a thing truly is, on real
//! HS 2022 subheadings), the groups of related concepts, and the lines of business (on real
//! KBLI 2020 subclasses) that make and buy them, each mostly in one province, so that what
//! one province needs the other makes. Names here are only the raw material of the noisy
//! rendering; the ground truth uses concept keys. Every code is checked against the
//! reference tables by the tests.

use crate::domain::{Certification, Period, Unit};
use Certification::{Halal, Iso22000, Iso9001, Organic, Sni, Svlk};
use Period::{Month, Year};
use Unit::{Kg, Liter, Meter, Pcs, M2};

/// A product concept: one thing, whatever it is called.
pub struct Concept {
    pub key: &'static str,
    /// Concepts of the same group are related (a buyer of one may take the other): grade 1.
    pub group: &'static str,
    pub indonesian: &'static [&'static str],
    pub english: &'static [&'static str],
    pub hs: &'static str,
    /// Base unit of the amounts below (kg, liter, pcs, meter, m²).
    pub unit: Unit,
    /// How the amount is usually stated: machines per year, the rest per month.
    pub per: Period,
    /// Typical amount for a small firm, in `unit` per `per`.
    pub base: f64,
    /// Certifications a buyer of this concept may require, each with its probability.
    pub requires: &'static [(Certification, f64)],
}

/// Which certifications firms of a line tend to hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertProfile {
    Food,
    Commodity,
    Craft,
    Timber,
    Industrial,
    Tobacco,
}

/// A line of business: what its firms make and what they buy.
pub struct Line {
    pub key: &'static str,
    /// Share of the line's firms that are in NTB (the rest in Jatim).
    pub ntb: f64,
    pub weight: u32,
    pub kbli: &'static [&'static str],
    pub core: &'static [&'static str],
    pub certs: CertProfile,
    pub makes: &'static [&'static str],
    pub buys: &'static [&'static str],
}

macro_rules! c {
    ($key:literal, $group:literal, $id:expr, $en:expr, $hs:literal, $unit:expr, $per:expr, $base:expr, $req:expr) => {
        Concept {
            key: $key,
            group: $group,
            indonesian: $id,
            english: $en,
            hs: $hs,
            unit: $unit,
            per: $per,
            base: $base,
            requires: $req,
        }
    };
}

pub static CONCEPTS: &[Concept] = &[
    c!(
        "kopi-arabika-gb",
        "kopi-mentah",
        &[
            "kopi arabika green bean",
            "biji kopi arabika",
            "kopi beras arabika"
        ],
        &["green arabica coffee beans"],
        "090111",
        Kg,
        Month,
        800.0,
        &[(Organic, 0.1), (Halal, 0.15)]
    ),
    c!(
        "kopi-robusta-gb",
        "kopi-mentah",
        &[
            "kopi robusta green bean",
            "biji kopi robusta",
            "kopi beras robusta"
        ],
        &["green robusta coffee beans"],
        "090111",
        Kg,
        Month,
        1500.0,
        &[(Halal, 0.15)]
    ),
    c!(
        "kopi-sangrai",
        "kopi-olah",
        &["kopi sangrai", "biji kopi sangrai", "kopi roasting"],
        &["roasted coffee beans"],
        "090121",
        Kg,
        Month,
        200.0,
        &[(Halal, 0.4)]
    ),
    c!(
        "kopi-bubuk",
        "kopi-olah",
        &["kopi bubuk", "bubuk kopi robusta", "kopi giling"],
        &["ground coffee"],
        "090121",
        Kg,
        Month,
        250.0,
        &[(Halal, 0.5)]
    ),
    c!(
        "cengkeh",
        "rempah",
        &["cengkeh kering", "cengkih", "bunga cengkeh"],
        &["dried cloves"],
        "090710",
        Kg,
        Month,
        500.0,
        &[]
    ),
    c!(
        "rl-cottonii",
        "rumput-laut",
        &[
            "rumput laut kering cottonii",
            "rumput laut eucheuma cottonii",
            "rumput laut cottoni"
        ],
        &["dried cottonii seaweed"],
        "121221",
        Kg,
        Month,
        6000.0,
        &[(Halal, 0.2)]
    ),
    c!(
        "rl-gracilaria",
        "rumput-laut",
        &["rumput laut gracilaria kering", "gracilaria kering"],
        &["dried gracilaria seaweed"],
        "121221",
        Kg,
        Month,
        3000.0,
        &[]
    ),
    c!(
        "keripik-rl",
        "camilan",
        &["keripik rumput laut", "stik rumput laut"],
        &["seaweed chips"],
        "190590",
        Kg,
        Month,
        100.0,
        &[(Halal, 0.6)]
    ),
    c!(
        "dodol",
        "camilan",
        &["dodol", "dodol nangka", "jenang dodol"],
        &["dodol sweets"],
        "170490",
        Kg,
        Month,
        150.0,
        &[(Halal, 0.6)]
    ),
    c!(
        "keripik-pisang",
        "camilan",
        &["keripik pisang", "kripik pisang", "sale pisang"],
        &["banana chips"],
        "200899",
        Kg,
        Month,
        200.0,
        &[(Halal, 0.6)]
    ),
    c!(
        "madu",
        "madu",
        &["madu hutan", "madu murni", "madu sumbawa"],
        &["forest honey", "natural honey"],
        "040900",
        Kg,
        Month,
        60.0,
        &[(Halal, 0.4)]
    ),
    c!(
        "mete-gelondong",
        "mete",
        &[
            "mete gelondong",
            "biji mete mentah",
            "jambu mete gelondongan"
        ],
        &["raw cashew nuts in shell"],
        "080131",
        Kg,
        Month,
        2000.0,
        &[]
    ),
    c!(
        "mete-kupas",
        "mete-olahan",
        &["kacang mete kupas", "mete kupas", "kacang mede"],
        &["cashew kernels"],
        "080132",
        Kg,
        Month,
        400.0,
        &[(Halal, 0.3)]
    ),
    c!(
        "sambal",
        "bumbu",
        &["sambal kemasan", "sambal botol", "sambal bawang"],
        &["bottled chili sauce"],
        "210390",
        Kg,
        Month,
        200.0,
        &[(Halal, 0.7)]
    ),
    c!(
        "garam-krosok",
        "garam",
        &["garam krosok", "garam rakyat", "garam kasar"],
        &["coarse sea salt"],
        "250100",
        Kg,
        Month,
        5000.0,
        &[]
    ),
    c!(
        "garam-halus",
        "garam",
        &["garam beryodium", "garam halus", "garam konsumsi"],
        &["iodised salt"],
        "250100",
        Kg,
        Month,
        1500.0,
        &[(Sni, 0.5)]
    ),
    c!(
        "tembakau-rajang",
        "tembakau",
        &[
            "tembakau rajangan",
            "daun tembakau kering",
            "tembakau krosok"
        ],
        &["cut tobacco leaf"],
        "240110",
        Kg,
        Month,
        3000.0,
        &[]
    ),
    c!(
        "tembakau-fc",
        "tembakau",
        &[
            "tembakau virginia fc",
            "tembakau flue cured",
            "tembakau oven"
        ],
        &["flue-cured virginia tobacco"],
        "240110",
        Kg,
        Month,
        2000.0,
        &[]
    ),
    c!(
        "rokok",
        "rokok",
        &["rokok kretek", "sigaret kretek tangan"],
        &["kretek cigarettes"],
        "240220",
        Pcs,
        Month,
        200000.0,
        &[]
    ),
    c!(
        "pouch",
        "kemasan-plastik",
        &[
            "kemasan standing pouch",
            "standing pouch zipper",
            "plastik kemasan pouch"
        ],
        &["stand-up pouches"],
        "392321",
        Pcs,
        Month,
        2500.0,
        &[(Halal, 0.1), (Iso22000, 0.1)]
    ),
    c!(
        "botol",
        "kemasan-plastik",
        &["botol plastik pet", "botol kemasan plastik", "botol pet"],
        &["pet bottles"],
        "392330",
        Pcs,
        Month,
        2000.0,
        &[(Iso22000, 0.1)]
    ),
    c!(
        "karung",
        "karung",
        &["karung plastik anyaman", "karung waring", "karung pp"],
        &["woven pp sacks"],
        "630533",
        Pcs,
        Month,
        500.0,
        &[]
    ),
    c!(
        "kardus",
        "kemasan-kertas",
        &["kardus karton", "karton box", "dus karton tebal"],
        &["corrugated cartons"],
        "481910",
        Pcs,
        Month,
        300.0,
        &[]
    ),
    c!(
        "box-lipat",
        "kemasan-kertas",
        &["kotak kemasan lipat", "box kertas duplex"],
        &["folding paper boxes"],
        "481920",
        Pcs,
        Month,
        1500.0,
        &[]
    ),
    c!(
        "label",
        "label",
        &["label stiker kemasan", "stiker label produk"],
        &["printed labels"],
        "482110",
        Pcs,
        Month,
        3000.0,
        &[]
    ),
    c!(
        "sealer",
        "mesin-kemas",
        &[
            "mesin sealer",
            "mesin continuous band sealer",
            "mesin press plastik"
        ],
        &["band sealer"],
        "842230",
        Pcs,
        Year,
        1.0,
        &[(Sni, 0.2)]
    ),
    c!(
        "mesin-kemas",
        "mesin-kemas",
        &["mesin pengemas otomatis", "mesin packing"],
        &["packing machine"],
        "842240",
        Pcs,
        Year,
        1.0,
        &[(Sni, 0.2)]
    ),
    c!(
        "pengering",
        "mesin-olah",
        &["mesin pengering", "oven pengering"],
        &["agricultural dryer"],
        "841934",
        Pcs,
        Year,
        1.0,
        &[(Sni, 0.2)]
    ),
    c!(
        "roaster",
        "mesin-olah",
        &["mesin sangrai kopi", "mesin roasting kopi"],
        &["coffee roaster"],
        "841981",
        Pcs,
        Year,
        1.0,
        &[(Sni, 0.2)]
    ),
    c!(
        "penggiling",
        "mesin-olah",
        &["mesin penggiling", "mesin giling tepung", "mesin grinder"],
        &["grinding machine"],
        "843780",
        Pcs,
        Year,
        1.0,
        &[(Sni, 0.2)]
    ),
    c!(
        "benang-katun",
        "benang",
        &["benang katun", "benang kapas"],
        &["cotton yarn"],
        "520512",
        Kg,
        Month,
        200.0,
        &[]
    ),
    c!(
        "benang-emas",
        "benang",
        &["benang emas songket", "benang perak songket"],
        &["metallic yarn"],
        "560500",
        Kg,
        Month,
        20.0,
        &[]
    ),
    c!(
        "pewarna",
        "pewarna",
        &["pewarna tekstil", "zat warna reaktif", "pewarna kain"],
        &["reactive dyes"],
        "320416",
        Kg,
        Month,
        30.0,
        &[(Sni, 0.2)]
    ),
    c!(
        "kain-tenun",
        "kain",
        &["kain tenun songket", "tenun ikat", "kain tenun"],
        &["handwoven songket cloth"],
        "520842",
        Pcs,
        Month,
        100.0,
        &[]
    ),
    c!(
        "kain-batik",
        "kain",
        &["kain batik tulis", "batik cap", "kain batik"],
        &["batik cloth"],
        "520852",
        Pcs,
        Month,
        200.0,
        &[]
    ),
    c!(
        "kain-mori",
        "kain",
        &["kain mori", "kain katun putih"],
        &["grey cotton cloth"],
        "520822",
        Meter,
        Month,
        1000.0,
        &[(Sni, 0.1)]
    ),
    c!(
        "kulit-mentah",
        "kulit-mentah",
        &["kulit sapi mentah", "kulit sapi garaman"],
        &["raw cattle hides"],
        "410150",
        Pcs,
        Month,
        300.0,
        &[(Halal, 0.2)]
    ),
    c!(
        "kulit-samak",
        "kulit-samak",
        &["kulit sapi samak", "kulit jadi", "kulit tersamak"],
        &["tanned cow leather"],
        "410799",
        M2,
        Month,
        400.0,
        &[]
    ),
    c!(
        "tas-kulit",
        "barang-kulit",
        &["tas kulit", "dompet kulit"],
        &["leather bags"],
        "420221",
        Pcs,
        Month,
        150.0,
        &[]
    ),
    c!(
        "sepatu-kulit",
        "barang-kulit",
        &["sepatu kulit", "sandal kulit"],
        &["leather shoes"],
        "640399",
        Pcs,
        Month,
        200.0,
        &[]
    ),
    c!(
        "rotan",
        "rotan-bahan",
        &["rotan mentah", "rotan poles", "rotan asalan"],
        &["raw rattan"],
        "140120",
        Kg,
        Month,
        2000.0,
        &[(Svlk, 0.4)]
    ),
    c!(
        "anyaman-ketak",
        "anyaman",
        &["anyaman ketak", "kerajinan ketak", "keranjang ketak"],
        &["ketak basketware"],
        "460219",
        Pcs,
        Month,
        300.0,
        &[]
    ),
    c!(
        "anyaman-rotan",
        "anyaman",
        &["anyaman rotan", "keranjang rotan"],
        &["rattan basketware"],
        "460212",
        Pcs,
        Month,
        200.0,
        &[(Svlk, 0.3)]
    ),
    c!(
        "mebel-kayu",
        "mebel",
        &["mebel kayu jati", "kursi kayu", "meja kayu"],
        &["teak furniture"],
        "940360",
        Pcs,
        Month,
        40.0,
        &[(Svlk, 0.5)]
    ),
    c!(
        "mebel-rotan",
        "mebel",
        &["kursi rotan", "mebel rotan"],
        &["rattan furniture"],
        "940383",
        Pcs,
        Month,
        30.0,
        &[(Svlk, 0.4)]
    ),
    c!(
        "pernis",
        "finishing",
        &["pernis kayu", "cat pernis finishing", "melamin kayu"],
        &["wood varnish"],
        "320890",
        Liter,
        Month,
        15.0,
        &[]
    ),
    c!(
        "gerabah",
        "gerabah",
        &["gerabah hias", "guci tanah liat", "kerajinan gerabah"],
        &["earthenware ornaments"],
        "691390",
        Pcs,
        Month,
        300.0,
        &[]
    ),
    c!(
        "piring-keramik",
        "gerabah",
        &["piring keramik", "peralatan makan keramik"],
        &["ceramic tableware"],
        "691200",
        Pcs,
        Month,
        500.0,
        &[]
    ),
    c!(
        "mutiara",
        "mutiara",
        &["mutiara laut selatan", "mutiara air laut", "mutiara lombok"],
        &["south sea pearls"],
        "710121",
        Pcs,
        Month,
        200.0,
        &[]
    ),
    c!(
        "perak",
        "logam-mulia",
        &["perak batangan", "bahan perak murni"],
        &["silver bullion"],
        "710691",
        Kg,
        Month,
        5.0,
        &[]
    ),
    c!(
        "perhiasan-perak",
        "perhiasan",
        &["perhiasan perak", "cincin perak", "kalung perak"],
        &["silver jewellery"],
        "711311",
        Pcs,
        Month,
        300.0,
        &[]
    ),
    c!(
        "soda-api",
        "kimia",
        &["soda api", "kaustik soda"],
        &["caustic soda"],
        "281511",
        Kg,
        Month,
        500.0,
        &[(Sni, 0.3)]
    ),
    c!(
        "pupuk-organik",
        "pupuk",
        &["pupuk organik", "pupuk kompos", "pupuk kandang olahan"],
        &["organic fertiliser"],
        "310100",
        Kg,
        Month,
        5000.0,
        &[(Organic, 0.2)]
    ),
    c!(
        "panci",
        "alat-dapur",
        &[
            "panci stainless",
            "wajan stainless",
            "peralatan dapur stainless"
        ],
        &["stainless cookware"],
        "732393",
        Pcs,
        Month,
        300.0,
        &[(Sni, 0.3)]
    ),
    c!(
        "kaleng",
        "kaleng",
        &["kaleng kemasan", "kaleng timah"],
        &["tin cans"],
        "731021",
        Pcs,
        Month,
        3000.0,
        &[(Iso9001, 0.1)]
    ),
    // Processing-stage siblings: the same HS heading as a concept above but another
    // subheading and another group, bought by other lines (raw coconuts vs desiccated, paddy
    // vs milled rice, bamboo vs rattan), so that neither the heading nor a shared head word
    // makes one a supply of the other.
    c!(
        "kelapa-butir",
        "kelapa",
        &["kelapa butir", "kelapa tua", "kelapa bulat"],
        &["whole coconuts", "mature coconuts"],
        "080119",
        Kg,
        Month,
        5000.0,
        &[]
    ),
    c!(
        "kelapa-parut",
        "kelapa-olah",
        &["kelapa parut kering", "kelapa parut", "kelapa kering parut"],
        &["desiccated coconut"],
        "080111",
        Kg,
        Month,
        800.0,
        &[(Halal, 0.5)]
    ),
    c!(
        "gabah",
        "gabah",
        &["gabah kering giling", "gabah kering panen", "padi gabah"],
        &["paddy rice", "rough rice"],
        "100610",
        Kg,
        Month,
        20000.0,
        &[]
    ),
    c!(
        "beras",
        "beras",
        &["beras putih", "beras giling", "beras medium"],
        &["milled white rice"],
        "100630",
        Kg,
        Month,
        3000.0,
        &[]
    ),
    c!(
        "kerupuk-beras",
        "camilan",
        &["kerupuk beras", "opak beras", "rengginang"],
        &["rice crackers"],
        "190590",
        Kg,
        Month,
        150.0,
        &[(Halal, 0.6)]
    ),
    c!(
        "bambu",
        "bambu-bahan",
        &["bambu batangan", "bambu tali", "bilah bambu"],
        &["bamboo poles"],
        "140110",
        Pcs,
        Month,
        1000.0,
        &[]
    ),
    c!(
        "anyaman-bambu",
        "anyaman",
        &["anyaman bambu", "keranjang bambu", "besek bambu"],
        &["bamboo basketware"],
        "460211",
        Pcs,
        Month,
        400.0,
        &[]
    ),
];

use CertProfile as P;

pub static LINES: &[Line] = &[
    Line {
        key: "kopi",
        ntb: 0.85,
        weight: 9,
        kbli: &["10761", "01270"],
        core: &["Kopi", "Kopi Rinjani", "Kopi Tambora"],
        certs: P::Food,
        makes: &[
            "kopi-arabika-gb",
            "kopi-robusta-gb",
            "kopi-bubuk",
            "kopi-sangrai",
            "cengkeh",
        ],
        buys: &[
            "pouch",
            "label",
            "kardus",
            "roaster",
            "penggiling",
            "pengering",
        ],
    },
    Line {
        key: "rumput-laut",
        ntb: 0.9,
        weight: 8,
        kbli: &["10298", "03217"],
        core: &["Rumput Laut", "Seaweed", "Agar Laut"],
        certs: P::Commodity,
        makes: &["rl-cottonii", "rl-gracilaria", "keripik-rl"],
        buys: &["karung", "pengering", "pouch", "label"],
    },
    Line {
        key: "madu",
        ntb: 0.9,
        weight: 4,
        kbli: &["10799", "02307"],
        core: &["Madu", "Madu Hutan"],
        certs: P::Food,
        makes: &["madu"],
        buys: &["botol", "label", "kardus"],
    },
    Line {
        key: "mete",
        ntb: 0.85,
        weight: 5,
        kbli: &["10393", "10794"],
        core: &["Mete", "Jambu Mete"],
        certs: P::Food,
        makes: &["mete-gelondong", "mete-kupas"],
        buys: &["karung", "pouch", "pengering", "kardus"],
    },
    Line {
        key: "tembakau",
        ntb: 0.9,
        weight: 5,
        kbli: &["12091", "01150"],
        core: &["Tembakau", "Virginia"],
        certs: P::Tobacco,
        makes: &["tembakau-rajang", "tembakau-fc"],
        buys: &["karung", "pupuk-organik", "pengering"],
    },
    Line {
        key: "garam",
        ntb: 0.75,
        weight: 3,
        kbli: &["10774", "08930"],
        core: &["Garam", "Garam Rakyat"],
        certs: P::Food,
        makes: &["garam-krosok", "garam-halus"],
        buys: &["karung", "pouch", "mesin-kemas"],
    },
    Line {
        key: "tenun",
        ntb: 0.9,
        weight: 5,
        kbli: &["13122", "13121"],
        core: &["Tenun", "Songket", "Tenun Ikat"],
        certs: P::Craft,
        makes: &["kain-tenun"],
        buys: &["benang-katun", "benang-emas", "pewarna"],
    },
    Line {
        key: "gerabah",
        ntb: 0.85,
        weight: 3,
        kbli: &["23932", "23939"],
        core: &["Gerabah", "Keramik"],
        certs: P::Craft,
        makes: &["gerabah", "piring-keramik"],
        buys: &["kardus", "pernis"],
    },
    Line {
        key: "ketak",
        ntb: 0.9,
        weight: 3,
        kbli: &["16292", "16291"],
        core: &["Ketak", "Anyaman"],
        certs: P::Timber,
        makes: &["anyaman-ketak", "anyaman-rotan"],
        buys: &["rotan", "pernis", "kardus"],
    },
    Line {
        key: "mutiara",
        ntb: 0.9,
        weight: 3,
        kbli: &["32115", "32112"],
        core: &["Mutiara", "Pearl"],
        certs: P::Craft,
        makes: &["mutiara", "perhiasan-perak"],
        buys: &["perak", "box-lipat"],
    },
    Line {
        key: "kulit",
        ntb: 0.7,
        weight: 3,
        kbli: &["15111", "15112"],
        core: &["Kulit", "Samak"],
        certs: P::Industrial,
        makes: &["kulit-mentah", "kulit-samak"],
        buys: &["soda-api", "karung"],
    },
    Line {
        key: "olahan",
        ntb: 0.7,
        weight: 9,
        kbli: &["10794", "10799", "10750"],
        core: &["Dapur", "Rasa", "Camilan"],
        certs: P::Food,
        makes: &["dodol", "keripik-pisang", "sambal", "keripik-rl"],
        buys: &[
            "pouch",
            "label",
            "box-lipat",
            "sealer",
            "garam-halus",
            "mete-kupas",
            "rl-cottonii",
            "madu",
        ],
    },
    Line {
        key: "kretek",
        ntb: 0.1,
        weight: 4,
        kbli: &["12011", "12013", "12019"],
        core: &["Kretek", "Cengkeh Wangi"],
        certs: P::Tobacco,
        makes: &["rokok"],
        buys: &[
            "tembakau-rajang",
            "tembakau-fc",
            "cengkeh",
            "kardus",
            "box-lipat",
        ],
    },
    Line {
        key: "perhiasan",
        ntb: 0.15,
        weight: 3,
        kbli: &["32112", "32115"],
        core: &["Perak", "Perhiasan"],
        certs: P::Craft,
        makes: &["perhiasan-perak"],
        buys: &["mutiara", "perak", "box-lipat"],
    },
    Line {
        key: "mebel",
        ntb: 0.2,
        weight: 4,
        kbli: &["31001", "31002", "16291"],
        core: &["Mebel", "Furniture", "Jati"],
        certs: P::Timber,
        makes: &["mebel-kayu", "mebel-rotan"],
        buys: &["rotan", "pernis", "kardus", "anyaman-rotan"],
    },
    Line {
        key: "karton",
        ntb: 0.1,
        weight: 4,
        kbli: &["17022", "17021", "17099"],
        core: &["Karton", "Kemasan", "Packindo"],
        certs: P::Industrial,
        makes: &["kardus", "box-lipat", "label"],
        buys: &["mesin-kemas", "pewarna"],
    },
    Line {
        key: "plastik",
        ntb: 0.1,
        weight: 5,
        kbli: &["22220", "22299"],
        core: &["Plastik", "Kemasan", "Plasindo"],
        certs: P::Industrial,
        makes: &["pouch", "botol", "karung"],
        buys: &["kardus", "mesin-kemas", "label"],
    },
    Line {
        key: "batik",
        ntb: 0.1,
        weight: 4,
        kbli: &["13134", "13121", "13111", "14111"],
        core: &["Batik", "Tekstil"],
        certs: P::Craft,
        makes: &["kain-batik", "kain-mori", "benang-katun"],
        buys: &["pewarna", "kain-mori", "benang-katun"],
    },
    Line {
        key: "kulit-olah",
        ntb: 0.15,
        weight: 3,
        kbli: &["15121", "15201", "15112"],
        core: &["Kulit", "Leather"],
        certs: P::Industrial,
        makes: &["tas-kulit", "sepatu-kulit", "kulit-samak"],
        buys: &["kulit-mentah", "kulit-samak", "soda-api", "kardus"],
    },
    Line {
        key: "logam",
        ntb: 0.1,
        weight: 3,
        kbli: &["25920", "25999", "25992", "25940"],
        core: &["Logam", "Stainless"],
        certs: P::Industrial,
        makes: &["panci", "kaleng"],
        buys: &["kardus"],
    },
    Line {
        key: "mesin",
        ntb: 0.1,
        weight: 4,
        kbli: &["28250", "28210", "28191", "28299"],
        core: &["Teknik", "Mesin", "Mekanika"],
        certs: P::Industrial,
        makes: &[
            "sealer",
            "mesin-kemas",
            "pengering",
            "roaster",
            "penggiling",
        ],
        buys: &["kardus", "panci"],
    },
    Line {
        key: "kimia",
        ntb: 0.1,
        weight: 3,
        kbli: &["20114", "20299", "20231", "20129"],
        core: &["Kimia", "Chemindo"],
        certs: P::Industrial,
        makes: &["soda-api", "pewarna", "pernis", "pupuk-organik"],
        buys: &["karung", "botol", "garam-krosok"],
    },
    Line {
        key: "pangan",
        ntb: 0.1,
        weight: 6,
        kbli: &["10750", "10799", "10794", "11040"],
        core: &["Pangan", "Boga", "Sari Rasa"],
        certs: P::Food,
        makes: &["sambal", "keripik-pisang", "dodol"],
        buys: &[
            "rl-cottonii",
            "madu",
            "mete-kupas",
            "garam-halus",
            "cengkeh",
            "botol",
            "pouch",
            "kaleng",
        ],
    },
    Line {
        key: "kopi-olah",
        ntb: 0.1,
        weight: 4,
        kbli: &["10761", "56303"],
        core: &["Kopi", "Roastery", "Kopi Nusantara"],
        certs: P::Food,
        makes: &["kopi-sangrai", "kopi-bubuk"],
        buys: &[
            "kopi-arabika-gb",
            "kopi-robusta-gb",
            "pouch",
            "label",
            "roaster",
        ],
    },
    // The buyers that make the processing stages distinct: a cashew sheller buys nuts in
    // shell and sells kernels, a ground-coffee packer buys roasted beans (the roastery
    // above buys green ones), a rice mill buys paddy and sells rice, a coconut processor
    // buys whole coconuts and sells desiccated coconut; collectors sell raw rattan and
    // bamboo to the craft lines.
    Line {
        key: "kacang-mete",
        ntb: 0.6,
        weight: 3,
        kbli: &["10393", "10794"],
        core: &["Mete", "Kacang Mete", "Mete Kupas"],
        certs: P::Food,
        makes: &["mete-kupas"],
        buys: &["mete-gelondong", "karung", "pouch", "pengering"],
    },
    Line {
        key: "kopi-bubuk",
        ntb: 0.3,
        weight: 3,
        kbli: &["10761", "10799"],
        core: &["Kopi Bubuk", "Kopi Cap", "Kopi Giling"],
        certs: P::Food,
        makes: &["kopi-bubuk"],
        buys: &["kopi-sangrai", "pouch", "label", "penggiling"],
    },
    Line {
        key: "hasil-hutan",
        ntb: 0.85,
        weight: 3,
        kbli: &["02302", "02308", "02307"],
        core: &["Hasil Hutan", "Tani Hutan", "Rimba"],
        certs: P::Timber,
        makes: &["rotan", "bambu", "madu"],
        buys: &["karung"],
    },
    Line {
        key: "bambu",
        ntb: 0.6,
        weight: 3,
        kbli: &["16291", "16294"],
        core: &["Bambu", "Anyaman Bambu"],
        certs: P::Craft,
        makes: &["anyaman-bambu"],
        buys: &["bambu", "pernis", "kardus"],
    },
    Line {
        key: "tani",
        ntb: 0.8,
        weight: 4,
        kbli: &["01122", "01261", "01121"],
        core: &["Tani", "Gapoktan", "Tani Mandiri"],
        certs: P::Commodity,
        makes: &["gabah", "kelapa-butir"],
        buys: &["pupuk-organik", "karung"],
    },
    Line {
        key: "penggilingan",
        ntb: 0.7,
        weight: 3,
        kbli: &["10631", "46201"],
        core: &["Penggilingan Padi", "Beras", "Selep"],
        certs: P::Food,
        makes: &["beras"],
        buys: &["gabah", "karung", "pengering"],
    },
    Line {
        key: "kelapa-olah",
        ntb: 0.5,
        weight: 3,
        kbli: &["10773", "10313"],
        core: &["Kelapa", "Nyiur"],
        certs: P::Food,
        makes: &["kelapa-parut"],
        buys: &["kelapa-butir", "karung", "pengering", "penggiling"],
    },
    Line {
        key: "jajanan",
        ntb: 0.4,
        weight: 4,
        kbli: &["10794", "10796", "10792"],
        core: &["Jajanan", "Kue", "Oleh-oleh"],
        certs: P::Food,
        makes: &["kerupuk-beras", "dodol"],
        buys: &["beras", "kelapa-parut", "mete-kupas", "pouch", "label"],
    },
];

pub fn concept(key: &str) -> usize {
    CONCEPTS
        .iter()
        .position(|c| c.key == key)
        // The catalogue is static and covered by tests.
        .unwrap_or_else(|| panic!("unknown concept '{key}'"))
}
