//! Text normalisation and similarity of product and need names.
//!
//! A name becomes a small sorted set of weighted [`Term`]s: glossary concepts ("rumput laut",
//! "seaweed" and "gracilaria" all become the concept `seaweed`), their parent concepts
//! (`coffee_bean` → `coffee`), and the remaining content words. Accents are folded, stop words
//! and units dropped, and a word one edit away from a known word (glossary or HS vocabulary)
//! is read as that word, so "kopii" and "seawed" still meet. Everything here is derived from
//! tables compiled into the binary, so analysis is deterministic and needs no mutable state.

use crate::domain::Reference;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

const GLOSSARY_CSV: &str = include_str!("../../data/glossary.csv");

/// A term id: a 64-bit FNV-1a hash of "c:concept" or "w:word". Collisions between the few
/// thousand distinct terms of a forum are vanishingly unlikely and would only merge two terms.
pub type TermId = u64;

/// One term of an analysed name with its weight in similarity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Term {
    pub id: TermId,
    pub weight: f32,
}

/// Weights of the term kinds: a product concept says what the thing is, an attribute only how
/// it is prepared, a parent concept only its family, an unknown word may be anything.
pub const PRODUCT_WEIGHT: f32 = 1.0;
pub const ATTRIBUTE_WEIGHT: f32 = 0.4;
pub const PARENT_WEIGHT: f32 = 0.35;
pub const WORD_WEIGHT: f32 = 0.6;

/// Words that carry no product meaning in Indonesian and English names, HS descriptions
/// included ("other", "whether or not"), plus units and packaging counts.
const STOP_WORDS: &[&str] = &[
    // Indonesian
    "dan",
    "atau",
    "untuk",
    "dari",
    "dengan",
    "yang",
    "di",
    "ke",
    "per",
    "pada",
    "dalam",
    "ini",
    "itu",
    "jenis",
    "lain",
    "lainnya",
    "bahan",
    "baku",
    "produk",
    "hasil",
    "kualitas",
    "super",
    "grade",
    "khas",
    "asli",
    "lokal",
    "kemasan_",
    "ukuran",
    "isi",
    "tiap",
    "setiap",
    "bulan",
    "minggu",
    "hari",
    "tahun",
    "ytdl",
    "sejenisnya",
    "termasuk",
    "bukan",
    "tidak",
    "juga",
    // English
    "and",
    "or",
    "of",
    "for",
    "the",
    "a",
    "an",
    "to",
    "in",
    "on",
    "with",
    "without",
    "by",
    "as",
    "from",
    "other",
    "others",
    "not",
    "whether",
    "than",
    "their",
    "thereof",
    "excluding",
    "including",
    "nes",
    "n.e.c",
    "nec",
    "such",
    "etc",
    "all",
    "kind",
    "kinds",
    "type",
    "types",
    "product",
    "products",
    "quality",
    "high",
    "month",
    "week",
    "day",
    "year",
    "its",
    "be",
    "but",
    "only",
    "more",
    "less",
    "containing",
    "put",
    "up",
    "form",
    "forms",
    "parts",
    // Units
    "kg",
    "kilo",
    "kilogram",
    "gr",
    "gram",
    "g",
    "ton",
    "tonne",
    "kuintal",
    "kwintal",
    "ku",
    "liter",
    "litre",
    "lt",
    "l",
    "ml",
    "pcs",
    "pc",
    "buah",
    "unit",
    "units",
    "lusin",
    "dozen",
    "kodi",
    "meter",
    "m",
    "m2",
    "cm",
    "mm",
    "roll",
    "pak",
    "pack_",
    "sak",
    "karung",
    "bal",
];

#[derive(Debug)]
struct Concept {
    name: String,
    product: bool,
    parent: Option<usize>,
}

