//! Text normalisation and the fuzzy vocabulary of product words.
//!
//! [`content_words`] turns a name into lower-case, accent-folded content words: stop words,
//! units, sizes ("250gr") and bare numbers dropped, and a word after a negation ("tidak
//! digongseng", "not roasted") dropped too, so a description never claims what it denies.
//! [`Vocabulary`] holds the known words (glossary, HS and BTKI wording) with their language,
//! and finds the known word within two edits of a misspelt one (a symmetric-deletion index:
//! every word's one- and two-character deletions point back to it), so "kopii", "lacuer"
//! and "aen" land on "kopi", "lacquer" and "aren". Everything here is derived from tables
//! compiled into the binary: deterministic, no mutable state after construction.

use foldhash::fast::FixedState;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Words that carry no product meaning in Indonesian and English names, HS descriptions
/// included ("other", "whether or not"), plus units and packaging counts.
pub const STOP_WORDS: &[&str] = &[
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
    "juga",
    "secara",
    "berupa",
    "sebagai",
    "selain",
    "tersebut",
    "lain-lain",
    "mengandung",
    "maupun",
    "belum",
    "sudah",
    "telah",
    "ekspor",
    "premium",
    "kelas",
    "curah",
    "biasa",
    "buat",
    "bagi",
    "oleh",
    "merk",
    "murah",
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
    "by",
    "as",
    "from",
    "other",
    "others",
    "whether",
    "than",
    "their",
    "thereof",
    "excluding",
    "including",
    "nes",
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
    "whole",
    "similar",
    "articles",
    "article",
    "export",
    "local",
    "bulk",
    "grade",
    "best",
    "cheap",
    "new",
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
    "sak",
    "bal",
];

/// Words that deny the word after them.
const NEGATIONS: &[&str] = &["tidak", "bukan", "tanpa", "not", "non", "without", "un"];

/// Words after which a name only says what its head is for, in or with: "air minum dalam
/// kemasan", "pouch for coffee". The head is read from the words before.
const MODIFIER_START: &[&str] = &[
    "dalam", "untuk", "buat", "dengan", "bagi", "in", "for", "with", "of", "from", "dari",
];

fn stop_words() -> &'static HashSet<&'static str, FixedState> {
    static STOP: OnceLock<HashSet<&'static str, FixedState>> = OnceLock::new();
    STOP.get_or_init(|| STOP_WORDS.iter().copied().collect())
}

pub fn is_stop(word: &str) -> bool {
    stop_words().contains(word)
}

/// Lower case with accents folded (NFD, combining marks dropped).
pub fn fold(text: &str) -> String {
    // Nearly every name and reference text is ASCII, which has nothing to fold.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Folded words, split on anything that is not a letter or digit, bare numbers and sizes
/// dropped; stop words kept (the reader needs the prepositions).
pub fn raw_words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        // "250gr", "5kg": a number glued to a unit is a size, not a word.
        .filter(|w| !is_size(w))
        .map(str::to_string)
        .collect()
}

/// Whether a head-marking preposition starts the modifiers at this word.
pub fn starts_modifier(word: &str) -> bool {
    MODIFIER_START.contains(&word)
}

/// The content words of a text: [`raw_words`] without stop words and without the word a
/// negation denies.
pub fn content_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut negated = false;
    for w in raw_words(text) {
        if NEGATIONS.contains(&w.as_str()) {
            negated = true;
            continue;
        }
        if is_stop(&w) {
            continue;
        }
        if !std::mem::take(&mut negated) {
            out.push(w);
        }
    }
    out
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

