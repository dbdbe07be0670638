//! The reasons text: pair scores with their explanations, in English or Bahasa Indonesia
//! (`Lang`), each item as it was read and each link as the IO table states it.

use super::{combine, directed, rounded, DirectedScore, FirmFeatures, NeedAnswer, PairScore};
use crate::domain::quantity::Amount;
use crate::domain::{FirmProfile, Rate};
use crate::matching::concept::{Concept, Dotted, Hs6, Reader, Reading, Source};
use crate::matching::config::ScoringConfig;
use crate::matching::sector::SectorTable;
use crate::matching::Direction;
use serde::{Deserialize, Serialize};
use std::fmt::{self, Write as _};
use utoipa::ToSchema;

/// The full pair score of a and b with reasons; profiles are analysed here, so for ranking
/// many pairs use a `Matcher`, which analyses each firm once.
pub fn score_profiles(a: &FirmProfile, b: &FirmProfile, cfg: &ScoringConfig) -> PairScore {
    explain_pair(a, &FirmFeatures::of(a), b, &FirmFeatures::of(b), cfg)
}

/// Appends the reasons of the other direction, leaving out the ones already given (a
/// same-sector pair states the same sector link both ways).
pub fn add_reasons(reasons: &mut Vec<String>, more: Vec<String>) {
    for reason in more {
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
}

pub fn explain_pair(
    a: &FirmProfile,
    fa: &FirmFeatures,
    b: &FirmProfile,
    fb: &FirmFeatures,
    cfg: &ScoringConfig,
) -> PairScore {
    let (ab, mut reasons) = explain_directed(a, fa, b, fb, cfg);
    let (ba, back) = explain_directed(b, fb, a, fa, cfg);
    add_reasons(&mut reasons, back);
    PairScore {
        score: rounded(combine(ab.score, ba.score, cfg)),
        a_supplies_b: ab,
        b_supplies_a: ba,
        reasons,
    }
}

/// The language reasons are written in: English (the API's default) or Bahasa Indonesia.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Id,
}

impl Lang {
    /// A number with one decimal at most, with the language's decimal mark (5.1 / 5,1).
    fn decimal(self, x: f64) -> String {
        let text = crate::domain::quantity::format_amount((x * 10.0).round() / 10.0);
        match self {
            Lang::En => text,
            Lang::Id => text.replace('.', ","),
        }
    }

    /// A rate as a person reads it: 300 kg/month, 300 kg/bulan.
    fn rate(self, r: &Rate) -> RateText<'_> {
        RateText(self, r)
    }
}

/// A rate in a language, formatted in place ([`Lang::rate`]).
struct RateText<'a>(Lang, &'a Rate);

impl fmt::Display for RateText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let RateText(lang, r) = *self;
        match lang {
            Lang::En => r.fmt(f),
            Lang::Id => {
                let per = match r.per() {
                    crate::domain::Period::Day => "hari",
                    crate::domain::Period::Week => "minggu",
                    crate::domain::Period::Month => "bulan",
                    crate::domain::Period::Year => "tahun",
                };
                let amount = Amount(r.amount());
                if r.amount().fract() == 0.0 {
                    write!(f, "{amount} {}/{per}", r.unit())
                } else {
                    let amount = amount.to_string().replace('.', ",");
                    write!(f, "{amount} {}/{per}", r.unit())
                }
            }
        }
    }
}

/// The directed fit supplier → buyer with its reasons (in English).
pub fn explain_directed(
    supplier: &FirmProfile,
    fs: &FirmFeatures,
    buyer: &FirmProfile,
    fb: &FirmFeatures,
    cfg: &ScoringConfig,
) -> (DirectedScore, Vec<String>) {
    explain_directed_in(supplier, fs, buyer, fb, cfg, Lang::En)
}

/// The directed fit supplier → buyer with its reasons in `lang`.
pub fn explain_directed_in(
    supplier: &FirmProfile,
    fs: &FirmFeatures,
    buyer: &FirmProfile,
    fb: &FirmFeatures,
    cfg: &ScoringConfig,
    lang: Lang,
) -> (DirectedScore, Vec<String>) {
    let mut answers = Vec::new();
    let fit = directed(fs, fb, cfg, Some(&mut answers));
    let reasons = reasons_for(supplier, buyer, fs, fb, &answers, &fit, lang);
    (fit, reasons)
}

/// How one item was read, for a reason: "HS 0801.31 (cashew nuts, in shell)", with the
/// text's own reading when a given code overrides it. Formatted in place: a ranking writes
/// thousands of reasons.
struct ReadingText<'a>(Concept, &'a Reading, Lang);