/// The analysis tables: glossary phrases, known words and their one-edit neighbourhoods.
#[derive(Debug)]
pub struct Lexicon {
    concepts: Vec<Concept>,
    /// Normalised phrase ("rumput laut") → concept index.
    phrases: HashMap<String, usize>,
    max_phrase_words: usize,
    stop: HashSet<&'static str>,
    /// Known words, glossary words first (they win ties in typo correction).
    words: Vec<String>,
    glossary_words: usize,
    known: HashSet<String>,
    /// A word and each of its one-character deletions → indexes into `words`.
    deletions: HashMap<String, Vec<u32>>,
    /// HS code → analysed terms of its description.
    hs_terms: HashMap<String, Vec<Term>>,
}

/// Lower case, accents folded (NFD, combining marks dropped), split on anything that is not
/// a letter or digit, stop words, units and bare numbers dropped.
pub fn normalise(text: &str, stop: &HashSet<&'static str>) -> Vec<String> {
    let folded: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter(|w| !stop.contains(w))
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        // "250gr", "5kg": a number glued to a unit is a size, not a word.
        .filter(|w| !is_size(w))
        .map(str::to_string)
        .collect()
}

fn is_size(w: &str) -> bool {
    let digits = w.chars().take_while(|c| c.is_ascii_digit()).count();
    digits > 0 && {
        let rest = &w[digits..];
        matches!(
            rest,
            "kg" | "gr" | "g" | "ml" | "l" | "lt" | "ton" | "m" | "cm" | "mm" | "pcs"
        )
    }
}