/// Hashed character trigrams of a text with its spaces removed (so merged and split words
/// share them), sorted and de-duplicated: what an item that reads as no concept is compared
/// by.
pub fn trigrams(words: &[String]) -> Vec<u32> {
    let joined: Vec<char> = words.concat().chars().collect();
    let mut out: Vec<u32> = joined
        .windows(3)
        .map(|w| {
            let mut h: u32 = 0x811c9dc5;
            for c in w {
                h ^= *c as u32;
                h = h.wrapping_mul(0x01000193);
            }
            h
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Cosine of two sorted trigram sets.
pub fn trigram_cosine(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    // A merge without data-dependent branches: the candidate walk computes this for every
    // posting it visits, and the comparisons are unpredictable.
    let (mut i, mut j, mut shared) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        shared += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
    }
    shared as f64 / ((a.len() * b.len()) as f64).sqrt()
}

/// A 256-bit sketch of a trigram set that bounds the cosine of two sets from above without
/// merging them: the candidate index bounds every posting it visits by it, and a merge per
/// posting cost more than the rest of a query. A trigram shared by both sets sets the same
/// bit in both; trigrams of one set that share a bit (`hidden`) can hide at most that many
/// shared trigrams, so shared ≤ common bits + the smaller `hidden`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TrigramSketch {
    bits: [u64; 4],
    grams: u16,
    hidden: u16,
    /// 1 / √grams, so that bounding takes no root or division.
    inv_root: f32,
}

/// The bound's margin for `inv_root` kept in f32: a millionth more is harmless, a last
/// digit less could fall below the cosine.
const SKETCH_SLACK: f64 = 1.0 + 1e-6;

impl TrigramSketch {
    pub fn of(grams: &[u32]) -> TrigramSketch {
        let mut bits = [0u64; 4];
        for &g in grams {
            // The trigram ids are FNV hashes; mixing spreads their high bits over 256.
            let bit = (g.wrapping_mul(0x9E37_79B1) >> 24) as usize;
            bits[bit / 64] |= 1 << (bit % 64);
        }
        let set: u32 = bits.iter().map(|b| b.count_ones()).sum();
        // Names are short; a count past u16 only makes the bound looser (more hidden).
        let n = grams.len().min(u16::MAX as usize) as u32;
        TrigramSketch {
            bits,
            grams: n as u16,
            hidden: n.saturating_sub(set) as u16,
            inv_root: if n == 0 {
                0.0
            } else {
                (1.0 / (n as f64).sqrt()) as f32
            },
        }
    }

    /// What tells sketches apart: equal keys bound every cosine alike (for grouping postings
    /// by spelling).
    pub fn key(&self) -> ([u64; 4], u16, u16) {
        (self.bits, self.grams, self.hidden)
    }

    /// At least [`trigram_cosine`] of the two sets the sketches were made of.
    #[inline]
    pub fn cosine_bound(&self, other: &TrigramSketch) -> f64 {
        let common: u32 = (0..4)
            .map(|i| (self.bits[i] & other.bits[i]).count_ones())
            .sum();
        let shared = common + self.hidden.min(other.hidden) as u32;
        // Empty sketches have inv_root 0, so the bound is 0 as the cosine is.
        (shared as f64 * self.inv_root as f64 * other.inv_root as f64 * SKETCH_SLACK).min(1.0)
    }

    /// A sketch that bounds the cosine with every set either sketch bounds: the union of the
    /// bits, the larger `hidden` and the larger `inv_root` (the shorter set). It bounds a
    /// whole group of names at once, so a query can pass the group by.
    pub fn union(&self, other: &TrigramSketch) -> TrigramSketch {
        let shorter = if other.inv_root > self.inv_root {
            other
        } else {
            self
        };
        TrigramSketch {
            bits: std::array::from_fn(|i| self.bits[i] | other.bits[i]),
            grams: shorter.grams,
            hidden: self.hidden.max(other.hidden),
            inv_root: shorter.inv_root,
        }
    }

    /// How alike two sketched names are (the cosine of their bit sets): cheap, approximate,
    /// for grouping names, never for bounding.
    pub fn resemblance(&self, other: &TrigramSketch) -> f64 {
        let ones = |bits: &[u64; 4]| bits.iter().map(|b| b.count_ones()).sum::<u32>();
        let common = ones(&std::array::from_fn(|i| self.bits[i] & other.bits[i]));
        let product = ones(&self.bits) * ones(&other.bits);
        if product == 0 {
            0.0
        } else {
            common as f64 / (product as f64).sqrt()
        }
    }
}

/// Languages a word is known in, as bits.
pub const INDONESIAN: u8 = 1;
pub const ENGLISH: u8 = 2;

/// A word id in a [`Vocabulary`].
pub type WordId = u32;

#[derive(Debug, Clone, Copy, Default)]
struct WordInfo {
    lang: u8,
    /// From the glossary: the words of real product names, preferred in corrections.
    glossary: bool,
    /// Occurrences in the reference wording.
    count: u32,
}

/// Known words with their languages, and the deletion index that corrects typos.
#[derive(Debug, Default)]
pub struct Vocabulary {
    words: Vec<Box<str>>,
    info: Vec<WordInfo>,
    ids: HashMap<Box<str>, WordId, FixedState>,
    /// Each known word's deletions of one and two characters (and the word itself), by the
    /// hash of the deleted form → the words, as a range of `proposals`. A hash collision
    /// only proposes a word more, and every proposal is checked by its edit distance.
    deletions: HashMap<u64, (u32, u32), FixedState>,
    proposals: Vec<WordId>,
}

/// The hashes of `word`, of its deletions of one character and (with `two`) of two,
/// sorted and de-duplicated: the keys of the symmetric-deletion index. Reading corrects
/// every unknown word of every name through these, so they are hashed from one reused
/// buffer rather than collected as strings.
fn deletion_keys(word: &str, two: bool, out: &mut Vec<u64>) {
    out.clear();
    let hasher = FixedState::default();
    out.push(hasher.hash_one(word.as_bytes()));
    let (mut d1, mut d2) = (
        Vec::with_capacity(word.len()),
        Vec::with_capacity(word.len()),
    );
    for (i, c) in word.char_indices() {
        d1.clear();
        d1.extend_from_slice(&word.as_bytes()[..i]);
        d1.extend_from_slice(&word.as_bytes()[i + c.len_utf8()..]);
        out.push(hasher.hash_one(&d1[..]));
        if two {
            // `d1` is `word` less one whole character: still valid UTF-8.
            let one = std::str::from_utf8(&d1).expect("a deletion of whole characters");
            for (j, c2) in one.char_indices() {
                d2.clear();
                d2.extend_from_slice(&d1[..j]);
                d2.extend_from_slice(&d1[j + c2.len_utf8()..]);
                out.push(hasher.hash_one(&d2[..]));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
}

/// How many edits a word of this many characters may be corrected by: short words are
/// too ambiguous for two ("teh"/"the", "dodol"/"botol").
pub fn max_edits(chars: usize) -> usize {
    match chars {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

impl Vocabulary {
    /// Adds a word (or counts it again) in `lang`.
    pub fn add(&mut self, word: &str, lang: u8, glossary: bool) -> WordId {
        let id = match self.ids.get(word) {
            Some(&id) => id,
            None => {
                let id = self.words.len() as WordId;
                self.words.push(word.into());
                self.info.push(WordInfo::default());
                self.ids.insert(word.into(), id);
                id
            }
        };
        let info = &mut self.info[id as usize];
        info.lang |= lang;
        info.glossary |= glossary;
        info.count += 1;
        id
    }

    /// Builds the deletion index; call once after the last [`Vocabulary::add`]. One flat
    /// sorted table rather than a list per key: the reference wording gives about a million
    /// keys, and this runs at every start.
    pub fn index(&mut self) {
        use rayon::prelude::*;
        let mut pairs: Vec<(u64, WordId)> = self
            .words
            .par_iter()
            .enumerate()
            .flat_map_iter(|(id, word)| {
                let chars = word.chars().count();
                let mut keys = Vec::new();
                // The word itself is a key too: a query with an extra letter deletes down
                // to it. Two deletions only from words long enough to be corrected by two
                // edits from a query of at least five characters.
                if chars >= 3 {
                    deletion_keys(word, chars >= 4, &mut keys);
                }
                keys.into_iter().map(move |k| (k, id as WordId))
            })
            .collect();
        pairs.par_sort_unstable();
        let mut deletions: HashMap<u64, (u32, u32), FixedState> = HashMap::default();
        deletions.reserve(pairs.len() / 2);
        let mut start = 0;
        while start < pairs.len() {
            let key = pairs[start].0;
            let end = start + pairs[start..].partition_point(|p| p.0 == key);
            deletions.insert(key, (start as u32, (end - start) as u32));
            start = end;
        }
        self.proposals = pairs.into_iter().map(|(_, id)| id).collect();
        self.deletions = deletions;
    }

    pub fn id(&self, word: &str) -> Option<WordId> {
        self.ids.get(word).copied()
    }

    pub fn word(&self, id: WordId) -> &str {
        &self.words[id as usize]
    }

    pub fn lang(&self, id: WordId) -> u8 {
        self.info[id as usize].lang
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The known word closest to an unknown `word`, within [`max_edits`], with its distance.
    /// Ties go to a word in `prefer` (the language of the rest of the name), then to
    /// glossary words, then to the more frequent, then to the first in order: deterministic.
    pub fn correct(&self, word: &str, prefer: u8) -> Option<(WordId, usize)> {
        if let Some(id) = self.id(word) {
            return Some((id, 0));
        }
        let chars = word.chars().count();
        let max = max_edits(chars);
        if max == 0 {
            return None;
        }
        let mut keys = Vec::new();
        deletion_keys(word, max >= 2, &mut keys);
        type Rank = (usize, bool, bool, std::cmp::Reverse<u32>, WordId);
        let mut best: Option<Rank> = None;
        // Many keys lead to the same word: each is compared once.
        let mut checked: Vec<WordId> = Vec::new();
        for key in &keys {
            let Some(&(start, len)) = self.deletions.get(key) else {
                continue;
            };
            for &id in &self.proposals[start as usize..(start + len) as usize] {
                let candidate = &*self.words[id as usize];
                if candidate.chars().count().abs_diff(chars) > max || checked.contains(&id) {
                    continue;
                }
                checked.push(id);
                let d = strsim::osa_distance(word, candidate);
                if d == 0 || d > max {
                    continue;
                }
                let info = self.info[id as usize];
                let rank = (
                    d,
                    prefer != 0 && info.lang & prefer == 0,
                    !info.glossary,
                    std::cmp::Reverse(info.count),
                    id,
                );
                if best.is_none_or(|b| rank < b) {
                    best = Some(rank);
                }
            }
        }
        best.map(|(d, _, _, _, id)| (id, d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_words_fold_accents_drop_units_stop_words_and_negated_words() {
        assert_eq!(
            content_words("Café Kopi-Arabika 250gr per KG dan of"),
            ["cafe", "kopi", "arabika"]
        );
        assert_eq!(
            content_words("Kopi, tidak digongseng, dihilangkan kafeinnya"),
            ["kopi", "dihilangkan", "kafeinnya"]
        );
        assert_eq!(content_words("Coffee, not roasted"), ["coffee"]);
    }

    proptest::proptest! {
        #[test]
        fn the_sketch_never_bounds_a_cosine_below_itself(
            a in proptest::collection::vec("[a-e ]{0,24}", 1..3),
            b in proptest::collection::vec("[a-e ]{0,24}", 1..3),
        ) {
            let (ga, gb) = (trigrams(&a), trigrams(&b));
            let exact = trigram_cosine(&ga, &gb);
            let bound = TrigramSketch::of(&ga).cosine_bound(&TrigramSketch::of(&gb));
            proptest::prop_assert!(bound >= exact, "{bound} < {exact}");
        }
    }

    proptest::proptest! {
        #[test]
        fn a_union_of_sketches_bounds_the_cosine_with_each_of_its_names(
            q in proptest::collection::vec("[a-e ]{0,24}", 1..3),
            names in proptest::collection::vec(proptest::collection::vec("[a-e ]{0,24}", 1..3), 1..6),
        ) {
            let gq = trigrams(&q);
            let sq = TrigramSketch::of(&gq);
            let sets: Vec<Vec<u32>> = names.iter().map(|n| trigrams(n)).collect();
            let union = sets
                .iter()
                .map(|g| TrigramSketch::of(g))
                .reduce(|a, b| a.union(&b))
                .unwrap();
            for g in &sets {
                let exact = trigram_cosine(&gq, g);
                let bound = sq.cosine_bound(&union);
                proptest::prop_assert!(bound >= exact, "{bound} < {exact}");
            }
        }
    }

    #[test]
    fn the_sketch_is_exact_for_equal_and_disjoint_names() {
        let kopi = trigrams(&["kopi".into(), "arabika".into()]);
        let same = TrigramSketch::of(&kopi);
        assert_eq!(same.cosine_bound(&same), 1.0);
        assert_eq!(same.cosine_bound(&TrigramSketch::of(&[])), 0.0);
    }

    #[test]
    fn two_edits_are_corrected_and_ties_prefer_the_names_language() {
        let mut v = Vocabulary::default();
        for (w, lang) in [
            ("lacquer", ENGLISH),
            ("aren", INDONESIAN),
            ("mete", INDONESIAN),
            ("meter", ENGLISH),
            ("bean", ENGLISH),
            ("bahan", INDONESIAN),
            ("tembakau", INDONESIAN),
        ] {
            v.add(w, lang, true);
        }
        v.index();
        let fix = |w: &str, lang| v.correct(w, lang).map(|(id, d)| (v.word(id), d));
        assert_eq!(fix("lacuer", ENGLISH), Some(("lacquer", 1)));
        assert_eq!(fix("lakuer", ENGLISH), Some(("lacquer", 2)));
        assert_eq!(fix("aen", INDONESIAN), Some(("aren", 1)));
        assert_eq!(fix("ete", INDONESIAN), Some(("mete", 1)));
        assert_eq!(fix("tembkaau", INDONESIAN), Some(("tembakau", 1)));
        assert_eq!(fix("tmbakauu", INDONESIAN), Some(("tembakau", 2)));
        // One edit from both "bean" and "bahan": the name's language decides.
        assert_eq!(fix("baan", INDONESIAN), Some(("bahan", 1)));
        assert_eq!(fix("baan", ENGLISH), Some(("bean", 1)));
        // Too far, or too short to guess.
        assert_eq!(fix("zzzzzz", INDONESIAN), None);
        assert_eq!(fix("xy", INDONESIAN), None);
    }

    #[test]
    fn trigrams_survive_merged_and_split_words() {
        let a = trigrams(&["tepung".into(), "gandum".into()]);
        let b = trigrams(&["tepunggandum".into()]);
        assert_eq!(trigram_cosine(&a, &b), 1.0);
        let c = trigrams(&["gerabah".into()]);
        assert!(trigram_cosine(&a, &c) < 0.2);
    }
}