/// A subheading with its label in `lang`: "HS 0901.11 (Coffee; not roasted …)".
struct Subheading(Hs6, Lang);

impl fmt::Display for Subheading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Subheading(hs, lang) = *self;
        let label = Reader::shared().label(hs, lang == Lang::Id).unwrap_or("");
        write!(f, "HS {} ({label})", Dotted(hs))
    }
}

impl fmt::Display for ReadingText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ReadingText(c, reading, lang) = *self;
        Subheading(c.hs, lang).fmt(f)?;
        if c.source == Source::Code {
            f.write_str(match lang {
                Lang::En => " by its code",
                Lang::Id => " menurut kodenya",
            })?;
            if let Some(t) = reading.text_beside_code() {
                match lang {
                    Lang::En => write!(f, ", though its name reads as HS {}", Dotted(t.hs))?,
                    Lang::Id => write!(f, ", walau namanya terbaca HS {}", Dotted(t.hs))?,
                }
            }
        }
        Ok(())
    }
}

/// Appends the tail of a supply reason: how both items were read, so a reader sees why
/// they meet.
fn write_read_as(
    out: &mut String,
    via: Option<(Concept, Concept)>,
    (p, product): (&str, &Reading),
    (n, need): (&str, &Reading),
    lang: Lang,
) {
    // Writing to a String cannot fail.
    let _ = match via {
        None => match lang {
            Lang::En => write!(
                out,
                ": matched by name only ('{p}' and '{n}' read as no HS product)"
            ),
            Lang::Id => write!(
                out,
                ": cocok menurut nama saja ('{p}' dan '{n}' tidak terbaca sebagai produk HS)"
            ),
        },
        Some((cn, cp)) => {
            // One subheading is named once: its label is the longest part of a reason, and
            // a ranking of every firm keeps millions of reasons. A code that contradicts its
            // item's name keeps the long form, which shows both readings.
            let agrees = |c: Concept, r: &Reading| {
                c.source != Source::Code || r.text_beside_code().is_none()
            };
            if cn.hs == cp.hs && agrees(cp, product) && agrees(cn, need) {
                let hs = Subheading(cp.hs, lang);
                let _ = match lang {
                    Lang::En => write!(out, ": both read as {hs}"),
                    Lang::Id => write!(out, ": keduanya terbaca sebagai {hs}"),
                };
                by_code(out, (p, cp.source), (n, cn.source), lang)
            } else {
                let (tp, tn) = (ReadingText(cp, product, lang), ReadingText(cn, need, lang));
                match lang {
                    Lang::En => write!(out, ": '{p}' read as {tp}, '{n}' as {tn}"),
                    Lang::Id => write!(out, ": '{p}' terbaca {tp}, '{n}' terbaca {tn}"),
                }
            }
        }
    };
}

/// After "both read as …": which of the two items were read by their own HS code.
fn by_code(
    out: &mut String,
    (p, product): (&str, Source),
    (n, need): (&str, Source),
    lang: Lang,
) -> fmt::Result {
    match (product == Source::Code, need == Source::Code, lang) {
        (false, false, _) => Ok(()),
        (true, true, Lang::En) => out.write_str(", both by their codes"),
        (true, true, Lang::Id) => out.write_str(", keduanya menurut kodenya"),
        (true, false, Lang::En) => write!(out, ", '{p}' by its code"),
        (true, false, Lang::Id) => write!(out, ", '{p}' menurut kodenya"),
        (false, true, Lang::En) => write!(out, ", '{n}' by its code"),
        (false, true, Lang::Id) => write!(out, ", '{n}' menurut kodenya"),
    }
}

