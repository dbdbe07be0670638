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

use super::text::{
    content_words, is_stop, raw_words, starts_modifier, trigrams, Vocabulary, WordId, ENGLISH,
    INDONESIAN,
};
use crate::domain::Reference;
use foldhash::fast::FixedState;
use std::collections::HashMap;
use std::sync::OnceLock;

const GLOSSARY_CSV: &str = include_str!("../../data/glossary.csv");
const PRODUCT_HS_CSV: &str = include_str!("../../data/product_hs.csv");
const BTKI_CSV: &str = include_str!("../../data/btki2022.csv");

/// An HS-6 subheading as a number (090121 → 90121).
pub type Hs6 = u32;

/// Where a concept of a reading comes from; the scorer weighs them differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    /// The item's own HS code.
    Code,
    /// A glossary product, its subheading chosen by the name's attributes.
    Glossary,
    /// The HS and BTKI wording of the subheading.
    Description,
    /// The text's own reading where a given code says something else.
    TextBesideCode,
}

/// One concept an item may be, with the reader's confidence in (0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Concept {
    pub hs: Hs6,
    pub confidence: f32,
    pub source: Source,
}

/// At most three concepts, best first, kept inline: scoring compares them for every
/// candidate pair, and a pointer to chase per item costs more than the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Concepts {
    items: [Option<Concept>; 3],
    len: u8,
}

impl Concepts {
    /// Adds a concept; past three, the rest are dropped.
    pub fn push(&mut self, c: Concept) {
        if (self.len as usize) < self.items.len() {
            self.items[self.len as usize] = Some(c);
            self.len += 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn first(&self) -> Option<&Concept> {
        self.items[0].as_ref()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Concept> {
        self.into_iter()
    }
}

impl<'a> IntoIterator for &'a Concepts {
    type Item = &'a Concept;
    type IntoIter = std::iter::Flatten<std::slice::Iter<'a, Option<Concept>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.items[..self.len as usize].iter().flatten()
    }
}

impl FromIterator<Concept> for Concepts {
    fn from_iter<I: IntoIterator<Item = Concept>>(iter: I) -> Self {
        let mut out = Concepts::default();
        for c in iter {
            out.push(c);
        }
        out
    }
}

/// How an item's name (and code) was read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reading {
    /// Best first; empty when the name reads as no concept.
    pub concepts: Concepts,
    /// Character trigrams of the name's content words.
    pub grams: Vec<u32>,
}

impl Reading {
    pub fn is_read(&self) -> bool {
        !self.concepts.is_empty()
    }

    pub fn best(&self) -> Option<Concept> {
        self.concepts.first().copied()
    }

    /// What the text alone reads as when a given code says otherwise.
    pub fn text_beside_code(&self) -> Option<Concept> {
        self.concepts
            .iter()
            .find(|c| c.source == Source::TextBesideCode)
            .copied()
    }
}

/// "0901.21" for 90121.
pub fn dotted(hs: Hs6) -> String {
    Dotted(hs).to_string()
}

/// An HS-6 code as people write it (0801.31), formatted in place.
#[derive(Debug, Clone, Copy)]
pub struct Dotted(pub Hs6);

impl std::fmt::Display for Dotted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}.{:02}", self.0 / 100, self.0 % 100)
    }
}

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

