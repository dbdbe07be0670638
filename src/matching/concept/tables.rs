//! The reading tables: the glossary, the product subheadings and the HS and BTKI wording,
//! built once from the files compiled in.

use super::{
    lang_bit, parse_hs6, Doc, GlossaryConcept, Hs6, Reader, BTKI_CSV, GLOSSARY_CSV, PRODUCT_HS_CSV,
};
use crate::domain::Reference;
use crate::matching::text::{self, content_words, Vocabulary, WordId, ENGLISH, INDONESIAN};
use foldhash::fast::FixedState;
use std::collections::HashMap;
use std::sync::OnceLock;

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
        for w in text::STOP_WORDS {
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
}
