//! Reading a product or need name as a trade officer does: as ranked HS-6 concepts.
//!
//! Owns the [`Reader`] and what it is built from, all compiled in: the glossary of IKM
//! product words (`data/glossary.csv`) with the HS-6 subheading each glossary product is
//! (`data/product_hs.csv`, attributes such as "sangrai" or "kupas" choosing between
//! processing stages), the English HS 2022 descriptions and the Indonesian BTKI 2022 wording
//! (`data/btki2022.csv`).
//!
//! A name is read in four steps:
//! 1. words: folded, stop words and negated words dropped, each unknown word corrected to the
//!    known word within two edits (preferring the language of the rest of the name), merged
//!    words split ("tepunggandum") and split words joined ("ten un");
//! 2. phrases: the longest glossary phrases become product or attribute tokens ("rumput
//!    laut", "standing pouch", "sangrai");
//! 3. the head: what the thing *is*. Indonesian names put it first ("kopi bubuk" is coffee),
//!    English names last ("coffee powder" too), and words after "dalam", "untuk", "in",
//!    "for" only say what it is in or for ("air minum dalam kemasan" is water). Qualifiers
//!    never decide the head; they choose among the head's subheadings;
//! 4. the concept: the glossary head's subheading, or else the HS-6 whose HS and BTKI wording
//!    contains the head word and most of the other words (IDF-weighted).
//!
//! A given HS code wins over the text; the text's own reading is kept beside it, for the
//! reasons and at reduced weight. Every reading keeps the name's character trigrams: they
//! rank items of one concept by how alike their names are, and match by text alone a name
//! that reads as nothing.

use super::text::{Vocabulary, WordId, ENGLISH, INDONESIAN};
use foldhash::fast::FixedState;
use std::collections::HashMap;

const GLOSSARY_CSV: &str = include_str!("../../data/glossary.csv");
const PRODUCT_HS_CSV: &str = include_str!("../../data/product_hs.csv");
const BTKI_CSV: &str = include_str!("../../data/btki2022.csv");

mod read;
mod reading;
mod tables;

pub use reading::{dotted, Concept, Concepts, Dotted, Hs6, Reading, Source};

#[derive(Debug)]
struct GlossaryConcept {
    /// The concept's key ("seaweed"): one spelling for all its names, for comparing names.
    name: String,
    product: bool,
    parent: Option<usize>,
    /// (attributes that must all be in the name, subheading), in file order.
    rows: Vec<(Vec<usize>, Hs6)>,
    /// Packaging and its kinds: a qualifier in English names ("coffee sachet").
    packaging: bool,
}

/// A subheading's wording as a bag of weighted words.
#[derive(Debug)]
struct Doc {
    hs: Hs6,
    /// (word, weight), sorted by word.
    words: Vec<(WordId, f32)>,
    label_en: String,
    label_id: Option<String>,
}

impl Doc {
    fn weight(&self, w: WordId) -> f32 {
        self.words
            .binary_search_by_key(&w, |x| x.0)
            .map_or(0.0, |i| self.words[i].1)
    }
}

/// A word of a name after correction.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    id: Option<WordId>,
    /// Edits made to read it (a correction within two edits is less sure than a hit).
    edits: u8,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Product { concept: usize, lang: u8 },
    Attribute(usize),
    Word { id: WordId, edits: u8 },
}

/// The reading tables. Build once ([`Reader::shared`]); reading is then pure.
#[derive(Debug)]
pub struct Reader {
    vocab: Vocabulary,
    concepts: Vec<GlossaryConcept>,
    /// Corrected phrase ("rumput laut") → (concept, language of the phrase).
    phrases: HashMap<String, (usize, u8), FixedState>,
    max_phrase_words: usize,
    docs: Vec<Doc>,
    doc_of: HashMap<Hs6, usize, FixedState>,
    /// Word → the docs holding it.
    postings: HashMap<WordId, Vec<u32>, FixedState>,
    /// Inverse document frequency by word id (0 for words in no doc).
    idf: Vec<f32>,
}

fn parse_hs6(code: &str) -> Option<Hs6> {
    (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()))
        .then(|| code.parse().ok())
        .flatten()
}

fn lang_bit(lang: &str) -> u8 {
    if lang == "en" {
        ENGLISH
    } else {
        INDONESIAN
    }
}

#[cfg(test)]
mod tests;