/// Reasons of the direction supplier → buyer, strongest answered need first.
pub fn reasons_for(
    supplier: &FirmProfile,
    buyer: &FirmProfile,
    fs: &FirmFeatures,
    fb: &FirmFeatures,
    answers: &[NeedAnswer],
    fit: &DirectedScore,
    lang: Lang,
) -> Vec<String> {
    let mut out = Vec::new();
    let mut ordered: Vec<&NeedAnswer> = answers.iter().filter(|a| a.product.is_some()).collect();
    ordered.sort_by(|x, y| y.fit.total_cmp(&x.fit).then(x.need.cmp(&y.need)));
    let (s, b) = (supplier.name(), buyer.name());
    // Each line is written here and kept at its own length: a ranking of every firm keeps
    // millions of them, and a line grown by doubling holds up to twice its text.
    let mut line = String::with_capacity(512);
    for a in ordered.iter().take(3) {
        let (Some(pi), need) = (a.product, &buyer.needs()[a.need]) else {
            continue;
        };
        let product = &supplier.products()[pi];
        let (p, n) = (product.name(), need.name());
        let (capacity, volume) = (product.capacity(), need.volume());
        let (cap, vol) = (lang.rate(&capacity), lang.rate(&volume));
        line.clear();
        let _ = match lang {
            Lang::En => write!(line, "{s} makes '{p}' {cap}; {b} needs '{n}' {vol}"),
            Lang::Id => write!(line, "{s} membuat '{p}' {cap}; {b} membutuhkan '{n}' {vol}"),
        };
        write_read_as(
            &mut line,
            a.via,
            (p, &fs.products[pi].reading),
            (n, &fb.needs[a.need].reading),
            lang,
        );
        out.push(line.as_str().to_owned());
        if a.halal_missing {
            out.push(match lang {
                Lang::En => format!("'{n}' needs halal: {s} is not halal-certified"),
                Lang::Id => format!("'{n}' mensyaratkan halal: {s} belum bersertifikat halal"),
            });
        } else if a.certification < 1.0 {
            let missing: Vec<&str> = need
                .required_certifications()
                .iter()
                .filter(|c| !supplier.certifications().contains(c))
                .map(|c| c.as_str())
                .collect();
            let missing = missing.join(", ");
            out.push(match lang {
                Lang::En => format!("'{n}' requires {missing}: {s} lacks it"),
                Lang::Id => format!("'{n}' mensyaratkan {missing}: {s} belum memilikinya"),
            });
        }
        match a.capacity {
            Some(c) if c < 1.0 => {
                let share = lang.decimal(
                    (100.0 * product.capacity().ratio_to(&need.volume()).unwrap_or(0.0)).round(),
                );
                out.push(match lang {
                    Lang::En => format!(
                        "{s}'s capacity for '{p}' covers about {share}% of the {vol} needed"
                    ),
                    Lang::Id => format!(
                        "kapasitas {s} untuk '{p}' memenuhi sekitar {share}% dari {vol} yang dibutuhkan"
                    ),
                });
            }
            None => out.push(match lang {
                Lang::En => {
                    format!("capacity {cap} and volume {vol} are in different units: not compared")
                }
                Lang::Id => format!(
                    "kapasitas {cap} dan volume {vol} berbeda jenis satuan: tidak dibandingkan"
                ),
            }),
            _ => {}
        }
    }
    // The sector link is told only beside product evidence, as it is scored.
    if fit.score > 0.0 && fit.components.sector >= 0.3 {
        let table = SectorTable::shared();
        let best = fs
            .sectors
            .iter()
            .flat_map(|&i| fb.sectors.iter().map(move |&j| (i, j)))
            .max_by(|x, y| {
                table
                    .coefficient(x.0, x.1)
                    .total_cmp(&table.coefficient(y.0, y.1))
                    .then(y.cmp(x))
            });
        if let Some((i, j)) = best {
            let (buying, selling) = (table.name(j), table.name(i));
            let share = lang.decimal(100.0 * f64::from(table.coefficient(i, j)));
            out.push(match lang {
                Lang::En => format!(
                    "sector link: '{buying}' buys {share}% of its inputs from '{selling}' (IO Jatim 2015)"
                ),
                Lang::Id => format!(
                    "keterkaitan sektor: '{buying}' membeli {share}% inputnya dari '{selling}' (Tabel IO Jatim 2015)"
                ),
            });
        }
    }
    out
}

/// Both directed fits of a ranked pair (the partner supplying `me`, and buying from `me`)
/// with the reasons that fit the asked direction, in `lang`.
pub fn explain_match(
    me: &FirmProfile,
    fm: &FirmFeatures,
    partner: &FirmProfile,
    fp: &FirmFeatures,
    direction: Direction,
    cfg: &ScoringConfig,
    lang: Lang,
) -> (DirectedScore, DirectedScore, Vec<String>) {
    let (supplies, supplying) = explain_directed_in(partner, fp, me, fm, cfg, lang);
    let (buys, buying) = explain_directed_in(me, fm, partner, fp, cfg, lang);
    let reasons = match direction {
        Direction::Supplies => supplying,
        Direction::Buys => buying,
        // The stronger direction's reasons first: they are why the pair ranks where it does.
        Direction::Both => {
            let (mut first, then) = if buys.score > supplies.score {
                (buying, supplying)
            } else {
                (supplying, buying)
            };
            add_reasons(&mut first, then);
            first
        }
    };
    (supplies, buys, reasons)
}