pub fn term_id(kind: u8, s: &str) -> TermId {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in std::iter::once(kind).chain(s.bytes()) {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    let chars: Vec<(usize, char)> = word.char_indices().collect();
    (0..chars.len()).map(move |i| {
        let (start, c) = chars[i];
        let mut s = String::with_capacity(word.len());
        s.push_str(&word[..start]);
        s.push_str(&word[start + c.len_utf8()..]);
        s
    })
}

/// Shortest word length that typo correction applies to: shorter words are too ambiguous
/// ("teh"/"the", "mie"/"mi").
pub const TYPO_MIN_CHARS: usize = 5;

impl Lexicon {
    /// The tables compiled into this binary, built on first use.
    pub fn shared() -> &'static Lexicon {
        static SHARED: OnceLock<Lexicon> = OnceLock::new();
        SHARED.get_or_init(|| Lexicon::build(Reference::shared()))
    }

    fn build(reference: &Reference) -> Lexicon {
        let stop: HashSet<&'static str> = STOP_WORDS.iter().copied().collect();
        let mut concepts: Vec<Concept> = Vec::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut phrases = HashMap::new();
        let mut max_phrase_words = 1;
        let mut words: Vec<String> = Vec::new();
        let mut known = HashSet::new();
        let mut parents: Vec<(usize, String)> = Vec::new();
        let mut reader = csv::Reader::from_reader(GLOSSARY_CSV.as_bytes());
        for row in reader.records() {
            // Compiled in and covered by tests: a bad row is a build defect.
            let row = row.expect("embedded glossary is well-formed");
            let (name, kind, parent, term) = (&row[0], &row[1], &row[2], &row[4]);
            let idx = *by_name.entry(name.to_string()).or_insert_with(|| {
                concepts.push(Concept {
                    name: name.to_string(),
                    product: kind == "product",
                    parent: None,
                });
                if !parent.is_empty() {
                    parents.push((concepts.len() - 1, parent.to_string()));
                }
                concepts.len() - 1
            });
            let norm = normalise(term, &stop);
            if norm.is_empty() {
                continue;
            }
            max_phrase_words = max_phrase_words.max(norm.len());
            for w in &norm {
                if known.insert(w.clone()) {
                    words.push(w.clone());
                }
            }
            // The first concept listing a phrase keeps it.
            phrases.entry(norm.join(" ")).or_insert(idx);
        }
        for (child, parent) in parents {
            concepts[child].parent = by_name.get(&parent).copied();
        }
        let glossary_words = words.len();
        for e in &reference.hs {
            for w in normalise(&e.description, &stop) {
                if w.chars().count() >= 3 && known.insert(w.clone()) {
                    words.push(w);
                }
            }
        }
        let mut deletions_map: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, w) in words.iter().enumerate() {
            if w.chars().count() + 1 < TYPO_MIN_CHARS {
                continue;
            }
            deletions_map.entry(w.clone()).or_default().push(i as u32);
            for d in deletions(w) {
                deletions_map.entry(d).or_default().push(i as u32);
            }
        }
        let mut lex = Lexicon {
            concepts,
            phrases,
            max_phrase_words,
            stop,
            words,
            glossary_words,
            known,
            deletions: deletions_map,
            hs_terms: HashMap::new(),
        };
        let hs_terms = reference
            .hs
            .iter()
            .map(|e| {
                (
                    e.code.clone(),
                    lex.analyse_words(normalise(&e.description, &lex.stop)),
                )
            })
            .collect();
        lex.hs_terms = hs_terms;
        lex
    }

    /// The known word one edit (insertion, deletion, substitution or transposition) away from
    /// `word`, preferring glossary words, then the lexicographically first: deterministic.
    pub fn correct<'a>(&'a self, word: &'a str) -> &'a str {
        if self.known.contains(word) || word.chars().count() < TYPO_MIN_CHARS {
            return word;
        }
        let mut best: Option<(usize, bool, &str)> = None;
        let keys = std::iter::once(word.to_string()).chain(deletions(word));
        for key in keys {
            let Some(found) = self.deletions.get(&key) else {
                continue;
            };
            for &i in found {
                let cand = self.words[i as usize].as_str();
                let d = strsim::damerau_levenshtein(word, cand);
                if d > 1 {
                    continue;
                }
                let rank = (d, (i as usize) >= self.glossary_words, cand);
                if best.is_none_or(|b| rank < b) {
                    best = Some(rank);
                }
            }
        }
        best.map_or(word, |(_, _, w)| w)
    }

    /// Analyses a product or need name into its sorted, de-duplicated weighted terms.
    pub fn analyse(&self, name: &str) -> Vec<Term> {
        let words: Vec<String> = normalise(name, &self.stop)
            .iter()
            .map(|w| self.correct(w).to_string())
            .collect();
        self.analyse_words(words)
    }

    fn analyse_words(&self, words: Vec<String>) -> Vec<Term> {
        let mut out: Vec<Term> = Vec::with_capacity(words.len() + 2);
        let mut i = 0;
        while i < words.len() {
            // Longest glossary phrase starting here wins: "minyak kelapa" over "minyak".
            let mut matched = None;
            for len in (1..=self.max_phrase_words.min(words.len() - i)).rev() {
                let phrase = words[i..i + len].join(" ");
                if let Some(&c) = self.phrases.get(&phrase) {
                    matched = Some((c, len));
                    break;
                }
            }
            match matched {
                Some((c, len)) => {
                    let concept = &self.concepts[c];
                    let weight = if concept.product {
                        PRODUCT_WEIGHT
                    } else {
                        ATTRIBUTE_WEIGHT
                    };
                    out.push(Term {
                        id: term_id(b'c', &concept.name),
                        weight,
                    });
                    if let Some(p) = concept.parent {
                        out.push(Term {
                            id: term_id(b'c', &self.concepts[p].name),
                            weight: PARENT_WEIGHT,
                        });
                    }
                    i += len;
                }
                None => {
                    if words[i].chars().count() >= 3 {
                        out.push(Term {
                            id: term_id(b'w', &words[i]),
                            weight: WORD_WEIGHT,
                        });
                    }
                    i += 1;
                }
            }
        }
        sort_terms(&mut out);
        out
    }

    /// Terms of an HS code's English description (empty for an unknown code).
    pub fn hs_terms(&self, code: &str) -> &[Term] {
        self.hs_terms.get(code).map_or(&[], Vec::as_slice)
    }

    /// The concept name of a term id, for explanations.
    pub fn concept_name(&self, id: TermId) -> Option<&str> {
        self.concepts
            .iter()
            .find(|c| term_id(b'c', &c.name) == id)
            .map(|c| c.name.as_str())
    }
}