impl Reader {
    /// The tables compiled into this binary, built on first use.
    pub fn shared() -> &'static Reader {
        static SHARED: OnceLock<Reader> = OnceLock::new();
        SHARED.get_or_init(|| Reader::build(Reference::shared()))
    }

    fn build(reference: &Reference) -> Reader {
        let mut vocab = Vocabulary::default();
        // Glossary: concepts, their phrases and words.
        let mut concepts: Vec<GlossaryConcept> = Vec::new();
        let mut by_name: HashMap<String, usize> = HashMap::new();
        let mut parents: Vec<(usize, String)> = Vec::new();
        let mut phrase_rows: Vec<(Vec<String>, usize, u8)> = Vec::new();
        let mut reader = csv::Reader::from_reader(GLOSSARY_CSV.as_bytes());
        for row in reader.records() {
            // Compiled in and covered by tests: a bad row is a build defect.
            let row = row.expect("embedded glossary is well-formed");
            let (name, kind, parent, lang, term) = (&row[0], &row[1], &row[2], &row[3], &row[4]);
            let idx = *by_name.entry(name.to_string()).or_insert_with(|| {
                concepts.push(GlossaryConcept {
                    name: name.to_string(),
                    product: kind == "product",
                    parent: None,
                    rows: Vec::new(),
                    packaging: false,
                });
                if !parent.is_empty() {
                    parents.push((concepts.len() - 1, parent.to_string()));
                }
                concepts.len() - 1
            });
            let words = content_words(term);
            if words.is_empty() {
                continue;
            }
            for w in &words {
                vocab.add(w, lang_bit(lang), true);
            }
            phrase_rows.push((words, idx, lang_bit(lang)));
        }
        for (child, parent) in parents {
            concepts[child].parent = by_name.get(&parent).copied();
        }
        let packaging = by_name.get("packaging").copied();
        for i in 0..concepts.len() {
            let mut c = Some(i);
            while let Some(x) = c {
                if Some(x) == packaging {
                    concepts[i].packaging = true;
                    break;
                }
                c = concepts[x].parent;
            }
        }
        let mut reader = csv::Reader::from_reader(PRODUCT_HS_CSV.as_bytes());
        for row in reader.records() {
            let row = row.expect("embedded product_hs table is well-formed");
            let (concept, when, hs) = (&row[0], &row[1], &row[2]);
            let (Some(&c), Some(hs)) = (by_name.get(concept), parse_hs6(hs)) else {
                continue;
            };
            let when: Vec<usize> = when
                .split('+')
                .filter(|a| !a.is_empty())
                .filter_map(|a| by_name.get(a.trim()).copied())
                .collect();
            concepts[c].rows.push((when, hs));
        }
        // Stop words are known words too: a misspelt "bahan" is corrected, then dropped.
        for w in super::text::STOP_WORDS {
            vocab.add(w, INDONESIAN | ENGLISH, false);
        }
        // Subheading wording: English HS (subheading and heading), Indonesian BTKI.
        let mut btki: HashMap<Hs6, [String; 3]> = HashMap::new();
        let mut reader = csv::Reader::from_reader(BTKI_CSV.as_bytes());
        for row in reader.records() {
            let row = row.expect("embedded BTKI table is well-formed");
            if let Some(hs) = parse_hs6(&row[0]) {
                btki.insert(
                    hs,
                    [row[1].to_string(), row[2].to_string(), row[3].to_string()],
                );
            }
        }
        let mut docs: Vec<Doc> = Vec::new();
        for e in &reference.hs {
            let Some(hs) = parse_hs6(&e.code) else {
                continue;
            };
            let heading_en = reference
                .hs(&e.code[..4])
                .map(|h| h.description.as_str())
                .unwrap_or("");
            let mut weights: HashMap<WordId, f32> = HashMap::new();
            let mut put = |text: &str, lang: u8, weight: f32, vocab: &mut Vocabulary| {
                for w in content_words(text) {
                    if w.chars().count() < 3 {
                        continue;
                    }
                    // English plurals stand for their singular too ("lacquers").
                    let singular =
                        (lang == ENGLISH && w.len() > 4 && w.ends_with('s') && !w.ends_with("ss"))
                            .then(|| w[..w.len() - 1].to_string());
                    for w in std::iter::once(w).chain(singular) {
                        let id = vocab.add(&w, lang, false);
                        let slot = weights.entry(id).or_insert(0.0);
                        *slot = slot.max(weight);
                    }
                }
            };
            put(&e.description, ENGLISH, 1.0, &mut vocab);
            put(heading_en, ENGLISH, 0.6, &mut vocab);
            let label_id = btki.get(&hs).map(|[heading, sub, lines]| {
                put(sub, INDONESIAN, 1.0, &mut vocab);
                put(lines, INDONESIAN, 0.8, &mut vocab);
                put(heading, INDONESIAN, 0.6, &mut vocab);
                let heading = heading.split([';', ':']).next().unwrap_or("").trim();
                if sub.is_empty() {
                    heading.to_string()
                } else {
                    format!("{heading}: {sub}")
                }
            });
            let mut words: Vec<(WordId, f32)> = weights.into_iter().collect();
            words.sort_unstable_by_key(|x| x.0);
            docs.push(Doc {
                hs,
                words,
                label_en: e.description.clone(),
                label_id,
            });
        }
        vocab.index();
        let mut postings: HashMap<WordId, Vec<u32>, FixedState> = HashMap::default();
        for (i, d) in docs.iter().enumerate() {
            for &(w, _) in &d.words {
                postings.entry(w).or_default().push(i as u32);
            }
        }
        let n = docs.len().max(1) as f32;
        let mut idf = vec![0.0f32; vocab.len()];
        for (&w, list) in &postings {
            idf[w as usize] = (n / list.len() as f32).ln().max(0.05);
        }
        let doc_of = docs.iter().enumerate().map(|(i, d)| (d.hs, i)).collect();
        let mut phrases: HashMap<String, (usize, u8), FixedState> = HashMap::default();
        let mut max_phrase_words = 1;
        for (words, concept, lang) in phrase_rows {
            max_phrase_words = max_phrase_words.max(words.len());
            // The first concept listing a phrase keeps it.
            phrases.entry(words.join(" ")).or_insert((concept, lang));
        }
        Reader {
            vocab,
            concepts,
            phrases,
            max_phrase_words,
            docs,
            doc_of,
            postings,
            idf,
        }
    }

    /// The subheading's wording in English (HS 2022) or Indonesian (BTKI 2022, else HS).
    pub fn label(&self, hs: Hs6, indonesian: bool) -> Option<&str> {
        let d = &self.docs[*self.doc_of.get(&hs)?];
        Some(match (&d.label_id, indonesian) {
            (Some(id), true) => id.as_str(),
            _ => d.label_en.as_str(),
        })
    }

    /// Reads a name with the item's HS code (2, 4 or 6 digits, as stored) if it has one.
    pub fn read(&self, name: &str, code: Option<&str>) -> Reading {
        let (text, canonical) = self.read_text(name);
        let digits = code.filter(|c| c.bytes().all(|b| b.is_ascii_digit()));
        let concepts: Vec<Concept> = match digits.map(|c| (c, c.len())) {
            Some((c, 6)) => match parse_hs6(c).filter(|hs| self.doc_of.contains_key(hs)) {
                Some(hs) => {
                    let mut out = vec![Concept {
                        hs,
                        confidence: 1.0,
                        source: Source::Code,
                    }];
                    if let Some(t) = text.first().filter(|t| t.hs != hs) {
                        out.push(Concept {
                            source: Source::TextBesideCode,
                            ..*t
                        });
                    }
                    out
                }
                None => text,
            },
            Some((c, n @ (2 | 4))) => {
                let prefix: Hs6 = c.parse().unwrap_or(0);
                let scale = 10u32.pow(6 - n as u32);
                let inside = |hs: Hs6| hs / scale == prefix;
                let mut out: Vec<Concept> = text.iter().filter(|t| inside(t.hs)).copied().collect();
                if out.is_empty() && n == 4 {
                    // The text reads outside the heading: the heading's subheading whose
                    // wording fits the name best, the text's reading beside it.
                    if let Some(hs) = self.best_under(name, prefix, scale) {
                        out.push(Concept {
                            hs,
                            confidence: 0.75,
                            source: Source::Code,
                        });
                    }
                }
                for t in &text {
                    if !inside(t.hs) && out.len() < 3 {
                        out.push(Concept {
                            source: Source::TextBesideCode,
                            ..*t
                        });
                    }
                }
                out
            }
            _ => text,
        };
        let concepts: Concepts = concepts.into_iter().collect();
        // The name's trigrams tell apart two items of one concept ("arabika" and "robusta"
        // green beans), and match an item that reads as no concept.
        let grams = if canonical.is_empty() {
            trigrams(&content_words(name))
        } else {
            trigrams(&canonical)
        };
        Reading { concepts, grams }
    }

    /// The subheading under `prefix` (a heading or chapter) whose wording shares most of
    /// the name's words.
    fn best_under(&self, name: &str, prefix: Hs6, scale: u32) -> Option<Hs6> {
        let words: Vec<WordId> = self
            .words(&content_words(name))
            .iter()
            .filter_map(|w| w.id)
            .collect();
        self.docs
            .iter()
            .filter(|d| d.hs / scale == prefix)
            .map(|d| {
                let s: f32 = words.iter().map(|&w| d.weight(w) * self.idf(w)).sum();
                (s, std::cmp::Reverse(d.words.len()), std::cmp::Reverse(d.hs))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)))
            .map(|(_, _, std::cmp::Reverse(hs))| hs)
    }

    fn idf(&self, w: WordId) -> f32 {
        self.idf.get(w as usize).copied().unwrap_or(0.0)
    }

    /// The language a name is mostly written in, from the words known in only one.
    fn language_of(&self, words: &[String]) -> u8 {
        let (mut id, mut en) = (0, 0);
        for w in words {
            match self.vocab.id(w).map(|i| self.vocab.lang(i)) {
                Some(INDONESIAN) => id += 1,
                Some(ENGLISH) => en += 1,
                _ => {}
            }
        }
        if en > id {
            ENGLISH
        } else if id > 0 {
            INDONESIAN
        } else {
            0
        }
    }

    /// Content words, corrected: merged and split words repaired, each unknown word replaced
    /// by the nearest known one (misspelt stop words then dropped).
    fn words(&self, content: &[String]) -> Vec<Word> {
        let prefer = self.language_of(content);
        let known = |w: &str| self.vocab.id(w);
        let mut out: Vec<Word> = Vec::with_capacity(content.len());
        let mut i = 0;
        while i < content.len() {
            let w = &content[i];
            // Split words: "ten un", "tepung gan dum". Joined only when a part is unknown
            // and the whole is a known word.
            if let Some(next) = content.get(i + 1) {
                let (a, b) = (known(w), known(next));
                if a.is_none() || b.is_none() {
                    let joined = format!("{w}{next}");
                    // Both parts unknown ("gba ah"): the whole may also be misspelt.
                    let hit = known(&joined).map(|id| (id, 0)).or_else(|| {
                        (a.is_none() && b.is_none())
                            .then(|| self.vocab.correct(&joined, prefer))
                            .flatten()
                            .filter(|&(_, d)| d <= 1)
                    });
                    if let Some((id, d)) = hit {
                        out.push(Word {
                            text: self.vocab.word(id).to_string(),
                            id: Some(id),
                            edits: d as u8,
                        });
                        i += 2;
                        continue;
                    }
                }
            }
            i += 1;
            if let Some(id) = known(w) {
                out.push(Word {
                    text: w.clone(),
                    id: Some(id),
                    edits: 0,
                });
                continue;
            }
            if let Some((id, d)) = self.vocab.correct(w, prefer) {
                let text = self.vocab.word(id).to_string();
                if !is_stop(&text) {
                    out.push(Word {
                        text,
                        id: Some(id),
                        edits: d as u8,
                    });
                }
                continue;
            }
            // Merged words: "tepunggandum" → "tepung" + "gandum", both parts known.
            if let Some((a, b)) = self.split(w) {
                out.push(a);
                out.push(b);
                continue;
            }
            out.push(Word {
                text: w.clone(),
                id: None,
                edits: 0,
            });
        }
        out
    }

    /// The best split of an unknown word into two known words of at least three letters,
    /// glossary parts first.
    fn split(&self, w: &str) -> Option<(Word, Word)> {
        let chars: Vec<(usize, char)> = w.char_indices().collect();
        if chars.len() < 6 {
            return None;
        }
        (3..=chars.len() - 3)
            .filter_map(|k| {
                let at = chars[k].0;
                let (a, b) = (&w[..at], &w[at..]);
                let (ia, ib) = (self.vocab.id(a)?, self.vocab.id(b)?);
                if is_stop(a) || is_stop(b) {
                    return None;
                }
                // Longest first part first: "tepunggandum" over "tep" + "unggandum".
                Some((std::cmp::Reverse(a.len()), ia, ib, at))
            })
            .min()
            .map(|(_, ia, ib, at)| {
                (
                    Word {
                        text: w[..at].to_string(),
                        id: Some(ia),
                        edits: 1,
                    },
                    Word {
                        text: w[at..].to_string(),
                        id: Some(ib),
                        edits: 1,
                    },
                )
            })
    }

    /// Glossary phrases, longest first, over corrected words.
    fn tokens(&self, words: &[Word]) -> Vec<Token> {
        let mut out = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            let mut matched = None;
            for len in (1..=self.max_phrase_words.min(words.len() - i)).rev() {
                let phrase = words[i..i + len]
                    .iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Some(&hit) = self.phrases.get(&phrase) {
                    matched = Some((hit, len));
                    break;
                }
            }
            match matched {
                Some(((c, lang), len)) => {
                    out.push(if self.concepts[c].product {
                        Token::Product { concept: c, lang }
                    } else {
                        Token::Attribute(c)
                    });
                    i += len;
                }
                None => {
                    if let Some(id) = words[i].id {
                        out.push(Token::Word {
                            id,
                            edits: words[i].edits,
                        });
                    }
                    i += 1;
                }
            }
        }
        out
    }

    fn is_descendant(&self, mut c: usize, ancestor: usize) -> bool {
        while let Some(p) = self.concepts[c].parent {
            if p == ancestor {
                return true;
            }
            c = p;
        }
        false
    }

    /// The subheading of a glossary product given the name's attributes: the row whose
    /// attributes are all present, most of them first; the parent's rows when it has none.
    fn glossary_subheading(&self, concept: usize, attributes: &[usize]) -> Option<(Hs6, f32)> {
        let mut c = Some(concept);
        while let Some(x) = c {
            let rows = &self.concepts[x].rows;
            let best = rows
                .iter()
                .filter(|(when, _)| when.iter().all(|a| attributes.contains(a)))
                .max_by_key(|(when, _)| when.len());
            if let Some((when, hs)) = best {
                // A bare head with alternatives ("kopi" with roasted and green rows) is
                // read as its default with a little less confidence.
                let confidence = if !when.is_empty() || rows.len() == 1 {
                    0.95
                } else {
                    0.9
                };
                let confidence = if x == concept {
                    confidence
                } else {
                    confidence * 0.85
                };
                return Some((*hs, confidence));
            }
            c = self.concepts[x].parent;
        }
        None
    }

    /// Reads the text alone: concepts best first (empty when it reads as nothing).
    fn read_text(&self, name: &str) -> (Vec<Concept>, Vec<String>) {
        let raw = raw_words(name);
        // The head is among the words before a preposition ("air minum dalam kemasan").
        let cut = raw
            .iter()
            .position(|w| starts_modifier(w))
            .filter(|&p| raw[..p].iter().any(|w| !is_stop(w)));
        let (head_part, rest) = raw.split_at(cut.unwrap_or(raw.len()));
        let main = self.words(&content_words(&head_part.join(" ")));
        let more = self.words(&content_words(&rest.join(" ")));
        let tokens = self.tokens(&main);
        let more_tokens = self.tokens(&more);
        let mut attributes: Vec<usize> = more_tokens
            .iter()
            .copied()
            .chain(tokens.iter().copied())
            .filter_map(|t| match t {
                Token::Attribute(a) => Some(a),
                _ => None,
            })
            .collect();
        attributes.sort_unstable();
        attributes.dedup();
        let english =
            self.language_of(&main.iter().map(|w| w.text.clone()).collect::<Vec<_>>()) == ENGLISH;
        let canonical = self.canonical(tokens.iter().chain(&more_tokens));
        (
            self.concepts_of(&tokens, &main, attributes, english),
            canonical,
        )
    }

    /// The name as one spelling: glossary phrases as their concept's key, other words as
    /// corrected, so "rumput laut kering" and "dried seaweed" compare as equal.
    fn canonical<'a>(&self, tokens: impl Iterator<Item = &'a Token>) -> Vec<String> {
        tokens
            .map(|t| match *t {
                Token::Product { concept, .. } | Token::Attribute(concept) => {
                    self.concepts[concept].name.clone()
                }
                Token::Word { id, .. } => self.vocab.word(id).to_string(),
            })
            .collect()
    }

    /// The concepts of a name's tokens: by its head, a glossary subheading or the wording.
    fn concepts_of(
        &self,
        tokens: &[Token],
        main: &[Word],
        mut attributes: Vec<usize>,
        english: bool,
    ) -> Vec<Concept> {
        let products: Vec<usize> = tokens
            .iter()
            .filter_map(|t| match *t {
                Token::Product { concept, .. } => Some(concept),
                _ => None,
            })
            .collect();
        match self.head(tokens, english) {
            Some(Token::Product { concept, .. }) => {
                // A more specific kind of the head named beside it wins ("kemasan standing
                // pouch" is a pouch); the other products named qualify it ("keranjang
                // rotan" is a basket of rattan).
                let head = products
                    .iter()
                    .copied()
                    .find(|&c| self.is_descendant(c, concept))
                    .unwrap_or(concept);
                attributes.extend(products.iter().copied().filter(|&c| c != head));
                if let Some((hs, confidence)) = self.glossary_subheading(head, &attributes) {
                    return vec![Concept {
                        hs,
                        confidence,
                        source: Source::Glossary,
                    }];
                }
                self.read_by_description(tokens, main, None, english)
            }
            Some(Token::Word { id, edits }) => {
                self.read_by_description(tokens, main, Some((id, edits)), english)
            }
            _ => self.read_by_description(tokens, main, None, english),
        }
    }

    /// The token that names what the thing is: the first (Indonesian) or last (English) that
    /// is a glossary product or a word of the HS/BTKI wording, never an attribute; in English
    /// a trailing packaging word qualifies another product ("coffee sachet").
    fn head(&self, tokens: &[Token], english: bool) -> Option<Token> {
        let mut named: Vec<Token> = tokens
            .iter()
            .copied()
            .filter(|t| match t {
                Token::Product { .. } => true,
                Token::Word { id, .. } => self.postings.contains_key(id),
                Token::Attribute(_) => false,
            })
            .collect();
        if english {
            named.reverse();
            let packaging = |t: &Token| matches!(t, Token::Product { concept, .. } if self.concepts[*concept].packaging);
            if let Some(other) = named.iter().find(|t| !packaging(t)) {
                return Some(*other);
            }
        }
        named.first().copied()
    }

    /// The subheadings whose wording holds the head word, scored by the share of the name's
    /// words (IDF-weighted; a word read as nothing counts against) they hold; the best and
    /// those close to it. Without a given head, the name's other words are tried in the
    /// language's order, less surely.
    fn read_by_description(
        &self,
        tokens: &[Token],
        words: &[Word],
        head: Option<(WordId, u8)>,
        english: bool,
    ) -> Vec<Concept> {
        let ids: Vec<WordId> = words.iter().filter_map(|w| w.id).collect();
        let unknown = words.iter().filter(|w| w.id.is_none()).count() as f32;
        let mut heads: Vec<(WordId, u8, f32)> =
            head.map(|(w, e)| (w, e, 1.0)).into_iter().collect();
        let mut others: Vec<(WordId, u8, f32)> = tokens
            .iter()
            .filter_map(|t| match *t {
                Token::Word { id, edits } => Some((id, edits, 0.7)),
                _ => None,
            })
            .filter(|(w, _, _)| self.postings.contains_key(w) && head.is_none_or(|h| h.0 != *w))
            .collect();
        if english {
            others.reverse();
        }
        heads.extend(others);
        // Glossary words with no subheading of their own still count as evidence words; an
        // unknown word weighs like a typical word.
        let total: f32 = ids.iter().map(|&w| self.idf(w).max(0.5)).sum::<f32>() + 3.0 * unknown;
        for &(head, edits, surety) in heads.iter().take(2) {
            let Some(list) = self.postings.get(&head) else {
                continue;
            };
            let mut scored: Vec<(f32, usize, Hs6)> = list
                .iter()
                .map(|&d| {
                    let doc = &self.docs[d as usize];
                    let s: f32 = ids
                        .iter()
                        .map(|&w| doc.weight(w) * self.idf(w).max(0.5))
                        .sum::<f32>()
                        / total.max(1e-6);
                    (s, doc.words.len(), doc.hs)
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
            let Some(&(best, _, _)) = scored.first() else {
                continue;
            };
            // Each edit made to read the head makes the reading less sure.
            let surety = surety * (1.0 - 0.15 * edits as f32);
            return scored
                .iter()
                .take_while(|(s, _, _)| *s >= 0.9 * best)
                .take(3)
                .map(|&(s, _, hs)| Concept {
                    hs,
                    confidence: (0.45 + 0.45 * s.min(1.0)) * surety,
                    source: Source::Description,
                })
                .collect();
        }
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(name: &str) -> Option<String> {
        Reader::shared()
            .read(name, None)
            .best()
            .map(|c| dotted(c.hs))
    }

    #[test]
    fn the_head_decides_what_a_thing_is() {
        assert_eq!(
            read("Kopi bubuk kemasan sachet").as_deref(),
            Some("0901.21")
        );
        assert_eq!(
            read("Air minum dalam kemasan").as_deref(),
            read("air mineral").as_deref()
        );
        assert_ne!(read("Air minum dalam kemasan"), read("Dus kemasan"));
        assert_eq!(read("Standing pouch"), read("kemasan standing pouch"));
    }

    #[test]
    fn processing_stages_are_different_subheadings() {
        assert_eq!(read("Kopi arabika sangrai").as_deref(), Some("0901.21"));
        assert_eq!(read("Roasted arabica coffee").as_deref(), Some("0901.21"));
        assert_eq!(read("Kopi beras arabika").as_deref(), Some("0901.11"));
        assert_eq!(
            read("green arabica coffee beans").as_deref(),
            Some("0901.11")
        );
        assert_ne!(read("Mete gelondong"), read("Kacang mete kupas"));
    }

    #[test]
    fn typos_merged_and_split_words_still_read() {
        assert_eq!(read("gula aen"), read("gula aren"));
        assert_eq!(read("tepunggandum"), read("tepung gandum"));
        assert_eq!(read("biji ete"), read("biji mete"));
        assert_eq!(read("rumput lautt kerring"), read("rumput laut kering"));
        assert!(read("wood lacuer").is_some());
    }

    #[test]
    fn a_code_wins_and_the_text_stays_beside_it() {
        let r = Reader::shared().read("Kopi arabika sangrai", Some("090111"));
        assert_eq!(
            r.best().map(|c| (c.hs, c.source)),
            Some((90111, Source::Code))
        );
        assert_eq!(r.text_beside_code().map(|c| c.hs), Some(90121));
        let r = Reader::shared().read("Pqxzt Wvbjk", None);
        assert!(!r.is_read());
        assert!(!r.grams.is_empty());
    }
}
