//! Rendering a latent firm into a form as firms fill it in: its item names, HS codes and
//! quantities under the noise profile, and who and where it is.

use super::catalog::{Concept, CONCEPTS, LINES};
use super::noise::{
    edit_distance, hard_qualifier, keyboard_typo, merge_words, mix_languages, split_word,
    title_case, typo, QUALIFIERS,
};
use super::{people, GenConfig, Latent, NoiseProfile, NoiseTally, Whereabouts};
use crate::domain::firm::{NeedInput, ProductInput, RateInput};
use crate::domain::{FirmInput, FirmSize, Period, Reference, Unit};
use rand::seq::SliceRandom;
use rand::Rng;

fn render_name<R: Rng>(
    rng: &mut R,
    config: &GenConfig,
    c: &Concept,
    tally: &mut NoiseTally,
) -> String {
    tally.names += 1;
    let english = rng.gen_bool(config.english_rate);
    let names = if english { c.english } else { c.indonesian };
    tally.english += usize::from(english);
    let mut name = names.choose(rng).copied().unwrap_or(c.key).to_string();
    // Each kind of noise draws only when its rate is set, so the realistic profile draws
    // for names exactly as the renderer did before there were profiles.
    let hard = config.profile == NoiseProfile::Hard;
    if config.mixed_language_rate > 0.0 && rng.gen_bool(config.mixed_language_rate) {
        name = mix_languages(rng, &name, english);
        tally.mixed_language += 1;
    }
    if config.qualifier_rate > 0.0 && rng.gen_bool(config.qualifier_rate) {
        if hard {
            name.push_str(&hard_qualifier(rng, c, english));
        } else {
            name.push_str(QUALIFIERS.choose(rng).copied().unwrap_or(""));
        }
        tally.qualified += 1;
    }
    if config.spacing_rate > 0.0 && rng.gen_bool(config.spacing_rate) {
        let merged = rng.gen_bool(0.5);
        let spaced = if merged {
            merge_words(rng, &name).map(|n| (n, true))
        } else {
            None
        }
        .or_else(|| split_word(rng, &name).map(|n| (n, false)))
        .or_else(|| merge_words(rng, &name).map(|n| (n, true)));
        if let Some((n, merged)) = spaced {
            name = n;
            if merged {
                tally.merged += 1;
            } else {
                tally.split += 1;
            }
        }
    }
    if config.typo_rate > 0.0 && rng.gen_bool(config.typo_rate) {
        let before = name.clone();
        name = if hard {
            let edits = if rng.gen_bool(config.double_typo_rate) {
                2
            } else {
                1
            };
            keyboard_typo(rng, &name, edits)
        } else {
            typo(rng, &name)
        };
        match edit_distance(&before, &name) {
            0 => {}
            1 => tally.one_edit += 1,
            _ => tally.two_edits += 1,
        }
    }
    match rng.gen_range(0..10) {
        0..=4 => title_case(&name),
        5 => name.to_uppercase(),
        _ => {
            let mut c = name.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect())
                .unwrap_or_default()
        }
    }
}

/// The neighbouring subheadings of `code` in its heading (the one before and the one
/// after in HS 2022): a code a form might give by mistake.
pub(super) fn neighbour_subheadings<'r>(reference: &'r Reference, code: &str) -> Vec<&'r str> {
    let heading = &code[..4];
    let subs: Vec<&str> = reference
        .hs
        .iter()
        .map(|e| e.code.as_str())
        .filter(|k| k.len() == 6 && k.starts_with(heading))
        .collect();
    let Some(at) = subs.iter().position(|k| *k == code) else {
        return Vec::new();
    };
    [at.checked_sub(1), Some(at + 1)]
        .into_iter()
        .flatten()
        .filter_map(|i| subs.get(i).copied())
        .collect()
}

fn render_hs<R: Rng>(
    rng: &mut R,
    config: &GenConfig,
    reference: &Reference,
    c: &Concept,
    tally: &mut NoiseTally,
) -> Option<String> {
    if !rng.gen_bool(config.hs_code_rate) {
        return None;
    }
    tally.hs_given += 1;
    let heading = &c.hs[..4];
    // One draw picks the form: wrong, heading, dotted, or else in full.
    let (wrong, short, dotted) = (
        config.hs_wrong_rate,
        config.hs_wrong_rate + config.hs_heading_rate,
        config.hs_wrong_rate + config.hs_heading_rate + config.hs_dotted_rate,
    );
    let u = f64::from(rng.gen_range(0..1000u32)) / 1000.0;
    if u < wrong {
        if let Some(&code) = neighbour_subheadings(reference, c.hs).choose(rng) {
            tally.hs_wrong += 1;
            return Some(code.to_string());
        }
    }
    Some(
        if u >= wrong && u < short && reference.hs(heading).is_some() {
            tally.hs_heading += 1;
            heading.to_string()
        } else if u >= short && u < dotted {
            tally.hs_dotted += 1;
            format!("{}.{}", heading, &c.hs[4..])
        } else {
            c.hs.to_string()
        },
    )
}

