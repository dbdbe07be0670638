//! The noise of real forms in names: qualifiers, packaging and quality words, typos by
//! keyboard edits, merged and split words, and names mixing Indonesian and English.

use super::catalog::{concept, Concept, CONCEPTS, LINES};
use crate::domain::{Period, Unit};
use rand::seq::SliceRandom;
use rand::Rng;

pub(super) const QUALIFIERS: &[&str] = &[
    " grade A",
    " kualitas ekspor",
    " premium",
    " (curah)",
    " lokal",
    " super",
    " asli",
];

pub(super) fn typo<R: Rng>(rng: &mut R, name: &str) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    // Never the first letter of the name: people rarely get that one wrong.
    let candidates: Vec<usize> = (1..chars.len().saturating_sub(1))
        .filter(|&i| chars[i].is_alphabetic() && chars[i + 1].is_alphabetic())
        .collect();
    let Some(&i) = candidates.choose(rng) else {
        return name.to_string();
    };
    match rng.gen_range(0..3) {
        0 => chars.swap(i, i + 1),
        1 => {
            chars.remove(i);
        }
        _ => chars.insert(i, chars[i]),
    }
    chars.into_iter().collect()
}

pub(super) fn title_case(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_uppercase().chain(c).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Packaging words a seller appends to a food or bulk good ("kopi bubuk sachet").
const PACKAGING_ID: &[&str] = &[
    " kemasan botol",
    " kemasan pouch",
    " sachet",
    " curah",
    " karung 50 kg",
    " dus",
    " kemasan plastik",
    " botol kaca",
    " kemasan kaleng",
    " dalam kemasan",
    " kemasan 250 gr",
    " pack 1 kg",
];
const PACKAGING_EN: &[&str] = &[
    " in bottles",
    " in pouches",
    " sachet",
    " bulk",
    " in 50 kg bags",
    " in cartons",
    " retail pack",
    " glass jar",
];
/// Quality words in the other language, for mixed names.
const QUALITY_EN: &[&str] = &[
    " premium quality",
    " export quality",
    " best quality",
    " high grade",
    " original",
];
const QUALITY_ID: &[&str] = &[
    " kualitas ekspor",
    " asli",
    " kualitas super",
    " lokal",
    " murah",
];
/// Modifiers that forms write in either language: (Indonesian, English).
const MODIFIERS: &[(&str, &str)] = &[
    ("kering", "dried"),
    ("sangrai", "roasted"),
    ("bubuk", "ground"),
    ("kupas", "shelled"),
    ("mentah", "raw"),
    ("halus", "fine"),
    ("kasar", "coarse"),
    ("murni", "pure"),
    ("hutan", "forest"),
    ("putih", "white"),
    ("plastik", "plastic"),
    ("kulit", "leather"),
    ("perak", "silver"),
    ("rotan", "rattan"),
    ("bambu", "bamboo"),
    ("katun", "cotton"),
    ("samak", "tanned"),
    ("lipat", "folding"),
    ("jati", "teak"),
];
/// Groups whose goods are named after what they hold or process ("standing pouch kopi").
const INPUT_GROUPS: &[&str] = &[
    "kemasan-plastik",
    "kemasan-kertas",
    "karung",
    "label",
    "kaleng",
    "mesin-kemas",
    "mesin-olah",
];

/// Letters next to each letter on a QWERTY keyboard, `a` to `z`.
const KEYBOARD: [&str; 26] = [
    "qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb", "ujko", "huikmn",
    "jiolm", "kop", "njk", "bhjm", "iklp", "ol", "wa", "edft", "awedxz", "rfgy", "yhji", "cfgb",
    "qase", "zsdc", "tghu", "asx",
];

fn keyboard_neighbour<R: Rng>(rng: &mut R, c: char) -> char {
    let lower = c.to_ascii_lowercase();
    if !lower.is_ascii_lowercase() {
        return c;
    }
    let near = KEYBOARD[(lower as u8 - b'a') as usize].as_bytes();
    let n = near[rng.gen_range(0..near.len())] as char;
    if c.is_ascii_uppercase() {
        n.to_ascii_uppercase()
    } else {
        n
    }
}

/// One random edit — insertion, deletion, substitution by a keyboard neighbour or
/// transposition — at a letter that does not start a word. False when there is none.
fn keyboard_edit<R: Rng>(rng: &mut R, chars: &mut Vec<char>) -> bool {
    let candidates: Vec<usize> = (1..chars.len())
        .filter(|&i| chars[i].is_alphabetic() && chars[i - 1].is_alphabetic())
        .collect();
    let Some(&i) = candidates.choose(rng) else {
        return false;
    };
    match rng.gen_range(0..4) {
        0 => {
            // A doubled key or a slip to the next one.
            let c = if rng.gen_bool(0.5) {
                chars[i]
            } else {
                keyboard_neighbour(rng, chars[i])
            };
            chars.insert(i, c);
        }
        1 => {
            chars.remove(i);
        }
        3 if chars.get(i + 1).is_some_and(|c| c.is_alphabetic()) => chars.swap(i, i + 1),
        _ => chars[i] = keyboard_neighbour(rng, chars[i]),
    }
    true
}

/// Restricted Damerau–Levenshtein distance (adjacent transpositions count as one edit).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// A typo of `edits` (1 or 2) keyboard edits, never on the first letter of a word. The
/// result is exactly that many edits away when the name allows it (tries again when two
/// edits undo or overlap each other).
pub fn keyboard_typo<R: Rng>(rng: &mut R, name: &str, edits: usize) -> String {
    let mut best = name.to_string();
    for _ in 0..16 {
        let mut chars: Vec<char> = name.chars().collect();
        for _ in 0..edits {
            keyboard_edit(rng, &mut chars);
        }
        let typed: String = chars.into_iter().collect();
        let d = edit_distance(name, &typed);
        if d == edits {
            return typed;
        }
        if d > edit_distance(name, &best) {
            best = typed;
        }
    }
    best
}

/// Two words run together: one space removed ("tepung gandum" → "tepunggandum").
pub fn merge_words<R: Rng>(rng: &mut R, name: &str) -> Option<String> {
    let spaces: Vec<usize> = name
        .char_indices()
        .filter(|&(i, c)| c == ' ' && i > 0 && i + 1 < name.len())
        .map(|(i, _)| i)
        .collect();
    let &at = spaces.choose(rng)?;
    Some(format!("{}{}", &name[..at], &name[at + 1..]))
}

/// A long word (five letters or more) broken by a space, neither piece shorter than two
/// letters ("tenun" → "ten un").
pub fn split_word<R: Rng>(rng: &mut R, name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut start = None;
    for i in 0..=chars.len() {
        let letter = chars.get(i).is_some_and(|c| c.is_alphabetic());
        match (start, letter) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                if i - s >= 5 {
                    words.push((s, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    let &(s, e) = words.choose(rng)?;
    let at = rng.gen_range(s + 2..=e - 2);
    let mut out = chars;
    out.insert(at, ' ');
    Some(out.into_iter().collect())
}

/// Concepts made by the lines that buy `c`: what a pouch holds, what a dryer dries.
fn users_of(c: &Concept) -> Vec<&'static Concept> {
    LINES
        .iter()
        .filter(|l| l.buys.contains(&c.key))
        .flat_map(|l| l.makes.iter())
        .map(|k| &CONCEPTS[concept(k)])
        .filter(|u| u.key != c.key)
        .collect()
}

/// A qualifier of the hard profile: the product a packaging or a machine is for (another
/// concept's name: "standing pouch kopi bubuk"), packaging words after a good ("gula aren
/// kemasan botol"), what an input is for ("kain mori untuk batik"), or a quality word.
pub(super) fn hard_qualifier<R: Rng>(rng: &mut R, c: &Concept, english: bool) -> String {
    let users = users_of(c);
    let user_name = |rng: &mut R| {
        let u = users.choose(rng)?;
        let names = if english { u.english } else { u.indonesian };
        names.choose(rng).copied()
    };
    let for_word = if english { " for " } else { " untuk " };
    let input = INPUT_GROUPS.contains(&c.group) || c.per == Period::Year;
    if input {
        if let Some(u) = user_name(rng) {
            return if rng.gen_bool(0.7) {
                format!(" {u}")
            } else {
                format!("{for_word}{u}")
            };
        }
    } else if matches!(c.unit, Unit::Kg | Unit::Liter) && rng.gen_bool(0.7) {
        let words = if english { PACKAGING_EN } else { PACKAGING_ID };
        return words.choose(rng).copied().unwrap_or("").to_string();
    } else if rng.gen_bool(0.5) {
        if let Some(u) = user_name(rng) {
            return format!("{for_word}{u}");
        }
    }
    let words = if english { QUALITY_EN } else { QUALIFIERS };
    words.choose(rng).copied().unwrap_or("").to_string()
}

/// The name with one modifier in the other language: an Indonesian head keeps its place
/// and a modifier after it turns English ("kopi sangrai" → "kopi roasted"); an English
/// head loses a modifier before it, which follows in Indonesian ("dried cloves" → "cloves
/// kering"). Without such a modifier, a quality word of the other language is appended.
pub(super) fn mix_languages<R: Rng>(rng: &mut R, name: &str, english: bool) -> String {
    let words: Vec<&str> = name.split(' ').collect();
    let swappable: Vec<(usize, &str)> = words
        .iter()
        .enumerate()
        .filter_map(|(i, w)| {
            MODIFIERS.iter().find_map(|&(id, en)| match english {
                false if i > 0 && *w == id => Some((i, en)),
                true if i + 1 < words.len() && *w == en => Some((i, id)),
                _ => None,
            })
        })
        .collect();
    match swappable.choose(rng) {
        Some(&(i, other)) if !english => {
            let mut w = words.clone();
            w[i] = other;
            w.join(" ")
        }
        Some(&(i, other)) => {
            let mut w = words.clone();
            w.remove(i);
            w.push(other);
            w.join(" ")
        }
        None => {
            let words = if english { QUALITY_ID } else { QUALITY_EN };
            format!("{name}{}", words.choose(rng).copied().unwrap_or(""))
        }
    }
}