/// Sorts by id and keeps the heaviest weight of each id.
pub fn sort_terms(terms: &mut Vec<Term>) {
    terms.sort_by(|a, b| a.id.cmp(&b.id).then(b.weight.total_cmp(&a.weight)));
    terms.dedup_by_key(|t| t.id);
}

pub fn total_weight(terms: &[Term]) -> f32 {
    terms.iter().map(|t| t.weight).sum()
}

/// How well `offer` (a product's name terms, plus its HS description terms counted at
/// `secondary_factor`) answers `want` (a need's terms), in [0, 1]: mostly how much of the
/// need is covered, a little how focused the offer is. Allocation-free merge of sorted lists.
pub fn coverage_similarity(
    want: &[Term],
    offer: &[Term],
    offer_secondary: &[Term],
    secondary_factor: f32,
) -> f32 {
    let want_total = total_weight(want);
    if want_total <= 0.0 {
        return 0.0;
    }
    let mut covered = 0.0f32;
    let mut shared_offer = 0.0f32;
    let mut strong = false;
    for t in want {
        if let Ok(j) = offer.binary_search_by_key(&t.id, |o| o.id) {
            let w = t.weight.min(offer[j].weight);
            covered += t.weight.min(offer[j].weight.max(t.weight * 0.5));
            shared_offer += offer[j].weight;
            strong |= w >= WORD_WEIGHT;
        } else if offer_secondary
            .binary_search_by_key(&t.id, |o| o.id)
            .is_ok()
        {
            covered += t.weight * secondary_factor;
            strong |= t.weight >= WORD_WEIGHT;
        }
    }
    if covered <= 0.0 {
        return 0.0;
    }
    let coverage = (covered / want_total).min(1.0);
    let offer_total = total_weight(offer);
    let focus = if offer_total > 0.0 {
        (shared_offer / offer_total).min(1.0)
    } else {
        0.0
    };
    let sim = 0.8 * coverage + 0.2 * focus;
    // Sharing only a preparation ("dried") or a family ("packaging") is a weak hint.
    if strong {
        sim
    } else {
        sim * 0.5
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim(a: &str, b: &str) -> f32 {
        let lex = Lexicon::shared();
        coverage_similarity(&lex.analyse(a), &lex.analyse(b), &[], 0.8)
    }

    #[test]
    fn normalisation_folds_accents_and_drops_units_and_stop_words() {
        let lex = Lexicon::shared();
        assert_eq!(
            normalise("Café Kopi-Arabika 250gr per KG dan of", &lex.stop),
            ["cafe", "kopi", "arabika"]
        );
    }

    #[test]
    fn bilingual_names_meet_through_the_glossary() {
        assert!(sim("rumput laut kering", "dried seaweed") > 0.95);
        assert!(sim("roasted arabica coffee", "Kopi Arabika Sangrai") > 0.95);
        assert!(sim("madu hutan", "forest honey") > 0.5);
        assert!(sim("jambu mete", "cashew nuts") > 0.95);
        assert_eq!(sim("rumput laut", "gerabah"), 0.0);
    }

    #[test]
    fn typos_are_tolerated() {
        let lex = Lexicon::shared();
        assert_eq!(lex.correct("seawed"), "seaweed");
        assert_eq!(lex.correct("tembakauu"), "tembakau");
        assert!(sim("rumput laut", "seawed") > 0.95);
        assert!(sim("kardus", "kardsu") > 0.95);
    }

    #[test]
    fn parent_concepts_give_partial_credit_only() {
        let pouch_for_packaging = sim("kemasan", "standing pouch");
        assert!(pouch_for_packaging > 0.0 && pouch_for_packaging < 0.5);
        assert!(sim("kopi", "biji kopi") > 0.0);
    }

    #[test]
    fn hs_descriptions_contribute_words() {
        let lex = Lexicon::shared();
        let hs = lex.hs_terms("090121");
        assert!(!hs.is_empty());
        let want = lex.analyse("roasted coffee");
        let offer = lex.analyse("Produk CV Maju");
        assert!(coverage_similarity(&want, &offer, hs, 0.8) > 0.5);
    }
}
