//! Reading a name: correcting its words, finding glossary phrases and the head, and
//! choosing the concepts it is, by glossary subheading or by the HS and BTKI wording.

use super::{parse_hs6, Concept, Concepts, Hs6, Reader, Reading, Source, Token, Word};
use crate::matching::text::{
    content_words, is_stop, raw_words, starts_modifier, trigrams, WordId, ENGLISH, INDONESIAN,
};

impl Reader {
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