/// The same monthly amount in a unit and period as a form might state it.
fn render_rate<R: Rng>(rng: &mut R, c: &Concept, per_month: f64) -> RateInput {
    let per = if c.per == Period::Year {
        Period::Year
    } else {
        match rng.gen_range(0..20) {
            0..=11 => Period::Month,
            12..=16 => Period::Week,
            17..=18 => Period::Day,
            _ => Period::Year,
        }
    };
    let base = per_month / per.per_month();
    let unit = match c.unit {
        Unit::Kg if base >= 1000.0 && rng.gen_bool(0.4) => Unit::Ton,
        Unit::Kg if base >= 100.0 && rng.gen_bool(0.3) => Unit::Kuintal,
        Unit::Pcs if base >= 24.0 && rng.gen_bool(0.15) => Unit::Lusin,
        Unit::Pcs if base >= 40.0 && rng.gen_bool(0.1) => Unit::Kodi,
        u => u,
    };
    let amount = base / unit.to_base();
    // Forms carry round numbers: two decimals below 10, whole numbers above.
    let amount = if amount < 10.0 {
        ((amount * 100.0).round() / 100.0).max(0.01)
    } else {
        amount.round()
    };
    let unit_text = match (unit, rng.gen_range(0..4)) {
        (Unit::Kuintal, 0) => "kwintal".to_string(),
        (Unit::Pcs, 0) => "buah".to_string(),
        (Unit::Liter, 0) => "lt".to_string(),
        (u, _) => u.as_str().to_string(),
    };
    let per_text = match (per, rng.gen_range(0..3)) {
        (Period::Month, 0) => "bulan",
        (Period::Week, 0) => "minggu",
        (Period::Day, 0) => "hari",
        (Period::Year, 0) => "tahun",
        (p, _) => p.as_str(),
    };
    RateInput {
        amount: Some(amount),
        unit: Some(unit_text),
        per: Some(per_text.to_string()),
    }
}

/// The latent firm as a client would send it: its trade (products, needs, codes,
/// quantities) in the config's noise profile from `rng`, and who and where it is (name,
/// regency as typed, contact) from `people`.
pub(super) fn render<R: Rng>(
    rng: &mut R,
    people: &mut R,
    config: &GenConfig,
    reference: &Reference,
    l: &Latent,
    at: &Whereabouts,
    tally: &mut NoiseTally,
) -> FirmInput {
    let line = &LINES[l.line];
    // The size class follows the largest latent product relative to its concept's base.
    let scale = l
        .makes
        .iter()
        .map(|m| m.per_month / (CONCEPTS[m.concept].base * CONCEPTS[m.concept].per.per_month()))
        .fold(0.0, f64::max);
    let (size, employees) = if scale >= 2.5 {
        (FirmSize::Medium, rng.gen_range(20..=99))
    } else if scale >= 0.6 {
        (FirmSize::Small, rng.gen_range(5..=19))
    } else {
        (FirmSize::Micro, rng.gen_range(1..=4))
    };
    // The ingredients of the firm's name; the people stream composes it.
    let form = rng.gen_range(0..people::FORMS[size as usize].len());
    let core = line.core.choose(rng).copied().unwrap_or(line.key);
    let fancy = people::FANCY[l.province as usize]
        .choose(rng)
        .copied()
        .unwrap_or("Jaya");
    let mut kbli = vec![line.kbli[0].to_string()];
    if line.kbli.len() > 1 && rng.gen_bool(0.3) {
        kbli.push(line.kbli[rng.gen_range(1..line.kbli.len())].to_string());
    }
    let products = l
        .makes
        .iter()
        .map(|m| {
            let c = &CONCEPTS[m.concept];
            ProductInput {
                name: Some(render_name(rng, config, c, tally)),
                hs_code: render_hs(rng, config, reference, c, tally),
                capacity: Some(render_rate(rng, c, m.per_month)),
            }
        })
        .collect();
    let needs = l
        .needs
        .iter()
        .map(|n| {
            let c = &CONCEPTS[n.concept];
            NeedInput {
                name: Some(render_name(rng, config, c, tally)),
                hs_code: render_hs(rng, config, reference, c, tally),
                volume: Some(render_rate(rng, c, n.per_month)),
                required_certifications: Some(
                    n.requires.iter().map(|c| c.as_str().to_string()).collect(),
                ),
            }
        })
        .collect();
    let form = people::legal_form(people, size, form, line);
    let (name, brand) = people::firm_name(people, form, core, fancy, &at.place);
    FirmInput {
        id: Some(l.id.clone()),
        name: Some(name),
        province: Some(l.province.as_str().to_string()),
        regency: Some(people::regency_as_typed(people, at.regency)),
        kbli: Some(kbli),
        size: Some(people::size_as_typed(people, size)),
        employees: Some(employees),
        certifications: Some(
            l.certifications
                .iter()
                .map(|c| c.as_str().to_string())
                .collect(),
        ),
        products: Some(products),
        needs: Some(needs),
        contact: people::contact(people, l.province, at.regency, size, &brand),
        version: None,
    }
}
